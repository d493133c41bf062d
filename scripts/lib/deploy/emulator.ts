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

/** Empties one region of the emulator (the launcher's POST /emulator/forget-region/<region>). */
export async function forgetRegion(target: AwsTarget): Promise<void> {
  if (target.kind !== 'local' || !target.endpoint) throw new Error('forgetRegion: only for the local emulator');
  const answer = await fetch(`${target.endpoint}/emulator/forget-region/${target.region}`, { method: 'POST' });
  if (!answer.ok) throw new Error(`the emulator did not forget region ${target.region}: HTTP ${answer.status}`);
}
