// make refactor ENV=…: a renamed or moved stateful resource keeps its data through a CloudFormation
// stack refactor (CreateStackRefactor with ResourceMappings, then ExecuteStackRefactor) instead of
// a deploy that creates a new, empty resource and deletes the old one. Afterwards the deploy has
// nothing to replace: the resource already sits under its new logical ID / in its new layer.
// What a refactor supports, from the User Guide (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-refactoring.html),
// each encoded as a check of the plan:
//   - moves between stacks (nested stacks included) and logical-ID renames; 1 to 5 stacks per refactor;
//   - no resource created, deleted or reconfigured: each affected layer's new template holds exactly
//     its old resources, moved or renamed (other edits: deploy them before or after);
//   - no new or changed Parameters, Conditions or Mappings in the affected templates;
//   - a resource moves to one stack only;
//   - a resource that refers to a pseudo parameter whose value differs between the stacks
//     (AWS::StackName, AWS::StackId) cannot move to another stack;
//   - no stack may be left empty.
// API: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackRefactor.html,
// API_ResourceMapping.html, API_StackDefinition.html, API_ExecuteStackRefactor.html.
import {
  CreateStackRefactorCommand,
  DescribeStackRefactorCommand,
  ExecuteStackRefactorCommand,
  ListStackRefactorActionsCommand,
  type CreateStackRefactorCommandOutput,
  type DescribeStackRefactorCommandOutput,
  type ListStackRefactorActionsCommandOutput,
  type ResourceMapping,
  type StackDefinition,
} from '@aws-sdk/client-cloudformation';
import { deepEqual } from '@aws-cdk/cloudformation-diff';
import { findRenames, RENAME_SIMILARITY, similarity } from '../diff/renames.js';
import { isStateful } from '../diff/stateful.js';
import type { CfnTemplate, TemplateSet } from '../diff/types.js';

const MAX_STACKS = 5;

interface Move {
  readonly type: string;
  readonly from: { readonly template: string; readonly logicalId: string };
  readonly to: { readonly template: string; readonly logicalId: string };
}

export interface RefactorPlan {
  readonly moves: readonly Move[];
  /** Templates (layer files) the refactor touches. */
  readonly templates: readonly string[];
  /** Why CloudFormation would refuse this refactor (empty: it can run). */
  readonly issues: readonly string[];
}

const resourcesOf = (t: CfnTemplate | undefined) => t?.Resources ?? {};
const PSEUDO_PER_STACK = /AWS::Stack(Name|Id)/;

/** Renames inside a layer and moves between layers, of stateful resources, from the deployed templates to the new ones. */
function findMoves(before: TemplateSet, after: TemplateSet): Move[] {
  const moves: Move[] = [];
  const removed: { template: string; logicalId: string; resource: NonNullable<CfnTemplate['Resources']>[string] }[] = [];
  const added: typeof removed = [];
  for (const template of new Set([...before.templates.keys(), ...after.templates.keys()])) {
    const old = resourcesOf(before.templates.get(template));
    const fresh = resourcesOf(after.templates.get(template));
    const gone = new Map(Object.entries(old).filter(([id]) => !(id in fresh)));
    const arrived = new Map(Object.entries(fresh).filter(([id]) => !(id in old)));
    const renames = findRenames(gone, arrived).filter((r) => isStateful(r.type) && r.type !== 'AWS::CloudFormation::Stack');
    for (const r of renames) moves.push({ type: r.type, from: { template, logicalId: r.from }, to: { template, logicalId: r.to } });
    const renamedFrom = new Set(renames.map((r) => r.from));
    const renamedTo = new Set(renames.map((r) => r.to));
    for (const [id, resource] of Object.entries(old)) if (!(id in fresh) && !renamedFrom.has(id)) removed.push({ template, logicalId: id, resource });
    for (const [id, resource] of Object.entries(fresh)) if (!(id in old) && !renamedTo.has(id)) added.push({ template, logicalId: id, resource });
  }
  // A move: removed from one layer, added to another, same type, mostly the same properties.
  for (const gone of removed.filter((r) => isStateful(r.resource.Type) && r.resource.Type !== 'AWS::CloudFormation::Stack')) {
    const candidates = added.filter((a) => a.template !== gone.template && a.resource.Type === gone.resource.Type && similarity(gone.resource, a.resource) >= RENAME_SIMILARITY);
    const best = candidates.sort((a, b) => similarity(gone.resource, b.resource) - similarity(gone.resource, a.resource))[0];
    if (!best) continue;
    added.splice(added.indexOf(best), 1);
    moves.push({ type: gone.resource.Type, from: { template: gone.template, logicalId: gone.logicalId }, to: { template: best.template, logicalId: best.logicalId } });
  }
  return moves;
}

