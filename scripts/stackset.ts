// make stackset | stackset-plan | stackset-drift | stackset-stop MANIFEST=stacksets/<name>.yaml
//
//   apply     package, create/update the stack set, add/update/remove instances to match, wait, table
//             (a platform manifest's DR vault stack set, <name>-dr-vault, first: plan, drift, stop too)
//   plan      what apply would change (read-only), preflight, waves and an estimated duration;
//             PREVIEW=1: change sets with IncludeNestedStacks in every deployed instance
//   drift     drift detection on every layer of every instance; drifted resources
//   stop      StopStackSetOperation on every operation of the stack set still running or queued
//   estimate  waves and duration for a hypothetical scale: --accounts N [--regions N] (no AWS calls)
//   check     the manifests' own checks, no AWS call (make validate): --all, or --manifest
//
// Exit codes: 0 done; 1 an operation failed, failures over the tolerance, a failed canary or
// preflight, a preview blocked by the data-loss gate, or an AWS error; 2 bad usage or an invalid
// manifest (nothing called); 3 drift found; 4 drift detection not supported by the emulator;
// 130 interrupted (the operations go on in AWS; the next run resumes waiting on them).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AwsTargetError, awsErrorName, callerIdentity, resolveTarget } from './lib/aws.js';
import { ROOT } from './lib/paths.js';
import { ACTIVE_OPERATION, StackSetApi } from './lib/stackset/api.js';
import { stackSetClients } from './lib/stackset/clients.js';
import { drVaultSpec } from './lib/stackset/dr-vault.js';
import { DriftNotSupported, StackSetMissing, detectDrift, driftedCount, formatDrift } from './lib/stackset/drift.js';
import { estimateRollout, formatEstimate } from './lib/stackset/estimate.js';
import { ManifestError, loadManifest, type StackSetSpec } from './lib/stackset/manifest.js';
import { CredentialsExpired, OperationLog, OperationTimeout, waitForOperation } from './lib/stackset/operations.js';
import { PreviewError, formatPreview, previewRollout } from './lib/stackset/preview.js';
import { applyRollout, estimateLines, minutesPerStack, planRollout, type RolloutContext } from './lib/stackset/rollout.js';
import { TemplateSourceError, templateForStackSet } from './lib/stackset/template-source.js';

export const EXIT = { ok: 0, failed: 1, invalid: 2, drifted: 3, driftUnsupported: 4, interrupted: 130 } as const;

const COMMANDS = ['apply', 'plan', 'drift', 'stop', 'estimate', 'check'] as const;
type Command = (typeof COMMANDS)[number];

class UsageError extends Error {}

function committedManifests(): string[] {
  try {
    return readdirSync(join(ROOT, 'stacksets'))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => `stacksets/${f}`);
  } catch {
    return [];
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
      all: { type: 'boolean', default: false },
      'delete-stacks': { type: 'boolean', default: false },
      accounts: { type: 'string' },
      regions: { type: 'string' },
    },
  });
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command)) throw new UsageError(`usage: stackset.ts ${COMMANDS.join('|')} --manifest stacksets/<name>.yaml`);
  if (!values.manifest && !(command === 'check' && values.all)) {
    throw new UsageError(`MANIFEST is required, e.g. make stackset MANIFEST=stacksets/payments-prod.yaml; available: ${committedManifests().join(', ') || '(none)'}`);
  }
  return {
    command,
    manifest: values.manifest,
    all: values.all,
    deleteStacks: values['delete-stacks'] || process.env.DELETE_STACKS === '1',
    accounts: values.accounts,
    regions: values.regions,
  };
}

const log = (line: string): void => console.log(line);

