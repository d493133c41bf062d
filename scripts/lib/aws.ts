// Where AWS calls go, and how they are made.
//
//   TARGET=local (default)  the local emulator (moto server) at http://EMULATOR_HOST:EMULATOR_PORT,
//                           with dummy credentials; nothing can reach a real account.
//   TARGET=aws              real AWS with the caller's own credentials (the SDK's standard chain:
//                           environment, AWS_PROFILE, SSO, instance/container roles); refused
//                           early when no credentials are found.
//
// Every API call goes through the AWS SDK for JavaScript v3 clients made here (`awsClients`):
// typed responses, the SDK's paginators and waiters, adaptive retry (StackSet APIs throttle hard
// at fleet scale). The local emulator is only an endpoint and static test credentials. The one
// process this project spawns is `aws cloudformation deploy` (the deploy step users asked for):
// `target.env` is the environment for it.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

type TargetKind = 'local' | 'aws';

export interface AwsTarget {
  readonly kind: TargetKind;
  readonly region: string;
  /** Environment for child processes (aws CLI). */
  readonly env: NodeJS.ProcessEnv;
  /** Endpoint URL of the local emulator, if that is the target. */
  readonly endpoint?: string;
  /** Local emulator only: other credentials than the default test account's (an assumed role's, for another account). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

export class AwsTargetError extends Error {}

const DEFAULT_REGION = 'us-east-1';

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

// --- AWS SDK v3 clients ----------------------------------------------------------------------------

/**
 * Retries per call. The SDK's adaptive mode adds client-side rate limiting on throttling errors
 * to the standard exponential backoff; StackSet and DescribeStackEvents calls at fleet scale need
 * more than the default 3 attempts. AWS_MAX_ATTEMPTS overrides it (the SDK's own variable).
 */
const DEFAULT_MAX_ATTEMPTS = 10;

/** An SDK v3 client class (RDSClient, ACMClient …): made from the shared options. */
type ClientClass<C> = new (config: ReturnType<typeof clientConfig> & Readonly<Record<string, unknown>>) => C;

export interface AwsClients {
  cloudformation(region?: string): CloudFormationClient;
  s3(region?: string): S3Client;
  sts(region?: string): STSClient;
  /** Organizations is a global service with its endpoint in us-east-1 (aws partition). */
  organizations(): OrganizationsClient;
  /**
   * Any other service's client, e.g. `.of(RDSClient)`: its package is imported only by the code
   * that needs it (each client costs start-up time), configured here like the others.
   */
  of<C>(Client: ClientClass<C>, region?: string, extra?: Readonly<Record<string, unknown>>): C;
}

/** The client options shared by every service: region, endpoint and credentials of the target, retries. */
export function clientConfig(target: AwsTarget, region = target.region) {
  const maxAttempts = Number(target.env.AWS_MAX_ATTEMPTS ?? DEFAULT_MAX_ATTEMPTS);
  return {
    region,
    retryMode: 'adaptive',
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : DEFAULT_MAX_ATTEMPTS,
    ...(target.kind === 'local'
      ? {
          endpoint: target.endpoint,
          credentials: target.credentials ?? { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'testing' },
        }
      : {}),
  } as const;
}

const clientCache = new WeakMap<AwsTarget, AwsClients>();

// The pinned SDK runs on Node 20 (package.json engines); its notice that releases after January
// 2027 need Node 22 is about versions this project does not use, and would print on every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** SDK clients for a target, one per service and region, made once and reused (connections stay open). */
export function awsClients(target: AwsTarget): AwsClients {
  const cached = clientCache.get(target);
  if (cached) return cached;
  const made = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as T;
  };
  const clients: AwsClients = {
    cloudformation: (region = target.region) => once(`cloudformation/${region}`, () => new CloudFormationClient(clientConfig(target, region))),
    // The emulator serves every bucket on one host: path-style addressing.
    s3: (region = target.region) => once(`s3/${region}`, () => new S3Client({ ...clientConfig(target, region), forcePathStyle: target.kind === 'local' })),
    sts: (region = target.region) => once(`sts/${region}`, () => new STSClient(clientConfig(target, region))),
    organizations: () => once('organizations', () => new OrganizationsClient(clientConfig(target, 'us-east-1'))),
    of: <C>(Client: ClientClass<C>, region = target.region, extra: Readonly<Record<string, unknown>> = {}) =>
      once(`${Client.name}/${region}`, () => new Client({ ...clientConfig(target, region), ...extra })),
  };
  clientCache.set(target, clients);
  return clients;
}

/** The error code of an SDK service error (e.g. "ValidationError", "StackSetNotFoundException"), or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { name?: unknown; Code?: unknown; $metadata?: unknown };
  if (!('$metadata' in e) && typeof e.Code !== 'string') return undefined;
  return typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : undefined;
}

/** True when `error` is an AWS service error with one of these codes. */
export const isAwsError = (error: unknown, ...names: string[]): boolean => {
  const name = awsErrorName(error);
  return name !== undefined && names.includes(name);
};

/** CloudFormation answers a missing stack with ValidationError "Stack with id X does not exist". */
export const isStackMissing = (error: unknown): boolean => isAwsError(error, 'ValidationError') && /does not exist/.test((error as Error).message);

/** The caller's identity; fails early, with a clear message, when there are no usable credentials. */
export async function callerIdentity(target: AwsTarget): Promise<{ account: string; arn: string }> {
  try {
    const identity = await awsClients(target).sts().send(new GetCallerIdentityCommand({}));
    return { account: identity.Account ?? '', arn: identity.Arn ?? '' };
  } catch (e) {
    const hint =
      target.kind === 'aws'
        ? 'TARGET=aws needs credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login'
        : `the local emulator does not answer at ${target.endpoint}: run make local-up`;
    throw new AwsTargetError(`${hint} (${String((e as Error).message).split('\n')[0]})`);
  }
}
