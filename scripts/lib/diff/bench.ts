// Benchmark entry points for scripts/bench.ts (make bench): the work of `make diff` over the whole
// platform, in memory, without git or AWS. Add to STEPS there, e.g.
//   { name: 'diff', what: 'semantic diff + gate, every template, one RDS replacement', module: 'scripts/lib/diff/bench.ts', fn: 'diffPlatformChange' }
import { GENERATED_TEMPLATES } from '../paths.js';
import { buildReport } from './report.js';
import { renderMarkdown } from './render-markdown.js';
import { renderText } from './render-text.js';
import { templatesFromDir } from './source-dir.js';
import type { CfnTemplate, TemplateSet } from './types.js';

/** generated/templates against a copy where the database is renamed in place (replacement) and one tag changes (a nested path: the spec is loaded). */
export function diffPlatformChange(): { blocked: number; outputBytes: number } {
  const before = templatesFromDir(GENERATED_TEMPLATES);
  const templates = new Map<string, CfnTemplate>([...before.templates].map(([name, t]) => [name, structuredClone(t)]));
  const database = Object.values(templates.get('database.yaml')?.Resources ?? {}).find((r) => r.Type === 'AWS::RDS::DBInstance');
  if (!database?.Properties) throw new Error('generated/templates/database.yaml: no AWS::RDS::DBInstance to change');
  database.Properties.DBName = 'bench_renamed';
  const tags = database.Properties.Tags as { Key: string; Value: unknown }[] | undefined;
  if (tags?.[0]) tags[0].Value = 'bench';
  const after: TemplateSet = { label: 'bench', templates, parameters: before.parameters };
  const report = buildReport(before, after, []);
  const output = renderText(report, { color: false }) + renderMarkdown(report);
  return { blocked: report.gate.blocked.length, outputBytes: output.length };
}

/** generated/templates against itself: the cost of a diff with nothing to report. */
export function diffPlatformUnchanged(): void {
  const set = templatesFromDir(GENERATED_TEMPLATES);
  renderText(buildReport(set, set, []), { color: false });
}
