// make package: uploads every nested template of the root (and the packaged root itself) to the
// artifact bucket under content-addressed keys (templates/<name>-<sha256 prefix>.yaml), so an
// unchanged layer keeps its URL and CloudFormation leaves its nested stack alone; writes the
// packaged root (TemplateURLs pointing at the uploads) to build/packaged/root.yaml.
//
// The artifact bucket (payment-cfn-artifacts-<account>-<region> unless given) is created when
// missing: SSE-S3 encrypted (an AWS-managed KMS key cannot be shared with StackSet target
// accounts; SSE-S3 objects are readable by whoever the policy allows), versioned, Block Public
// Access on, bucket owner enforced, a TLS-only policy, and read access for the StackSet target
// accounts (an organization ID or an account list) when `readers` is given.
import {
  CreateBucketCommand,
  HeadBucketCommand,
  paginateListObjectsV2,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplate, nestedStacks, type CfnTemplate } from './cfn/index.js';
import { awsClients, callerIdentity, type AwsTarget } from './aws.js';
import { GENERATED_TEMPLATES, ROOT } from './paths.js';

export interface ArtifactReaders {
  readonly organizationId?: string;
  readonly accounts?: readonly string[];
}

export interface PackageOptions {
  readonly target: AwsTarget;
  readonly region?: string;
  readonly bucket?: string;
  readonly readers?: ArtifactReaders;
  /** Where root.yaml and the layer templates are (default generated/templates). */
  readonly templatesDir?: string;
  /** Where the packaged root is written (default build/packaged). */
  readonly outDir?: string;
}

export interface PackageResult {
  readonly bucket: string;
  readonly rootTemplatePath: string;
  readonly rootTemplateUrl: string;
  /** S3 keys uploaded by this call. */
  readonly uploaded: string[];
  /** S3 keys that were already there (same content, same key): not uploaded again. */
  readonly skipped: string[];
}

export class PackageError extends Error {}

export const DEFAULT_OUT_DIR = join(ROOT, 'build', 'packaged');
export const KEY_PREFIX = 'templates/';

export const defaultBucketName = (account: string, region: string): string => `payment-cfn-artifacts-${account}-${region}`;

/** The content-addressed key of a template: the same bytes always get the same key. */
export function contentKey(name: string, text: string): string {
  return `${KEY_PREFIX}${name}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.yaml`;
}

/** Virtual-hosted URL CloudFormation reads the template from (the emulator resolves only the global form). */
export function templateUrl(bucket: string, key: string, target: Pick<AwsTarget, 'kind' | 'region'>, region = target.region): string {
  return target.kind === 'local' ? `https://${bucket}.s3.amazonaws.com/${key}` : `https://${bucket}.s3.${region}.amazonaws.com/${key}`;
}

interface StackReference {
  readonly logicalId: string;
  readonly file: string;
}