const SECTIONS = ['Parameters', 'Conditions', 'Mappings'] as const;

/** The plan and every reason the refactor could not run. */
export function planRefactor(before: TemplateSet, after: TemplateSet): RefactorPlan {
  const moves = findMoves(before, after);
  const templates = [...new Set(moves.flatMap((m) => [m.from.template, m.to.template]))].sort();
  const issues: string[] = [];
  if (templates.length > MAX_STACKS)
    issues.push(`the refactor touches ${templates.length} stacks (${templates.join(', ')}); CloudFormation refactors at most ${MAX_STACKS} at a time: split it`);
  const sources = new Map<string, number>();
  for (const m of moves) sources.set(`${m.from.template}:${m.from.logicalId}`, (sources.get(`${m.from.template}:${m.from.logicalId}`) ?? 0) + 1);
  for (const [source, count] of sources) if (count > 1) issues.push(`${source} would move to ${count} places; a resource can be refactored into one stack only`);
  for (const template of templates) {
    const old = before.templates.get(template);
    const fresh = after.templates.get(template);
    if (!old || !fresh) {
      issues.push(
        `${template}: ${!old ? 'is a new layer' : 'is removed'}; a refactor moves resources between existing stacks only (deploy the new layer first with another resource, or keep the old one)`,
      );
      continue;
    }
    for (const section of SECTIONS) {
      if (!deepEqual(old[section] ?? {}, fresh[section] ?? {}))
        issues.push(`${template}: its ${section} change; a refactor cannot add or change ${section} (deploy that change first, then refactor)`);
    }
    // Exactly the old resources, moved or renamed, each with the same definition.
    const outgoing = new Map(moves.filter((m) => m.from.template === template).map((m) => [m.from.logicalId, m]));
    const incoming = new Map(moves.filter((m) => m.to.template === template).map((m) => [m.to.logicalId, m]));
    const oldResources = resourcesOf(old);
    const freshResources = resourcesOf(fresh);
    for (const [id, resource] of Object.entries(freshResources)) {
      const move = incoming.get(id);
      const source = move ? resourcesOf(before.templates.get(move.from.template))[move.from.logicalId] : oldResources[id];
      if (!source) issues.push(`${template}: ${id} is new; a refactor creates nothing (deploy it separately)`);
      else if (!deepEqual(source, resource))
        issues.push(`${template}: ${id} is changed as well as ${move ? 'moved' : 'kept'}; a refactor changes no configuration (make the change in another deploy)`);
    }
    for (const id of Object.keys(oldResources)) {
      if (!(id in freshResources) && !outgoing.has(id)) issues.push(`${template}: ${id} is removed; a refactor deletes nothing (deploy the removal separately)`);
    }
    if (Object.keys(freshResources).length === 0) issues.push(`${template}: would be left without resources; CloudFormation does not support empty stacks`);
  }
  for (const m of moves.filter((mv) => mv.from.template !== mv.to.template)) {
    const resource = resourcesOf(after.templates.get(m.to.template))[m.to.logicalId];
    if (resource && PSEUDO_PER_STACK.test(JSON.stringify(resource)))
      issues.push(`${m.to.template}:${m.to.logicalId} refers to AWS::StackName/AWS::StackId, whose value differs between the stacks: it cannot move to another stack`);
  }
  return { moves, templates, issues };
}

export function formatPlan(plan: RefactorPlan, stackOf: (template: string) => string): string[] {
  if (plan.moves.length === 0) return ['  nothing to refactor: no stateful resource is renamed or moved'];
  const lines = plan.moves.map((m) => `  ${m.type}: ${stackOf(m.from.template)} ${m.from.logicalId}  ->  ${stackOf(m.to.template)} ${m.to.logicalId}`);
  for (const issue of plan.issues) lines.push(`  CANNOT RUN: ${issue}`);
  return lines;
}

