// Entry points for scripts/bench.ts (each runs in its own process, without arguments): packaging
// and deploying the whole platform against an emulator of the bench's own (EMULATOR_BENCH_PORT,
// default 5099), its region emptied before each run, so runs neither see nor disturb the developer's emulator.
//   benchPackage: a cold package (a new artifact bucket: every template uploaded)
//   benchPackageUnchanged: packaging again (nothing uploaded, from its second run on)
//   benchDeploy: make deploy ENV=dev of the whole platform from nothing to CREATE_COMPLETE
//   benchDeployUnchanged: make deploy ENV=dev again with nothing to change (after benchDeploy:
//     package uploads nothing, the preview change set finds no changes, nothing is spawned)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployPlatform } from './deploy.js';
import { emulatorTarget, ensureEmulator, forgetRegion } from './emulator.js';
import { packageTemplates } from '../package.js';

const REGION = 'eu-west-1';

function benchEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, EMULATOR_HOST: '127.0.0.1', EMULATOR_PORT: process.env.EMULATOR_BENCH_PORT ?? '5099' };
}

async function freshEmulator(): Promise<NodeJS.ProcessEnv> {
  const environment = benchEnvironment();
  ensureEmulator(environment);
  await forgetRegion(emulatorTarget(REGION, environment));
  return environment;
}

const outDir = (): string => join(mkdtempSync(join(tmpdir(), 'bench-')), 'packaged');

export async function benchPackage(): Promise<void> {
  const target = emulatorTarget(REGION, await freshEmulator());
  const result = await packageTemplates({ target, outDir: outDir() });
  if (result.uploaded.length === 0) throw new Error('bench: a cold package uploaded nothing');
}

export async function benchPackageUnchanged(): Promise<void> {
  // No reset: after benchPackage (or this step's first run) every template is already there, so
  // the median over the runs is a package that uploads nothing.
  const environment = benchEnvironment();
  ensureEmulator(environment);
  await packageTemplates({ target: emulatorTarget(REGION, environment), outDir: outDir() });
}

export async function benchDeploy(): Promise<void> {
  const target = emulatorTarget(REGION, await freshEmulator());
  const result = await deployPlatform({ env: 'dev', target, outDir: outDir(), log: () => {} });
  if (result.status !== 'CREATE_COMPLETE') throw new Error(`bench: deploy ended ${result.status}`);
}

export async function benchDeployUnchanged(): Promise<void> {
  const environment = benchEnvironment();
  ensureEmulator(environment);
  const result = await deployPlatform({ env: 'dev', target: emulatorTarget(REGION, environment), outDir: outDir(), log: () => {} });
  if (result.changed) throw new Error('bench: deploy-again changed the stack (run it after the deploy step)');
}

/** The bench's emulator port (its own, apart from the developer's). */
export const benchPort = (): string => benchEnvironment().EMULATOR_PORT!;
