// Production safeguards: a stack policy per stack that denies replacing or deleting the
// resources that hold data. CloudFormation applies a stack policy only to the resources of the
// stack it is set on: the root's policy sees a nested stack as one AWS::CloudFormation::Stack
// resource, so each nested stack gets its own policy for its stateful resources, and the root's
// policy protects the nested stacks that contain any.
import { RESOURCE_INFO } from '../../../templates-src/spec-types/resource-info.js';
import type { CfnTemplate } from '../cfn/index.js';

const KEEPS_DATA = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

/** Logical IDs of resources that hold data: stateful in the AWS spec, or kept on deletion. */
export function statefulResources(template: CfnTemplate): string[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => (RESOURCE_INFO as Record<string, { stateful: boolean } | undefined>)[r.Type]?.stateful || KEEPS_DATA.has(String(r.DeletionPolicy)))
    .map(([id]) => id)
    .sort();
}

export function stackPolicy(protectedIds: readonly string[]): Record<string, unknown> {
  const statements: Record<string, unknown>[] = [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }];
  if (protectedIds.length > 0) {
    statements.push({
      Effect: 'Deny',
      Action: ['Update:Replace', 'Update:Delete'],
      Principal: '*',
      Resource: protectedIds.map((id) => `LogicalResourceId/${id}`),
    });
  }
  return { Statement: statements };
}
