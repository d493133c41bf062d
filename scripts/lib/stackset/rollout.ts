// `make stackset` and `make stackset-plan`: read what AWS has, compare it with the manifest,
// and (apply only) run the operations that close the gap — removals first, then the stack set
// itself, then new instances, then instances whose overrides changed — waiting on each.
import type { AwsTarget } from '../aws.js';
import { mapLimited, type ApiStackSet, type StackSetApi } from './api.js';
import {
  estimateOperations,
  formatDuration,
  formatOperationsEstimate,
  PLATFORM_MINUTES_ASSUMPTION,
  PLATFORM_MINUTES_PER_STACK,
  type OperationShape,
} from './estimate.js';
import type { DeploymentUnit, OperationPreferences, StackSetSpec } from './manifest.js';
import type { WaitOptions } from './operations.js';
import { PhaseRunner, countBy, overTolerance, type OperationCall } from './phases.js';
import {
  actualInstances,
  batches,
  desiredStackSet,
  planInstances,
  stackSetDifferences,
  toParameterList,
  toRecord,
  type ActualInstance,
  type Batch,
  type Comparable,
  type DesiredStackSet,
  type Plan,
} from './reconcile.js';
import { finalRows, formatPlan, formatTable, isNoop, type FinalRow } from './report.js';
import { withEmulatorCertificates } from './emulator-certificates.js';
import { templateDifferences, templateForStackSet, type PackageTemplates } from './template-source.js';

export interface RolloutContext {
  readonly api: StackSetApi;
  readonly target: AwsTarget;
  readonly log: (line: string) => void;
  readonly wait: Omit<WaitOptions, 'log'>;
  /** Delete the stacks of removed instances instead of keeping them. */
  readonly deleteStacks: boolean;
  /** Replaces scripts/lib/package.ts (tests). */
  readonly packager?: PackageTemplates;
}

/** The emulator does not store AutoDeployment (SERVICE_MANAGED): comparing it would never settle. */
export const comparableOn = (target: AwsTarget): Comparable =>
  target.kind === 'local' ? { managedExecution: true, autoDeployment: false } : { managedExecution: true, autoDeployment: true };

function notCompared(comparable: Comparable, spec: StackSetSpec): string[] {
  const notes: string[] = [];
  if (!comparable.managedExecution && spec.manifest.managedExecution !== undefined) notes.push('the emulator does not store ManagedExecution: sent, not compared');
  if (!comparable.autoDeployment && spec.manifest.permissions.model === 'SERVICE_MANAGED') notes.push('the emulator does not store AutoDeployment: sent, not compared');
  return notes;
}

/** Instances as deployed, with each one's parameter overrides (describe-stack-instance, 4 at a time). */
export async function readInstances(api: StackSetApi, spec: StackSetSpec): Promise<ActualInstance[]> {
  const name = spec.manifest.stackSetName;
  const grouped = actualInstances(await api.listStackInstances(name), spec.manifest.permissions.model);
  return mapLimited(grouped, 4, async (instance) => {
    const detail = await api.describeStackInstance(name, instance.accounts[0], instance.region);
    return { ...instance, overrides: toRecord(detail?.ParameterOverrides) };
  });
}

/** What AWS has now: the stack set (if any) and its instances, next to the desired stack set. */
async function observe(spec: StackSetSpec, api: StackSetApi): Promise<{ desired: DesiredStackSet; existing?: ApiStackSet; actual: ActualInstance[] }> {
  const desired = desiredStackSet(spec, await api.callerAccount());
  const existing = await api.describeStackSet(spec.manifest.stackSetName);
  return { desired, existing, actual: existing ? await readInstances(api, spec) : [] };
}

function assemblePlan(spec: StackSetSpec, existing: ApiStackSet | undefined, desired: DesiredStackSet, actual: ActualInstance[], templateChanges: string[], comparable: Comparable): Plan {
  const instances = planInstances(spec.instances, actual);
  const notes = [...instances.notes, ...notCompared(comparable, spec)];
  if (!existing) return { stackSet: 'create', stackSetChanges: [], ...instances, notes };
  const changes = stackSetDifferences(existing, desired, templateChanges, comparable);
  if (changes.length === 0) return { stackSet: 'none', stackSetChanges: [], ...instances, notes };
  // update-stack-set brings every instance to the new template: an update only to repair a status is redundant.
  const update = instances.update.filter((u) => u.reasons.some((r) => !r.startsWith('status ')));
  return { stackSet: 'update', stackSetChanges: changes, ...instances, update, notes };
}

export function minutesPerStack(spec: StackSetSpec): { minutes: number; assumption: string } {
  const own = spec.manifest.estimate?.minutesPerStack;
  if (own !== undefined) return { minutes: own, assumption: `assumed ${own} min per stack instance (estimate.minutesPerStack in ${spec.file})` };
  return { minutes: PLATFORM_MINUTES_PER_STACK, assumption: PLATFORM_MINUTES_ASSUMPTION };
}

