// Entry points for scripts/bench.ts (each runs in its own process, without arguments), on the
// bench's own emulator (EMULATOR_BENCH_PORT, default 5099):
//   benchStacksetUnchanged: make stackset of the platform with nothing to change (3 accounts × 2
//     regions of payments-prod.yaml: packaging, reading the stack set and its 6 instances, the
//     emulator set-up, preflight, durations — and no operation), its DR vault stack set included;
//   benchStacksetPlan: make stackset-plan of the same 6 instances.
// The first run of a process-fresh emulator deploys the stack set once (not what is measured:
// the median of the runs is the unchanged case).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmulator } from '../deploy/emulator.js';
import { ROOT } from '../paths.js';
import { resolveTarget } from '../aws.js';
import { StackSetApi } from './api.js';
import { stackSetClients } from './clients.js';
import { drVaultSpec } from './dr-vault.js';
import { loadManifest } from './manifest.js';
import { applyRollout, planRollout, type RolloutContext } from './rollout.js';
import { alreadyPackaged } from './template-source.js';

const ACCOUNTS = ['100000000101', '100000000102', '100000000103'];

function benchManifest(): string {
  const text = readFileSync(join(ROOT, 'stacksets', 'payments-prod.yaml'), 'utf8')
    .replace('stackSetName: payment-platform-prod', 'stackSetName: payment-platform-bench')
    .replace(/210987654321/g, ACCOUNTS[0])
    .replace(/321098765432/g, ACCOUNTS[1])
    .replace(`  - account: '${ACCOUNTS[1]}' # cards UK\n`, `  - account: '${ACCOUNTS[1]}' # cards UK\n  - account: '${ACCOUNTS[2]}'\n`);
  const file = join(mkdtempSync(join(tmpdir(), 'bench-stackset-')), 'payments-bench.yaml');
  writeFileSync(file, text);
  return file;
}

function context(): RolloutContext {
  const environment = { ...process.env, TARGET: 'local', EMULATOR_HOST: '127.0.0.1', EMULATOR_PORT: process.env.EMULATOR_BENCH_PORT ?? '5099', AWS_REGION: 'us-east-1' };
  ensureEmulator(environment);
  const target = resolveTarget(environment);
  const clients = stackSetClients(target);
  return { api: new StackSetApi(clients.admin), clients, target, log: () => undefined, deleteStacks: false, wait: { pollMs: 100, timeoutMs: 900_000 } };
}

/** The stack set deployed once (the first run), so that what is measured has nothing to change. */
async function deployed(ctx: RolloutContext, file: string): Promise<void> {
  const spec = loadManifest(file);
  const existing = await ctx.api.describeStackSet(spec.manifest.stackSetName);
  const current = existing && alreadyPackaged(spec, ctx.target, await ctx.api.callerAccount(), existing.TemplateBody);
  const allCurrent = async (name: string) => (await ctx.api.describeStackSet(name)) !== undefined && (await ctx.api.listStackInstances(name)).every((i) => i.Status === 'CURRENT');
  const vault = drVaultSpec(spec);
  if (current && (await allCurrent(spec.manifest.stackSetName)) && (!vault || (await allCurrent(vault.manifest.stackSetName)))) return;
  const result = await applyRollout(spec, { ...ctx, packager: undefined });
  if (result.failures.length > 0) throw new Error(`bench: the stack set could not be deployed: ${result.failures.join('; ')}`);
}

export async function benchStacksetUnchanged(): Promise<void> {
  const ctx = context();
  const file = benchManifest();
  await deployed(ctx, file);
  const result = await applyRollout(loadManifest(file), ctx);
  if (result.operations !== 0 || result.failures.length > 0)
    throw new Error(`bench: make stackset unchanged started ${result.operations} operations (${result.failures.join('; ')})`);
}

export async function benchStacksetPlan(): Promise<void> {
  const ctx = context();
  const file = benchManifest();
  await deployed(ctx, file);
  const { plan, problems } = await planRollout(loadManifest(file), ctx);
  if (problems.length > 0 || plan.add.length + plan.update.length > 0) throw new Error(`bench: the plan found something to change: ${problems.join('; ')}`);
}
