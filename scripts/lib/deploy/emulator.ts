// The local emulator from TypeScript (tests, bench): start it when it does not answer, and a
// target for one region of it (each test file uses its own region, so files can run side by side).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveTarget, type AwsTarget } from '../aws.js';
import { ROOT } from '../paths.js';

export function ensureEmulator(environment: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync('bash', [join(ROOT, 'scripts', 'emulator', 'emulator.sh'), 'up'], { env: environment, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the local emulator did not start:\n${result.stdout}${result.stderr}`);
}

export function emulatorTarget(region: string, environment: NodeJS.ProcessEnv = process.env): AwsTarget {
  return resolveTarget({ ...environment, TARGET: 'local', AWS_REGION: region, AWS_DEFAULT_REGION: region });
}
