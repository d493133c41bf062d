// What must change so that AWS matches the manifest: the stack set itself (create, update or
// leave alone) and its instances (add, update, remove). Pure: the inputs are what AWS reported,
// the output is a plan that `apply` executes and `plan` prints.
import type { DescribedStackSet, StackInstance, StackInstanceSummary } from './api.js';
import { sortedRecord, type DeploymentUnit, type DesiredInstance, type StackSetSpec } from './manifest.js';

export interface ActualInstance {
  readonly unit: DeploymentUnit;
  readonly region: string;
  readonly overrides: Readonly<Record<string, string>>;
  readonly status?: string;
  readonly detailedStatus?: string;
  readonly statusReason?: string;
  /** The accounts behind the unit (one for an account; the OU's members for an OU). */
  readonly accounts: readonly string[];
  /** For an OU: each member account's own overrides, where they differ from `overrides` (accounts enrolled later, or updated apart). */
  readonly mixed?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

interface InstanceUpdate {
  readonly desired: DesiredInstance;
  readonly actual: ActualInstance;
  /** Why: parameter differences ("VpcCidr: 10.31.0.0/16 → 10.33.0.0/16") or a status to repair. */
  readonly reasons: readonly string[];
}

export interface Plan {
  readonly stackSet: 'create' | 'update' | 'none';
  /**
   * Managed execution to switch, in an UpdateStackSet of its own: AWS refuses it together with a
   * template or parameter change ("Cannot update ManagedExecution while updating StackSet Template
   * or Parameters") and while operations run or queue.
   */
  readonly managedExecution?: { readonly from: boolean; readonly to: boolean };
  /** What differs in the stack set (template, parameters, tags …); empty for create and none. */
  readonly stackSetChanges: readonly string[];
  readonly add: readonly DesiredInstance[];
  readonly update: readonly InstanceUpdate[];
  readonly remove: readonly ActualInstance[];
  readonly unchanged: readonly DesiredInstance[];
  /** Things the plan cannot fix by itself (INOPERABLE instances …), and what was not compared. */
  readonly notes: readonly string[];
}

const unitKey = (unit: DeploymentUnit): string => `${unit.kind}:${unit.id}`;
const instanceKey = (unit: DeploymentUnit, region: string): string => `${unitKey(unit)}|${region}`;

export const toRecord = (parameters: readonly { ParameterKey?: string; ParameterValue?: string }[] | undefined): Record<string, string> =>
  sortedRecord(
    Object.fromEntries((parameters ?? []).filter((p) => p.ParameterKey !== undefined && p.ParameterValue !== undefined).map((p) => [p.ParameterKey!, p.ParameterValue!])),
  );

export const toParameterList = (values: Readonly<Record<string, string>>): { ParameterKey: string; ParameterValue: string }[] =>
  Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));

/** "Name: old → new" lines for every key that differs; (none) where one side lacks it. */
export function recordDifferences(from: Readonly<Record<string, string>>, to: Readonly<Record<string, string>>): string[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys.filter((k) => from[k] !== to[k]).map((k) => `${k}: ${from[k] ?? '(none)'} → ${to[k] ?? '(none)'}`);
}

/** Instances as AWS reports them, one per deployment unit and region (OU members grouped). */
export function actualInstances(
  instances: readonly (StackInstanceSummary & Pick<StackInstance, 'ParameterOverrides'>)[],
  model: 'SELF_MANAGED' | 'SERVICE_MANAGED',
): ActualInstance[] {
  const byKey = new Map<string, ActualInstance>();
  for (const i of instances) {
    const account = i.Account ?? '';
    const region = i.Region ?? '';
    const unit: DeploymentUnit = model === 'SERVICE_MANAGED' && i.OrganizationalUnitId ? { kind: 'ou', id: i.OrganizationalUnitId } : { kind: 'account', id: account };
    const key = instanceKey(unit, region);
    const seen = byKey.get(key);
    if (seen) {
      byKey.set(key, { ...seen, accounts: [...seen.accounts, account] });
      continue;
    }
    byKey.set(key, {
      unit,
      region,
      overrides: toRecord(i.ParameterOverrides),
      status: i.Status,
      detailedStatus: i.StackInstanceStatus?.DetailedStatus,
      statusReason: i.StatusReason,
      accounts: [account],
    });
  }
  return [...byKey.values()];
}

/** What the stack set should look like (the fields compared with describe-stack-set). */
export interface DesiredStackSet {
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly description?: string;
  readonly administrationRoleArn?: string;
  readonly executionRoleName?: string;
  readonly managedExecution: boolean;
  readonly autoDeployment?: { readonly enabled: boolean; readonly retainStacksOnAccountRemoval: boolean };
  readonly permissionModel: 'SELF_MANAGED' | 'SERVICE_MANAGED';
  /** Template parameters whose values AWS reports as **** (NoEcho). */
  readonly noEcho: ReadonlySet<string>;
}

