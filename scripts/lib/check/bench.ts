// Benchmark of make check: wall time of each phase, median over several runs, printed as figures.
// scripts/bench.ts (the lead's) calls benchmarkCheck(); it is not a timed unit test.
import { evidenceBundle } from '../evidence/bundle.js';
import { runChecks, type CheckOptions } from './run.js';
import { GENERATED_PARAMETERS, GENERATED_TEMPLATES } from '../paths.js';

export interface CheckBenchmark {
  readonly runs: number;
  readonly rules: number;
  readonly contexts: number;
  readonly resources: number;
  /** Medians in milliseconds. */
  readonly loadMs: number;
  readonly contextsMs: number;
  readonly rulesMs: number;
  readonly reportMs: number;
  readonly totalMs: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function benchmarkCheck(options: CheckOptions = { templates: GENERATED_TEMPLATES, parameters: GENERATED_PARAMETERS }, runs = 5): CheckBenchmark {
  const samples = { load: [] as number[], contexts: [] as number[], rules: [] as number[], report: [] as number[] };
  let last = runChecks(options);
  for (let i = 0; i < runs; i++) {
    last = runChecks(options);
    const start = performance.now();
    evidenceBundle(last, options);
    samples.report.push(performance.now() - start);
    samples.load.push(last.timings.loadMs);
    samples.contexts.push(last.timings.contextsMs);
    samples.rules.push(last.timings.rulesMs);
  }
  const result = {
    runs,
    rules: last.rules.length,
    contexts: last.groups.flat().length,
    resources: last.groups.flat().reduce((n, c) => n + c.allResources().length, 0),
    loadMs: median(samples.load),
    contextsMs: median(samples.contexts),
    rulesMs: median(samples.rules),
    reportMs: median(samples.report),
    totalMs: 0,
  };
  return { ...result, totalMs: result.loadMs + result.contextsMs + result.rulesMs + result.reportMs };
}

export function formatCheckBenchmark(b: CheckBenchmark): string {
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  return [
    `check: ${b.rules} rules over ${b.contexts} evaluation contexts (${b.resources} resources in all), median of ${b.runs} runs`,
    `  load + parse ${ms(b.loadMs)} · contexts ${ms(b.contextsMs)} · all rules + segmentation ${ms(b.rulesMs)} · report, diagrams and exports ${ms(b.reportMs)} · total ${ms(b.totalMs)}`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatCheckBenchmark(benchmarkCheck()));

/** One full make check without writing files (rules over every context + report rendering), for scripts/bench.ts. */
export function checkPlatformOnce(): void {
  const options = { templates: GENERATED_TEMPLATES, parameters: GENERATED_PARAMETERS };
  evidenceBundle(runChecks(options), options);
}
