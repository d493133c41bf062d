// make stackset | stackset-plan | stackset-drift MANIFEST=stacksets/<name>.yaml
//
//   apply     package, create/update the stack set, add/update/remove instances to match, wait, table
//   plan      what apply would change (read-only), waves and an estimated duration
//   drift     drift detection on every instance; drifted instances and resources
//   estimate  waves and duration for a hypothetical scale: --accounts N [--regions N] (no AWS calls)
//
// Exit codes: 0 done; 1 an operation failed, failures over the tolerance, or an AWS error;
// 2 bad usage or an invalid manifest (nothing called); 3 drift found; 4 drift detection not
// supported by the emulator.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AwsCallError, AwsTargetError, assertCredentials, resolveTarget } from './lib/aws.js';
import { ROOT } from './lib/paths.js';
import { StackSetApi, cliRunner } from './lib/stackset/api.js';
import { DriftNotSupported, StackSetMissing, detectDrift, driftedCount, formatDrift } from './lib/stackset/drift.js';
import { estimateRollout, formatEstimate } from './lib/stackset/estimate.js';
import { ManifestError, loadManifest, type StackSetSpec } from './lib/stackset/manifest.js';
import { OperationTimeout } from './lib/stackset/operations.js';
import { applyRollout, estimateLines, minutesPerStack, planRollout, type RolloutContext } from './lib/stackset/rollout.js';
import { TemplateSourceError } from './lib/stackset/template-source.js';

export const EXIT = { ok: 0, failed: 1, invalid: 2, drifted: 3, driftUnsupported: 4 } as const;

const COMMANDS = ['apply', 'plan', 'drift', 'estimate'] as const;
type Command = (typeof COMMANDS)[number];

class UsageError extends Error {}

function availableManifests(): string {
  try {
    return readdirSync(join(ROOT, 'stacksets')).filter((f) => f.endsWith('.yaml')).map((f) => `stacksets/${f}`).join(', ');
  } catch {
    return '(none)';
  }
}

function parseCommandLine(argv: string[]) {
  // make stackset without MANIFEST= passes a bare --manifest: report it as the missing manifest it is.
  const args = argv.at(-1) === '--manifest' ? argv.slice(0, -1) : argv;
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      manifest: { type: 'string' },
      'delete-stacks': { type: 'boolean', default: false },
      accounts: { type: 'string' },
      regions: { type: 'string' },
    },
  });
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command)) throw new UsageError(`usage: stackset.ts ${COMMANDS.join('|')} --manifest stacksets/<name>.yaml`);
  if (!values.manifest) throw new UsageError(`MANIFEST is required, e.g. make stackset MANIFEST=stacksets/payments-prod.yaml; available: ${availableManifests()}`);
  return { command, manifest: values.manifest, deleteStacks: values['delete-stacks'] || process.env.DELETE_STACKS === '1', accounts: values.accounts, regions: values.regions };
}

const log = (line: string): void => console.log(line);

function rolloutContext(spec: StackSetSpec, deleteStacks: boolean): RolloutContext {
  const target = resolveTarget();
  if (target.kind === 'aws') assertCredentials(target);
  const pollSeconds = Number(process.env.STACKSET_POLL_SECONDS ?? (target.kind === 'local' ? 0.2 : 15));
  const timeoutMinutes = Number(process.env.STACKSET_TIMEOUT_MINUTES ?? 360);
  return { api: new StackSetApi(cliRunner(target), callAsOf(spec)), target, log, deleteStacks, wait: { pollMs: pollSeconds * 1000, timeoutMs: timeoutMinutes * 60_000 } };
}

const callAsOf = (spec: StackSetSpec) => (spec.manifest.permissions.model === 'SERVICE_MANAGED' ? spec.manifest.permissions.callAs : undefined);

function positiveInteger(value: string | undefined, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${what} ${value}: allowed: a whole number, at least 1`);
  return n;
}

function estimateCommand(spec: StackSetSpec, accountsOption?: string, regionsOption?: string): void {
  if (accountsOption === undefined && regionsOption === undefined) {
    for (const line of estimateLines(spec)) log(line);
    return;
  }
  const accounts = positiveInteger(accountsOption, 'accounts', spec.manifest.targets.length);
  const regionCount = positiveInteger(regionsOption, 'regions', spec.regionOrder.length);
  const regions = Array.from({ length: regionCount }, (_, i) => spec.regionOrder[i] ?? `region-${i + 1}`);
  const { minutes, assumption } = minutesPerStack(spec);
  const estimate = estimateRollout(spec.manifest.operationPreferences ?? {}, regions.map((region) => ({ region, targets: accounts })), minutes);
  const title = `${accounts} targets × ${regionCount} regions, operation preferences of ${spec.file}, targets sharing one set of overrides (one operation)`;
  for (const line of formatEstimate(title, estimate, assumption)) log(line);
}

export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseCommandLine>;
  let spec: StackSetSpec;
  try {
    options = parseCommandLine(argv);
    spec = loadManifest(options.manifest);
  } catch (e) {
    if (e instanceof ManifestError) {
      console.error(`stackset: invalid manifest, nothing was called:\n${e.message}`);
      return EXIT.invalid;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`stackset: ${(e as Error).message}`);
      return EXIT.invalid;
    }
    throw e;
  }
  try {
    if (options.command === 'estimate') {
      estimateCommand(spec, options.accounts, options.regions);
      return EXIT.ok;
    }
    const ctx = rolloutContext(spec, options.deleteStacks);
    log(`stack set ${spec.manifest.stackSetName} (${spec.manifest.permissions.model}) from ${spec.file} → ${ctx.target.kind === 'local' ? `emulator ${ctx.target.endpoint}` : 'AWS'} ${ctx.target.region}`);
    if (options.command === 'plan') {
      await planRollout(spec, ctx);
      return EXIT.ok;
    }
    if (options.command === 'drift') {
      const report = await detectDrift(spec, ctx.api, ctx.target, { ...ctx.wait, log });
      for (const line of formatDrift(spec.manifest.stackSetName, report)) log(line);
      return driftedCount(report) > 0 ? EXIT.drifted : EXIT.ok;
    }
    const result = await applyRollout(spec, ctx);
    if (result.failures.length > 0) {
      console.error(`stackset: failed:\n  ${result.failures.join('\n  ')}`);
      return EXIT.failed;
    }
    log(`stackset: done (${result.operations} operation${result.operations === 1 ? '' : 's'})`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof DriftNotSupported) {
      console.error(`stackset drift: ${e.message}`);
      return EXIT.driftUnsupported;
    }
    if (e instanceof AwsTargetError || e instanceof StackSetMissing || e instanceof TemplateSourceError) {
      console.error(`stackset: ${e.message}`);
      return e instanceof AwsTargetError ? EXIT.invalid : EXIT.failed;
    }
    if (e instanceof AwsCallError || e instanceof OperationTimeout) {
      console.error(`stackset: ${e.message}`);
      return EXIT.failed;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(EXIT.failed);
    },
  );
}
