// The custom execution role of a SERVICE_MANAGED stack set. The default stacksets-exec-* role
// "can't provision nested stacks, transforms, or macros"; with ExecutionRoleTemplateBody,
// StackSets deploys the given template as a stack in each target account before its first
// instance there and uses the role it creates, named the stack set's ExecutionRoleName, which
// must begin with stacksets-exec-custom-
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-custom-execution-role.html,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html).
//
// The template is generated/stacksets/stackset-custom-execution-role.yaml with its parameters'
// defaults filled from the manifest (StackSets passes it no values), as compact JSON. Its
// least-privilege policies (every action by name, scoped to the platform's names) are far over
// the 51,200-byte limit of ExecutionRoleTemplateBody, so it goes to the artifact bucket under a
// content-addressed key and the stack set gets ExecutionRoleTemplateUrl (an S3 object of up to
// 1 MB, like TemplateURL). The plan compares it with the copy CloudFormation keeps at the stack
// set's StackSetOutputBucketPath.
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import type { AwsTarget } from '../aws.js';
import { isAwsError } from '../aws.js';
import { defaultBucketName, templateUrl } from '../package.js';
import { GENERATED } from '../paths.js';
import type { CustomExecutionRole, DescribedStackSet, StackSetApi } from './api.js';
import type { StackSetClients } from './clients.js';
import { readRoleOf, type StackSetSpec } from './manifest.js';

/** CloudFormation's limit for a template in S3 (ExecutionRoleTemplateUrl, like TemplateURL). */
const TEMPLATE_URL_LIMIT = 1_000_000;
/** Where the custom execution role templates go in the artifact bucket. */
const EXECUTION_ROLE_KEY_PREFIX = 'stackset-roles/';

const CUSTOM_EXECUTION_ROLE_TEMPLATE = join(GENERATED, 'stacksets', 'stackset-custom-execution-role.yaml');

/** Does this stack set get the project's custom execution role template? */
const usesCustomExecutionRole = (spec: StackSetSpec): boolean => spec.manifest.permissions.model === 'SERVICE_MANAGED' && spec.hasNestedStacks;

interface RoleContext {
  readonly api: StackSetApi;
  readonly clients: StackSetClients;
  readonly target: AwsTarget;
}

/** The organization's management account: the caller with CallAs SELF, else from AWS Organizations. */
async function managementAccount(spec: StackSetSpec, adminAccount: string, ctx: RoleContext): Promise<string> {
  const permissions = spec.manifest.permissions;
  if (permissions.model !== 'SERVICE_MANAGED' || permissions.callAs === 'SELF' || ctx.target.kind === 'local') return adminAccount;
  const organization = (await ctx.clients.admin.organizations().send(new DescribeOrganizationCommand({}))).Organization;
  return organization?.MasterAccountId ?? adminAccount;
}

/** The template body with the manifest's values as parameter defaults, as compact JSON. */
function customExecutionRoleBody(spec: StackSetSpec, values: { adminAccount: string; managementAccount: string; bucket: string }): string {
  const permissions = spec.manifest.permissions;
  if (permissions.model !== 'SERVICE_MANAGED' || !permissions.executionRoleName)
    throw new Error(`${spec.file}: a custom execution role needs SERVICE_MANAGED with permissions.executionRoleName`);
  const tree = parseTemplate(readFileSync(CUSTOM_EXECUTION_ROLE_TEMPLATE, 'utf8'), CUSTOM_EXECUTION_ROLE_TEMPLATE) as { Parameters: Record<string, { Default?: unknown }> };
  const defaults: Record<string, string> = {
    Environment: spec.parameters.Environment ?? 'prod',
    AdministrationAccountId: values.adminAccount,
    ManagementAccountId: values.managementAccount,
    ExecutionRoleName: permissions.executionRoleName,
    ReadRoleName: readRoleOf(spec.manifest),
    // Instance stacks are StackSet-<stack set name>-<UUID>: the role serves this stack set only.
    StackSetNamePrefix: `${spec.manifest.stackSetName}-`,
    ArtifactBucketName: values.bucket,
    TargetRegions: spec.manifest.regions.join(','),
  };
  for (const [name, value] of Object.entries(defaults)) if (tree.Parameters[name]) tree.Parameters[name].Default = value;
  const body = JSON.stringify(tree);
  if (Buffer.byteLength(body) > TEMPLATE_URL_LIMIT)
    throw new Error(`${CUSTOM_EXECUTION_ROLE_TEMPLATE}: ${Buffer.byteLength(body)} bytes as JSON, over CloudFormation's ${TEMPLATE_URL_LIMIT}-byte template limit`);
  return body;
}

