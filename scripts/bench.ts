// make bench: wall time and peak memory of each pipeline step over the whole platform.
// Each step runs in its own Node process (so peak RSS is the step's own), several times; the
// figures printed are the median wall time and the largest peak RSS seen.
//
//   npx tsx scripts/bench.ts [step ...] [--runs N]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lib/paths.js';

interface Step {
  readonly name: string;
  readonly what: string;
  /** Module and export to run in the child; it must be an async or sync function without arguments. */
  readonly module: string;
  readonly fn: string;
  readonly runs?: number;
}

export const STEPS: readonly Step[] = [
  { name: 'build', what: 'render every template + parameter file (in memory)', module: 'scripts/lib/render.ts', fn: 'renderAll' },
  { name: 'validate', what: 'ajv + integrity, cached validators', module: 'scripts/lib/validate/bench.ts', fn: 'validateCached' },
  { name: 'validate-cold', what: 'ajv + integrity, every validator compiled', module: 'scripts/lib/validate/bench.ts', fn: 'validateCold' },
  { name: 'check', what: 'every PCI rule × 4 contexts + segmentation proof + report/diagrams (in memory)', module: 'scripts/lib/check/bench.ts', fn: 'checkPlatformOnce' },
  { name: 'diff', what: 'semantic diff + data-loss gate, every template, one RDS replacement', module: 'scripts/lib/diff/bench.ts', fn: 'diffPlatformChange' },
  { name: 'package', what: 'package into a new artifact bucket', module: 'scripts/lib/deploy/bench.ts', fn: 'benchPackage', runs: 3 },
  { name: 'package-again', what: 'package, nothing changed', module: 'scripts/lib/deploy/bench.ts', fn: 'benchPackageUnchanged', runs: 3 },
  { name: 'deploy', what: 'make deploy ENV=dev, whole platform from nothing', module: 'scripts/lib/deploy/bench.ts', fn: 'benchDeploy', runs: 3 },
  { name: 'deploy-again', what: 'make deploy ENV=dev, nothing to change (target ≤ 3 s)', module: 'scripts/lib/deploy/bench.ts', fn: 'benchDeployUnchanged', runs: 3 },
  {
    name: 'stackset-again',
    what: 'make stackset, nothing to change: the platform in 3 accounts × 2 regions',
    module: 'scripts/lib/stackset/bench.ts',
    fn: 'benchStacksetUnchanged',
    runs: 3,
  },
  { name: 'stackset-plan', what: 'make stackset-plan of those 6 instances', module: 'scripts/lib/stackset/bench.ts', fn: 'benchStacksetPlan', runs: 3 },
  { name: 'validate-all', what: 'ajv + integrity + cfn-lint (2 processes; their memory not counted)', module: 'scripts/lib/validate/bench.ts', fn: 'validateWithCfnLint', runs: 3 },
];

const CHILD = `
const [module, fn] = process.argv.slice(-2);
const mod = await import(module);
const started = performance.now();
await mod[fn]();
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }));
`;

function runOnce(step: Step): { ms: number; maxRssKb: number } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, '--', join(ROOT, step.module), step.fn], {
    cwd: ROOT,
    encoding: 'utf8',
    env: process.env,
  });
  if (result.status !== 0) throw new Error(`bench ${step.name} failed:\n${result.stderr}`);
  const line = result.stdout.trim().split('\n').pop()!;
  return JSON.parse(line.slice(line.indexOf('{')));
}

const BENCH_PORT = process.env.EMULATOR_BENCH_PORT ?? '5099';
const emulator = (command: 'status' | 'down') =>
  spawnSync('bash', [join(ROOT, 'scripts', 'emulator', 'emulator.sh'), command], { env: { ...process.env, EMULATOR_PORT: BENCH_PORT }, encoding: 'utf8' });

function main(): void {
  // The bench starts an emulator of its own on BENCH_PORT when a step needs one: stop it afterwards
  // unless it was already running before (then it is someone's, and left alone).
  const wasRunning = emulator('status').status === 0;
  try {
    runSteps();
  } finally {
    if (!wasRunning && emulator('status').status === 0) console.log(`bench: ${emulator('down').stdout.trim()} (the bench's emulator on :${BENCH_PORT})`);
  }
}

function runSteps(): void {
  const args = process.argv.slice(2);
  const runsFlag = args.indexOf('--runs');
  const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : undefined;
  const wanted = args.filter((a, i) => !a.startsWith('--') && (runsFlag < 0 || i !== runsFlag + 1));
  const steps = wanted.length > 0 ? STEPS.filter((s) => wanted.includes(s.name)) : STEPS;
  console.log(`bench: ${steps.length} steps, node ${process.version}, ${process.platform}/${process.arch}`);
  console.log('step'.padEnd(14) + 'median ms'.padStart(11) + 'min ms'.padStart(9) + 'peak RSS MB'.padStart(13) + '  what');
  for (const step of steps) {
    const n = runs ?? step.runs ?? 5;
    const samples = Array.from({ length: n }, () => runOnce(step));
    const times = samples.map((s) => s.ms).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const peakMb = Math.max(...samples.map((s) => s.maxRssKb)) / 1024;
    console.log(step.name.padEnd(14) + median.toFixed(1).padStart(11) + times[0].toFixed(1).padStart(9) + peakMb.toFixed(1).padStart(13) + `  ${step.what} (${n} runs)`);
  }
}

main();