export function desiredStackSet(spec: StackSetSpec, adminAccount: string): DesiredStackSet {
  const { manifest } = spec;
  const permissions = manifest.permissions;
  return {
    parameters: sortedRecord(spec.parameters),
    tags: sortedRecord(manifest.tags ?? {}),
    description: manifest.description,
    administrationRoleArn: permissions.model === 'SELF_MANAGED' ? `arn:aws:iam::${adminAccount}:role/${permissions.administrationRoleName}` : undefined,
    executionRoleName: permissions.executionRoleName,
    managedExecution: manifest.managedExecution ?? false,
    autoDeployment:
      permissions.model === 'SERVICE_MANAGED'
        ? { enabled: permissions.autoDeployment.enabled, retainStacksOnAccountRemoval: permissions.autoDeployment.retainStacksOnAccountRemoval ?? false }
        : undefined,
    permissionModel: permissions.model,
    noEcho: new Set(
      Object.entries(spec.templateParameters)
        .filter(([, p]) => String((p as { NoEcho?: unknown }).NoEcho) === 'true')
        .map(([name]) => name),
    ),
  };
}

/** Which stack set fields this target stores and reports (the emulator drops some). */
export interface Comparable {
  readonly managedExecution: boolean;
  readonly autoDeployment: boolean;
}

/** What AWS reports for a NoEcho parameter: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html */
const MASKED = '****';

export interface StackSetDifferences {
  /** What an UpdateStackSet with the template and parameters changes. */
  readonly changes: readonly string[];
  /** Managed execution to switch (an UpdateStackSet of its own). */
  readonly managedExecution?: { readonly from: boolean; readonly to: boolean };
  /** What was not compared, and why. */
  readonly notes: readonly string[];
}

/** Differences between the deployed stack set and the desired one (template compared by the caller). */
export function stackSetDifferences(actual: DescribedStackSet, desired: DesiredStackSet, templateChanges: readonly string[], comparable: Comparable): StackSetDifferences {
  const changes = templateChanges.map((c) => `template: ${c}`);
  const notes: string[] = [];
  const deployed = toRecord(actual.Parameters);
  const masked = Object.keys(deployed).filter((k) => deployed[k] === MASKED && desired.noEcho.has(k));
  // A NoEcho parameter comes back as ****: comparing it would report a change on every run.
  for (const k of masked) deployed[k] = desired.parameters[k];
  if (masked.length > 0)
    notes.push(
      `NoEcho parameter${masked.length === 1 ? '' : 's'} ${masked.join(', ')}: AWS reports ****, not compared (a change of value alone is not detected; change the template or another parameter to send it)`,
    );
  for (const line of recordDifferences(deployed, desired.parameters)) changes.push(`parameter ${line}`);
  const actualTags = sortedRecord(Object.fromEntries((actual.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])));
  for (const line of recordDifferences(actualTags, desired.tags)) changes.push(`tag ${line}`);
  if (desired.description === undefined) {
    // UpdateStackSet without Description keeps the old one, and an empty one is refused (1 to 1024 characters): https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStackSet.html
    if (actual.Description) notes.push(`description: the manifest has none; the stack set keeps "${actual.Description}" (AWS cannot clear a description)`);
  } else if ((actual.Description ?? '') !== desired.description) {
    changes.push(`description: "${actual.Description ?? ''}" → "${desired.description}"`);
  }
  if (desired.administrationRoleArn && actual.AdministrationRoleARN !== desired.administrationRoleArn) {
    changes.push(`administration role: ${actual.AdministrationRoleARN ?? '(none)'} → ${desired.administrationRoleArn}`);
  }
  if (desired.executionRoleName && actual.ExecutionRoleName !== desired.executionRoleName) {
    changes.push(`execution role: ${actual.ExecutionRoleName ?? '(none)'} → ${desired.executionRoleName}`);
  }
  const managedNow = actual.ManagedExecution?.Active ?? false;
  const managedExecution = comparable.managedExecution && managedNow !== desired.managedExecution ? { from: managedNow, to: desired.managedExecution } : undefined;
  if (comparable.autoDeployment && desired.autoDeployment) {
    const was = actual.AutoDeployment;
    if ((was?.Enabled ?? false) !== desired.autoDeployment.enabled || (was?.RetainStacksOnAccountRemoval ?? false) !== desired.autoDeployment.retainStacksOnAccountRemoval) {
      changes.push(`auto-deployment: ${JSON.stringify(was ?? {})} → ${JSON.stringify(desired.autoDeployment)}`);
    }
  }
  return { changes, managedExecution, notes };
}

/** Instance statuses that an update repairs (the last operation did not bring them to CURRENT). */
const NEEDS_UPDATE = new Set(['OUTDATED']);
/**
 * Detailed statuses of an instance that an operation is working on right now: not something to
 * repair (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceComprehensiveStatus.html).
 */
