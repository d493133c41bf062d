// The data-loss gate at deploy time, from CloudFormation's own change set (root and nested): a
// stateful resource that the change set replaces (Replacement True or Conditional), removes
// without keeping it (PolicyAction Delete or Snapshot), or changes in a way CloudFormation cannot
// tell in advance (Action Dynamic) blocks the deploy unless ALLOW_REPLACE names it. A nested stack
// the change set modifies without a nested change set (nothing to look inside) blocks too: the
// gate never lets through what it could not see.
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
// Also: CloudFormation's answer against the project's prediction (scripts/lib/diff), resource by
// resource; every disagreement is reported.
import type { ResourceChange } from '@aws-sdk/client-cloudformation';
import { allows, type AllowEntry } from '../diff/allow.js';
import type { Verdict } from '../diff/analyze.js';
import { nestedFileName } from '../diff/source-stack.js';
import { isStateful } from '../diff/stateful.js';
import { ROOT_TEMPLATE, type CfnTemplate, type TemplateSet } from '../diff/types.js';
import { NESTED_STACK, nodesOf, type ChangeSetNode } from './change-set.js';

/** What the change set does to one resource, in the words a reviewer needs. */
type Effect =
  | 'added'
  | 'updated in place'
  | 'replaced'
  | 'may be replaced'
  | 'deleted'
  | 'deleted after a snapshot'
  | 'retained (no longer managed)'
  | 'undetermined'
  | 'imported'
  | 'not visible';

export interface LayerChange {
  /** The layer file the resource is in (root.yaml, database.yaml …), as ALLOW_REPLACE names templates. */
  readonly template: string;
  /** Nested stack logical IDs from the root ("DatabaseStack"); "root" for the root stack. */
  readonly layer: string;
  readonly logicalId: string;
  readonly type: string;
  readonly effect: Effect;
  readonly stateful: boolean;
  readonly change: ResourceChange;
}

interface GateEntry extends LayerChange {
  readonly blocking: boolean;
  readonly allowedBy?: string;
}

export interface DeployGate {
  readonly changes: readonly LayerChange[];
  readonly findings: readonly GateEntry[];
  readonly blocked: readonly GateEntry[];
  readonly unusedAllowances: readonly string[];
}

function effectOf(change: ResourceChange, visible: boolean): Effect {
  switch (change.Action) {
    case 'Add':
      return 'added';
    case 'Import':
      return 'imported';
    case 'Dynamic':
      return 'undetermined';
    case 'Remove':
      if (change.PolicyAction === 'Retain') return 'retained (no longer managed)';
      return change.PolicyAction === 'Snapshot' ? 'deleted after a snapshot' : 'deleted';
    case 'Modify':
      if (change.ResourceType === NESTED_STACK && !visible) return 'not visible';
      if (change.Replacement === 'True') return 'replaced';
      return change.Replacement === 'Conditional' ? 'may be replaced' : 'updated in place';
    default:
      return 'updated in place'; // SyncWithActual: only CloudFormation's metadata changes
  }
}

const BLOCKING: ReadonlySet<Effect> = new Set(['replaced', 'may be replaced', 'deleted', 'deleted after a snapshot', 'undetermined', 'not visible']);

/** The template file of each node: the root, then each nested stack through the TemplateURL of the new templates. */
function templateOf(node: ChangeSetNode, after: TemplateSet, rootName: string): string {
  if (node.path.length === 0) return rootName;
  let file = ROOT_TEMPLATE;
  for (const logicalId of node.path) file = nestedFileName(logicalId, after.templates.get(file));
  return file;
}

/** Every resource change of every layer, root first. */
function layerChanges(tree: ChangeSetNode, after: TemplateSet, rootName = ROOT_TEMPLATE): LayerChange[] {
  return nodesOf(tree).flatMap((node) => {
    const template = templateOf(node, after, rootName);
    return node.changes.map((change): LayerChange => {
      const type = change.ResourceType ?? '';
      const visible = change.ResourceType === NESTED_STACK && change.LogicalResourceId !== undefined && node.children.has(change.LogicalResourceId);
      const effect = effectOf(change, visible);
      // A nested stack is stateful (removing it deletes a layer), but a modified one is looked into instead.
      const stateful = effect === 'not visible' || (isStateful(type) && !(type === NESTED_STACK && change.Action === 'Modify'));
      return { template, layer: node.path.join('/') || 'root', logicalId: change.LogicalResourceId ?? '', type, effect, stateful, change };
    });
  });
}

/**
 * The gate over the change set. `renames` maps a new logical ID to the old one it replaces (from
 * the prediction), so a rename may be allowed by either name, as `make diff` allows it.
 */
export function deployGate(
  tree: ChangeSetNode,
  after: TemplateSet,
  allowances: readonly AllowEntry[],
  renames: ReadonlyMap<string, string> = new Map(),
  rootName = ROOT_TEMPLATE,
): DeployGate {
  const changes = layerChanges(tree, after, rootName);
  const used = new Set<string>();
  const findings: GateEntry[] = [];
  for (const change of changes.filter((c) => c.stateful && c.effect !== 'added' && c.effect !== 'updated in place' && c.effect !== 'imported')) {
    const blocking = BLOCKING.has(change.effect);
    const ids = [change.logicalId, ...[...renames].filter(([, old]) => old === change.logicalId).map(([fresh]) => fresh)];
    const allowance = blocking ? allowances.find((entry) => allows(entry, change.template, ids)) : undefined;
    if (allowance) used.add(allowance.raw);
    findings.push({ ...change, blocking, allowedBy: allowance?.raw });
  }
  return {
    changes,
    findings,
    blocked: findings.filter((f) => f.blocking && !f.allowedBy),
    unusedAllowances: allowances.map((a) => a.raw).filter((raw) => !used.has(raw)),
  };
}

