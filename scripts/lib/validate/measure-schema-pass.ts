// Measures what the ajv resource-schema pass catches that tsc (the typed template model) and
// cfn-lint miss, and how fast each is (docs/validate.md, "Why the ajv pass").
//
// Corpus: the hand-written broken fixtures of test/fixtures/validate/schema-*, plus one mutant
// per mistake kind per resource type of the real templates (generated/), each mutant a copy of its
// template with that one mistake: a misspelt property, a wrong type, a value outside an enum, a
// value the pattern rejects, a string over maxLength, a number out of range, a required property
// missing. The unmutated templates are clean for all three, so any finding in a mutant is the
// mutation's.
//
//   npx tsx scripts/lib/validate/measure-schema-pass.ts [--json <file>]
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { toYaml } from '../../../templates-src/core/yaml.js';
import { loadTemplate, type CfnTemplate } from '../cfn/index.js';
import { GENERATED, ROOT } from '../paths.js';
import { findCfnLint } from './cfn-lint-install.js';
import { runCfnLint } from './cfnlint.js';
import { resolveLocalRef, type JsonSchema } from './prepare-schema.js';
import { validateTemplateSchemas } from './schema.js';
import { ValidatorCache } from './validators.js';

export type Kind = 'unknown-property' | 'wrong-type' | 'enum' | 'pattern' | 'max-length' | 'range' | 'missing-required' | 'fixture';

export interface Mutant {
  readonly id: string;
  readonly kind: Kind;
  readonly type: string;
  readonly logicalId: string;
  readonly property: string;
  /** What was done, e.g. RetentionInDays: 366. */
  readonly change: string;
  readonly file: string;
  readonly template: CfnTemplate;
  /** For tsc: the property as the typed model would get it (undefined: not expressible in the model's types). */
  readonly ts?: { readonly props: string; readonly missing?: string };
}

export interface Verdict {
  readonly mutant: Mutant;
  readonly ajv: boolean;
  readonly cfnLint: boolean;
  /** undefined when the mistake is not a typed-model one (a foreign fixture). */
  readonly tsc?: boolean;
  readonly ajvSays?: string;
  readonly cfnLintSays?: string;
}

const TEMPLATE_DIRS = ['templates', 'standalone', 'stacksets'];
const isLiteral = (v: unknown): boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function sourceTemplates(): { dir: string; file: string; template: CfnTemplate }[] {
  return TEMPLATE_DIRS.flatMap((dir) =>
    readdirSync(join(GENERATED, dir))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((file) => ({ dir, file, template: loadTemplate(readFileSync(join(GENERATED, dir, file), 'utf8'), file) })),
  );
}

/** A value the pattern (as ajv compiles it) rejects, if one of a few candidates does. */
function failingValue(pattern: string): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  return ['!! not valid !!', ' ', '', '\n', 'x'.repeat(300), 'UPPER lower 123 ~'].find((candidate) => !re.test(candidate));
}

interface PropertyMutation {
  readonly kind: Kind;
  readonly change: string;
  readonly apply: (props: Record<string, unknown>) => void;
  readonly ts?: Mutant['ts'];
}

