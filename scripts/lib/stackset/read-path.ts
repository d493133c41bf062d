// Below the root of every instance: an instance's own stack holds nothing but the platform's
// nested layer stacks, so drift, failures and previews have to be read there, in the target
// account, through the read-only role (clients.ts). StackSet drift detection, like
// DetectStackDrift, "does not descend into nested stacks": each nested stack is a stack of its own
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/detect-drift-stack.html).
//
//  - instanceStacks: the instance's root stack and every stack nested in it (ListStackResources,
//    every page, recursively);
//  - firstFailure: the first failed resource event inside them (the root's own events only say
//    "Embedded stack … was not successfully created");
//  - lastDuration: how long the root's last create/update took, from its stack events;
//  - layerDrift: DetectStackDrift on the root and on every nested stack, then their drifted
//    resources (DescribeStackResourceDrifts, every page);
//  - previewInstance: a change set with IncludeNestedStacks, its nested change sets, then deleted.
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  paginateDescribeStackEvents,
  paginateDescribeStackResourceDrifts,
  paginateListStackResources,
  type Change,
  type CloudFormationClient,
  type Parameter,
  type Stack,
  type StackEvent,
  type StackResourceDrift,
} from '@aws-sdk/client-cloudformation';
import { mapLimited } from './api.js';

export interface LayerStack {
  /** Logical ID in its parent (NetworkStack); "(root)" for the instance's own stack. */
  readonly layer: string;
  readonly stack: Stack;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function describeStack(cfn: CloudFormationClient, stackId: string): Promise<Stack | undefined> {
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0];
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** The instance's root stack and every stack nested in it, parents first. */
export async function instanceStacks(cfn: CloudFormationClient, rootStackId: string): Promise<LayerStack[]> {
  const root = await describeStack(cfn, rootStackId);
  if (!root) return [];
  const out: LayerStack[] = [{ layer: '(root)', stack: root }];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    const children: { logicalId: string; physicalId: string }[] = [];
    for await (const page of paginateListStackResources({ client: cfn }, { StackName: parent.StackId })) {
      for (const r of page.StackResourceSummaries ?? []) {
        if (r.ResourceType === 'AWS::CloudFormation::Stack' && r.PhysicalResourceId) children.push({ logicalId: r.LogicalResourceId ?? '', physicalId: r.PhysicalResourceId });
      }
    }
    const stacks = await mapLimited(children, 4, async (c) => ({ layer: c.logicalId, stack: await describeStack(cfn, c.physicalId) }));
    for (const s of stacks) {
      if (!s.stack) continue;
      out.push({ layer: s.layer, stack: s.stack });
      queue.push(s.stack);
    }
  }
  return out;
}

/** Reasons that only say that something else failed. */
const GENERIC_REASONS = [/^The following resource\(s\) failed/, /^Resource creation cancelled/, /^Resource update cancelled/, /^Embedded stack .* was not successfully/];

/** The events of a stack's last operation (newest first; stops at the event that started it). */
async function lastOperationEvents(cfn: CloudFormationClient, stack: Stack): Promise<StackEvent[]> {
  const events: StackEvent[] = [];
  for await (const page of paginateDescribeStackEvents({ client: cfn }, { StackName: stack.StackId })) {
    for (const event of page.StackEvents ?? []) {
      events.push(event);
      const own = event.LogicalResourceId === stack.StackName || event.PhysicalResourceId === stack.StackId;
      if (own && /_IN_PROGRESS$/.test(event.ResourceStatus ?? '') && !/CLEANUP|ROLLBACK/.test(event.ResourceStatus ?? '')) return events;
    }
  }
  return events;
}

export interface Failure {
  readonly layer: string;
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
  readonly at?: Date;
}

/** The first failed resource event inside the instance's stacks (nested ones first). */
export async function firstFailure(cfn: CloudFormationClient, stacks: readonly LayerStack[]): Promise<Failure | undefined> {
  const failures: Failure[] = [];
  const nestedFailures: Failure[] = [];
  for (const { layer, stack } of stacks) {
    for (const e of await lastOperationEvents(cfn, stack)) {
      const reason = e.ResourceStatusReason ?? '';
      if (!/_FAILED$/.test(e.ResourceStatus ?? '') || !reason || GENERIC_REASONS.some((g) => g.test(reason))) continue;
      const failure = { layer, logicalId: e.LogicalResourceId ?? '', type: e.ResourceType ?? '', reason, at: e.Timestamp };
      // A nested stack's own failure only counts when its events are gone (a rolled-back nested stack is deleted).
      (e.ResourceType === 'AWS::CloudFormation::Stack' ? nestedFailures : failures).push(failure);
    }
  }
  const earliest = (list: Failure[]) => list.sort((a, b) => (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0))[0];
  return earliest(failures) ?? earliest(nestedFailures);
}

/** Minutes the root's last completed create or update took, from its stack events. */
export async function lastDuration(cfn: CloudFormationClient, root: Stack): Promise<number | undefined> {
  const events = await lastOperationEvents(cfn, root);
  const own = events.filter((e) => e.LogicalResourceId === root.StackName);
  const end = own.find((e) => e.ResourceStatus === 'CREATE_COMPLETE' || e.ResourceStatus === 'UPDATE_COMPLETE');
  const start = [...own].reverse().find((e) => e.ResourceStatus === 'CREATE_IN_PROGRESS' || e.ResourceStatus === 'UPDATE_IN_PROGRESS');
  if (!end?.Timestamp || !start?.Timestamp) return undefined;
  return (end.Timestamp.getTime() - start.Timestamp.getTime()) / 60_000;
}