const shapesOf = (label: string, list: readonly Batch[]): OperationShape[] =>
  list.map((b, i) => ({ label: `${label} ${i + 1}/${list.length} (${b.units.length} × ${b.regions.length})`, units: b.units.length, regions: b.regions }));

/** The operations a run performs, phase by phase (removals are quick and not estimated). */
export function runPhases(spec: StackSetSpec, plan: Plan): OperationShape[][] {
  const phases: OperationShape[][] = [];
  if (plan.stackSet === 'update') {
    const kept = spec.instances.filter((d) => !plan.add.some((a) => a.unit.id === d.unit.id && a.region === d.region));
    const units = new Set(kept.map((d) => d.unit.id)).size;
    phases.push([{ label: 'update-stack-set (all instances)', units, regions: spec.regionOrder.filter((r) => kept.some((d) => d.region === r)) }]);
  }
  phases.push(shapesOf('create-stack-instances', batches(plan.add, spec.regionOrder)));
  phases.push(shapesOf('update-stack-instances', batches(plan.update.map((u) => u.desired), spec.regionOrder)));
  return phases.filter((phase) => phase.length > 0);
}

export function estimateLines(spec: StackSetSpec, plan?: Plan): string[] {
  const prefs = spec.manifest.operationPreferences ?? {};
  const concurrent = spec.manifest.managedExecution ?? false;
  const { minutes, assumption } = minutesPerStack(spec);
  const unit = spec.manifest.permissions.model === 'SERVICE_MANAGED' ? ' (each OU counted as one account: OU membership is not read)' : '';
  const full = estimateOperations(prefs, shapesOf('create-stack-instances', batches(spec.instances, spec.regionOrder)), minutes, concurrent);
  const lines = formatOperationsEstimate(`rollout from scratch, ${spec.manifest.targets.length} targets × ${spec.regionOrder.length} regions${unit}`, full, assumption);
  if (plan && !isNoop(plan)) {
    const phases = runPhases(spec, plan).map((shapes) => estimateOperations(prefs, shapes, minutes, concurrent));
    const count = phases.reduce((sum, p) => sum + p.operations.length, 0);
    const waves = phases.reduce((sum, p) => sum + p.waves, 0);
    lines.push(`this run: ${count} operation${count === 1 ? '' : 's'} that deploy stacks, ${waves} wave${waves === 1 ? '' : 's'}, about ${formatDuration(waves * minutes)}`);
  }
  return lines;
}

/** `make stackset-plan`: the plan, read-only (describe/list calls and S3 reads only). */
export async function planRollout(manifestSpec: StackSetSpec, ctx: RolloutContext): Promise<Plan> {
  const spec = await withEmulatorCertificates(manifestSpec, ctx.target, false, ctx.log);
  const { desired, existing, actual } = await observe(spec, ctx.api);
  const templateChanges = existing ? await templateDifferences(spec, existing.TemplateBody, (b, k) => ctx.api.s3Text(b, k)) : [];
  const plan = assemblePlan(spec, existing, desired, actual, templateChanges, comparableOn(ctx.target));
  for (const line of formatPlan(plan, { stackSetName: spec.manifest.stackSetName, deleteStacks: ctx.deleteStacks })) ctx.log(line);
  if (isNoop(plan)) ctx.log('nothing to change: make stackset would start no operation');
  for (const line of estimateLines(spec, plan)) ctx.log(line);
  return plan;
}

// --- apply --------------------------------------------------------------------------------------

function operationPreferences(prefs: OperationPreferences | undefined, regions?: readonly string[]): Record<string, unknown> | undefined {
  if (!prefs) return undefined;
  const order = prefs.regionOrder?.filter((r) => !regions || regions.includes(r));
  const out: Record<string, unknown> = {
    RegionConcurrencyType: prefs.regionConcurrency,
    RegionOrder: order && order.length > 0 ? order : undefined,
    MaxConcurrentCount: prefs.maxConcurrentCount,
    MaxConcurrentPercentage: prefs.maxConcurrentPercentage,
    FailureToleranceCount: prefs.failureToleranceCount,
    FailureTolerancePercentage: prefs.failureTolerancePercentage,
    ConcurrencyMode: prefs.concurrencyMode,
  };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return Object.keys(out).length > 0 ? out : undefined;
}

function targetsInput(units: readonly DeploymentUnit[]): Record<string, unknown> {
  return units[0]?.kind === 'ou' ? { DeploymentTargets: { OrganizationalUnitIds: units.map((u) => u.id) } } : { Accounts: units.map((u) => u.id) };
}

