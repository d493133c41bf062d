// Running the operations of one phase (removals, the stack set update, new instances, changed
// overrides) and keeping what they report: per-instance results, failures, how many ran.
//
// Operations go one after the other. Without managed execution CloudFormation refuses a second
// operation while one runs (OperationInProgressException); with it, "if there are already running
// or queued operations, StackSets queues all incoming operations even if they are
// non-conflicting" (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ManagedExecution.html),
// so starting them together would gain nothing. What scales a fleet is one operation covering
// many instances, and its concurrency settings.
//
// Before anything is planned, operations already running or queued on the stack set — a run
// that timed out or was interrupted, auto-deployment, someone in the console — are waited for
// (`settleActiveOperations`); an OperationInProgressException on start waits for them too and
// starts again with the same OperationId (CloudFormation's idempotency token).
import { randomUUID } from 'node:crypto';
import { isAwsError } from '../aws.js';
import { ACTIVE_OPERATION, type StackSetApi, type StackSetOperationResultSummary } from './api.js';
import { failureTolerance } from './estimate.js';
import type { OperationPreferences } from './manifest.js';
import { TERMINAL_OPERATION, waitForOperation, type OperationLog, type WaitOptions } from './operations.js';

export interface OperationCall {
  readonly regions: readonly string[];
  /** Starts the operation under `operationId`; resolves with the OperationId AWS reports. */
  readonly start: (operationId: string) => Promise<string>;
  /** Longest the operation may run (from the estimate); the run's default otherwise. */
  readonly timeoutMs?: number;
}

/** "<region>: n failed instances, over the failure tolerance of t" for every region over it. */
export function overTolerance(failedByRegion: ReadonlyMap<string, number>, targetsByRegion: ReadonlyMap<string, number>, prefs: OperationPreferences | undefined): string[] {
  const out: string[] = [];
  for (const [region, failed] of failedByRegion) {
    const tolerance = failureTolerance(prefs, targetsByRegion.get(region) ?? 0);
    if (failed > tolerance) out.push(`${region}: ${failed} failed instance${failed === 1 ? '' : 's'}, over the failure tolerance of ${tolerance}`);
  }
  return out;
}

export const countBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

/** Times a start is retried after OperationInProgressException (each time after the active operations ended). */
const START_ATTEMPTS = 5;

/**
 * Waits for every operation of the stack set that is running, queued or stopping, and for those
 * an earlier run logged and did not see end; the log is emptied of whatever has ended.
 */
export async function settleActiveOperations(api: StackSetApi, stackSetName: string, wait: WaitOptions, log?: OperationLog): Promise<number> {
  const logged = new Map((log?.list() ?? []).map((o) => [o.operationId, o]));
  const listed = (await api.listOperations(stackSetName)).filter((o) => ACTIVE_OPERATION.has(o.Status ?? ''));
  const ids = [...new Set([...listed.map((o) => o.OperationId!), ...logged.keys()])];
  let waited = 0;
  for (const id of ids) {
    const entry = logged.get(id);
    let status: string | undefined;
    try {
      status = (await api.describeOperation(stackSetName, id)).Status;
    } catch (e) {
      if (!isAwsError(e, 'OperationNotFoundException')) throw e;
      log?.remove(id); // logged, but never started (the start call failed)
      continue;
    }
    if (status && !TERMINAL_OPERATION.has(status)) {
      const summary = listed.find((o) => o.OperationId === id);
      const who = entry
        ? `started by an earlier run (${entry.label}, ${entry.startedAt})`
        : `${summary?.Action ?? 'an'} operation not started by this tool (auto-deployment, the console or another run)`;
      wait.log(`stack set ${stackSetName}: operation ${id} is ${status}, ${who}: waiting for it before planning`);
      await waitForOperation(api, stackSetName, id, entry?.label ?? summary?.Action ?? 'ACTIVE', wait);
      waited++;
    }
    log?.remove(id);
  }
  return waited;
}

export class PhaseRunner {
  readonly results: StackSetOperationResultSummary[] = [];
  readonly failures: string[] = [];
  operations = 0;

  constructor(
    private readonly api: StackSetApi,
    private readonly stackSetName: string,
    private readonly prefs: OperationPreferences | undefined,
    /** Targets per region in the manifest: the base of percentage tolerances. */
    private readonly targetsByRegion: ReadonlyMap<string, number>,
    private readonly wait: WaitOptions,
    private readonly log?: OperationLog,
  ) {}

  /** Starts an operation, waiting out OperationInProgressException (another operation holds the stack set). */
  private async start(label: string, call: OperationCall): Promise<string> {
    const operationId = randomUUID();
    this.log?.add({ operationId, label, startedAt: new Date().toISOString() });
    for (let attempt = 1; ; attempt++) {
      try {
        const started = await call.start(operationId);
        if (started && started !== operationId) {
          this.log?.remove(operationId);
          this.log?.add({ operationId: started, label, startedAt: new Date().toISOString() });
        }
        return started || operationId;
      } catch (e) {
        // An earlier attempt with this OperationId got through (its answer was lost): it is running.
        if (isAwsError(e, 'OperationIdAlreadyExistsException')) return operationId;
        if (!isAwsError(e, 'OperationInProgressException') || attempt >= START_ATTEMPTS) {
          this.log?.remove(operationId);
          throw e;
        }
        this.wait.log(`${label}: another operation holds stack set ${this.stackSetName} (OperationInProgressException); waiting for it, then starting again`);
        await settleActiveOperations(this.api, this.stackSetName, this.wait);
      }
    }
  }

  /** Starts one operation and waits for it; false when it did not succeed. */
  async runOne(label: string, call: OperationCall): Promise<boolean> {
    const operationId = await this.start(label, call);
    this.operations++;
    this.wait.log(`${label} operation ${operationId} started`);
    const finished = await waitForOperation(this.api, this.stackSetName, operationId, label, { ...this.wait, timeoutMs: call.timeoutMs ?? this.wait.timeoutMs });
    this.log?.remove(operationId);
    this.results.push(...finished.results);
    if (finished.operation.Status === 'SUCCEEDED') return true;
    const reason = finished.operation.StatusReason ? `: ${finished.operation.StatusReason}` : '';
    this.failures.push(`${label} operation ${operationId} ended ${finished.operation.Status}${reason}`);
    return false;
  }

  /** Runs a phase, one operation after the other; false when one did not succeed (later phases should not start). */
  async run(label: string, calls: readonly OperationCall[]): Promise<boolean> {
    for (const call of calls) if (!(await this.runOne(label, call))) return false;
    return true;
  }

  /** Regions whose failed results (of this run) exceed the tolerance. */
  regionsOverTolerance(): string[] {
    const failed = [...new Map(this.results.filter((r) => r.Status === 'FAILED').map((r) => [`${r.Account}|${r.Region}`, r])).values()];
    return overTolerance(
      countBy(failed, (r) => r.Region ?? ''),
      this.targetsByRegion,
      this.prefs,
    );
  }
}
