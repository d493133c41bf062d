// How long a rollout takes: StackSets deploy a region in waves of at most "concurrency"
// accounts, and the regions one after the other (SEQUENTIAL, the default) or all at once
// (PARALLEL). Pure arithmetic over the operation preferences, as AWS documents them:
//  - MaxConcurrentCount, or MaxConcurrentPercentage of the region's targets rounded down (≥ 1);
//    AWS's default is 1 account at a time;
//  - FailureToleranceCount, or FailureTolerancePercentage rounded down; default 0;
//  - STRICT_FAILURE_TOLERANCE (the default) starts at min(max concurrent, tolerance + 1).
import type { OperationPreferences } from './manifest.js';

/** Minutes one stack instance of the platform takes to create: an assumption, see docs/stacksets.md. */
export const PLATFORM_MINUTES_PER_STACK = 45;

export const PLATFORM_MINUTES_ASSUMPTION =
  'assumed 45 min per stack instance for the full platform (not measured here: RDS PostgreSQL Multi-AZ ~20-30 min and ' +
  'ElastiCache Multi-AZ ~10-20 min dominate the nested-stack chain kms → network → database/cache → compute → api); ' +
  'set estimate.minutesPerStack in the manifest to your own measurement';

interface RegionEstimate {
  readonly region: string;
  readonly targets: number;
  readonly concurrency: number;
  readonly waves: number;
  readonly minutes: number;
}

export interface RolloutEstimate {
  readonly regions: readonly RegionEstimate[];
  readonly parallelRegions: boolean;
  readonly waves: number;
  readonly minutes: number;
  readonly minutesPerStack: number;
  readonly notes: readonly string[];
}

const percentOf = (percentage: number, count: number): number => Math.floor((percentage * count) / 100);

/** Accounts acted on at once in a region with `targets` targets. */
export function concurrencyFor(prefs: OperationPreferences, targets: number): { concurrency: number; limitedByTolerance: boolean } {
  const maxConcurrent = prefs.maxConcurrentCount ?? (prefs.maxConcurrentPercentage !== undefined ? Math.max(1, percentOf(prefs.maxConcurrentPercentage, targets)) : 1);
  const tolerance = failureTolerance(prefs, targets);
  if ((prefs.concurrencyMode ?? 'STRICT_FAILURE_TOLERANCE') === 'SOFT_FAILURE_TOLERANCE') return { concurrency: maxConcurrent, limitedByTolerance: false };
  const strict = Math.min(maxConcurrent, tolerance + 1);
  return { concurrency: strict, limitedByTolerance: strict < maxConcurrent };
}

/** Failed accounts a region may have before CloudFormation stops the operation there. */
export function failureTolerance(prefs: OperationPreferences | undefined, targets: number): number {
  if (prefs?.failureToleranceCount !== undefined) return prefs.failureToleranceCount;
  if (prefs?.failureTolerancePercentage !== undefined) return percentOf(prefs.failureTolerancePercentage, targets);
  return 0;
}

export function estimateRollout(prefs: OperationPreferences, targetsPerRegion: readonly { region: string; targets: number }[], minutesPerStack: number): RolloutEstimate {
  const notes: string[] = [];
  const regions = targetsPerRegion.map(({ region, targets }) => {
    const { concurrency, limitedByTolerance } = concurrencyFor(prefs, targets);
    if (limitedByTolerance && targets > concurrency) {
      notes.push(`${region}: STRICT_FAILURE_TOLERANCE caps concurrency at failure tolerance + 1 = ${concurrency}; raise the tolerance or use SOFT_FAILURE_TOLERANCE to go faster`);
    }
    const waves = targets === 0 ? 0 : Math.ceil(targets / concurrency);
    return { region, targets, concurrency, waves, minutes: waves * minutesPerStack };
  });
  const parallelRegions = prefs.regionConcurrency === 'PARALLEL';
  const waves = parallelRegions ? Math.max(0, ...regions.map((r) => r.waves)) : regions.reduce((sum, r) => sum + r.waves, 0);
  return { regions, parallelRegions, waves, minutes: waves * minutesPerStack, minutesPerStack, notes };
}

export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes - hours * 60);
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const regionLine = (r: RegionEstimate): string =>
  `${r.region.padEnd(15)} ${plural(r.targets, 'target').padStart(11)}  ${String(r.concurrency).padStart(4)} at a time  ${plural(r.waves, 'wave').padStart(10)}`;

export function formatEstimate(title: string, estimate: RolloutEstimate, assumption: string): string[] {
  const lines = [
    `${title}: ${estimate.waves} wave${estimate.waves === 1 ? '' : 's'}, about ${formatDuration(estimate.minutes)} (${estimate.parallelRegions ? 'regions in parallel' : 'regions one after the other'})`,
  ];
  for (const r of estimate.regions) lines.push(`  ${regionLine(r)}  ${formatDuration(r.minutes)}`);
  for (const note of estimate.notes) lines.push(`  note: ${note}`);
  lines.push(`  ${assumption}`);
  return lines;
}

/** One stack set operation: `units` accounts (or OUs) in each of `regions`. */
export interface OperationShape {
  readonly label: string;
  readonly units: number;
  readonly regions: readonly string[];
}

export interface OperationsEstimate {
  readonly operations: readonly (RolloutEstimate & { readonly label: string })[];
  readonly waves: number;
  readonly minutes: number;
}

/**
 * The operations of one phase. They run one after the other whatever the stack set's execution
 * mode: without managed execution CloudFormation runs one operation at a time, and with it "if
 * there are already running or queued operations, StackSets queues all incoming operations even
 * if they are non-conflicting" (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ManagedExecution.html).
 * Their waves add up; a fleet goes fast by sharing one operation, not by splitting it.
 */
export function estimateOperations(prefs: OperationPreferences, shapes: readonly OperationShape[], minutesPerStack: number): OperationsEstimate {
  const operations = shapes.map((shape) => ({
    label: shape.label,
    ...estimateRollout(
      prefs,
      shape.regions.map((region) => ({ region, targets: shape.units })),
      minutesPerStack,
    ),
  }));
  const waves = operations.reduce((sum, o) => sum + o.waves, 0);
  return { operations, waves, minutes: waves * minutesPerStack };
}

export function formatOperationsEstimate(title: string, estimate: OperationsEstimate, assumption: string, detailLimit = 3): string[] {
  const count = estimate.operations.length;
  const lines = [`${title}: ${count} operation${count === 1 ? '' : 's'}, ${estimate.waves} wave${estimate.waves === 1 ? '' : 's'}, about ${formatDuration(estimate.minutes)}`];
  if (count > 1) {
    lines.push('  (one operation per distinct set of parameter overrides and regions; they run one after the other, with or without managed execution)');
  }
  for (const o of estimate.operations.slice(0, detailLimit)) {
    lines.push(
      `  ${o.label}: ${o.waves} wave${o.waves === 1 ? '' : 's'}, ${formatDuration(o.minutes)} (${o.parallelRegions ? 'regions in parallel' : 'regions one after the other'})`,
    );
    for (const r of o.regions) lines.push(`    ${regionLine(r)}`);
  }
  if (count > detailLimit) lines.push(`  … and ${count - detailLimit} more operations`);
  for (const note of [...new Set(estimate.operations.flatMap((o) => o.notes))]) lines.push(`  note: ${note}`);
  lines.push(`  ${assumption}`);
  return lines;
}
