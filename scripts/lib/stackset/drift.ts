// `make stackset-drift`: drift detection on every instance of the stack set, then the drifted
// instances and, for each, its drifted resources with the property differences.
//
// AWS checks the stack of each instance, not the stacks nested in it: for the platform root
// the instance's resources are the layer stacks themselves (docs/stacksets.md says what to do).
import type { AwsTarget } from '../aws.js';
import type { ApiInstanceSummary, ApiResourceDrift, ApiStackSet, StackSetApi } from './api.js';
import type { StackSetSpec } from './manifest.js';
import { waitForOperation, type WaitOptions } from './operations.js';

/** The emulator has no stack set drift detection (moto answers 500); a distinct outcome, not a crash. */
export class DriftNotSupported extends Error {}
export class StackSetMissing extends Error {}

export interface DriftReport {
  readonly operationId: string;
  readonly details?: ApiStackSet['StackSetDriftDetectionDetails'];
  readonly instances: readonly ApiInstanceSummary[];
  readonly drifts: ReadonlyMap<string, readonly ApiResourceDrift[]>;
}

/** The gist of a failed call: an HTML error page's title, else the last line the CLI printed. */
export function callError(e: unknown): string {
  const text = (e as Error).message ?? String(e);
  const title = /<title>([^<]+)<\/title>/.exec(text);
  if (title) return `HTTP ${title[1]}`;
  return text.split('\n').filter(Boolean).slice(-1)[0] ?? text;
}

export async function detectDrift(spec: StackSetSpec, api: StackSetApi, target: AwsTarget, wait: WaitOptions): Promise<DriftReport> {
  const name = spec.manifest.stackSetName;
  if (!(await api.describeStackSet(name))) throw new StackSetMissing(`stack set ${name} does not exist in ${target.region}: run make stackset MANIFEST=${spec.file} first`);
  const prefs = spec.manifest.operationPreferences;
  let operationId: string;
  try {
    operationId = await api.detectDrift({
      StackSetName: name,
      ...(prefs?.maxConcurrentCount !== undefined ? { OperationPreferences: { MaxConcurrentCount: prefs.maxConcurrentCount, FailureToleranceCount: prefs.failureToleranceCount ?? 0 } } : {}),
    });
  } catch (e) {
    if (target.kind === 'local') {
      throw new DriftNotSupported(`not supported by the emulator: detect-stack-set-drift answered ${callError(e)} (moto 5.2.5 does not implement DetectStackSetDrift)`);
    }
    throw e;
  }
  await waitForOperation(api, name, operationId, 'DRIFT', wait);
  const details = (await api.describeStackSet(name))?.StackSetDriftDetectionDetails;
  const instances = await api.listStackInstances(name);
  const drifts = new Map<string, readonly ApiResourceDrift[]>();
  for (const i of instances.filter((i) => i.DriftStatus === 'DRIFTED')) {
    drifts.set(`${i.Account}|${i.Region}`, await api.listInstanceResourceDrifts(name, i.Account, i.Region, operationId));
  }
  return { operationId, details, instances, drifts };
}

export function formatDrift(name: string, report: DriftReport): string[] {
  const lines: string[] = [];
  const d = (report.details ?? {}) as Record<string, unknown>;
  if (d.DriftStatus !== undefined) {
    lines.push(
      `stack set ${name}: ${d.DriftStatus} — ${d.DriftedStackInstancesCount ?? '?'} drifted, ${d.InSyncStackInstancesCount ?? '?'} in sync, ` +
        `${d.InProgressStackInstancesCount ?? 0} in progress, ${d.FailedStackInstancesCount ?? 0} failed of ${d.TotalStackInstancesCount ?? report.instances.length} instances`,
    );
  }
  const sorted = [...report.instances].sort((a, b) => (a.Account + a.Region < b.Account + b.Region ? -1 : 1));
  lines.push(`${'account'.padEnd(12)}  ${'region'.padEnd(15)}  drift`);
  for (const i of sorted) lines.push(`${i.Account.padEnd(12)}  ${i.Region.padEnd(15)}  ${i.DriftStatus ?? 'NOT_CHECKED'}${i.LastDriftCheckTimestamp ? `  (checked ${i.LastDriftCheckTimestamp})` : ''}`);
  const drifted = sorted.filter((i) => i.DriftStatus === 'DRIFTED');
  if (drifted.length === 0) {
    lines.push('no drifted instances');
    return lines;
  }
  for (const i of drifted) {
    const resources = report.drifts.get(`${i.Account}|${i.Region}`) ?? [];
    lines.push('', `${i.Account} ${i.Region}: ${resources.length} drifted resource${resources.length === 1 ? '' : 's'}`);
    for (const r of resources) {
      lines.push(`  ${r.StackResourceDriftStatus.padEnd(8)} ${r.ResourceType}  ${r.LogicalResourceId}${r.PhysicalResourceId ? ` (${r.PhysicalResourceId})` : ''}`);
      for (const p of r.PropertyDifferences ?? []) {
        lines.push(`           ${p.PropertyPath}: ${p.DifferenceType} expected ${p.ExpectedValue}, actual ${p.ActualValue}`);
      }
    }
  }
  return lines;
}

export const driftedCount = (report: DriftReport): number => report.instances.filter((i) => i.DriftStatus === 'DRIFTED').length;
