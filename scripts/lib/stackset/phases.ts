// Running the operations of one phase (removals, the stack set update, new instances, changed
// overrides) and keeping what they report: per-instance results, failures, how many ran.
//
// Without managed execution CloudFormation runs one operation of a stack set at a time: they go
// one after the other. With it, non-conflicting operations (different instances) run side by
// side; each then holds few instances, so the manifest's concurrency and failure tolerance are
// applied across them here — at most that many in flight per region group, region groups in
// order (SEQUENTIAL) or together (PARALLEL), and no new one once a region is over its tolerance.
import { mapLimited, type ApiOperationResult, type StackSetApi } from './api.js';
import { concurrencyFor, failureTolerance, regionGroups } from './estimate.js';
import type { OperationPreferences } from './manifest.js';
import { waitForOperation, type WaitOptions } from './operations.js';

export interface OperationCall {
  readonly regions: readonly string[];
  /** Starts the operation; resolves with its OperationId. */
  readonly start: () => Promise<string>;
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

export class PhaseRunner {
  readonly results: ApiOperationResult[] = [];
  readonly failures: string[] = [];
  operations = 0;

  constructor(
    private readonly api: StackSetApi,
    private readonly stackSetName: string,
    private readonly prefs: OperationPreferences | undefined,
    /** Targets per region in the manifest: the base of percentage tolerances. */
    private readonly targetsByRegion: ReadonlyMap<string, number>,
    private readonly concurrent: boolean,
    private readonly wait: WaitOptions,
  ) {}

  private regionsOverTolerance(): string[] {
    const failed = this.results.filter((r) => r.Status === 'FAILED');
    return overTolerance(countBy([...new Map(failed.map((r) => [`${r.Account}|${r.Region}`, r])).values()], (r) => r.Region), this.targetsByRegion, this.prefs);
  }

  /** Starts one operation and waits for it; false when it did not succeed. */
  private async runOne(label: string, call: OperationCall): Promise<boolean> {
    const operationId = await call.start();
    this.operations++;
    this.wait.log(`${label} operation ${operationId} started`);
    const finished = await waitForOperation(this.api, this.stackSetName, operationId, label, this.wait);
    this.results.push(...finished.results);
    if (finished.operation.Status === 'SUCCEEDED') return true;
    const reason = finished.operation.StatusReason ? `: ${finished.operation.StatusReason}` : '';
    this.failures.push(`${label} operation ${operationId} ended ${finished.operation.Status}${reason}`);
    return false;
  }

  /** Runs a phase; false when an operation failed or a region went over its tolerance (later phases should not start). */
  async run(label: string, calls: readonly OperationCall[]): Promise<boolean> {
    if (!this.concurrent) {
      for (const call of calls) if (!(await this.runOne(label, call))) return false;
      return true;
    }
    let ok = true;
    const runGroup = (group: readonly OperationCall[]) =>
      mapLimited(group, Math.max(1, concurrencyFor(this.prefs ?? {}, group.length).concurrency), async (call) => {
        if (ok && this.regionsOverTolerance().length === 0) ok = (await this.runOne(label, call)) && ok;
      });
    const groups = regionGroups(calls);
    if (this.prefs?.regionConcurrency === 'PARALLEL') await Promise.all(groups.map(runGroup));
    else for (const group of groups) if (ok) await runGroup(group);
    return ok && this.regionsOverTolerance().length === 0;
  }
}