/** Nested stacks of a parsed template whose TemplateURL is a local file name (not yet packaged). */
export function localTemplateReferences(template: CfnTemplate, filename: string): StackReference[] {
  const references: StackReference[] = [];
  for (const { logicalId, templateUrl: url } of nestedStacks(template)) {
    if (typeof url !== 'string') throw new PackageError(`${filename}: Resources.${logicalId}.Properties.TemplateURL must be a plain file name or URL, got ${JSON.stringify(url)}`);
    if (/^https?:\/\//.test(url)) continue;
    if (!/^[A-Za-z0-9._-]+\.ya?ml$/.test(url))
      throw new PackageError(`${filename}: Resources.${logicalId}.Properties.TemplateURL "${url}" must be a template file name next to it (e.g. network.yaml) or an https URL`);
    references.push({ logicalId, file: url });
  }
  return references;
}

/** Rewrites `TemplateURL: <file>` lines to their URLs; checks that every local reference was rewritten. */
function rewriteTemplateUrls(text: string, urls: ReadonlyMap<string, string>, filename: string): string {
  const rewritten = text.replace(/^(\s*TemplateURL:\s*)(['"]?)([A-Za-z0-9._-]+\.ya?ml)\2\s*$/gm, (line, prefix: string, _quote: string, file: string) => {
    const url = urls.get(file);
    return url ? `${prefix}${url}` : line;
  });
  const left = localTemplateReferences(loadTemplate(rewritten, filename), filename);
  if (left.length > 0) throw new PackageError(`${filename}: could not rewrite the TemplateURL of ${left.map((r) => `${r.logicalId} (${r.file})`).join(', ')}`);
  return rewritten;
}

export interface PackagedTemplate {
  readonly name: string;
  readonly key: string;
  readonly text: string;
}

/**
 * Everything to upload, children before parents (a parent's bytes, hence its key, include its
 * children's URLs). Pure apart from reading the template files.
 */
export function planPackage(templatesDir: string, urlOf: (key: string) => string, name = 'root', chain: readonly string[] = []): PackagedTemplate[] {
  const file = join(templatesDir, `${name}.yaml`);
  if (chain.includes(name)) throw new PackageError(`${file}: nested stacks form a cycle: ${[...chain, name].join(' -> ')}`);
  if (!existsSync(file)) {
    const parent = chain[chain.length - 1];
    throw new PackageError(
      parent ? `${join(templatesDir, `${parent}.yaml`)}: a nested stack's TemplateURL is ${name}.yaml, which does not exist; run make build` : `${file}: not found; run make build`,
    );
  }
  const text = readFileSync(file, 'utf8');
  const plan: PackagedTemplate[] = [];
  const urls = new Map<string, string>();
  for (const reference of localTemplateReferences(loadTemplate(text, file), file)) {
    if (urls.has(reference.file)) continue;
    const childName = reference.file.replace(/\.ya?ml$/, '');
    const childPlan = planPackage(templatesDir, urlOf, childName, [...chain, name]);
    plan.push(...childPlan.filter((t) => !plan.some((p) => p.key === t.key)));
    urls.set(reference.file, urlOf(childPlan[childPlan.length - 1].key));
  }
  const packaged = urls.size > 0 ? rewriteTemplateUrls(text, urls, file) : text;
  plan.push({ name, key: contentKey(name, packaged), text: packaged });
  return plan;
}

/** The artifact bucket's policy: TLS only; StackSet target accounts may read the templates. */
export function artifactBucketPolicy(bucket: string, readers: ArtifactReaders = {}, partition = 'aws'): Record<string, unknown> {
  const bucketArn = `arn:${partition}:s3:::${bucket}`;
  const statements: Record<string, unknown>[] = [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ];
  if (readers.organizationId) {
    statements.push({
      Sid: 'StackSetTargetsInTheOrganizationReadTemplates',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `${bucketArn}/${KEY_PREFIX}*`,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': readers.organizationId } },
    });
  }
  if (readers.accounts && readers.accounts.length > 0) {
    statements.push({
      Sid: 'StackSetTargetAccountsReadTemplates',
      Effect: 'Allow',
      Principal: { AWS: [...readers.accounts].sort().map((account) => `arn:${partition}:iam::${account}:root`) },
      Action: 's3:GetObject',
      Resource: `${bucketArn}/${KEY_PREFIX}*`,
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

export function checkReaders(readers: ArtifactReaders | undefined): void {
  if (!readers) return;
  if (readers.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(readers.organizationId)) {
    throw new PackageError(`readers.organizationId "${readers.organizationId}" is not an AWS Organizations ID (o- followed by 10-32 lower-case letters or digits)`);
  }
  for (const account of readers.accounts ?? []) {
    if (!/^\d{12}$/.test(account)) throw new PackageError(`readers.accounts: "${account}" is not a 12-digit AWS account ID`);
  }
}

async function bucketExists(target: AwsTarget, bucket: string, region: string): Promise<boolean> {
  try {
    await awsClients(target)
      .s3(region)
      .send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return false;
    if (status === 403) throw new PackageError(`artifact bucket ${bucket} exists but belongs to someone else (403); choose another name (ARTIFACT_BUCKET=...)`);
    throw error;
  }
}

/** Creates the artifact bucket with its safeguards when missing; (re)applies the policy when readers are given. */
async function ensureArtifactBucket(target: AwsTarget, bucket: string, region: string, readers?: ArtifactReaders): Promise<boolean> {
  const s3 = awsClients(target).s3(region);
  const created = !(await bucketExists(target, bucket, region));
  if (created) {
    // us-east-1 takes no LocationConstraint (CreateBucket API reference).
    await s3.send(
      new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }) }),
    );
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      }),
    );
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
    await s3.send(
      new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }),
    );
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
  if (created || readers) await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(artifactBucketPolicy(bucket, readers)) }));
  return created;
}

/** Keys already in the bucket under templates/ (one listing instead of a HeadObject per key). */
async function existingKeys(target: AwsTarget, bucket: string, region: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const page of paginateListObjectsV2({ client: awsClients(target).s3(region) }, { Bucket: bucket, Prefix: KEY_PREFIX })) {
    for (const object of page.Contents ?? []) if (object.Key) keys.add(object.Key);
  }
  return keys;
}

export async function packageTemplates(opts: PackageOptions): Promise<PackageResult> {
  const { target } = opts;
  const region = opts.region ?? target.region;
  const templatesDir = opts.templatesDir ?? GENERATED_TEMPLATES;
  const outDir = opts.outDir ?? DEFAULT_OUT_DIR;
  checkReaders(opts.readers);
  const bucket = opts.bucket ?? defaultBucketName((await callerIdentity(target)).account, region);
  const plan = planPackage(templatesDir, (key) => templateUrl(bucket, key, target, region));
  const root = plan[plan.length - 1];

  await ensureArtifactBucket(target, bucket, region, opts.readers);
  const present = await existingKeys(target, bucket, region);
  const missing = plan.filter((t) => !present.has(t.key));
  const s3 = awsClients(target).s3(region);
  await Promise.all(missing.map((t) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: t.key, Body: t.text, ContentType: 'text/yaml' }))));
  mkdirSync(outDir, { recursive: true });
  const rootTemplatePath = join(outDir, 'root.yaml');
  writeFileSync(rootTemplatePath, root.text);
  return {
    bucket,
    rootTemplatePath,
    rootTemplateUrl: templateUrl(bucket, root.key, target, region),
    uploaded: missing.map((t) => t.key),
    skipped: plan.filter((t) => present.has(t.key)).map((t) => t.key),
  };
}
