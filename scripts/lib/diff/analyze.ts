// What a template change does to each resource: replaced (and which property paths force it),
// renamed, deleted, retained, made conditional. This is the data behind the data-loss gate; it
// covers every resource, the gate then looks at the stateful ones.
import { deepEqual } from '@aws-cdk/cloudformation-diff';
import type { ValueChange } from './parameter-values.js';
import { findRenames, type Rename } from './renames.js';
import { referencesIn } from './references.js';
import { replacementOf } from './replacement.js';
import { isStateful } from './stateful.js';
import type { CfnResource, CfnTemplate } from './types.js';
import { changedPaths, formatPath, type Path } from './value-paths.js';

type Fate =
  | 'replace' // a property that forces replacement changed (specification: yes)
  | 'may-replace' // a property that may force replacement changed (specification: maybe)
  | 'type-change' // same logical ID, another type: a new resource
  | 'rename' // logical ID changed: a new resource, the old one deleted (or orphaned by Retain)
  | 'destroy' // removed, DeletionPolicy Delete (the default)
  | 'snapshot' // removed, DeletionPolicy Snapshot: deleted after a final snapshot
  | 'retain' // removed, DeletionPolicy Retain: orphaned, data kept
  | 'conditional'; // now created only under a condition that is new or changed

export interface Cause {
  /** The top-level property ("NodeGroupConfiguration") and the full path ("NodeGroupConfiguration[0].ReplicaCount"). */
  readonly property: string;
  readonly path: string;
  /** Absent when the cause is a condition (the resource may cease to exist) rather than a property. */
  readonly replacement?: 'yes' | 'maybe';
  /** The value did not change in the template, but it refers to this resource, which is replaced. */
  readonly via?: string;
  /** The template did not change, but a parameter value feeding this path changed. */
  readonly parameter?: ValueChange;
  /** The template did not change, but what another layer passes in did ("LogsKeyArn <- kms.yaml output LogsKeyArn"). */
  readonly input?: string;
}

export interface Verdict {
  readonly template: string;
  readonly logicalId: string;
  readonly type: string;
  readonly stateful: boolean;
  readonly fate: Fate;
  readonly causes: readonly Cause[];
  readonly renamedTo?: string;
  readonly newType?: string;
  readonly condition?: string;
  /** Policies of the existing (old) resource: they decide what happens to it. */
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
}

export interface PolicyWeakening {
  readonly template: string;
  readonly logicalId: string;
  readonly type: string;
  readonly attribute: 'DeletionPolicy' | 'UpdateReplacePolicy';
  readonly from: string;
  readonly to: string;
}

export interface TemplateAnalysis {
  readonly template: string;
  readonly verdicts: readonly Verdict[];
  readonly renames: readonly Rename[];
  readonly weakenings: readonly PolicyWeakening[];
}

export const policyText = (value: unknown): string | undefined => (value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value));
export const RETAINING: ReadonlySet<string> = new Set(['Retain', 'RetainExceptOnCreate']);
const PROTECTIVE = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

function fateOfRemoval(resource: CfnResource): Fate {
  const policy = policyText(resource.DeletionPolicy);
  if (policy && RETAINING.has(policy)) return 'retain';
  return policy === 'Snapshot' ? 'snapshot' : 'destroy';
}

function directCauses(type: string, before: CfnResource, after: CfnResource): Cause[] {
  const byProperty = new Map<string, Path[]>();
  for (const path of changedPaths(before.Properties ?? {}, after.Properties ?? {})) {
    const property = String(path[0]);
    byProperty.set(property, [...(byProperty.get(property) ?? []), path]);
  }
  const causes: Cause[] = [];
  for (const [property, paths] of byProperty) {
    const top = replacementOf(type, [property]);
    // The property as a whole decides: name it, not every leaf under it.
    if (top !== 'no' && paths.every((path) => replacementOf(type, path) === top)) {
      causes.push({ property, path: property, replacement: top });
      continue;
    }
    for (const path of paths) {
      const replacement = replacementOf(type, path);
      if (replacement !== 'no') causes.push({ property, path: formatPath(path), replacement });
    }
  }
  return causes;
}

/** Properties whose text is unchanged but that refer (Ref, GetAtt, Sub) to a resource being replaced. */
function propagatedCauses(id: string, after: CfnResource, replaced: ReadonlySet<string>, direct: readonly Cause[]): Cause[] {
  const causes: Cause[] = [];
  for (const ref of referencesIn(after.Properties ?? {})) {
    if (ref.id === id || !replaced.has(ref.id)) continue;
    const path = formatPath(ref.path);
    if (direct.some((c) => c.path === path) || causes.some((c) => c.path === path)) continue;
    const replacement = replacementOf(after.Type, ref.path);
    if (replacement !== 'no') causes.push({ property: String(ref.path[0]), path, replacement, via: ref.id });
  }
  return causes;
}