async function rolloutContext(spec: StackSetSpec, deleteStacks: boolean): Promise<RolloutContext> {
  const target = resolveTarget();
  const identity = await callerIdentity(target);
  const pollSeconds = Number(process.env.STACKSET_POLL_SECONDS ?? (target.kind === 'local' ? 0.2 : 15));
  const timeoutMinutes = Number(process.env.STACKSET_TIMEOUT_MINUTES ?? 360);
  const clients = stackSetClients(target);
  const callAs = spec.manifest.permissions.model === 'SERVICE_MANAGED' ? spec.manifest.permissions.callAs : undefined;
  return {
    api: new StackSetApi(clients.admin, callAs),
    clients,
    target,
    log,
    deleteStacks,
    wait: { pollMs: pollSeconds * 1000, timeoutMs: timeoutMinutes * 60_000 },
    operationLog: OperationLog.for(identity.account, target.region, spec.manifest.stackSetName),
  };
}

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
  const estimate = estimateRollout(
    spec.manifest.operationPreferences ?? {},
    regions.map((region) => ({ region, targets: accounts })),
    minutes,
  );
  const title = `${accounts} targets × ${regionCount} regions, operation preferences of ${spec.file}, targets sharing one set of overrides (one operation)`;
  for (const line of formatEstimate(title, estimate, assumption)) log(line);
}

/** StopStackSetOperation on every running or queued operation, then waits until they stopped. */
export async function stopCommand(spec: StackSetSpec, ctx: RolloutContext): Promise<number> {
  const name = spec.manifest.stackSetName;
  if (!(await ctx.api.describeStackSet(name))) throw new StackSetMissing(`${spec.file}: stack set ${name} does not exist: nothing to stop`);
  const ids = new Set([
    ...(await ctx.api.listOperations(name)).filter((o) => ACTIVE_OPERATION.has(o.Status ?? '')).map((o) => o.OperationId!),
    ...(ctx.operationLog?.list() ?? []).map((o) => o.operationId),
  ]);
  if (ids.size === 0) {
    log(`stack set ${name}: no operation is running or queued`);
    return EXIT.ok;
  }
  for (const id of ids) {
    try {
      await ctx.api.stopOperation(name, id);
      log(`operation ${id}: stop requested (StackSets cancels the instances not started and lets those in progress finish)`);
    } catch (e) {
      if (!['InvalidOperationException', 'OperationNotFoundException'].includes(awsErrorName(e) ?? '')) throw e;
      log(`operation ${id}: ${awsErrorName(e)} (already ended)`);
    }
  }
  for (const id of ids) {
    await waitForOperation(ctx.api, name, id, 'STOP', { ...ctx.wait, log }).catch(() => undefined);
    ctx.operationLog?.remove(id);
  }
  return EXIT.ok;
}

