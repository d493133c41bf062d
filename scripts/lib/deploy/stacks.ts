// Small read-only questions about deployed stacks.
import { aws, AwsCallError, type AwsTarget } from '../aws.js';

export interface DeployedStack {
  readonly StackId: string;
  readonly StackName: string;
  readonly StackStatus: string;
  readonly StackStatusReason?: string;
  readonly EnableTerminationProtection?: boolean;
  readonly Outputs?: { OutputKey: string; OutputValue: string; Description?: string }[];
}

/** The live stack of that name (or ID), or undefined when there is none. */
export function describeStack(target: AwsTarget, nameOrId: string, region?: string): DeployedStack | undefined {
  try {
    const answer = aws<{ Stacks: DeployedStack[] }>(target, ['cloudformation', 'describe-stacks', '--stack-name', nameOrId], { region });
    return answer.Stacks[0];
  } catch (error) {
    if (error instanceof AwsCallError && /does not exist/.test(error.stderr)) return undefined;
    throw error;
  }
}

export function outputsOf(stack: DeployedStack | undefined): Record<string, string> {
  return Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
}

export function formatOutputs(stack: DeployedStack | undefined): string[] {
  const outputs = [...(stack?.Outputs ?? [])].sort((a, b) => a.OutputKey.localeCompare(b.OutputKey));
  if (outputs.length === 0) return ['  (no outputs)'];
  const width = Math.max(...outputs.map((o) => o.OutputKey.length));
  return outputs.map((o) => `  ${o.OutputKey.padEnd(width)}  ${o.OutputValue}`);
}

export interface StackResource {
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType: string;
}

export function stackResources(target: AwsTarget, stackId: string, region?: string): StackResource[] {
  return aws<{ StackResourceSummaries: StackResource[] }>(target, ['cloudformation', 'list-stack-resources', '--stack-name', stackId], { region }).StackResourceSummaries;
}

/** The nested stacks of a stack: logical ID in the parent -> stack ID. */
export function nestedStacks(target: AwsTarget, stackId: string, region?: string): Map<string, string> {
  return new Map(
    stackResources(target, stackId, region)
      .filter((r) => r.ResourceType === 'AWS::CloudFormation::Stack' && r.PhysicalResourceId)
      .map((r) => [r.LogicalResourceId, r.PhysicalResourceId!]),
  );
}
