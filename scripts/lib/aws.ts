// Where AWS calls go, and how they are made: the AWS CLI from the project's virtualenv.
//
//   TARGET=local (default)  the local emulator (moto server) at http://EMULATOR_HOST:EMULATOR_PORT,
//                           with dummy credentials; nothing can reach a real account.
//   TARGET=aws              real AWS with the caller's own credentials (AWS_PROFILE, env, SSO…);
//                           refused early when no credentials are found.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export type TargetKind = 'local' | 'aws';

export interface AwsTarget {
  readonly kind: TargetKind;
  readonly region: string;
  /** Environment for child processes (aws CLI). */
  readonly env: NodeJS.ProcessEnv;
  /** Endpoint URL of the local emulator, if that is the target. */
  readonly endpoint?: string;
}

export class AwsTargetError extends Error {}

export const DEFAULT_REGION = 'us-east-1';

/** The AWS CLI of the project's virtualenv (falls back to PATH). */
export function awsCli(): string {
  const local = join(ROOT, '.venv', 'bin', 'aws');
  return existsSync(local) ? local : 'aws';
}

export function resolveTarget(environment: NodeJS.ProcessEnv = process.env): AwsTarget {
  const kind = (environment.TARGET ?? 'local').trim() || 'local';
  if (kind !== 'local' && kind !== 'aws') {
    throw new AwsTargetError(`TARGET=${kind}: unknown AWS target; allowed: local (the emulator, default) or aws (a real account, your credentials)`);
  }
  if (kind === 'local') {
    const host = environment.EMULATOR_HOST ?? '127.0.0.1';
    const port = environment.EMULATOR_PORT ?? '5000';
    const endpoint = `http://${host}:${port}`;
    const region = environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
    const env: NodeJS.ProcessEnv = {
      ...environment,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: 'testing',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_PAGER: '',
    };
    delete env.AWS_PROFILE;
    return { kind: 'local', region, env, endpoint };
  }
  const region = environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION;
  if (!region) throw new AwsTargetError('TARGET=aws: no region; set AWS_REGION (e.g. AWS_REGION=eu-west-1)');
  const env: NodeJS.ProcessEnv = { ...environment, AWS_PAGER: '' };
  delete env.AWS_ENDPOINT_URL;
  return { kind: 'aws', region, env };
}

export class AwsCallError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/** Runs `aws <args> --output json` synchronously and returns the parsed JSON (or null for no output). */
export function aws<T = any>(target: AwsTarget, args: readonly string[], options: { region?: string } = {}): T {
  const full = [...args, '--output', 'json', ...(options.region ? ['--region', options.region] : [])];
  const result = spawnSync(awsCli(), full, { env: target.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new AwsCallError(`aws ${args.slice(0, 2).join(' ')}: ${result.error.message}`, '', null);
  if (result.status !== 0) {
    throw new AwsCallError(`aws ${args.slice(0, 2).join(' ')} failed: ${result.stderr.trim()}`, result.stderr, result.status);
  }
  const out = result.stdout.trim();
  return (out ? JSON.parse(out) : null) as T;
}

/** Runs `aws <args>` streaming its output to this process; resolves with the exit code. */
export function awsStreaming(target: AwsTarget, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(awsCli(), args, { env: target.env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Fails early, with a clear message, when TARGET=aws has no usable credentials. */
export function assertCredentials(target: AwsTarget): { account: string; arn: string } {
  try {
    const identity = aws<{ Account: string; Arn: string }>(target, ['sts', 'get-caller-identity']);
    return { account: identity.Account, arn: identity.Arn };
  } catch (e) {
    const hint =
      target.kind === 'aws'
        ? 'TARGET=aws needs credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login'
        : `the local emulator does not answer at ${target.endpoint}: run make local-up`;
    throw new AwsTargetError(`${hint} (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Like aws(), without blocking the event loop (several calls can run side by side). */
export function awsAsync<T = any>(target: AwsTarget, args: readonly string[], options: { region?: string } = {}): Promise<T> {
  const full = [...args, '--output', 'json', ...(options.region ? ['--region', options.region] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(awsCli(), full, { env: target.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => reject(new AwsCallError(`aws ${args.slice(0, 2).join(' ')}: ${error.message}`, '', null)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new AwsCallError(`aws ${args.slice(0, 2).join(' ')} failed: ${stderr.trim()}`, stderr, code));
      const out = stdout.trim();
      resolve((out ? JSON.parse(out) : null) as T);
    });
  });
}

/** Runs `aws <args>` (no JSON) and returns its exit code, stdout and stderr. */
export function awsText(target: AwsTarget, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(awsCli(), args, { env: target.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new AwsCallError(`aws ${args.slice(0, 2).join(' ')}: ${result.error.message}`, '', null);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