/** The part of the CloudFormation client a refactor uses (a recorded client in tests). */
export interface RefactorClient {
  send(command: CreateStackRefactorCommand): Promise<CreateStackRefactorCommandOutput>;
  send(command: DescribeStackRefactorCommand): Promise<DescribeStackRefactorCommandOutput>;
  send(command: ListStackRefactorActionsCommand): Promise<ListStackRefactorActionsCommandOutput>;
  send(command: ExecuteStackRefactorCommand): Promise<unknown>;
}

export interface RefactorRun {
  readonly id: string;
  readonly actions: readonly string[];
  readonly status: string;
  readonly executed: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(client: RefactorClient, id: string, field: 'Status' | 'ExecutionStatus', done: RegExp, pollMs: number): Promise<DescribeStackRefactorCommandOutput> {
  for (;;) {
    const answer = await client.send(new DescribeStackRefactorCommand({ StackRefactorId: id }));
    if (done.test(answer[field] ?? '')) return answer;
    await sleep(pollMs);
  }
}

/**
 * Creates the refactor (the mappings and the new templates of the affected stacks), shows
 * CloudFormation's actions, and executes it when `apply`.
 */
export async function runRefactor(
  client: RefactorClient,
  plan: RefactorPlan,
  stackOf: (template: string) => string,
  templateUrlOf: (template: string) => string,
  apply: boolean,
  log: (line: string) => void,
  pollMs = 2000,
): Promise<RefactorRun> {
  if (plan.issues.length > 0) throw new Error(`the refactor cannot run: ${plan.issues.join('; ')}`);
  const ResourceMappings: ResourceMapping[] = plan.moves.map((m) => ({
    Source: { StackName: stackOf(m.from.template), LogicalResourceId: m.from.logicalId },
    Destination: { StackName: stackOf(m.to.template), LogicalResourceId: m.to.logicalId },
  }));
  const StackDefinitions: StackDefinition[] = plan.templates.map((t) => ({ StackName: stackOf(t), TemplateURL: templateUrlOf(t) }));
  const { StackRefactorId: id } = await client.send(
    new CreateStackRefactorCommand({
      Description: 'make refactor: move stateful resources without replacing them',
      EnableStackCreation: false,
      ResourceMappings,
      StackDefinitions,
    }),
  );
  const created = await waitFor(client, id!, 'Status', /COMPLETE|FAILED/, pollMs);
  if (created.Status !== 'CREATE_COMPLETE') throw new Error(`CloudFormation refused the refactor (${created.Status}): ${created.StatusReason ?? 'no reason given'}`);
  const actions: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListStackRefactorActionsCommand({ StackRefactorId: id, NextToken: token }));
    for (const a of page.StackRefactorActions ?? [])
      actions.push(
        `${a.Action} ${a.Entity} ${a.PhysicalResourceId ?? ''} ${a.ResourceMapping?.Source?.StackName ?? ''}:${a.ResourceMapping?.Source?.LogicalResourceId ?? ''} -> ${a.ResourceMapping?.Destination?.StackName ?? ''}:${a.ResourceMapping?.Destination?.LogicalResourceId ?? ''}${a.Detection ? ` (${a.Detection})` : ''}`,
      );
    token = page.NextToken;
  } while (token);
  log(`refactor: ${id}: CloudFormation's actions:`);
  for (const a of actions) log(`  ${a}`);
  if (!apply) return { id: id!, actions, status: created.Status, executed: false };
  await client.send(new ExecuteStackRefactorCommand({ StackRefactorId: id }));
  const executed = await waitFor(client, id!, 'ExecutionStatus', /^(EXECUTE_COMPLETE|EXECUTE_FAILED|ROLLBACK_COMPLETE|ROLLBACK_FAILED|OBSOLETE|UNAVAILABLE)$/, pollMs);
  if (executed.ExecutionStatus !== 'EXECUTE_COMPLETE')
    throw new Error(`the refactor did not complete (${executed.ExecutionStatus}): ${executed.ExecutionStatusReason ?? 'no reason given'}`);
  return { id: id!, actions, status: executed.ExecutionStatus, executed: true };
}