/** make validate: every committed manifest passes its own checks (no AWS call). */
function checkCommand(manifests: readonly string[]): number {
  const problems: string[] = [];
  for (const file of manifests) {
    try {
      loadManifest(file);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length > 0) {
    console.error(`stackset check: invalid manifest:\n${problems.join('\n')}`);
    return EXIT.invalid;
  }
  log(`stackset check: ${manifests.length} manifest${manifests.length === 1 ? '' : 's'} valid (${manifests.join(', ')})`);
  return EXIT.ok;
}

/** Ctrl-C: the operations go on in AWS; say what to do, keep their IDs for the next run. */
function onInterrupt(ctx: RolloutContext): () => void {
  const handler = (): void => {
    const running = ctx.operationLog?.list() ?? [];
    const which =
      running.length > 0
        ? `operation${running.length === 1 ? '' : 's'} ${running.map((o) => o.operationId).join(', ')} go${running.length === 1 ? 'es' : ''} on in AWS (kept in ${ctx.operationLog!.file})`
        : 'no operation was running';
    console.error(`\nstackset: interrupted; ${which}. make stackset resumes waiting on them; make stackset-stop MANIFEST=… stops them.`);
    process.exit(EXIT.interrupted);
  };
  process.once('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseCommandLine>;
  let spec: StackSetSpec;
  try {
    options = parseCommandLine(argv);
    if (options.command === 'check') return checkCommand(options.all ? committedManifests() : [options.manifest!]);
    spec = loadManifest(options.manifest!);
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
  let stopListening = (): void => undefined;
  try {
    if (options.command === 'estimate') {
      estimateCommand(spec, options.accounts, options.regions);
      return EXIT.ok;
    }
    const ctx = await rolloutContext(spec, options.deleteStacks);
    stopListening = onInterrupt(ctx);
    log(
      `stack set ${spec.manifest.stackSetName} (${spec.manifest.permissions.model}) from ${spec.file} → ${ctx.target.kind === 'local' ? `emulator ${ctx.target.endpoint}` : 'AWS'} ${ctx.target.region}`,
    );
    // The DR vault stack set of a platform manifest (dr-vault.ts) is the run's too: previews, drift and stop reach it as well.
    const vault = drVaultSpec(spec);
    const all = [...(vault ? [{ spec: vault, ctx: { ...ctx, operationLog: ctx.operationLog?.forStackSet(vault.manifest.stackSetName) } }] : []), { spec, ctx }];
    if (options.command === 'plan') {
      if (process.env.PREVIEW === '1') {
        const previewContext = { api: ctx.api, clients: ctx.clients, pollMs: ctx.wait.pollMs, allowReplace: process.env.ALLOW_REPLACE };
        let failed = false;
        for (const each of all) {
          const name = each.spec.manifest.stackSetName;
          // The vault stack set not created yet: make stackset creates it (nothing to preview).
          if (each.spec !== spec && !(await ctx.api.describeStackSet(name))) {
            log(`preview of ${name}: not created yet: make stackset creates it`);
            continue;
          }
          const template = each.spec.hasNestedStacks ? ((await templateForStackSet(each.spec, ctx.target, ctx.packager)).templateUrl ?? '') : { body: each.spec.templateText };
          const previews = await previewRollout(each.spec, template, previewContext);
          const deployed = new Set(previews.map((p) => `${p.account} ${p.region}`));
          const notDeployed = each.spec.instances.filter((i) => i.unit.kind === 'account' && !deployed.has(`${i.unit.id} ${i.region}`)).map((i) => `${i.unit.id} ${i.region}`);
          if (each.spec !== spec) log(`preview of the DR vault stack set ${name}:`);
          for (const line of formatPreview(previews, notDeployed)) log(line);
          failed ||= previews.some((p) => p.blocked.length > 0 || p.error);
        }
        if (failed) return EXIT.failed;
      }
      const { problems } = await planRollout(spec, ctx);
      return problems.length > 0 ? EXIT.failed : EXIT.ok;
    }
    if (options.command === 'drift') {
      let drifted = 0;
      for (const each of all) {
        // A vault stack set not created yet has nothing to drift.
        if (each.spec !== spec && !(await ctx.api.describeStackSet(each.spec.manifest.stackSetName))) continue;
        const report = await detectDrift(each.spec, each.ctx, { ...ctx.wait, log });
        for (const line of formatDrift(each.spec.manifest.stackSetName, report)) log(line);
        drifted += driftedCount(report);
      }
      return drifted > 0 ? EXIT.drifted : EXIT.ok;
    }
    if (options.command === 'stop') {
      for (const each of all) {
        if (each.spec !== spec && !(await ctx.api.describeStackSet(each.spec.manifest.stackSetName))) continue;
        await stopCommand(each.spec, each.ctx);
      }
      return EXIT.ok;
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
    if (e instanceof PreviewError) {
      console.error(`stackset: ${e.message}`);
      return EXIT.invalid;
    }
    if (e instanceof AwsTargetError || e instanceof StackSetMissing || e instanceof TemplateSourceError || e instanceof OperationTimeout || e instanceof CredentialsExpired) {
      console.error(`stackset: ${e.message}`);
      return e instanceof AwsTargetError ? EXIT.invalid : EXIT.failed;
    }
    if (awsErrorName(e) !== undefined) {
      console.error(`stackset: ${awsErrorName(e)}: ${(e as Error).message}${process.env.STACKSET_DEBUG ? `\n${(e as Error).stack}` : ''}`);
      return EXIT.failed;
    }
    throw e;
  } finally {
    stopListening();
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
