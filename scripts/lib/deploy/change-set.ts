// CloudFormation's own answer to "what will this deploy do": a change set with IncludeNestedStacks
// (the root's and one per nested stack it modifies, at any depth), read whole through the SDK.
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
// The tree is read through a `describe` function so the gate can be tested in process against
// recorded DescribeChangeSet responses.
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  waitUntilChangeSetCreateComplete,
  type Capability,
  type DescribeChangeSetOutput,
  type Parameter,
  type ResourceChange,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import { awsClients, type AwsTarget } from '../aws.js';

/** One page of DescribeChangeSet (a change set's Changes are paged with NextToken). */
export type DescribeChangeSet = (changeSetId: string, nextToken?: string) => Promise<DescribeChangeSetOutput>;

export interface ChangeSetNode {
  readonly changeSetId: string;
  readonly stackName: string;
  /** Logical IDs from the root down to this stack ([] for the root, ["DatabaseStack"] for a layer). */
  readonly path: readonly string[];
  readonly status: string;
  readonly statusReason?: string;
  readonly changes: readonly ResourceChange[];
  /** The nested change sets, by the nested stack's logical ID in this stack. */
  readonly children: ReadonlyMap<string, ChangeSetNode>;
}

export const NESTED_STACK = 'AWS::CloudFormation::Stack';
const MAX_DEPTH = 5;

/** CloudFormation's reason for a change set that has nothing to do (CreateChangeSet ends FAILED with it). */
export const isNoChanges = (reason: string | undefined): boolean => /didn't contain changes|No updates are to be performed/i.test(reason ?? '');

export function sdkDescribe(target: AwsTarget, region?: string): DescribeChangeSet {
  const client = awsClients(target).cloudformation(region);
  return (changeSetId, nextToken) => client.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId, NextToken: nextToken }));
}

/** A change set and, for each nested stack it modifies, its nested change set (every page of every one). */
export async function readChangeSetTree(describe: DescribeChangeSet, changeSetId: string, path: readonly string[] = []): Promise<ChangeSetNode> {
  const pages: DescribeChangeSetOutput[] = [];
  let token: string | undefined;
  do {
    const page = await describe(changeSetId, token);
    pages.push(page);
    token = page.NextToken;
  } while (token);
  const first = pages[0]!;
  const changes = pages.flatMap((p) => (p.Changes ?? []).map((c) => c.ResourceChange).filter((c): c is ResourceChange => c !== undefined));
  const children = new Map<string, ChangeSetNode>();
  if (path.length < MAX_DEPTH) {
    for (const change of changes) {
      if (change.ResourceType === NESTED_STACK && change.ChangeSetId && change.LogicalResourceId) {
        children.set(change.LogicalResourceId, await readChangeSetTree(describe, change.ChangeSetId, [...path, change.LogicalResourceId]));
      }
    }
  }
  return { changeSetId, stackName: first.StackName ?? '', path, status: first.Status ?? '', statusReason: first.StatusReason, changes, children };
}

/** Every node of the tree, root first, each layer before the stacks it nests. */
export function nodesOf(tree: ChangeSetNode): ChangeSetNode[] {
  return [tree, ...[...tree.children.values()].flatMap(nodesOf)];
}

/** Where a change set's template comes from: an S3 URL (the packaged root) or the body itself (a small standalone template). */
export type TemplateSource = { readonly url: string } | { readonly body: string };

export interface ChangeSetRequest {
  readonly stackName: string;
  readonly source: TemplateSource;
  readonly parameters: ReadonlyMap<string, string>;
  readonly tags: Readonly<Record<string, string>>;
  readonly capabilities: readonly Capability[];
  readonly region?: string;
}

export interface Preview {
  readonly changeSetId: string;
  /** False when CloudFormation found nothing to change. */
  readonly changed: boolean;
  readonly tree?: ChangeSetNode;
}

/** The name of the preview change set: letters, digits and hyphens, at most 128 (API_CreateChangeSet, ChangeSetName). */
const previewName = (now = new Date()): string => `make-deploy-preview-${now.toISOString().replace(/\D/g, '').slice(0, 14)}`;

/**
 * Creates the preview change set (IncludeNestedStacks) of an update and reads it whole. A change
 * set CloudFormation refuses (a template error) throws with its reason; "no changes" is not an error.
 */
export async function createPreview(target: AwsTarget, request: ChangeSetRequest, pollSeconds: number): Promise<Preview> {
  const client = awsClients(target).cloudformation(request.region);
  const created = await client.send(
    new CreateChangeSetCommand({
      StackName: request.stackName,
      ChangeSetName: previewName(),
      ChangeSetType: 'UPDATE',
      IncludeNestedStacks: true,
      ...('url' in request.source ? { TemplateURL: request.source.url } : { TemplateBody: request.source.body }),
      Parameters: [...request.parameters].map(([ParameterKey, ParameterValue]): Parameter => ({ ParameterKey, ParameterValue })),
      Capabilities: [...request.capabilities],
      Tags: Object.entries(request.tags).map(([Key, Value]): Tag => ({ Key, Value })),
      Description: 'make deploy: preview for the data-loss gate (deleted after reading)',
    }),
  );
  const changeSetId = created.Id!;
  await waitUntilChangeSetCreateComplete({ client, minDelay: pollSeconds, maxDelay: Math.max(pollSeconds, 30), maxWaitTime: 3600 }, { ChangeSetName: changeSetId }).catch(
    () => undefined,
  );
  const root = await client.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId }));
  if (root.Status === 'FAILED') {
    if (isNoChanges(root.StatusReason)) return { changeSetId, changed: false };
    throw new ChangeSetRefusedError(`the change set was refused: ${root.StatusReason ?? 'no reason given'}`, changeSetId);
  }
  return { changeSetId, changed: true, tree: await readChangeSetTree(sdkDescribe(target, request.region), changeSetId) };
}

export class ChangeSetRefusedError extends Error {
  constructor(
    message: string,
    readonly changeSetId: string,
  ) {
    super(message);
  }
}

/** Deletes a change set (a root change set takes its nested change sets with it). */
export async function deleteChangeSet(target: AwsTarget, changeSetId: string, region?: string): Promise<void> {
  await awsClients(target)
    .cloudformation(region)
    .send(new DeleteChangeSetCommand({ ChangeSetName: changeSetId }));
}

/** The root's own changes as comparable lines (action, logical ID, replacement). */
export const rootChangeKeys = (changes: readonly ResourceChange[]): string[] =>
  changes.map((c) => `${c.Action} ${c.LogicalResourceId} ${c.Action === 'Modify' ? (c.Replacement ?? '') : ''}`.trim()).sort();