/** The mutations a resource's literal top-level properties allow, one per kind. */
function mutationsOf(props: Record<string, unknown>, schema: JsonSchema, raw: JsonSchema): PropertyMutation[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const tsLiteral = (value: Record<string, unknown>) => JSON.stringify(value);
  const found = new Map<Kind, PropertyMutation>();
  const add = (m: PropertyMutation) => (found.has(m.kind) ? undefined : found.set(m.kind, m));
  for (const [name, value] of Object.entries(props)) {
    const node = resolveLocalRef(raw, properties[name]);
    if (!node) continue;
    const misspelt = name.slice(0, -1);
    add({
      kind: 'unknown-property',
      change: `${name} → ${misspelt}`,
      apply: (p) => ((p[misspelt] = p[name]), delete p[name]),
      ts: { props: tsLiteral({ [misspelt]: isLiteral(value) ? value : 'x' }) },
    });
    if (required.has(name)) add({ kind: 'missing-required', change: `${name} removed`, apply: (p) => delete p[name], ts: { props: '{}', missing: name } });
    if (!isLiteral(value) && !Array.isArray(value)) continue;
    const t = node.type;
    if (t === 'integer' || t === 'number') add({ kind: 'wrong-type', change: `${name}: "many"`, apply: (p) => (p[name] = 'many'), ts: { props: tsLiteral({ [name]: 'many' }) } });
    else if (t === 'boolean') add({ kind: 'wrong-type', change: `${name}: "sometimes"`, apply: (p) => (p[name] = 'sometimes'), ts: { props: tsLiteral({ [name]: 'sometimes' }) } });
    else if (t === 'string' && isLiteral(value))
      add({ kind: 'wrong-type', change: `${name}: a list`, apply: (p) => (p[name] = ['a', 'b']), ts: { props: tsLiteral({ [name]: ['a', 'b'] }) } });
    else if (t === 'array' && Array.isArray(value))
      add({ kind: 'wrong-type', change: `${name}: a string`, apply: (p) => (p[name] = 'one'), ts: { props: tsLiteral({ [name]: 'one' }) } });
    if (!isLiteral(value)) continue;
    if (Array.isArray(node.enum) && node.enum.every((e) => typeof e === 'string'))
      add({ kind: 'enum', change: `${name}: "NotAllowed"`, apply: (p) => (p[name] = 'NotAllowed'), ts: { props: tsLiteral({ [name]: 'NotAllowed' }) } });
    if (typeof node.pattern === 'string' && t !== 'integer' && t !== 'number') {
      const bad = failingValue(String(node.pattern).replace(/\\A|\\Z|\\z/g, ''));
      if (bad !== undefined)
        add({
          kind: 'pattern',
          change: `${name}: ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 8)}…` : bad)}`,
          apply: (p) => (p[name] = bad),
          ts: { props: tsLiteral({ [name]: bad }) },
        });
    }
    if (typeof node.maxLength === 'number' && node.maxLength < 100_000) {
      const long = 'a'.repeat(node.maxLength + 1);
      add({ kind: 'max-length', change: `${name}: ${node.maxLength + 1} characters`, apply: (p) => (p[name] = long), ts: { props: tsLiteral({ [name]: long }) } });
    }
    if (typeof node.maximum === 'number')
      add({
        kind: 'range',
        change: `${name}: ${node.maximum + 1}`,
        apply: (p) => (p[name] = (node.maximum as number) + 1),
        ts: { props: tsLiteral({ [name]: (node.maximum as number) + 1 }) },
      });
    else if (typeof node.minimum === 'number')
      add({
        kind: 'range',
        change: `${name}: ${node.minimum - 1}`,
        apply: (p) => (p[name] = (node.minimum as number) - 1),
        ts: { props: tsLiteral({ [name]: (node.minimum as number) - 1 }) },
      });
  }
  return [...found.values()];
}

/** One mutant per kind per resource type of the real templates, plus the hand-written fixtures. */
export function corpus(cache: ValidatorCache): Mutant[] {
  const mutants: Mutant[] = [];
  const seenTypes = new Set<string>();
  for (const { dir, file, template } of sourceTemplates()) {
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (seenTypes.has(resource.Type) || !cache.has(resource.Type) || !resource.Properties) continue;
      seenTypes.add(resource.Type);
      const raw = cache.rawSchema(resource.Type)!;
      for (const m of mutationsOf(resource.Properties, raw, raw)) {
        const copy = structuredClone(template);
        m.apply(copy.Resources![logicalId].Properties!);
        const id = `m${String(mutants.length + 1).padStart(4, '0')}`;
        mutants.push({
          id,
          kind: m.kind,
          type: resource.Type,
          logicalId,
          property: m.change.split(/[:→ ]/)[0],
          change: m.change,
          file: `${id}-${dir}-${file}`,
          template: copy,
          ts: m.ts,
        });
      }
    }
  }
  const fixtures = join(ROOT, 'test', 'fixtures', 'validate');
  for (const name of readdirSync(fixtures)
    .filter((n) => n.startsWith('schema-') && n !== 'schema-intrinsics-accepted')
    .sort()) {
    const template = loadTemplate(readFileSync(join(fixtures, name, 'template.yaml'), 'utf8'), name);
    const id = `f${String(mutants.length + 1).padStart(4, '0')}`;
    mutants.push({ id, kind: 'fixture', type: '-', logicalId: '-', property: '-', change: name, file: `${id}-${name}.yaml`, template });
  }
  return mutants;
}

/** Long-form intrinsics back to what the YAML emitter writes (short-form tags). */
const toText = (template: CfnTemplate): string => toYaml(template);

/** Which mutants the typed model rejects: each as one declaration of a generated TypeScript file, compiled once. */
function tscVerdicts(mutants: readonly Mutant[]): Map<string, boolean> {
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'measure-'));
  try {
    const lines = [`import type { ResourceTypes } from '${join(ROOT, 'templates-src', 'spec-types', 'index.js')}';`];
    const at = new Map<number, string>();
    for (const m of mutants) {
      if (!m.ts) continue;
      const t = JSON.stringify(m.type);
      at.set(lines.length, m.id);
      lines.push(
        m.ts.missing !== undefined
          ? `export const ${m.id}: ResourceTypes[${t}]['props'] = {} as Omit<ResourceTypes[${t}]['props'], ${JSON.stringify(m.ts.missing)}>;`
          : `export const ${m.id}: Partial<ResourceTypes[${t}]['props']> = ${m.ts.props};`,
      );
    }
    const file = join(dir, 'mutants.ts');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: [],
    });
    const source = program.getSourceFile(file)!;
    const rejected = new Set<string>();
    for (const d of program.getSemanticDiagnostics(source)) {
      const line = source.getLineAndCharacterOfPosition(d.start ?? 0).line;
      const id = at.get(line);
      if (id) rejected.add(id);
    }
    return new Map([...at.values()].map((id) => [id, rejected.has(id)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measure(): Promise<{ verdicts: Verdict[]; timings: Record<string, number> }> {
  const install = findCfnLint();
  const cache = new ValidatorCache(install);
  const mutants = corpus(cache);
  const dir = mkdtempSync(join(tmpdir(), 'measure-schema-'));
  try {
    // The real templates beside the mutants: nested stacks' local TemplateURLs resolve.
    for (const sub of TEMPLATE_DIRS) for (const f of readdirSync(join(GENERATED, sub))) writeFileSync(join(dir, f), readFileSync(join(GENERATED, sub, f)));
    for (const m of mutants) writeFileSync(join(dir, m.file), toText(m.template));
    const ajvStarted = performance.now();
    const ajvFindings = new Map(mutants.map((m) => [m.id, validateTemplateSchemas(m.file, m.template, cache)]));
    const ajvMs = performance.now() - ajvStarted;
    const lint = await runCfnLint(
      install,
      dir,
      mutants.map((m) => m.file),
    );
    const lintByFile = new Map<string, string[]>();
    for (const f of lint.findings) lintByFile.set(f.file, [...(lintByFile.get(f.file) ?? []), f.rule]);
    const tscStarted = performance.now();
    const tsc = tscVerdicts(mutants);
    const tscMs = performance.now() - tscStarted;
    const verdicts = mutants.map((mutant): Verdict => {
      const ajv = ajvFindings.get(mutant.id) ?? [];
      const cfn = lintByFile.get(mutant.file) ?? [];
      return { mutant, ajv: ajv.length > 0, cfnLint: cfn.length > 0, tsc: tsc.get(mutant.id), ajvSays: ajv[0] && `${ajv[0].path}: ${ajv[0].rule}`, cfnLintSays: cfn[0] };
    });
    return { verdicts, timings: { mutants: mutants.length, ajvMs, cfnLintMs: lint.ms, tscMs } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function summarise(verdicts: readonly Verdict[]): string {
  const kinds = [...new Set(verdicts.map((v) => v.mutant.kind))];
  const rows = kinds.map((kind) => {
    const of = verdicts.filter((v) => v.mutant.kind === kind);
    const n = (p: (v: Verdict) => boolean) => of.filter(p).length;
    const tscKnown = of.filter((v) => v.tsc !== undefined);
    return `| ${kind} | ${of.length} | ${n((v) => v.ajv)} | ${n((v) => v.cfnLint)} | ${tscKnown.length > 0 ? `${n((v) => v.tsc === true)} of ${tscKnown.length}` : '—'} | ${n((v) => v.ajv && !v.cfnLint && v.tsc !== true)} | ${n((v) => v.cfnLint && !v.ajv)} |`;
  });
  return ['| mistake | mutants | ajv | cfn-lint | tsc | ajv only | cfn-lint only |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/scripts\//, 'scripts/'))) {
  const { verdicts, timings } = await measure();
  console.log(summarise(verdicts));
  console.log('\ntimings', JSON.stringify(timings));
  const only = (label: string, p: (v: Verdict) => boolean) => {
    const list = verdicts.filter(p);
    console.log(`\n${label}: ${list.length}`);
    for (const v of list)
      console.log(
        `  ${v.mutant.kind} ${v.mutant.type} ${v.mutant.logicalId} ${v.mutant.change} | ajv: ${v.ajvSays ?? '-'} | cfn-lint: ${v.cfnLintSays ?? '-'} | tsc: ${v.tsc ?? '-'}`,
      );
  };
  only('caught by ajv, missed by cfn-lint', (v) => v.ajv && !v.cfnLint);
  only('caught by cfn-lint, missed by ajv', (v) => v.cfnLint && !v.ajv);
  only('missed by both', (v) => !v.ajv && !v.cfnLint);
  const json = process.argv.indexOf('--json');
  if (json > 0)
    writeFileSync(
      process.argv[json + 1],
      JSON.stringify(
        verdicts.map(({ mutant: { template: _template, ...m }, ...v }) => ({ ...m, ...v })),
        null,
        1,
      ),
    );
}