export interface LayerDrift {
  readonly layer: string;
  readonly status: string;
  readonly reason?: string;
  readonly drifts: readonly StackResourceDrift[];
}

/** Drift detection on every layer: each nested stack is detected on its own (AWS does not descend). */
export async function layerDrift(cfn: CloudFormationClient, stacks: readonly LayerStack[], pollMs: number): Promise<LayerDrift[]> {
  return mapLimited(stacks, 4, async ({ layer, stack }) => {
    const id = (await cfn.send(new DetectStackDriftCommand({ StackName: stack.StackId }))).StackDriftDetectionId!;
    let status = 'DETECTION_IN_PROGRESS';
    let reason: string | undefined;
    let stackDrift: string | undefined;
    while (status === 'DETECTION_IN_PROGRESS') {
      const out = await cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }));
      status = out.DetectionStatus ?? 'DETECTION_FAILED';
      reason = out.DetectionStatusReason;
      stackDrift = out.StackDriftStatus;
      if (status === 'DETECTION_IN_PROGRESS') await sleep(pollMs);
    }
    const drifts: StackResourceDrift[] = [];
    for await (const page of paginateDescribeStackResourceDrifts({ client: cfn }, { StackName: stack.StackId, StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'] })) {
      for (const d of page.StackResourceDrifts ?? []) if (d.ResourceType !== 'AWS::CloudFormation::Stack') drifts.push(d);
    }
    return { layer, status: status === 'DETECTION_COMPLETE' ? (stackDrift ?? 'UNKNOWN') : status, reason, drifts };
  });
}

export interface PreviewChange {
  readonly layer: string;
  readonly action: string;
  readonly logicalId: string;
  readonly type: string;
  /** True, Conditional or False (Modify only). */
  readonly replacement?: string;
}

/** Every change of a change set, every page. */
async function changesOf(cfn: CloudFormationClient, changeSetId: string): Promise<{ status: string; reason?: string; changes: Change[] }> {
  const changes: Change[] = [];
  let status: string;
  let reason: string | undefined;
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId, NextToken }));
    status = page.Status ?? '';
    reason = page.StatusReason;
    changes.push(...(page.Changes ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return { status, reason, changes };
}

export interface PreviewInput {
  readonly stackId: string;
  /** The packaged template's URL, or the body of a template sent inline (the DR vault's). */
  readonly templateUrl?: string;
  readonly templateBody?: string;
  readonly parameters: readonly Parameter[];
  readonly changeSetName: string;
  readonly pollMs: number;
}

/**
 * What an update of the instance's stack would do, layer by layer: a change set with
 * IncludeNestedStacks (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html),
 * its nested change sets read through each nested change's ChangeSetId, then deleted (deleting
 * the root change set deletes the nested ones).
 */
export async function previewInstance(cfn: CloudFormationClient, input: PreviewInput): Promise<{ changes: PreviewChange[]; note?: string }> {
  const created = await cfn.send(
    new CreateChangeSetCommand({
      StackName: input.stackId,
      ChangeSetName: input.changeSetName,
      ChangeSetType: 'UPDATE',
      ...(input.templateBody !== undefined ? { TemplateBody: input.templateBody } : { TemplateURL: input.templateUrl }),
      Parameters: [...input.parameters],
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      IncludeNestedStacks: true,
      Description: 'make stackset-plan PREVIEW=1 (deleted after reading)',
    }),
  );
  const rootId = created.Id!;
  try {
    let root = await changesOf(cfn, rootId);
    while (root.status === 'CREATE_PENDING' || root.status === 'CREATE_IN_PROGRESS') {
      await sleep(input.pollMs);
      root = await changesOf(cfn, rootId);
    }
    if (root.status === 'FAILED') {
      // "The submitted information didn't contain changes": nothing to preview.
      if (/didn't contain changes|No updates/i.test(root.reason ?? '')) return { changes: [], note: 'no changes' };
      throw new Error(`change set ${input.changeSetName} FAILED: ${root.reason ?? 'no reason given'}`);
    }
    const out: PreviewChange[] = [];
    const walk = async (layer: string, changes: readonly Change[]): Promise<void> => {
      for (const change of changes) {
        const rc = change.ResourceChange;
        if (!rc) continue;
        if (rc.ResourceType === 'AWS::CloudFormation::Stack' && rc.ChangeSetId) {
          await walk(rc.LogicalResourceId ?? layer, (await changesOf(cfn, rc.ChangeSetId)).changes);
          if (rc.Action !== 'Modify') out.push({ layer, action: rc.Action ?? '', logicalId: rc.LogicalResourceId ?? '', type: rc.ResourceType, replacement: rc.Replacement });
          continue;
        }
        out.push({ layer, action: rc.Action ?? '', logicalId: rc.LogicalResourceId ?? '', type: rc.ResourceType ?? '', replacement: rc.Replacement });
      }
    };
    await walk('(root)', root.changes);
    return { changes: out };
  } finally {
    await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: rootId })).catch(() => undefined);
  }
}
