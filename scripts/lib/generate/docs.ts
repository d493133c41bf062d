// The numbers and tables of README.md and docs/*.md that the sources decide, written by
// make generate instead of by hand: a fact between markers
//   <!-- fact:rules -->74<!-- /fact -->
// and a table between
//   <!-- table:rules -->  …  <!-- /table:rules -->
// A marker naming an unknown fact or table is an error naming the file.
import { KEY_CLASSES, ENVIRONMENTS } from '../../../templates-src/config.js';
import type { Template } from '../../../templates-src/core/template.js';
import { buildPlatform } from '../../../templates-src/platform.js';
import type { Rule } from '../check/types.js';

export type Facts = Readonly<Record<string, string>>;
export type Tables = Readonly<Record<string, string>>;

const resourcesOf = (template: Template) => template.render().Resources ?? {};

/** Counts the docs quote, from the template sources and the rules. */
export function platformFacts(rules: readonly Rule[]): Facts {
  const { root, layers } = buildPlatform();
  const templates = [root, ...layers].map(resourcesOf);
  const all = templates.flatMap((resources) => Object.values(resources));
  const interfaceEndpoints = all.filter((r) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties?.VpcEndpointType === 'Interface');
  const facts = {
    rules: rules.length,
    layers: layers.length,
    'platform-templates': templates.length,
    'platform-resources': all.length,
    'platform-resource-types': new Set(all.map((r) => r.Type)).size,
    'kms-keys': KEY_CLASSES.length,
    'check-contexts': 1 + ENVIRONMENTS.length,
    'interface-endpoints': interfaceEndpoints.length,
  };
  return Object.fromEntries(Object.entries(facts).map(([name, value]) => [name, String(value)]));
}

const cell = (values: readonly string[]): string => (values.length > 0 ? values.join(', ') : '—');

/** The rule table of docs/compliance.md: one row per rule, in ID order. */
export function ruleTable(rules: readonly Rule[]): string {
  const rows = rules.map(
    (r) => `| ${r.id} | ${r.title} | ${r.requirements.join(', ')} | ${cell(r.references.securityHub)} | ${cell(r.references.configRules)} | ${r.scope ?? 'all'} |`,
  );
  return ['| rule | control | PCI DSS v4.0 | Security Hub | AWS Config | enforced |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

const FACT = /<!-- fact:([a-z0-9-]+) -->(.*?)<!-- \/fact -->/g;
const TABLE = /<!-- table:([a-z0-9-]+) -->\n([\s\S]*?)\n<!-- \/table:\1 -->/g;

/** `text` with every marked fact and table written from `facts` and `tables`. */
export function renderDoc(file: string, text: string, facts: Facts, tables: Tables): string {
  const unknown: string[] = [];
  const filled = text
    .replace(FACT, (whole, name: string) => {
      if (!(name in facts)) unknown.push(`fact:${name}`);
      return name in facts ? `<!-- fact:${name} -->${facts[name]}<!-- /fact -->` : whole;
    })
    .replace(TABLE, (whole, name: string) => {
      if (!(name in tables)) unknown.push(`table:${name}`);
      return name in tables ? `<!-- table:${name} -->\n${tables[name]}\n<!-- /table:${name} -->` : whole;
    });
  if (unknown.length > 0)
    throw new Error(`${file}: unknown generated ${unknown.join(', ')}; known facts: ${Object.keys(facts).join(', ')}; tables: ${Object.keys(tables).join(', ')}`);
  return filled;
}

/** A block between two marker lines replaced (the emulator's coverage table); throws when the markers are missing. */
export function replaceBlock(file: string, text: string, begin: string, end: string, content: string): string {
  const start = text.indexOf(begin);
  const stop = text.indexOf(end, start);
  if (start < 0 || stop < 0) throw new Error(`${file}: no generated block (${begin} … ${end}) to replace`);
  return text.slice(0, start) + content.replace(/\n$/, '') + text.slice(stop + end.length);
}