const pad = (text: string, width: number): string => text.padEnd(width);

/** The summary: every layer's changes, not one Modify per layer. */
export function formatLayerChanges(changes: readonly LayerChange[]): string[] {
  if (changes.length === 0) return ['  (no resource changes listed)'];
  const lines: string[] = [];
  let layer: string | undefined;
  for (const c of changes) {
    if (c.layer !== layer) {
      layer = c.layer;
      lines.push(`  ${c.layer === 'root' ? 'root stack' : c.layer} (${c.template}):`);
    }
    const policy = c.change.PolicyAction ? `  [${c.change.PolicyAction}]` : '';
    lines.push(`    ${pad(c.change.Action ?? '?', 7)} ${pad(c.logicalId, 34)} ${pad(c.type, 40)} ${c.effect}${policy}`);
  }
  return lines;
}

export function formatGate(gate: DeployGate): string[] {
  const lines: string[] = [];
  for (const f of gate.findings) {
    const verdict = f.allowedBy ? `ALLOWED by ${f.allowedBy}` : f.blocking ? 'BLOCKED' : 'kept';
    const why = f.effect === 'not visible' ? ' (the change set has no nested change set for it: what happens inside cannot be checked)' : '';
    lines.push(`  ${pad(verdict, 22)} ${f.template}:${f.logicalId} (${f.type}) ${f.effect}${why}`);
  }
  for (const raw of gate.unusedAllowances) lines.push(`  note: ALLOW_REPLACE entry ${raw} matched nothing CloudFormation would replace or delete`);
  return lines;
}

// --- CloudFormation's answer against the project's prediction ---------------------------------

type Outcome = 'replace' | 'maybe' | 'remove' | 'in place or unchanged';

export interface Disagreement {
  readonly template: string;
  readonly logicalId: string;
  readonly type: string;
  readonly predicted: Outcome;
  readonly cloudFormation: Outcome;
}

function predictedOutcome(verdict: Verdict | undefined): Outcome | undefined {
  switch (verdict?.fate) {
    case undefined:
      return 'in place or unchanged';
    case 'replace':
    case 'type-change':
      return 'replace';
    case 'may-replace':
      return 'maybe';
    case 'rename':
    case 'destroy':
    case 'snapshot':
    case 'retain':
      return 'remove';
    default:
      return undefined; // made conditional: whether it goes depends on the condition; nothing to compare
  }
}

function cloudFormationOutcome(change: LayerChange | undefined): Outcome | undefined {
  if (!change) return 'in place or unchanged';
  if (change.change.Action === 'Remove') return 'remove';
  if (change.effect === 'replaced') return 'replace';
  if (change.effect === 'may be replaced') return 'maybe';
  if (change.effect === 'added' || change.effect === 'imported' || change.effect === 'not visible' || change.effect === 'undetermined') return undefined;
  return 'in place or unchanged';
}

/**
 * Every resource where the prediction (verdicts of scripts/lib/diff over the deployed and the new
 * templates) and the change set disagree on replace / may replace / remove / in place.
 */
export function compareWithPrediction(changes: readonly LayerChange[], verdicts: readonly Verdict[], before: TemplateSet): Disagreement[] {
  const key = (template: string, id: string): string => `${template}\u0000${id}`;
  const byChange = new Map(changes.map((c) => [key(c.template, c.logicalId), c]));
  const byVerdict = new Map(verdicts.map((v) => [key(v.template, v.logicalId), v]));
  const resources = new Map<string, { template: string; logicalId: string; type: string }>();
  for (const [template, body] of before.templates) {
    for (const [logicalId, resource] of Object.entries((body as CfnTemplate).Resources ?? {}))
      resources.set(key(template, logicalId), { template, logicalId, type: resource.Type });
  }
  for (const c of changes) if (c.change.Action !== 'Add') resources.set(key(c.template, c.logicalId), { template: c.template, logicalId: c.logicalId, type: c.type });
  const disagreements: Disagreement[] = [];
  for (const [k, r] of resources) {
    const predicted = predictedOutcome(byVerdict.get(k));
    const actual = cloudFormationOutcome(byChange.get(k));
    if (predicted && actual && predicted !== actual) disagreements.push({ ...r, predicted, cloudFormation: actual });
  }
  return disagreements.sort((a, b) => a.template.localeCompare(b.template) || a.logicalId.localeCompare(b.logicalId));
}

export function formatDisagreements(disagreements: readonly Disagreement[]): string[] {
  if (disagreements.length === 0) return ['  the prediction and CloudFormation agree on every resource'];
  return disagreements.map((d) => `  ${d.template}:${d.logicalId} (${d.type}): predicted ${d.predicted}, CloudFormation: ${d.cloudFormation}`);
}
