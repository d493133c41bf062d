// Stack events of a root stack and its nested stacks, as a stream: each poll fetches the events of
// the root and of every nested stack still running (side by side), prints the new ones in time
// order with a progress count, and follows nested stacks as they appear. Also finds the first
// failure's reason, inside the nested stack that failed.
import { DescribeStackEventsCommand, paginateDescribeStackEvents } from '@aws-sdk/client-cloudformation';
import { awsClients, type AwsTarget } from '../aws.js';

export interface StackEvent {
  readonly StackId: string;
  readonly StackName: string;
  readonly EventId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType: string;
  readonly Timestamp: Date;
  readonly ResourceStatus: string;
  readonly ResourceStatusReason?: string;
}

const CANCELLED = /Resource (creation|update) cancelled/i;

export const isStackLevel = (event: StackEvent): boolean => event.PhysicalResourceId === event.StackId && event.ResourceType === 'AWS::CloudFormation::Stack';

/** A stack status no operation is working on any more. */
const isTerminal = (status: string): boolean => !status.endsWith('_IN_PROGRESS');

export const isNestedStackEvent = (event: StackEvent): boolean =>
  event.ResourceType === 'AWS::CloudFormation::Stack' && !isStackLevel(event) && /^arn:aws[\w-]*:cloudformation:/.test(event.PhysicalResourceId ?? '');

/** Events of one stack after `since` (exclusive), oldest first. DescribeStackEvents pages newest
 * first: paging stops at the first page that reaches `since`, so a long-lived stack's history is
 * not read on every poll. */
export async function stackEvents(target: AwsTarget, stackId: string, since: Date | undefined, region?: string): Promise<StackEvent[]> {
  const events: StackEvent[] = [];
  for await (const page of paginateDescribeStackEvents({ client: awsClients(target).cloudformation(region) }, { StackName: stackId })) {
    const fetched = (page.StackEvents ?? []) as StackEvent[];
    events.push(...fetched);
    if (since !== undefined && fetched.some((event) => event.Timestamp <= since)) break;
  }
  return events.filter((event) => !since || event.Timestamp > since).reverse();
}

export async function newestEventTime(target: AwsTarget, stackId: string, region?: string): Promise<Date | undefined> {
  try {
    const answer = await awsClients(target)
      .cloudformation(region)
      .send(new DescribeStackEventsCommand({ StackName: stackId }));
    return answer.StackEvents?.[0]?.Timestamp;
  } catch {
    return undefined; // no such stack yet
  }
}

const DONE = /_(COMPLETE|FAILED)$|^DELETE_SKIPPED$/;

function formatEvent(event: StackEvent, stackLabel: string, progress: string): string {
  const time = event.Timestamp.toISOString().slice(11, 19);
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
  return `${time} ${progress} ${stackLabel.padEnd(18)} ${event.LogicalResourceId.padEnd(34)} ${event.ResourceType.padEnd(44)} ${event.ResourceStatus}${reason}`;
}

export class EventWatcher {
  private readonly seen = new Set<string>();
  private readonly done = new Set<string>();
  /** stack ID -> label (the nested stack's logical ID in its parent; "root" for the root). */
  private readonly stacks = new Map<string, string>();
  private readonly finished = new Set<string>();

  constructor(
    private readonly target: AwsTarget,
    private readonly rootStackId: string,
    private readonly since: Date | undefined,
    private readonly totalResources: number,
    private readonly print: (line: string) => void,
    private readonly region?: string,
  ) {
    this.stacks.set(rootStackId, 'root');
  }

  get resourcesDone(): number {
    return this.done.size;
  }

  /** The root stack's own terminal event has been seen (its nested stacks finished before it). */
  get rootFinished(): boolean {
    return this.finished.has(this.rootStackId);
  }

  /** Fetches and prints what happened since the last poll; returns the new events. Nested stacks
   * that appear in the fetched events are fetched in the same poll. */
  async poll(all = false): Promise<StackEvent[]> {
    const printed: StackEvent[] = [];
    let batch = [...this.stacks.keys()].filter((id) => all || id === this.rootStackId || !this.finished.has(id));
    while (batch.length > 0) {
      const known = new Set(this.stacks.keys());
      const fetched = await Promise.all(batch.map((id) => stackEvents(this.target, id, this.since, this.region).catch(() => [] as StackEvent[])));
      const fresh = fetched.flat().filter((event) => !this.seen.has(event.EventId));
      fresh.sort((a, b) => a.Timestamp.getTime() - b.Timestamp.getTime());
      for (const event of fresh) this.record(event);
      printed.push(...fresh);
      batch = [...this.stacks.keys()].filter((id) => !known.has(id));
    }
    return printed;
  }

  private record(event: StackEvent): void {
    this.seen.add(event.EventId);
    if (isNestedStackEvent(event) && !this.stacks.has(event.PhysicalResourceId!)) this.stacks.set(event.PhysicalResourceId!, event.LogicalResourceId);
    if (isStackLevel(event)) {
      if (isTerminal(event.ResourceStatus)) this.finished.add(event.StackId);
    } else if (DONE.test(event.ResourceStatus)) {
      this.done.add(`${event.StackId}/${event.LogicalResourceId}`);
    }
    const width = String(this.totalResources).length;
    const progress = `[${String(this.done.size).padStart(width)}/${this.totalResources}]`;
    this.print(formatEvent(event, this.stacks.get(event.StackId) ?? event.StackName, progress));
  }
}

export interface Failure {
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly status: string;
  readonly reason: string;
}

/**
 * The first failure of the operation that started after `since`: the first *_FAILED resource event
 * (not a cancellation); when that resource is a nested stack, the first failure inside it, and so
 * on down to the deepest nested stack that failed.
 */
export async function firstFailure(target: AwsTarget, stackId: string, since: Date | undefined, region?: string): Promise<Failure | undefined> {
  const events = await stackEvents(target, stackId, since, region);
  const failed = events.filter((e) => e.ResourceStatus.endsWith('_FAILED') && !isStackLevel(e));
  const first = failed.find((e) => !CANCELLED.test(e.ResourceStatusReason ?? '')) ?? failed[0];
  if (first && isNestedStackEvent(first)) {
    const inner = await firstFailure(target, first.PhysicalResourceId!, since, region).catch(() => undefined);
    if (inner) return inner;
  }
  const event = first ?? events.find((e) => isStackLevel(e) && /FAILED|ROLLBACK/.test(e.ResourceStatus) && e.ResourceStatusReason);
  if (!event) return undefined;
  return {
    stackName: event.StackName,
    logicalId: event.LogicalResourceId,
    resourceType: event.ResourceType,
    status: event.ResourceStatus,
    reason: event.ResourceStatusReason ?? '(no reason given)',
  };
}