function stackSetInput(spec: StackSetSpec, desired: DesiredStackSet, template: { templateBody?: string; templateUrl?: string }): Record<string, unknown> {
  const input: Record<string, unknown> = {
    StackSetName: spec.manifest.stackSetName,
    ...(desired.description !== undefined ? { Description: desired.description } : {}),
    ...(template.templateUrl ? { TemplateURL: template.templateUrl } : { TemplateBody: template.templateBody }),
    Parameters: toParameterList(desired.parameters),
    Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
    Tags: Object.entries(desired.tags).map(([Key, Value]) => ({ Key, Value })),
    ManagedExecution: { Active: desired.managedExecution },
  };
  if (desired.administrationRoleArn) input.AdministrationRoleARN = desired.administrationRoleArn;
  if (desired.executionRoleName) input.ExecutionRoleName = desired.executionRoleName;
  if (desired.autoDeployment) {
    input.AutoDeployment = { Enabled: desired.autoDeployment.enabled, RetainStacksOnAccountRemoval: desired.autoDeployment.retainStacksOnAccountRemoval };
  }
  return input;
}

export interface ApplyResult {
  readonly plan: Plan;
  readonly operations: number;
  readonly rows: readonly FinalRow[];
  /** Regions whose failed instances exceed the failure tolerance, and operations that did not succeed. */
  readonly failures: readonly string[];
}

/** `make stackset`: brings the stack set and its instances to the manifest. */
export async function applyRollout(manifestSpec: StackSetSpec, ctx: RolloutContext): Promise<ApplyResult> {
  const { api, log } = ctx;
  const spec = await withEmulatorCertificates(manifestSpec, ctx.target, true, log);
  const name = spec.manifest.stackSetName;
  const prefs = spec.manifest.operationPreferences;

  const source = await templateForStackSet(spec, ctx.target, ctx.packager);
  if (spec.hasNestedStacks) log(`packaged ${spec.template}: ${source.uploaded.length} uploaded, ${source.skipped.length} already in the bucket → ${source.templateUrl}`);
  const { desired, existing, actual } = await observe(spec, api);
  let templateChanges: string[] = [];
  if (existing && existing.TemplateBody !== source.text) {
    const explained = await templateDifferences(spec, existing.TemplateBody, (b, k) => api.s3Text(b, k)).catch(() => []);
    templateChanges = explained.length > 0 ? explained : ['the packaged template text differs from the deployed one'];
  }
  const plan = assemblePlan(spec, existing, desired, actual, templateChanges, comparableOn(ctx.target));
  for (const line of formatPlan(plan, { stackSetName: name, deleteStacks: ctx.deleteStacks })) log(line);

  const targetsByRegion = countBy(spec.instances, (i) => i.region);
  const runner = new PhaseRunner(api, name, prefs, targetsByRegion, desired.managedExecution, { ...ctx.wait, log });
  const instanceCalls = (list: readonly Batch[], start: (input: Record<string, unknown>) => Promise<string>): OperationCall[] =>
    list.map((batch) => ({
      regions: batch.regions,
      start: () =>
        start({
          StackSetName: name,
          ...targetsInput(batch.units),
          Regions: batch.regions,
          ParameterOverrides: toParameterList(batch.overrides),
          OperationPreferences: operationPreferences(prefs, batch.regions),
        }),
    }));
  const removals: OperationCall[] = batches(plan.remove.map((r) => ({ ...r, overrides: {} })), spec.regionOrder).map((batch) => ({
    regions: batch.regions,
    start: () =>
      api.deleteStackInstances({ StackSetName: name, ...targetsInput(batch.units), Regions: batch.regions, RetainStacks: !ctx.deleteStacks, OperationPreferences: operationPreferences(prefs, batch.regions) }),
  }));

  if (isNoop(plan)) {
    log('nothing to change: no operation started');
  } else {
    let ok = await runner.run('DELETE', removals);
    if (ok && plan.stackSet === 'create') {
      await api.createStackSet({ ...stackSetInput(spec, desired, source), PermissionModel: desired.permissionModel });
      log(`stack set ${name} created`);
    }
    if (ok && plan.stackSet === 'update') {
      ok = await runner.run('UPDATE', [{ regions: spec.regionOrder, start: () => api.updateStackSet({ ...stackSetInput(spec, desired, source), OperationPreferences: operationPreferences(prefs) }) }]);
    }
    if (ok) ok = await runner.run('CREATE', instanceCalls(batches(plan.add, spec.regionOrder), (input) => api.createStackInstances(input)));
    if (ok) await runner.run('UPDATE', instanceCalls(batches(plan.update.map((u) => u.desired), spec.regionOrder), (input) => api.updateStackInstances(input)));
  }

  const failures = [...runner.failures];
  const rows = finalRows(await api.listStackInstances(name), runner.results);
  log('');
  for (const line of formatTable(rows, spec.regionOrder)) log(line);
  failures.push(...toleranceFailures(rows, prefs));
  return { plan, operations: runner.operations, rows, failures };
}

/** Regions where more of the final instances failed than the failure tolerance allows. */
export function toleranceFailures(rows: readonly FinalRow[], prefs: OperationPreferences | undefined): string[] {
  return overTolerance(countBy(rows.filter((r) => r.failed), (r) => r.region), countBy(rows, (r) => r.region), prefs);
}
