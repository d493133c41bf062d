// The custom execution role of a SERVICE_MANAGED stack set. The default stacksets-exec-* role
// "can't provision nested stacks, transforms, or macros"; with ExecutionRoleTemplateBody,
// StackSets deploys the given template as a stack in each target account before its first
// instance there and uses the role it creates, named the stack set's ExecutionRoleName, which
// must begin with stacksets-exec-custom-
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-custom-execution-role.html,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html).
//
// The template is generated/stacksets/stackset-custom-execution-role.yaml with its parameters'
// defaults filled from the manifest (StackSets passes it no values), sent as compact JSON (the
// YAML is over the 51,200-byte inline limit). The plan compares it with the copy CloudFormation
// keeps at the stack set's StackSetOutputBucketPath.
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import type { AwsTarget } from '../aws.js';
import { defaultBucketName } from '../package.js';
import { GENERATED } from '../paths.js';
import type { CustomExecutionRole, DescribedStackSet, StackSetApi } from './api.js';
import type { StackSetClients } from './clients.js';
import { readRoleOf, type StackSetSpec } from './manifest.js';
import { TEMPLATE_BODY_LIMIT } from './template-source.js';

export const CUSTOM_EXECUTION_ROLE_TEMPLATE = join(GENERATED, 'stacksets', 'stackset-custom-execution-role.yaml');

/** Does this stack set get the project's custom execution role template? */
export const usesCustomExecutionRole = (spec: StackSetSpec): boolean => spec.manifest.permissions.model === 'SERVICE_MANAGED' && spec.hasNestedStacks;

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
export function customExecutionRoleBody(spec: StackSetSpec, values: { adminAccount: string; managementAccount: string; bucket: string }): string {
  const permissions = spec.manifest.permissions;
  if (permissions.model !== 'SERVICE_MANAGED' || !permissions.executionRoleName) throw new Error(`${spec.file}: a custom execution role needs SERVICE_MANAGED with permissions.executionRoleName`);
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
  if (Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT) throw new Error(`${CUSTOM_EXECUTION_ROLE_TEMPLATE}: ${Buffer.byteLength(body)} bytes as JSON, over the ${TEMPLATE_BODY_LIMIT}-byte ExecutionRoleTemplateBody limit`);
  return body;
}

/** What CreateStackSet/UpdateStackSet send for the execution role (nothing unless SERVICE_MANAGED with nested stacks). */
export async function executionRoleFor(spec: StackSetSpec, adminAccount: string, bucket: string | undefined, ctx: RoleContext): Promise<CustomExecutionRole> {
  if (!usesCustomExecutionRole(spec)) return {};
  const permissions = spec.manifest.permissions as { outputBucket?: string };
  const artifactBucket = bucket ?? defaultBucketName(adminAccount, ctx.target.region);
  const body = customExecutionRoleBody(spec, { adminAccount, managementAccount: await managementAccount(spec, adminAccount, ctx), bucket: artifactBucket });
  return { ExecutionRoleTemplateBody: body, StackSetOutputBucket: permissions.outputBucket ?? artifactBucket };
}

/** Bucket and key of StackSetOutputBucketPath ("bucket/key" or "s3://bucket/key"). */
export function outputLocation(path: string): { bucket: string; key: string } | undefined {
  const bare = path.replace(/^s3:\/\//, '');
  const slash = bare.indexOf('/');
  return slash > 0 ? { bucket: bare.slice(0, slash), key: bare.slice(slash + 1) } : undefined;
}

/** Plan lines for the execution role template: what differs from the deployed one, if anything. */
export async function executionRoleDifferences(spec: StackSetSpec, observed: { adminAccount: string; existing?: DescribedStackSet }, ctx: RoleContext): Promise<string[]> {
  if (!usesCustomExecutionRole(spec) || !observed.existing) return [];
  const wanted = (await executionRoleFor(spec, observed.adminAccount, undefined, ctx)).ExecutionRoleTemplateBody!;
  const path = observed.existing.StackSetOutputBucketPath;
  const location = path ? outputLocation(path) : undefined;
  if (!location) return [`execution role template: the stack set reports none (no StackSetOutputBucketPath): the project's is sent, ${spec.manifest.permissions.executionRoleName}`];
  let deployed: unknown;
  try {
    deployed = parseTemplate(await ctx.api.s3Text(location.bucket, location.key), path!);
  } catch (e) {
    return [`execution role template: the deployed copy at ${path} could not be read (${(e as Error).message.split('\n')[0]}); counted as changed`];
  }
  return isDeepStrictEqual(deployed, JSON.parse(wanted)) ? [] : [`execution role template: differs from the deployed one (${path})`];
}
