// make check: PCI DSS v4.0 controls over the generated templates in every context (defaults and
// each environment's parameter file), the segmentation proof and its flow table, diagrams and the
// evidence report in generated/compliance/. Exits 1 when a control fails, 2 on bad input.
//
//   tsx scripts/check.ts [--templates <dir|file>] [--parameters <dir>] [--out <dir>] [--no-report]
//   tsx scripts/check.ts --verify <bundle dir> [--commit <git ref>]   (does a bundle match the checkout / a commit?)
import { join } from 'node:path';
import { CheckInputError } from './lib/check/inputs.js';
import { writeReport } from './lib/check/report.js';
import { evidenceBundle } from './lib/evidence/bundle.js';
import { CoverageError } from './lib/evidence/results.js';
import { verifyBundle } from './lib/evidence/provenance.js';
import { failures, primaryContext, runChecks, segmentationOf, type CheckRun } from './lib/check/run.js';
import { GENERATED, GENERATED_PARAMETERS, GENERATED_TEMPLATES } from './lib/paths.js';

interface Args {
  templates: string;
  parameters?: string;
  out?: string;
  report: boolean;
  verify?: string;
  commit?: string;
}

const USAGE = 'usage: tsx scripts/check.ts [--templates <dir|file>] [--parameters <dir>] [--out <dir>] [--no-report] | --verify <bundle dir> [--commit <git ref>]';

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { templates: GENERATED_TEMPLATES, parameters: GENERATED_PARAMETERS, report: true };
  let custom = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new CheckInputError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--templates') {
      args.templates = value();
      custom = true;
    } else if (flag === '--parameters') args.parameters = value();
    else if (flag === '--out') args.out = value();
    else if (flag === '--no-report') args.report = false;
    else if (flag === '--verify') args.verify = value();
    else if (flag === '--commit') args.commit = value();
    else throw new CheckInputError(`unknown argument "${flag}"\n${USAGE}`);
  }
  // Fixtures come without parameter files unless given; the report goes to generated/ only for the real templates.
  if (custom && !argv.includes('--parameters')) args.parameters = undefined;
  if (args.commit !== undefined && args.verify === undefined) throw new CheckInputError(`--commit needs --verify <bundle dir>\n${USAGE}`);
  if (!custom && args.out === undefined) args.out = join(GENERATED, 'compliance');
  return args;
}

/** A plain-text table with aligned columns. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function summary(run: CheckRun): string {
  const out: string[] = [];
  const total = run.timings.loadMs + run.timings.contextsMs + run.timings.rulesMs;
  out.push(
    `check: ${run.rules.length} rules × ${run.contextNames.length} contexts (${run.contextNames.join(', ')}) over ${run.inputs.templates.length} templates in ${total.toFixed(0)} ms (rules ${run.timings.rulesMs.toFixed(0)} ms)`,
  );
  const count = (s: string): number => run.results.filter((r) => r.status === s).length;
  out.push(`  pass ${count('pass')} · fail ${count('fail')} · suppressed ${count('suppressed')} · not applicable ${count('not-applicable')} (rule × context)`);
  // Failing resources, merged across contexts when the message is the same.
  const merged = new Map<string, { rule: string; title: string; resource: string; message: string; contexts: string[] }>();
  for (const result of failures(run)) {
    const rule = run.rules.find((r) => r.id === result.ruleId)!;
    for (const res of result.resources.filter((r) => r.status === 'fail')) {
      const key = `${rule.id}|${res.layer}/${res.logicalId}|${res.message}`;
      const entry = merged.get(key) ?? { rule: rule.id, title: rule.title, resource: `${res.layer}/${res.logicalId}`, message: res.message, contexts: [] };
      entry.contexts.push(result.context);
      merged.set(key, entry);
    }
  }
  let lastRule = '';
  for (const f of merged.values()) {
    if (f.rule !== lastRule) out.push('', `FAIL ${f.rule} ${f.title}`);
    lastRule = f.rule;
    out.push(`  ${f.resource} [${f.contexts.join(', ')}]: ${f.message}`);
  }
  const primary = primaryContext(run);
  const seg = segmentationOf(run, primary)!;
  out.push('', `Segmentation proof (${primary}):`);
  for (const p of Object.values(seg.properties)) {
    const broken = p.findings.filter((f) => !f.holds).length;
    // A violation the register of exceptions accepts (the property's rule is suppressed there) is not a failure.
    const result = run.results.find((r) => r.ruleId === SEGMENTATION_RULES[p.id] && r.context === primary);
    const excepted = result !== undefined && result.status !== 'fail' && result.resources.some((r) => r.status === 'suppressed');
    const mark = !p.applicable ? 'n/a ' : broken === 0 ? 'ok  ' : excepted ? 'ok* ' : 'FAIL';
    const count = broken > 0 ? ` (${broken} violation${broken > 1 ? 's' : ''}${excepted ? `, accepted in the register of exceptions under ${SEGMENTATION_RULES[p.id]}` : ''})` : '';
    out.push(`  ${mark} ${p.title}${p.note ? ` — ${p.note}` : ''}${count}`);
  }
  out.push(
    '',
    `Allowed flows (${primary}):`,
    textTable(
      ['source', 'destination', 'port', 'protocol', 'via'],
      seg.flows.map((f) => [f.source, f.destination, f.port, f.protocol, f.via]),
    ),
  );
  return out.join('\n');
}

/** The PCI rule that reports each segmentation property (scripts/lib/check/rules/PCI-SEG-*). */
const SEGMENTATION_RULES = { 'internet-ingress': 'PCI-SEG-001', 'data-store-ingress': 'PCI-SEG-002', 'isolated-tier': 'PCI-SEG-003' } as const;

function verify(dir: string, commit?: string): number {
  try {
    const result = verifyBundle(dir, commit);
    console.log(result.lines.join('\n  '));
    return result.ok ? 0 : 1;
  } catch (error) {
    console.error(`check --verify: ${(error as Error).message}`);
    return 2;
  }
}

function main(): number {
  let args: Args;
  let run: CheckRun;
  try {
    args = parseArgs(process.argv.slice(2));
    if (args.verify !== undefined) return verify(args.verify, args.commit);
    run = runChecks({ templates: args.templates, parameters: args.parameters });
  } catch (error) {
    if (error instanceof CheckInputError) {
      console.error(`check: ${error.message}`);
      return 2;
    }
    throw error;
  }
  console.log(summary(run));
  if (args.report && args.out) {
    let files: Record<string, string>;
    try {
      files = evidenceBundle(run, { templates: args.templates, parameters: args.parameters });
    } catch (error) {
      if (error instanceof CoverageError) {
        console.error(`check: ${error.message}`);
        return 2;
      }
      throw error;
    }
    const written = writeReport(files, args.out);
    console.log(`\nevidence: ${written.length} files in ${args.out} (${Object.keys(files).join(', ')})`);
  }
  const failed = failures(run);
  if (failed.length > 0) {
    console.log(`\ncheck: FAILED — ${new Set(failed.map((r) => r.ruleId)).size} rule(s) fail (an exception needs a written reason in the resource's suppress: option)`);
    return 1;
  }
  console.log('\ncheck: every control holds in every context');
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
