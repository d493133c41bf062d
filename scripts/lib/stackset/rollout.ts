// `make stackset` and `make stackset-plan`: read what AWS has, compare it with the manifest,
// and (apply only) run the operations that close the gap — removals first, then managed
// execution (an update of its own), then the stack set itself, then new instances, then
// instances whose overrides changed — each phase canary first, waiting on every operation.
import type { Parameter, UpdateStackSetCommandInput } from '@aws-sdk/client-cloudformation';
import type { AwsTarget } from '../aws.js';
import { ACTIVE_OPERATION, mapLimited, type CustomExecutionRole, type DescribedStackSet, type StackInstanceSummary, type StackSetApi } from './api.js';
import { grantTemplateReaders } from './artifact-readers.js';
import { partitionOf, type StackSetClients } from './clients.js';
import { DR_VAULT_FILE, drVaultSpec } from './dr-vault.js';

/** A DR vault stack (a KMS key and a backup vault) takes a few minutes. */
const DR_VAULT_MINUTES_PER_STACK = 3;
import { prepareEmulatorTargets } from './emulator-targets.js';
import { estimateOperations, formatDuration, formatOperationsEstimate, PLATFORM_MINUTES_ASSUMPTION, PLATFORM_MINUTES_PER_STACK, type OperationShape } from './estimate.js';
import { executionRoleDifferences, executionRoleFor } from './execution-role.js';
import { readRoleOf, type DeploymentUnit, type DesiredInstance, type OperationPreferences, type StackSetSpec } from './manifest.js';
import type { OperationLog, WaitOptions } from './operations.js';
import { organizationTargets, type OuMembers } from './organization.js';
import { PhaseRunner, countBy, overTolerance, settleActiveOperations, type OperationCall } from './phases.js';
import { preflight } from './preflight.js';
import { describeStack, firstFailure, instanceStacks, lastDuration } from './read-path.js';
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
import { alreadyPackaged, templateDifferences, templateForStackSet, type PackageTemplates } from './template-source.js';

export interface RolloutContext {
  readonly api: StackSetApi;
  /** The administration account's clients and the read path into target accounts. */
  readonly clients: StackSetClients;
  readonly target: AwsTarget;
  readonly log: (line: string) => void;
  readonly wait: Omit<WaitOptions, 'log'>;
  /** Delete the stacks of removed instances instead of keeping them. */
  readonly deleteStacks: boolean;
  /** Replaces scripts/lib/package.ts (tests). */
  readonly packager?: PackageTemplates;
  /** Where the run keeps the IDs of the operations it starts (resumed by the next run). */
  readonly operationLog?: OperationLog;
}

/** The emulator does not store AutoDeployment (SERVICE_MANAGED): comparing it would never settle. */
const comparableOn = (target: AwsTarget): Comparable =>
  target.kind === 'local' ? { managedExecution: true, autoDeployment: false } : { managedExecution: true, autoDeployment: true };

function notCompared(comparable: Comparable, spec: StackSetSpec): string[] {
  const notes: string[] = [];
  if (!comparable.autoDeployment && spec.manifest.permissions.model === 'SERVICE_MANAGED') notes.push('the emulator does not store AutoDeployment: sent, not compared');
  return notes;
}

const capabilities = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

// --- what AWS has --------------------------------------------------------------------------------

interface Observed {
  readonly adminAccount: string;
  readonly desired: DesiredStackSet;
  readonly existing?: DescribedStackSet;
  readonly summaries: readonly StackInstanceSummary[];
  readonly actual: readonly ActualInstance[];
  readonly organization?: ReadonlyMap<string, OuMembers>;
  readonly notes: readonly string[];
}

/**
 * Instances as deployed, each with its parameter overrides: DescribeStackInstance of every
 * account and region (8 at a time) — for an OU, of every member account, so accounts enrolled
 * later (which never get the OU's overrides) show as mixed.
 */
