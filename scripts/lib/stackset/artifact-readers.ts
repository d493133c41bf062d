// Who may read the packaged templates: CloudFormation fetches a nested stack's TemplateURL with
// the credentials of the instance's execution role, in the target account, so the artifact
// bucket's policy must admit every target account of every stack set that uses the bucket.
//
// Each stack set gets its own statement (Sid StackSetReaders<name>), merged into the policy that
// is there: a second stack set's run adds its readers and keeps the first one's — rewriting the
// whole policy per manifest would drop the other stack sets' accounts, whose next nested-stack
// update would then fail with AccessDenied. SERVICE_MANAGED stack sets grant the organization
// (aws:PrincipalOrgID), which also covers accounts that auto-deployment adds later.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html
import { GetBucketPolicyCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { isAwsError } from '../aws.js';

export interface TemplateReaders {
  readonly organizationId?: string;
  readonly accounts?: readonly string[];
}

interface PolicyStatement {
  readonly Sid?: string;
  readonly [key: string]: unknown;
}
interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly PolicyStatement[];
}

/** Sid of a stack set's reader statement (IAM Sids are alphanumeric). */
export const readerSid = (stackSetName: string): string => `StackSetReaders${stackSetName.replace(/[^A-Za-z0-9]/g, '')}`;

function readerStatement(bucket: string, keyPrefix: string, stackSetName: string, readers: TemplateReaders, partition = 'aws'): PolicyStatement {
  const objects = `arn:${partition}:s3:::${bucket}/${keyPrefix}*`;
  if (readers.organizationId) {
    return {
      Sid: readerSid(stackSetName),
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: objects,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': readers.organizationId } },
    };
  }
  const principals = [...new Set(readers.accounts ?? [])].sort().map((account) => `arn:${partition}:iam::${account}:root`);
  return { Sid: readerSid(stackSetName), Effect: 'Allow', Principal: { AWS: principals }, Action: 's3:GetObject', Resource: objects };
}

/** The policy with this stack set's statement added or replaced; every other statement kept as it is. */
function mergeReaders(policy: PolicyDocument | undefined, statement: PolicyStatement): PolicyDocument {
  const others = (policy?.Statement ?? []).filter((s) => s.Sid !== statement.Sid);
  return { Version: policy?.Version ?? '2012-10-17', Statement: [...others, statement] };
}

async function currentPolicy(s3: S3Client, bucket: string): Promise<PolicyDocument | undefined> {
  try {
    const text = (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
    if (!text) return undefined;
    const parsed = JSON.parse(text) as { Version?: string; Statement?: PolicyStatement | PolicyStatement[] };
    return { Version: parsed.Version, Statement: Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [] };
  } catch (e) {
    if (isAwsError(e, 'NoSuchBucketPolicy')) return undefined;
    throw e;
  }
}

/** Adds (or updates) the stack set's readers in the bucket policy; true when the policy was written. */
export async function grantTemplateReaders(s3: S3Client, bucket: string, keyPrefix: string, stackSetName: string, readers: TemplateReaders, partition = 'aws'): Promise<boolean> {
  const before = await currentPolicy(s3, bucket);
  const statement = readerStatement(bucket, keyPrefix, stackSetName, readers, partition);
  const existing = before?.Statement.find((s) => s.Sid === statement.Sid);
  if (existing && JSON.stringify(existing) === JSON.stringify(statement)) return false;
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(mergeReaders(before, statement)) }));
  return true;
}
