// make destroy ENV=...: lists what the delete will keep (DeletionPolicy Retain / RetainExceptOnCreate,
// and Snapshot: deleted after a final snapshot), asks for confirmation (CONFIRM=<env> answers it
// without a terminal; with no terminal and no CONFIRM it refuses), refuses prod unless CONFIRM=prod,
// turns termination protection off only for a confirmed delete, deletes the root stack (its nested
// stacks go with it) and streams the events.
import { createInterface } from 'node:readline/promises';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import { assertCredentials, aws, resolveTarget, type AwsTarget } from '../aws.js';
import { EventWatcher, firstFailure, newestEventTime } from './events.js';
import { checkEnvironment, DeployInputError, stackNameFor } from './inputs.js';
import { describeStack, nestedStacks, stackResources } from './stacks.js';
import { DeployFailedError } from './deploy.js';

export interface KeptResource {
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly physicalId: string;
  readonly policy: string;
}

export interface DestroyOptions {
  readonly env: string;
  readonly target?: AwsTarget;
  readonly stackName?: string;
  /** The CONFIRM value (an environment name). */
  readonly confirm?: string;
  /** Asks a question on a terminal; undefined when there is none (CI, pipes). */
  readonly ask?: (question: string) => Promise<string>;
  readonly log?: (line: string) => void;
  readonly pollMs?: number;
}

export interface DestroyResult {
  readonly stackName: string;
  readonly status: string;
  readonly kept: KeptResource[];
}

const KEPT_POLICIES = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resources of one deployed template that a stack delete keeps (or snapshots). */
export function keptResources(stack: string, template: Record<string, unknown>, physicalIds: ReadonlyMap<string, string>): KeptResource[] {
  const resources = (template.Resources ?? {}) as Record<string, { Type: string; DeletionPolicy?: unknown }>;
  return Object.entries(resources)
    .filter(([id, r]) => KEPT_POLICIES.has(String(r.DeletionPolicy)) && physicalIds.has(id))
    .map(([id, r]) => ({ stack, logicalId: id, resourceType: r.Type, physicalId: physicalIds.get(id)!, policy: String(r.DeletionPolicy) }));
}

function deployedTemplate(target: AwsTarget, stackId: string): Record<string, unknown> {
  const body = aws<{ TemplateBody: string | Record<string, unknown> }>(target, ['cloudformation', 'get-template', '--stack-name', stackId]).TemplateBody;
  return typeof body === 'string' ? parseTemplate(body, stackId) : body;
}

/** What deleting the root stack keeps, across the root and its nested stacks, and how many resources there are. */
export function inventory(target: AwsTarget, stackId: string, label = 'root'): { kept: KeptResource[]; total: number } {
  const resources = stackResources(target, stackId);
  const physical = new Map(resources.filter((r) => r.PhysicalResourceId).map((r) => [r.LogicalResourceId, r.PhysicalResourceId!]));
  const kept = keptResources(label, deployedTemplate(target, stackId), physical);
  let total = resources.length;
  for (const [logicalId, childId] of nestedStacks(target, stackId)) {
    const child = inventory(target, childId, logicalId);
    kept.push(...child.kept);
    total += child.total;
  }
  return { kept, total };
}

export function formatKept(kept: readonly KeptResource[]): string[] {
  if (kept.length === 0) return ['  (nothing: every resource is deleted)'];
  return kept.map((k) => `  ${k.policy === 'Snapshot' ? 'snapshot' : 'retained'}  ${k.stack.padEnd(18)} ${k.logicalId.padEnd(30)} ${k.resourceType.padEnd(34)} ${k.physicalId}`);
}

/** Decides whether the delete may go ahead; throws the reason it may not. */
export async function confirmDestroy(env: string, stackName: string, confirm: string | undefined, ask: DestroyOptions['ask']): Promise<void> {
  if (confirm !== undefined && confirm !== '') {
    if (confirm !== env) throw new DeployInputError(`CONFIRM=${confirm} does not match ENV=${env}; nothing deleted`);
    return;
  }
  if (env === 'prod') throw new DeployInputError(`refusing to destroy prod (${stackName}) without CONFIRM=prod; nothing deleted`);
  if (!ask) throw new DeployInputError(`no terminal to ask for confirmation; run with CONFIRM=${env} to delete ${stackName}; nothing deleted`);
  const answer = (await ask(`destroy: type "${env}" to delete ${stackName} and everything listed above as deleted: `)).trim();
  if (answer !== env) throw new DeployInputError(`not confirmed (typed "${answer}"); nothing deleted`);
}

export function terminalQuestion(): DestroyOptions['ask'] {
  if (!process.stdin.isTTY) return undefined;
  return async (question: string) => {
    const readline = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await readline.question(question);
    } finally {
      readline.close();
    }
  };
}

export async function destroyPlatform(opts: DestroyOptions): Promise<DestroyResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const env = checkEnvironment(opts.env);
  const target = opts.target ?? resolveTarget();
  assertCredentials(target);
  const stackName = opts.stackName ?? stackNameFor(env);
  const stack = describeStack(target, stackName);
  if (!stack) {
    log(`destroy: no stack ${stackName} in ${target.kind === 'local' ? 'the local emulator' : 'this account'} (region ${target.region}); nothing to do`);
    return { stackName, status: 'NONE', kept: [] };
  }
  if (stack.StackStatus.endsWith('_IN_PROGRESS') && stack.StackStatus !== 'REVIEW_IN_PROGRESS') throw new DeployInputError(`stack ${stackName} is busy (${stack.StackStatus}); wait until it finishes`);
  const { kept, total } = inventory(target, stack.StackId);
  log(`destroy: deleting ${stackName} (${stack.StackStatus}) keeps ${kept.length} resource(s) (they stay, and keep costing, after the stack is gone):`);
  for (const line of formatKept(kept)) log(line);
  await confirmDestroy(env, stackName, opts.confirm, opts.ask);

  if (stack.EnableTerminationProtection) {
    log(`destroy: turning termination protection off for ${stackName} (confirmed with CONFIRM=${env})`);
    aws(target, ['cloudformation', 'update-termination-protection', '--stack-name', stack.StackId, '--no-enable-termination-protection']);
  }
  const since = await newestEventTime(target, stack.StackId);
  aws(target, ['cloudformation', 'delete-stack', '--stack-name', stack.StackId]);
  const watcher = new EventWatcher(target, stack.StackId, since, total, log);
  for (;;) {
    await watcher.poll();
    if (watcher.rootFinished) break;
    await sleep(opts.pollMs ?? (target.kind === 'local' ? 1000 : 5000));
  }
  const after = describeStack(target, stack.StackId);
  const status = after?.StackStatus ?? 'DELETE_COMPLETE';
  if (status !== 'DELETE_COMPLETE') {
    const failure = await firstFailure(target, stack.StackId, since);
    const cause = failure ? `${failure.logicalId} (${failure.resourceType}) in ${failure.stackName}: ${failure.reason}` : after?.StackStatusReason ?? 'no failure event found';
    log(`destroy: FAILED: ${stackName} is ${status}; first failure: ${cause}`);
    throw new DeployFailedError(`destroy of ${stackName} failed (${status}): ${cause}`, status, failure);
  }
  log(`destroy: ${stackName} deleted. Still there (retained or snapshotted), to remove by hand if no longer needed:`);
  for (const line of formatKept(kept)) log(line);
  return { stackName, status, kept };
}
