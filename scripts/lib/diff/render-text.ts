// Terminal / CI-log rendering: the gate and the security warnings first (they must not scroll by),
// then one section per template, then the verdict again as the last line.
import { allowHint, causeLine, findingTag, gateSummary, headline, useText, valueChangeText, weakeningLine } from './describe.js';
import { formatTemplateDiff } from './format-cfn.js';
import type { GateFinding } from './gate.js';
import type { DiffReport, TemplateReport } from './report.js';
import { SECURITY_TITLES } from './security.js';

export interface TextOptions {
  readonly color: boolean;
  readonly columns?: number;
  /** The compliance delta (PCI rules that change status), shown right after the gate. */
  readonly compliance?: readonly string[];
}

const paint = (color: boolean, code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

export function templatesLine(report: DiffReport): string {
  const by = (status: string) => report.templates.filter((t) => t.status === status).map((t) => t.name);
  const part = (label: string, names: string[]) => `${names.length} ${label}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
  return `${report.templates.length} templates: ${part('changed', by('changed'))}, ${part('added', by('added'))}, ${part('removed', by('removed'))}, ${by('unchanged').length} unchanged`;
}

function findingLines(f: GateFinding): string[] {
  return [`  [${findingTag(f)}] ${f.verdict.template}: ${headline(f.verdict)}`, ...f.verdict.causes.map((c) => `      - ${causeLine(c)}`)];
}

function gateBlock(report: DiffReport, color: boolean): string[] {
  const { gate } = report;
  const red = paint(color, '1;31');
  const green = paint(color, '1;32');
  const rule = '='.repeat(78);
  const summary = gateSummary(gate);
  const lines = [rule, gate.blocked.length > 0 ? red(summary) : green(summary), rule];
  for (const f of gate.findings) lines.push(...findingLines(f));
  if (gate.blocked.length > 0) {
    lines.push('', `  To accept on purpose: ALLOW_REPLACE=${allowHint(gate)} make diff   (or --allow-replace ${allowHint(gate)})`);
  }
  for (const raw of gate.unusedAllowances) lines.push(`  note: allowance "${raw}" matched no replacement or deletion`);
  return lines;
}

function warningBlock(report: DiffReport, color: boolean): string[] {
  if (report.security.length === 0 && report.weakenings.length === 0) return [];
  const loud = paint(color, '1;33');
  const bar = loud('!'.repeat(78));
  const lines = [bar];
  for (const w of report.security) {
    lines.push(loud(`!!! WARNING: ${SECURITY_TITLES[w.kind]} - ${w.template}`));
    for (const line of w.lines) lines.push(`!!!   ${line}`);
  }
  for (const w of report.weakenings) lines.push(loud(`!!! WARNING: DELETION PROTECTION WEAKENED - ${w.template}`), `!!!   ${weakeningLine(w)}`);
  lines.push(bar);
  return lines;
}

/** Parameter values that change per environment, and the resource properties they feed. */
export function parameterLines(report: DiffReport): string[] {
  const changes = report.parameterChanges ?? [];
  if (changes.length === 0) return [];
  const lines = ['Parameter values (per environment file, else the root default):'];
  for (const { change, uses } of changes) {
    lines.push(`  ${valueChangeText(change)}`);
    for (const use of uses.filter((u) => !u.condition)) lines.push(`      -> ${useText(use)}`);
    // Resources under one condition, in one line per template and condition.
    const guarded = new Map<string, string[]>();
    for (const use of uses.filter((u) => u.condition)) {
      const key = `${use.template}: condition ${use.condition}`;
      guarded.set(key, [...(guarded.get(key) ?? []), use.logicalId]);
    }
    for (const [key, ids] of guarded) lines.push(`      -> ${key} decides whether ${ids.length} resource(s) exist: ${ids.join(', ')}`);
    if (uses.length === 0) lines.push('      -> used by no resource property or condition');
  }
  return lines;
}

function templateSection(t: TemplateReport, options: TextOptions): string[] {
  const title = `---- ${t.name} (${t.status === 'changed' ? 'changed' : `${t.status} template`}) `;
  return [paint(options.color, '1')(title.padEnd(78, '-')), formatTemplateDiff(t.diff, options).trimEnd(), ''];
}

export function renderText(report: DiffReport, options: TextOptions): string {
  const lines = [`Template diff: ${report.afterLabel} against ${report.beforeLabel}`, templatesLine(report), ''];
  lines.push(...gateBlock(report, options.color), '');
  if (options.compliance) lines.push(...options.compliance, '');
  const warnings = warningBlock(report, options.color);
  if (warnings.length > 0) lines.push(...warnings, '');
  const parameters = parameterLines(report);
  if (parameters.length > 0) lines.push(...parameters, '');
  for (const t of report.templates) if (t.status !== 'unchanged') lines.push(...templateSection(t, options));
  const unchanged = report.templates.filter((t) => t.status === 'unchanged').map((t) => t.name);
  if (unchanged.length > 0) lines.push(`Unchanged: ${unchanged.join(', ')}`, '');
  lines.push(`${gateSummary(report.gate)}${report.security.length > 0 ? ` | ${report.security.length} security warning(s) above` : ''}`);
  return `${lines.join('\n')}\n`;
}