function weakeningsOf(template: string, id: string, before: CfnResource, after: CfnResource): PolicyWeakening[] {
  const found: PolicyWeakening[] = [];
  for (const attribute of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
    const from = policyText(before[attribute]);
    const to = policyText(after[attribute]);
    if (from && PROTECTIVE.has(from) && !(to && PROTECTIVE.has(to))) found.push({ template, logicalId: id, type: after.Type, attribute, from, to: to ?? 'Delete (default)' });
  }
  return found;
}

function conditionChange(id: string, before: CfnTemplate, after: CfnTemplate): string | undefined {
  const condition = after.Resources?.[id]?.Condition;
  if (typeof condition !== 'string') return undefined;
  const unchanged = before.Resources?.[id]?.Condition === condition && deepEqual(before.Conditions?.[condition], after.Conditions?.[condition]);
  return unchanged ? undefined : condition;
}

export function analyzeTemplate(template: string, before: CfnTemplate = {}, after: CfnTemplate = {}): TemplateAnalysis {
  const oldResources = before.Resources ?? {};
  const newResources = after.Resources ?? {};
  const removed = new Map(Object.entries(oldResources).filter(([id]) => !(id in newResources)));
  const added = new Map(Object.entries(newResources).filter(([id]) => !(id in oldResources)));
  const kept = Object.keys(oldResources).filter((id) => id in newResources);
  const renames = findRenames(removed, added);
  const verdicts: Verdict[] = [];
  const base = (id: string, resource: CfnResource) => ({
    template,
    logicalId: id,
    type: resource.Type,
    stateful: isStateful(resource.Type),
    deletionPolicy: policyText(resource.DeletionPolicy),
    updateReplacePolicy: policyText(resource.UpdateReplacePolicy),
  });

  for (const [id, resource] of removed) {
    const rename = renames.find((r) => r.from === id);
    verdicts.push({ ...base(id, resource), fate: rename ? 'rename' : fateOfRemoval(resource), causes: [], renamedTo: rename?.to });
  }

  const sameType = kept.filter((id) => oldResources[id]!.Type === newResources[id]!.Type);
  const replaced = new Set(kept.filter((id) => !sameType.includes(id)));
  for (const id of replaced) verdicts.push({ ...base(id, oldResources[id]!), fate: 'type-change', causes: [], newType: newResources[id]!.Type });

  // A replaced resource gets a new physical ID and ARN: whatever refers to it changes too, and may
  // be replaced in turn. Iterate until no more resources join the replaced set.
  const direct = new Map(sameType.map((id) => [id, directCauses(newResources[id]!.Type, oldResources[id]!, newResources[id]!)]));
  const causesOf = (id: string) => [...direct.get(id)!, ...propagatedCauses(id, newResources[id]!, replaced, direct.get(id)!)];
  for (let grew = true; grew;) {
    grew = false;
    for (const id of sameType) {
      if (!replaced.has(id) && causesOf(id).some((c) => c.replacement === 'yes')) {
        replaced.add(id);
        grew = true;
      }
    }
  }

  const weakenings: PolicyWeakening[] = [];
  for (const id of sameType) {
    const causes = causesOf(id);
    const old = oldResources[id]!;
    if (causes.length > 0) {
      verdicts.push({ ...base(id, old), fate: replaced.has(id) ? 'replace' : 'may-replace', causes });
    } else {
      const condition = conditionChange(id, before, after);
      if (condition) verdicts.push({ ...base(id, old), fate: 'conditional', causes: [], condition });
    }
    if (isStateful(old.Type)) weakenings.push(...weakeningsOf(template, id, old, newResources[id]!));
  }
  verdicts.sort((a, b) => a.logicalId.localeCompare(b.logicalId));
  return { template, verdicts, renames, weakenings };
}

const RANK: Record<Fate, number> = { conditional: 0, retain: 0, snapshot: 0, destroy: 0, 'may-replace': 1, replace: 2, 'type-change': 3, rename: 3 };

/** One verdict per resource: causes found by different routes (template, parameter values, other layers) are put together. */
export function mergeVerdicts(verdicts: readonly Verdict[]): Verdict[] {
  const merged = new Map<string, Verdict>();
  for (const verdict of verdicts) {
    const key = `${verdict.template}\0${verdict.logicalId}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, verdict);
      continue;
    }
    const [strong, weak] = RANK[verdict.fate] > RANK[seen.fate] ? [verdict, seen] : [seen, verdict];
    merged.set(key, {
      ...strong,
      causes: [...strong.causes, ...weak.causes.filter((c) => !strong.causes.some((s) => s.path === c.path && s.parameter === c.parameter && s.input === c.input))],
    });
  }
  return [...merged.values()];
}
