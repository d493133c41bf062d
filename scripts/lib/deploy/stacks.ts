// Small read-only questions about deployed stacks (AWS SDK: DescribeStacks, ListStackResources,
// GetTemplate), shared by deploy, destroy, refactor and the diff against a stack.
import { DescribeStacksCommand, GetTemplateCommand, paginateListStackResources, type Stack, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import { awsClients, isStackMissing, type AwsTarget } from '../aws.js';
import type { StackReader } from '../diff/source-stack.js';
import type { CfnTemplate } from '../diff/types.js';

export type DeployedStack = Stack & { readonly StackId: string; readonly StackName: string; readonly StackStatus: string };

/** The live stack of that name (or ID), or undefined when there is none. */
export async function describeStack(target: AwsTarget, nameOrId: string, region?: string): Promise<DeployedStack | undefined> {
  try {
    const answer = await awsClients(target)
      .cloudformation(region)
      .send(new DescribeStacksCommand({ StackName: nameOrId }));
    return answer.Stacks?.[0] as DeployedStack | undefined;
  } catch (error) {
    if (isStackMissing(error)) return undefined;
    throw error;
  }
}

export function outputsOf(stack: Stack | undefined): Record<string, string> {
  return Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}

export function formatOutputs(stack: Stack | undefined): string[] {
  const outputs = [...(stack?.Outputs ?? [])].sort((a, b) => (a.OutputKey ?? '').localeCompare(b.OutputKey ?? ''));
  if (outputs.length === 0) return ['  (no outputs)'];
  const width = Math.max(...outputs.map((o) => (o.OutputKey ?? '').length));
  return outputs.map((o) => `  ${(o.OutputKey ?? '').padEnd(width)}  ${o.OutputValue ?? ''}`);
}

export type StackResource = StackResourceSummary & { readonly LogicalResourceId: string; readonly ResourceType: string };

/** Every resource of one stack (all pages). */
export async function stackResources(target: AwsTarget, stackId: string, region?: string): Promise<StackResource[]> {
  const resources: StackResource[] = [];
  for await (const page of paginateListStackResources({ client: awsClients(target).cloudformation(region) }, { StackName: stackId })) {
    resources.push(...((page.StackResourceSummaries ?? []) as StackResource[]));
  }
  return resources;
}

const NESTED_STACK = 'AWS::CloudFormation::Stack';

/** The nested stacks of a stack: logical ID in the parent -> stack ID (those that exist now). */
export async function nestedStacks(target: AwsTarget, stackId: string, region?: string): Promise<Map<string, string>> {
  return new Map(
    (await stackResources(target, stackId, region))
      .filter((r) => r.ResourceType === NESTED_STACK && r.PhysicalResourceId && r.ResourceStatus !== 'DELETE_COMPLETE')
      .map((r) => [r.LogicalResourceId, r.PhysicalResourceId!]),
  );
}

/** The template a stack was deployed with (Original: as submitted, before transforms), parsed. */
export async function deployedTemplate(target: AwsTarget, stackId: string, region?: string): Promise<Record<string, unknown>> {
  const answer = await awsClients(target)
    .cloudformation(region)
    .send(new GetTemplateCommand({ StackName: stackId, TemplateStage: 'Original' }));
  return parseTemplate(answer.TemplateBody ?? '{}', `stack ${stackId}`);
}

/** The diff's view of deployed stacks (scripts/lib/diff/source-stack.ts) through the SDK. */
export function stackReader(target: AwsTarget, region?: string): StackReader {
  return {
    template: async (stack) => (await deployedTemplate(target, stack, region)) as CfnTemplate,
    nestedStacks: (stack) => nestedStacks(target, stack, region),
  };
}
