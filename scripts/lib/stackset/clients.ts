// The AWS clients of a StackSet run: those of the administration (or delegated administrator)
// account from scripts/lib/aws.ts, and, for the read path into every instance (drift of every
// layer, failure reasons from nested stacks, previews, preflight), clients in a target account
// and region through a role there (the read-only role of generated/stacksets/, or on the emulator
// the execution role for the emulator's own set-up). Credentials come from sts:AssumeRole with the
// administration account's credentials, cached per account and renewed before they expire.
import { ACMClient } from '@aws-sdk/client-acm';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { awsClients, clientConfig, type AwsClients, type AwsTarget } from '../aws.js';

/** Clients in one target account and region. */
export interface AccountClients {
  readonly cloudformation: CloudFormationClient;
  readonly s3: S3Client;
  readonly ssm: SSMClient;
  readonly acm: ACMClient;
  /** For the emulator's own set-up (its managed prefix lists); the read path does not use it. */
  readonly ec2?: EC2Client;
}

export interface StackSetClients {
  /** The account that runs make stackset (holds the stack sets). */
  readonly admin: AwsClients;
  /** `account`'s clients in `region`, through the role named `roleName` there. */
  inAccount(account: string, region: string, roleName: string): AccountClients;
}

interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Renew assumed-role credentials this long before they expire. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** A credential provider: sts:AssumeRole of `roleArn` with the administration account's credentials, cached until shortly before expiry. */
function assumedRoleCredentials(admin: AwsClients, roleArn: string, sessionName = 'payment-stackset'): () => Promise<TemporaryCredentials> {
  let current: Promise<TemporaryCredentials> | undefined;
  const fresh = async (): Promise<TemporaryCredentials> => {
    const out = await admin.sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`sts:AssumeRole ${roleArn} returned no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  return async () => {
    const held = current ? await current.catch(() => undefined) : undefined;
    if (!held || (held.expiration && held.expiration.getTime() - Date.now() < RENEW_BEFORE_MS)) current = fresh();
    return current!;
  };
}

export const partitionOf = (region: string): string => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');

/** Clients for a target (the emulator or AWS). */
export function stackSetClients(target: AwsTarget): StackSetClients {
  const admin = awsClients(target);
  const credentials = new Map<string, () => Promise<TemporaryCredentials>>();
  const made = new Map<string, AccountClients>();
  return {
    admin,
    inAccount(account, region, roleName) {
      const key = `${account}/${region}/${roleName}`;
      const known = made.get(key);
      if (known) return known;
      const roleArn = `arn:${partitionOf(region)}:iam::${account}:role/${roleName}`;
      if (!credentials.has(roleArn)) credentials.set(roleArn, assumedRoleCredentials(admin, roleArn));
      const config = { ...clientConfig(target, region), credentials: credentials.get(roleArn)! };
      const clients: AccountClients = {
        cloudformation: new CloudFormationClient(config),
        s3: new S3Client({ ...config, forcePathStyle: target.kind === 'local' }),
        ssm: new SSMClient(config),
        acm: new ACMClient(config),
        ec2: new EC2Client(config),
      };
      made.set(key, clients);
      return clients;
    },
  };
}