export async function readInstances(
  api: StackSetApi,
  spec: StackSetSpec,
  summaries: readonly StackInstanceSummary[],
  suspended: ReadonlySet<string> = new Set(),
): Promise<{ actual: ActualInstance[]; notes: string[] }> {
  const name = spec.manifest.stackSetName;
  const model = spec.manifest.permissions.model;
  const notes: string[] = [];
  const live = summaries.filter((s) => !suspended.has(s.Account ?? ''));
  for (const s of summaries.filter((x) => suspended.has(x.Account ?? '')))
    notes.push(`${s.Account} ${s.Region}: the account is suspended in AWS Organizations; its instance is left as it is (${s.Status})`);
  const detailed = await mapLimited(live, 8, async (s) => ({ ...s, ParameterOverrides: (await api.describeStackInstance(name, s.Account!, s.Region!))?.ParameterOverrides }));
  const grouped = actualInstances(detailed, model);
  if (model !== 'SERVICE_MANAGED') return { actual: grouped, notes };
  const actual = grouped.map((instance) => {
    const members = detailed.filter((d) => d.OrganizationalUnitId === instance.unit.id && d.Region === instance.region);
    const byOverrides = new Map<string, string[]>();
    for (const m of members) {
      const key = JSON.stringify(toRecord(m.ParameterOverrides));
      byOverrides.set(key, [...(byOverrides.get(key) ?? []), m.Account!]);
    }
    const [commonKey] = [...byOverrides.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? ['{}'];
    const mixed: Record<string, Record<string, string>> = {};
    for (const m of members) {
      const own = toRecord(m.ParameterOverrides);
      if (JSON.stringify(own) !== commonKey) mixed[m.Account!] = own;
    }
    const outdated = members.find((m) => m.Status === 'OUTDATED');
    if (Object.keys(mixed).length > 0) {
      notes.push(
        `${instance.unit.id} ${instance.region} is mixed: ${Object.entries(mixed)
          .map(([a, o]) => `${a} has ${Object.keys(o).length === 0 ? 'no overrides' : JSON.stringify(o)}`)
          .join(', ')} (AWS applies OU overrides only to the accounts in the OU at the time of the call)`,
      );
    }
    return {
      ...instance,
      overrides: JSON.parse(commonKey) as Record<string, string>,
      status: outdated?.Status ?? instance.status,
      statusReason: outdated?.StatusReason ?? instance.statusReason,
      mixed: Object.keys(mixed).length > 0 ? mixed : undefined,
    };
  });
  return { actual, notes };
}

async function observe(spec: StackSetSpec, ctx: RolloutContext): Promise<Observed> {
  const { api } = ctx;
  const adminAccount = await api.callerAccount();
  const desired = desiredStackSet(spec, adminAccount);
  const existing = await api.describeStackSet(spec.manifest.stackSetName);
  const ous = spec.manifest.targets.map((t) => t.organizationalUnit).filter((ou): ou is string => ou !== undefined);
  const organization = ous.length > 0 && ctx.target.kind === 'aws' ? await organizationTargets(ctx.clients.admin, ous) : undefined;
  const suspended = new Set([...(organization?.values() ?? [])].flatMap((m) => m.suspended));
  const notes: string[] = [];
  if (ous.length > 0 && !organization) notes.push('the emulator has no AWS Organizations: OU members are not read');
  for (const [ou, members] of organization ?? []) {
    if (members.suspended.length > 0)
      notes.push(`${ou}: suspended account${members.suspended.length === 1 ? '' : 's'} ${members.suspended.join(', ')} (not deployable; left out of the plan)`);
  }
  const summaries = existing ? await api.listStackInstances(spec.manifest.stackSetName) : [];
  const { actual, notes: instanceNotes } = await readInstances(api, spec, summaries, suspended);
  return { adminAccount, desired, existing, summaries, actual, organization, notes: [...notes, ...instanceNotes] };
}

function assemblePlan(spec: StackSetSpec, observed: Observed, templateChanges: readonly string[], comparable: Comparable): Plan {
  const suspended = new Set([...(observed.organization?.values() ?? [])].flatMap((m) => m.suspended));
  const instances = planInstances(spec.instances, observed.actual, { suspended });
  const notes = [...observed.notes, ...instances.notes, ...notCompared(comparable, spec)];
  if (!observed.existing) return { stackSet: 'create', stackSetChanges: [], ...instances, notes };
  const differences = stackSetDifferences(observed.existing, observed.desired, templateChanges, comparable);
  notes.push(...differences.notes);
  const managedExecution = differences.managedExecution;
  if (differences.changes.length === 0) return { stackSet: 'none', stackSetChanges: [], managedExecution, ...instances, notes };
  // update-stack-set brings every instance to the new template: an update only to repair a status is redundant.
  const update = instances.update.filter((u) => u.reasons.some((r) => !r.startsWith('status ')));
  return { stackSet: 'update', stackSetChanges: differences.changes, managedExecution, ...instances, update, notes };
}

// --- durations -------------------------------------------------------------------------------------

export interface MinutesPerStack {
  readonly minutes: number;
  /** Which figure was used, and where it came from. */
  readonly assumption: string;
}

export function minutesPerStack(spec: StackSetSpec, measured?: { minutes: number; instances: number }): MinutesPerStack {
  const own = spec.manifest.estimate?.minutesPerStack;
  if (measured && measured.instances > 0) {
    return {
      minutes: measured.minutes,
      assumption: `measured: ${formatDuration(measured.minutes)} per stack instance, the longest last create/update of ${measured.instances} instance${measured.instances === 1 ? '' : 's'} (their stack events)${own !== undefined ? `; estimate.minutesPerStack ${own} not used` : ''}`,
    };
  }
  if (spec.template === DR_VAULT_FILE)
    return { minutes: DR_VAULT_MINUTES_PER_STACK, assumption: `assumed ${DR_VAULT_MINUTES_PER_STACK} min per DR vault stack (a KMS key and a backup vault; not measured here)` };
  if (own !== undefined) return { minutes: own, assumption: `assumed ${own} min per stack instance (estimate.minutesPerStack in ${spec.file})` };
  return { minutes: PLATFORM_MINUTES_PER_STACK, assumption: PLATFORM_MINUTES_ASSUMPTION };
}

/** The longest last create/update among up to `sample` deployed instances, from their root stacks' events. */
async function measureMinutesPerStack(
  spec: StackSetSpec,
  ctx: RolloutContext,
  summaries: readonly StackInstanceSummary[],
  sample = 6,
): Promise<{ minutes: number; instances: number } | undefined> {
  const deployed = summaries.filter((s) => s.StackId && s.Status === 'CURRENT').slice(0, sample);
  const readRole = readRoleOf(spec.manifest);
  const minutes = await mapLimited(deployed, 4, async (s) => {
    try {
      const cfn = ctx.clients.inAccount(s.Account!, s.Region!, readRole).cloudformation;
      const root = await describeStack(cfn, s.StackId!);
      return root ? await lastDuration(cfn, root) : undefined;
    } catch {
      return undefined; // no read role there (yet): no measurement from this instance
    }
  });
  const found = minutes.filter((m): m is number => m !== undefined);
  return found.length > 0 ? { minutes: Math.max(...found), instances: found.length } : undefined;
}

const shapesOf = (label: string, list: readonly Batch[]): OperationShape[] =>
  list.map((b, i) => ({ label: `${label} ${i + 1}/${list.length} (${b.units.length} × ${b.regions.length})`, units: b.units.length, regions: b.regions }));

/** The operations a run performs, phase by phase (removals are quick and not estimated). */
function runPhases(spec: StackSetSpec, plan: Plan): OperationShape[][] {
  const phases: OperationShape[][] = [];
  const canary = canaryOf(spec);
  if (plan.stackSet === 'update') {
    const kept = spec.instances.filter((d) => !plan.add.some((a) => a.unit.id === d.unit.id && a.region === d.region));
    const units = new Set(kept.map((d) => d.unit.id)).size;
    const all = { label: 'update-stack-set (all instances)', units, regions: spec.regionOrder.filter((r) => kept.some((d) => d.region === r)) };
    const canaryKept = canary ? canary.regions.filter((r) => kept.some((d) => isCanaryOf(canary)(d) && d.region === r)) : [];
    phases.push(canaryKept.length > 0 ? [{ label: 'update-stack-set (canary)', units: 1, regions: canaryKept }, all] : [all]);
  }
  phases.push(canarySplit('create-stack-instances', plan.add, canary, spec.regionOrder));
  phases.push(
    canarySplit(
      'update-stack-instances',
      plan.update.map((u) => u.desired),
      canary,
      spec.regionOrder,
    ),
  );
  return phases.filter((phase) => phase.length > 0);
}

/** A phase's operations: the canary's alone first, then the rest batched. */
function canarySplit(label: string, list: readonly DesiredInstance[], canary: Canary | undefined, regionOrder: readonly string[]): OperationShape[] {
  const isCanary = canary ? isCanaryOf(canary) : () => false;
  const first = list.filter(isCanary);
  return [
    ...shapesOf(`${label} (canary)`, batches(first, regionOrder)),
    ...shapesOf(
      label,
      batches(
        list.filter((i) => !isCanary(i)),
        regionOrder,
      ),
    ),
  ];
}

export function estimateLines(spec: StackSetSpec, plan?: Plan, measured?: { minutes: number; instances: number }): string[] {
  const prefs = spec.manifest.operationPreferences ?? {};
  const { minutes, assumption } = minutesPerStack(spec, measured);
  const unit = spec.manifest.permissions.model === 'SERVICE_MANAGED' ? ' (each OU counted as one account: OU membership is not read)' : '';
  const full = estimateOperations(prefs, shapesOf('create-stack-instances', batches(spec.instances, spec.regionOrder)), minutes);
  const lines = formatOperationsEstimate(`rollout from scratch, ${spec.manifest.targets.length} targets × ${spec.regionOrder.length} regions${unit}`, full, assumption);
  if (plan && !isNoop(plan)) {
    const phases = runPhases(spec, plan).map((shapes) => estimateOperations(prefs, shapes, minutes));
    const count = phases.reduce((sum, p) => sum + p.operations.length, 0);
    const waves = phases.reduce((sum, p) => sum + p.waves, 0);
    lines.push(`this run: ${count} operation${count === 1 ? '' : 's'} that deploy stacks, ${waves} wave${waves === 1 ? '' : 's'}, about ${formatDuration(waves * minutes)}`);
  }
  return lines;
}

/** Longest an operation of `shape` may run: twice its estimate, at least 30 minutes (STACKSET_TIMEOUT_MINUTES overrides). */
export function operationTimeoutMs(spec: StackSetSpec, shape: { units: number; regions: readonly string[] }, minutes: number): number {
  const estimate = estimateOperations(spec.manifest.operationPreferences ?? {}, [{ label: '', ...shape }], minutes);
  return Math.max(30, 2 * estimate.minutes) * 60_000;
}

// --- the plan --------------------------------------------------------------------------------------

/** The run's stack sets in order: the DR vault stack set first (its vaults receive the copies), then the platform's. */
function stackSetsOf(spec: StackSetSpec, ctx: RolloutContext): { spec: StackSetSpec; ctx: RolloutContext }[] {
  const vault = drVaultSpec(spec);
  const vaultCtx = vault ? { ...ctx, operationLog: ctx.operationLog?.forStackSet(vault.manifest.stackSetName) } : undefined;
  return [...(vault ? [{ spec: vault, ctx: vaultCtx! }] : []), { spec, ctx }];
}

const drVaultIntro = (vault: StackSetSpec, spec: StackSetSpec): string =>
  `DR vault stack set ${vault.manifest.stackSetName}: the vault the daily backup copies of ${spec.manifest.stackSetName} go to, in every target and region ${vault.regionOrder.join(', ')} (first)`;

export interface PlanResult {
  readonly plan: Plan;
  readonly problems: string[];
  /** The DR vault stack set's plan (platform manifests). */
  readonly drVault?: { readonly plan: Plan; readonly problems: string[] };
}

/** `make stackset-plan`: the plans of the DR vault stack set and the stack set, read-only (describe/list calls and S3 reads only). */
export async function planRollout(spec: StackSetSpec, ctx: RolloutContext): Promise<PlanResult> {
  const results = [];
  for (const each of stackSetsOf(spec, ctx)) {
    if (results.length > 0) ctx.log('');
    if (each.spec !== spec) ctx.log(drVaultIntro(each.spec, spec));
    results.push(await planStackSet(each.spec, each.ctx));
  }
  const main = results.at(-1)!;
  const drVault = results.length > 1 ? results[0] : undefined;
  return { plan: main.plan, problems: [...(drVault?.problems ?? []), ...main.problems], ...(drVault ? { drVault } : {}) };
}

async function planStackSet(spec: StackSetSpec, ctx: RolloutContext): Promise<{ plan: Plan; problems: string[] }> {
  await prepareEmulatorTargets(spec, ctx, false);
  const observed = await observe(spec, ctx);
  const active = observed.existing ? (await ctx.api.listOperations(spec.manifest.stackSetName)).filter((o) => ACTIVE_OPERATION.has(o.Status ?? '')) : [];
  // The packaged root the stack set holds names every layer by content hash: when it is what packaging would give, no layer changed.
  const samePackage = observed.existing && alreadyPackaged(spec, ctx.target, observed.adminAccount, observed.existing.TemplateBody);
  const templateChanges = observed.existing && !samePackage ? await templateDifferences(spec, observed.existing.TemplateBody, (b, k) => ctx.api.s3Text(b, k)) : [];
  const roleChanges = observed.existing ? await executionRoleDifferences(spec, observed, ctx) : [];
  const plan = assemblePlan(spec, observed, [...templateChanges, ...roleChanges], comparableOn(ctx.target));
  for (const line of formatPlan(plan, { stackSetName: spec.manifest.stackSetName, deleteStacks: ctx.deleteStacks })) ctx.log(line);
  for (const note of spec.notes) ctx.log(`  note: ${note}`);
  for (const o of active) ctx.log(`  note: operation ${o.OperationId} (${o.Action}) is ${o.Status}: make stackset waits for it before it changes anything`);
  if (isNoop(plan)) ctx.log('nothing to change: make stackset would start no operation');
  const checks = await preflight(spec, plan, observed, ctx);
  for (const line of checks.notes) ctx.log(`  preflight: ${line}`);
  for (const line of checks.problems) ctx.log(`  preflight problem: ${line}`);
  const measured = await measureMinutesPerStack(spec, ctx, observed.summaries);
  for (const line of estimateLines(spec, plan, measured)) ctx.log(line);
  return { plan, problems: checks.problems };
}

// --- apply -----------------------------------------------------------------------------------------

function operationPreferences(prefs: OperationPreferences | undefined, regions?: readonly string[]) {
  if (!prefs) return undefined;
  const order = prefs.regionOrder?.filter((r) => !regions || regions.includes(r));
  const out = {
    RegionConcurrencyType: prefs.regionConcurrency,
    RegionOrder: order && order.length > 0 ? order : undefined,
    MaxConcurrentCount: prefs.maxConcurrentCount,
    MaxConcurrentPercentage: prefs.maxConcurrentPercentage,
    FailureToleranceCount: prefs.failureToleranceCount,
    FailureTolerancePercentage: prefs.failureTolerancePercentage,
    ConcurrencyMode: prefs.concurrencyMode,
  };
  for (const key of Object.keys(out) as (keyof typeof out)[]) if (out[key] === undefined) delete out[key];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Accounts (SELF_MANAGED) or OUs (SERVICE_MANAGED) of a call; `onlyAccount` narrows an OU target to one of its accounts. */
function targetsInput(units: readonly DeploymentUnit[], onlyAccount?: string) {
  if (units[0]?.kind !== 'ou') return { Accounts: units.map((u) => u.id) };
  return {
    DeploymentTargets: {
      OrganizationalUnitIds: units.map((u) => u.id),
      ...(onlyAccount ? { Accounts: [onlyAccount], AccountFilterType: 'INTERSECTION' as const } : {}),
    },
  };
}

/** The canary: an account (for an OU target, one account of it) in one region, or in every region when the manifest names none. */
interface Canary {
  readonly unit: DeploymentUnit;
  readonly account: string;
  readonly regions: readonly string[];
}

/** For an OU target, the canary's unit is the OU that holds the account (AWS Organizations; without it, the first OU). */
function canaryOf(spec: StackSetSpec, organization?: ReadonlyMap<string, OuMembers>): Canary | undefined {
  const canary = spec.manifest.canary;
  if (!canary) return undefined;
  const regions = canary.region ? [canary.region] : [...spec.regionOrder];
  const own = spec.instances.find((i) => i.unit.kind === 'account' && i.unit.id === canary.account);
  const holding = [...(organization ?? [])].find(([, members]) => members.accounts.includes(canary.account))?.[0];
  const unit = own?.unit ?? (holding ? { kind: 'ou' as const, id: holding } : spec.instances.find((i) => i.unit.kind === 'ou')?.unit);
  return unit ? { unit, account: canary.account, regions } : undefined;
}

const isCanaryOf =
  (canary: Canary) =>
  (i: { unit: DeploymentUnit; region: string }): boolean =>
    i.unit.id === canary.unit.id && canary.regions.includes(i.region);
const canaryText = (canary: Canary): string => `${canary.account} ${canary.regions.join(', ')}`;

function stackSetInput(spec: StackSetSpec, desired: DesiredStackSet, template: { templateBody?: string; templateUrl?: string }) {
  return {
    StackSetName: spec.manifest.stackSetName,
    ...(desired.description !== undefined ? { Description: desired.description } : {}),
    ...(template.templateUrl ? { TemplateURL: template.templateUrl } : { TemplateBody: template.templateBody }),
    Parameters: toParameterList(desired.parameters),
    Capabilities: [...capabilities],
    Tags: Object.entries(desired.tags).map(([Key, Value]) => ({ Key, Value })),
    ...(desired.administrationRoleArn ? { AdministrationRoleARN: desired.administrationRoleArn } : {}),
    ...(desired.executionRoleName ? { ExecutionRoleName: desired.executionRoleName } : {}),
    ...(desired.autoDeployment
      ? { AutoDeployment: { Enabled: desired.autoDeployment.enabled, RetainStacksOnAccountRemoval: desired.autoDeployment.retainStacksOnAccountRemoval } }
      : {}),
  };
}

/**
 * Managed execution switched on its own: AWS refuses it in the same UpdateStackSet as a template
 * or parameter change, so the template and every parameter are kept as they are
 * (UsePreviousTemplate, UsePreviousValue). https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStackSet.html
 */
function managedExecutionInput(spec: StackSetSpec, deployedParameters: readonly Parameter[], active: boolean): UpdateStackSetCommandInput {
  return {
    StackSetName: spec.manifest.stackSetName,
    UsePreviousTemplate: true,
    Parameters: deployedParameters.map((p) => ({ ParameterKey: p.ParameterKey, UsePreviousValue: true })),
    Capabilities: [...capabilities],
    ManagedExecution: { Active: active },
    OperationPreferences: operationPreferences(spec.manifest.operationPreferences),
  };
}

export interface ApplyResult {
  readonly plan: Plan;
  readonly operations: number;
  readonly rows: readonly FinalRow[];
  /** Regions whose failed instances exceed the failure tolerance, operations that did not succeed, a failed canary, preflight problems. */
  readonly failures: readonly string[];
}

/** Why each failed instance failed: the first failed resource event inside its nested stacks. */
async function failureReasons(spec: StackSetSpec, ctx: RolloutContext, rows: readonly FinalRow[], summaries: readonly StackInstanceSummary[]): Promise<string[]> {
  const failed = rows.filter((r) => r.failed);
  const readRole = readRoleOf(spec.manifest);
  const lines = await mapLimited(failed, 4, async (row) => {
    const stackId = summaries.find((s) => s.Account === row.account && s.Region === row.region)?.StackId;
    if (!stackId) return undefined;
    try {
      const cfn = ctx.clients.inAccount(row.account, row.region, readRole).cloudformation;
      const failure = await firstFailure(cfn, await instanceStacks(cfn, stackId));
      return failure ? `  ${row.account} ${row.region} ${failure.layer}: ${failure.logicalId} (${failure.type}): ${failure.reason}` : undefined;
    } catch (e) {
      return `  ${row.account} ${row.region}: the nested stacks could not be read through ${readRole} (${(e as Error).message.split('\n')[0]})`;
    }
  });
  const found = lines.filter((l): l is string => l !== undefined);
  return found.length > 0 ? ['why (first failed resource inside the nested stacks):', ...found] : [];
}

/** The canary's stacks in every canary region, root and nested: all must have completed. Undefined when they did; else why not. */
async function canaryVerdict(spec: StackSetSpec, ctx: RolloutContext, canary: Canary, regions: readonly string[]): Promise<string | undefined> {
  for (const region of regions) {
    const verdict = await canaryVerdictIn(spec, ctx, canary.account, region);
    if (verdict) return verdict;
  }
  return undefined;
}

async function canaryVerdictIn(spec: StackSetSpec, ctx: RolloutContext, account: string, region: string): Promise<string | undefined> {
  const summary = (await ctx.api.listStackInstances(spec.manifest.stackSetName)).find((s) => s.Account === account && s.Region === region);
  if (!summary?.StackId) return `the canary ${account} ${region} has no stack`;
  const readRole = readRoleOf(spec.manifest);
  try {
    const cfn = ctx.clients.inAccount(account, region, readRole).cloudformation;
    const stacks = await instanceStacks(cfn, summary.StackId);
    const bad = stacks.filter((s) => !/^(CREATE|UPDATE)_COMPLETE$/.test(s.stack.StackStatus ?? ''));
    if (stacks.length > 0 && bad.length === 0) return undefined;
    const failure = await firstFailure(cfn, stacks);
    const states = bad.map((s) => `${s.layer} ${s.stack.StackStatus}`).join(', ');
    return `the canary ${account} ${region} did not complete (${states || 'no stacks'})${failure ? `: ${failure.layer} ${failure.logicalId} (${failure.type}): ${failure.reason}` : ''}`;
  } catch (e) {
    return `the canary ${account} ${region}: its nested stacks could not be read through ${readRole} (${(e as Error).message.split('\n')[0]}); the rest is not started unverified`;
  }
}

/**
 * `make stackset`: brings the DR vault stack set (platform manifests), then the stack set and
 * their instances to the manifest; the platform's operations start only when the vault's succeeded.
 */
export async function applyRollout(spec: StackSetSpec, ctx: RolloutContext): Promise<ApplyResult & { readonly drVault?: ApplyResult }> {
  const [first, second] = stackSetsOf(spec, ctx);
  if (!second) return applyStackSet(first.spec, first.ctx);
  ctx.log(drVaultIntro(first.spec, spec));
  const drVault = await applyStackSet(first.spec, first.ctx);
  if (drVault.failures.length > 0) {
    return {
      plan: drVault.plan,
      operations: drVault.operations,
      rows: [],
      failures: [`DR vault stack set ${first.spec.manifest.stackSetName}: nothing of ${spec.manifest.stackSetName} started:`, ...drVault.failures],
      drVault,
    };
  }
  ctx.log('');
  const main = await applyStackSet(second.spec, second.ctx);
  return { ...main, operations: drVault.operations + main.operations, drVault };
}

async function applyStackSet(spec: StackSetSpec, ctx: RolloutContext): Promise<ApplyResult> {
  const { api, log } = ctx;
  await prepareEmulatorTargets(spec, ctx, true);
  const name = spec.manifest.stackSetName;
  const prefs = spec.manifest.operationPreferences;
  const waitOptions = { ...ctx.wait, log };

  const before = await api.describeStackSet(name);
  if (before) await settleActiveOperations(api, name, waitOptions, ctx.operationLog);
  const source = await templateForStackSet(spec, ctx.target, ctx.packager, { account: await api.callerAccount(), body: before?.TemplateBody });
  if (spec.hasNestedStacks) log(`packaged ${spec.template}: ${source.uploaded.length} uploaded, ${source.skipped.length} already in the bucket → ${source.templateUrl}`);
  const observed = await observe(spec, ctx);
  if (source.bucket) {
    const readers =
      spec.manifest.permissions.model === 'SERVICE_MANAGED'
        ? { organizationId: spec.manifest.permissions.organizationId }
        : { accounts: spec.manifest.targets.map((t) => t.account!).filter(Boolean) };
    if (await grantTemplateReaders(ctx.clients.admin.s3(), source.bucket, source.keyPrefix ?? 'templates/', name, readers, partitionOf(ctx.target.region))) {
      log(`artifact bucket ${source.bucket}: read access for the targets of ${name} added to its policy (other stack sets' readers kept)`);
    }
  }
  let templateChanges: string[] = [];
  if (observed.existing && observed.existing.TemplateBody !== source.text) {
    const explained = await templateDifferences(spec, observed.existing.TemplateBody, (b, k) => api.s3Text(b, k)).catch(() => []);
    templateChanges = explained.length > 0 ? explained : ['the packaged template text differs from the deployed one'];
  }
  const roleChanges = observed.existing ? await executionRoleDifferences(spec, observed, ctx) : [];
  const plan = assemblePlan(spec, observed, [...templateChanges, ...roleChanges], comparableOn(ctx.target));
  for (const line of formatPlan(plan, { stackSetName: name, deleteStacks: ctx.deleteStacks })) log(line);

  const checks = await preflight(spec, plan, observed, ctx, source);
  for (const line of checks.notes) log(`  preflight: ${line}`);
  if (checks.problems.length > 0) {
    return { plan, operations: 0, rows: [], failures: ['preflight failed, no operation started:', ...checks.problems.map((p) => `  ${p}`)] };
  }

  // Measured durations set the operations' timeouts: read only when there is an operation to time.
  const measured = isNoop(plan) ? undefined : await measureMinutesPerStack(spec, ctx, observed.summaries);
  const { minutes } = minutesPerStack(spec, measured);
  const timeoutOf = (units: number, regions: readonly string[]): number | undefined =>
    process.env.STACKSET_TIMEOUT_MINUTES ? undefined : operationTimeoutMs(spec, { units, regions }, minutes);
  const targetsByRegion = countBy(spec.instances, (i) => i.region);
  const runner = new PhaseRunner(api, name, prefs, targetsByRegion, waitOptions, ctx.operationLog);
  // Uploaded only when the stack set is created or updated (SERVICE_MANAGED with nested stacks).
  let customRole: Promise<CustomExecutionRole> | undefined;
  const roleOf = (): Promise<CustomExecutionRole> => (customRole ??= executionRoleFor(spec, observed.adminAccount, source.bucket, ctx));
  const canary = canaryOf(spec, observed.organization);
  const isCanary = canary ? isCanaryOf(canary) : () => false;

  const instanceCalls = (list: readonly Batch[], start: (input: any) => Promise<string>, onlyAccount?: string): OperationCall[] =>
    list.map((batch) => ({
      regions: batch.regions,
      timeoutMs: timeoutOf(batch.units.length, batch.regions),
      start: (OperationId: string) =>
        start({
          StackSetName: name,
          ...targetsInput(batch.units, onlyAccount),
          Regions: [...batch.regions],
          ParameterOverrides: toParameterList(batch.overrides),
          OperationPreferences: operationPreferences(prefs, batch.regions),
          OperationId,
        }),
    }));

  /** Runs the canary's call first and checks its stacks; the rest only when it completed. */
  const canaryThenRest = async (
    label: string,
    list: readonly { unit: DeploymentUnit; region: string; overrides: Readonly<Record<string, string>> }[],
    start: (input: any) => Promise<string>,
  ): Promise<boolean> => {
    const first = list.filter(isCanary);
    const rest = list.filter((i) => !isCanary(i));
    if (first.length > 0 && canary) {
      log(`${label}: canary ${canaryText(canary)} first`);
      const only = first[0].unit.kind === 'ou' ? canary.account : undefined;
      if (!(await runner.run(label, instanceCalls(batches(first, spec.regionOrder), start, only)))) return false;
      const verdict = await canaryVerdict(spec, ctx, canary, [...new Set(first.map((i) => i.region))]);
      if (verdict) {
        runner.failures.push(`canary failed, nothing else started: ${verdict}`);
        return false;
      }
      log(`${label}: canary ${canaryText(canary)} and its nested stacks completed; the rest starts`);
    }
    return runner.run(label, instanceCalls(batches(rest, spec.regionOrder), start));
  };

  if (isNoop(plan)) {
    log('nothing to change: no operation started');
  } else {
    const removals: OperationCall[] = batches(
      plan.remove.map((r) => ({ ...r, overrides: {} })),
      spec.regionOrder,
    ).map((batch) => ({
      regions: batch.regions,
      start: (OperationId: string) =>
        api.deleteStackInstances({
          StackSetName: name,
          ...targetsInput(batch.units),
          Regions: [...batch.regions],
          RetainStacks: !ctx.deleteStacks,
          OperationPreferences: operationPreferences(prefs, batch.regions),
          OperationId,
        }),
    }));
    let ok = await runner.run('DELETE', removals);
    if (ok && plan.managedExecution && observed.existing) {
      const change = plan.managedExecution;
      log(`managed execution ${change.from} → ${change.to}: an update of its own (AWS refuses it together with a template or parameter change)`);
      ok = await runner.runOne('UPDATE', {
        regions: spec.regionOrder,
        start: (OperationId) => api.updateStackSet({ ...managedExecutionInput(spec, observed.existing!.Parameters ?? [], change.to), OperationId }),
      });
    }
    if (ok && plan.stackSet === 'create') {
      const role = await roleOf();
      await api.createStackSet(
        { ...stackSetInput(spec, observed.desired, source), PermissionModel: observed.desired.permissionModel, ManagedExecution: { Active: observed.desired.managedExecution } },
        role,
      );
      log(
        `stack set ${name} created${role.ExecutionRoleTemplateUrl ? ` with the custom execution role template (${spec.manifest.permissions.executionRoleName}, ${role.ExecutionRoleTemplateUrl})` : ''}`,
      );
    }
    if (ok && plan.stackSet === 'update') {
      const role = await roleOf();
      const input = { ...stackSetInput(spec, observed.desired, source), OperationPreferences: operationPreferences(prefs) };
      const deployedRegions = canary ? canary.regions.filter((r) => observed.actual.some((a) => isCanary(a) && a.region === r)) : [];
      if (canary && deployedRegions.length > 0) {
        log(`update-stack-set: canary ${canary.account} ${deployedRegions.join(', ')} first`);
        const only = canary.unit.kind === 'ou' ? { DeploymentTargets: targetsInput([canary.unit], canary.account).DeploymentTargets } : { Accounts: [canary.unit.id] };
        ok = await runner.runOne('UPDATE', {
          regions: deployedRegions,
          timeoutMs: timeoutOf(1, deployedRegions),
          start: (OperationId) => api.updateStackSet({ ...input, ...only, Regions: deployedRegions, OperationId }, role),
        });
        const verdict = ok ? await canaryVerdict(spec, ctx, canary, deployedRegions) : undefined;
        if (verdict) {
          runner.failures.push(`canary failed, nothing else started: ${verdict}`);
          ok = false;
        }
      }
      if (ok) {
        const units = new Set(spec.instances.map((i) => i.unit.id)).size;
        ok = await runner.runOne('UPDATE', {
          regions: spec.regionOrder,
          timeoutMs: timeoutOf(units, spec.regionOrder),
          start: (OperationId) => api.updateStackSet({ ...input, OperationId }, role),
        });
      }
    }
    // A canary to repair goes first too: nothing else starts before it completed.
    const updates = plan.update.map((u) => u.desired);
    if (ok && plan.add.length > 0 && updates.some(isCanary)) {
      ok = await canaryThenRest('UPDATE', updates.filter(isCanary), (input) => api.updateStackInstances(input));
      updates.splice(0, updates.length, ...updates.filter((u) => !isCanary(u)));
    }
    if (ok) ok = await canaryThenRest('CREATE', plan.add, (input) => api.createStackInstances(input));
    if (ok) await canaryThenRest('UPDATE', updates, (input) => api.updateStackInstances(input));
  }

  const failures = [...runner.failures];
  const summaries = await api.listStackInstances(name);
  const rows = finalRows(summaries, runner.results);
  log('');
  for (const line of formatTable(rows, spec.regionOrder)) log(line);
  for (const line of await failureReasons(spec, ctx, rows, summaries)) log(line);
  failures.push(...toleranceFailures(rows, prefs));
  return { plan, operations: runner.operations, rows, failures };
}

/** Regions where more of the final instances failed than the failure tolerance allows. */
export function toleranceFailures(rows: readonly FinalRow[], prefs: OperationPreferences | undefined): string[] {
  return overTolerance(
    countBy(
      rows.filter((r) => r.failed),
      (r) => r.region,
    ),
    countBy(rows, (r) => r.region),
    prefs,
  );
}