/** The body for this stack set (the manifest's values, the management account, the artifact bucket). */
async function wantedBody(spec: StackSetSpec, adminAccount: string, bucket: string, ctx: RoleContext): Promise<string> {
  return customExecutionRoleBody(spec, { adminAccount, managementAccount: await managementAccount(spec, adminAccount, ctx), bucket });
}

/** The artifact bucket key of a body: the same bytes always get the same key. */
const executionRoleKey = (body: string): string => `${EXECUTION_ROLE_KEY_PREFIX}${createHash('sha256').update(body).digest('hex').slice(0, 16)}.json`;

/**
 * What CreateStackSet/UpdateStackSet send for the execution role (nothing unless SERVICE_MANAGED
 * with nested stacks): the template uploaded to the artifact bucket (once: the key is its content
 * hash) and its URL. Called only when the stack set is created or updated.
 */
export async function executionRoleFor(spec: StackSetSpec, adminAccount: string, bucket: string | undefined, ctx: RoleContext): Promise<CustomExecutionRole> {
  if (!usesCustomExecutionRole(spec)) return {};
  const permissions = spec.manifest.permissions as { outputBucket?: string };
  const artifactBucket = bucket ?? defaultBucketName(adminAccount, ctx.target.region);
  const body = await wantedBody(spec, adminAccount, artifactBucket, ctx);
  const key = executionRoleKey(body);
  const s3 = ctx.clients.admin.s3();
  try {
    await s3.send(new HeadObjectCommand({ Bucket: artifactBucket, Key: key }));
  } catch (e) {
    if (!isAwsError(e, 'NotFound') && !isAwsError(e, 'NoSuchKey')) throw e;
    await s3.send(new PutObjectCommand({ Bucket: artifactBucket, Key: key, Body: body, ContentType: 'application/json' }));
  }
  return { ExecutionRoleTemplateUrl: templateUrl(artifactBucket, key, ctx.target), StackSetOutputBucket: permissions.outputBucket ?? artifactBucket };
}

/** Bucket and key of StackSetOutputBucketPath ("bucket/key" or "s3://bucket/key"). */
function outputLocation(path: string): { bucket: string; key: string } | undefined {
  const bare = path.replace(/^s3:\/\//, '');
  const slash = bare.indexOf('/');
  return slash > 0 ? { bucket: bare.slice(0, slash), key: bare.slice(slash + 1) } : undefined;
}

/** Plan lines for the execution role template: what differs from the deployed one, if anything. */
export async function executionRoleDifferences(spec: StackSetSpec, observed: { adminAccount: string; existing?: DescribedStackSet }, ctx: RoleContext): Promise<string[]> {
  if (!usesCustomExecutionRole(spec) || !observed.existing) return [];
  const wanted = await wantedBody(spec, observed.adminAccount, defaultBucketName(observed.adminAccount, ctx.target.region), ctx);
  const path = observed.existing.StackSetOutputBucketPath;
  const location = path ? outputLocation(path) : undefined;
  if (!location)
    return [`execution role template: the stack set reports none (no StackSetOutputBucketPath): the project's is sent, ${spec.manifest.permissions.executionRoleName}`];
  let deployed: unknown;
  try {
    deployed = parseTemplate(await ctx.api.s3Text(location.bucket, location.key), path!);
  } catch (e) {
    return [`execution role template: the deployed copy at ${path} could not be read (${(e as Error).message.split('\n')[0]}); counted as changed`];
  }
  return isDeepStrictEqual(deployed, JSON.parse(wanted)) ? [] : [`execution role template: differs from the deployed one (${path})`];
}