const IN_PROGRESS = new Set(['PENDING', 'RUNNING']);

export interface InstanceContext {
  /** Accounts AWS Organizations reports SUSPENDED (or closing): StackSets cannot deploy there. */
  readonly suspended?: ReadonlySet<string>;
}

export function planInstances(
  desired: readonly DesiredInstance[],
  actual: readonly ActualInstance[],
  context: InstanceContext = {},
): Pick<Plan, 'add' | 'update' | 'remove' | 'unchanged' | 'notes'> {
  const actualByKey = new Map(actual.map((a) => [instanceKey(a.unit, a.region), a]));
  const desiredKeys = new Set(desired.map((d) => instanceKey(d.unit, d.region)));
  const add: DesiredInstance[] = [];
  const update: InstanceUpdate[] = [];
  const unchanged: DesiredInstance[] = [];
  const notes: string[] = [];
  const suspended = context.suspended ?? new Set<string>();
  for (const d of desired) {
    if (d.unit.kind === 'account' && suspended.has(d.unit.id)) {
      notes.push(
        `${d.unit.id} ${d.region}: the account is suspended in AWS Organizations; nothing is planned for it (an operation there could only fail; remove it from the manifest)`,
      );
      unchanged.push(d);
      continue;
    }
    const a = actualByKey.get(instanceKey(d.unit, d.region));
    if (!a) {
      add.push(d);
      continue;
    }
    if (a.status === 'INOPERABLE') {
      notes.push(`${d.unit.id} ${d.region} is INOPERABLE (${a.statusReason ?? 'a delete failed'}): remove it with delete-stack-instances --retain-stacks, then run again`);
      unchanged.push(d);
      continue;
    }
    if (a.detailedStatus && IN_PROGRESS.has(a.detailedStatus)) {
      notes.push(`${d.unit.id} ${d.region} is ${a.status}/${a.detailedStatus}: an operation is working on it; not planned again`);
      unchanged.push(d);
      continue;
    }
    const reasons = recordDifferences(a.overrides, d.overrides);
    for (const [account, overrides] of Object.entries(a.mixed ?? {})) {
      const differs = recordDifferences(overrides, d.overrides);
      if (differs.length > 0 && reasons.length === 0) reasons.push(`member account ${account}: ${differs.join('; ')}`);
    }
    if (a.status && NEEDS_UPDATE.has(a.status)) reasons.push(`status ${a.status}${a.statusReason ? ` (${a.statusReason})` : ''}`);
    if (reasons.length > 0) update.push({ desired: d, actual: a, reasons });
    else unchanged.push(d);
  }
  const remove = actual.filter((a) => !desiredKeys.has(instanceKey(a.unit, a.region)));
  return { add, update, remove, unchanged, notes };
}

/** Instances that share one API call: the same overrides and the same set of regions. */
export interface Batch {
  readonly units: readonly DeploymentUnit[];
  readonly regions: readonly string[];
  readonly overrides: Readonly<Record<string, string>>;
}

/**
 * Groups instances into as few calls as possible. A call acts on accounts × regions, so a batch
 * holds units with identical overrides and identical region sets; regions keep rollout order.
 */
export function batches(instances: readonly { unit: DeploymentUnit; region: string; overrides: Readonly<Record<string, string>> }[], regionOrder: readonly string[]): Batch[] {
  const rank = (region: string): number => (regionOrder.includes(region) ? regionOrder.indexOf(region) : regionOrder.length);
  const byOverrides = new Map<string, { overrides: Readonly<Record<string, string>>; regionsOf: Map<string, { unit: DeploymentUnit; regions: string[] }> }>();
  for (const i of instances) {
    const key = JSON.stringify(sortedRecord(i.overrides));
    let group = byOverrides.get(key);
    if (!group) byOverrides.set(key, (group = { overrides: sortedRecord(i.overrides), regionsOf: new Map() }));
    const unitEntry = group.regionsOf.get(unitKey(i.unit)) ?? { unit: i.unit, regions: [] };
    unitEntry.regions.push(i.region);
    group.regionsOf.set(unitKey(i.unit), unitEntry);
  }
  const result: Batch[] = [];
  for (const group of byOverrides.values()) {
    const byRegionSet = new Map<string, { units: DeploymentUnit[]; regions: string[] }>();
    for (const { unit, regions } of group.regionsOf.values()) {
      const ordered = [...new Set(regions)].sort((a, b) => rank(a) - rank(b));
      const key = ordered.join(',');
      const entry = byRegionSet.get(key) ?? { units: [], regions: ordered };
      entry.units.push(unit);
      byRegionSet.set(key, entry);
    }
    for (const { units, regions } of byRegionSet.values()) result.push({ units, regions, overrides: group.overrides });
  }
  return result;
}
