// make destroy ENV=...: lists what the delete will keep (DeletionPolicy Retain / RetainExceptOnCreate,
// and Snapshot: deleted after a final snapshot), checks before deleting anything what would make the
// delete fail half-way (deletion protection on a database or load balancer, exports another stack
// imports, non-empty buckets the delete would remove) and refuses with the list, asks for
// confirmation (CONFIRM=<env> answers it without a terminal; with no terminal and no CONFIRM it
// refuses), refuses prod unless CONFIRM=prod, turns termination protection off only for a
// confirmed delete, deletes the root stack (its nested stacks go with it) and then the DR vault
// stack, streaming the events. DELETE_RETAINED=1 (never for prod) also deletes, once the stacks are
// gone, what the delete kept, so the next deploy of the environment can create the same names.
import { DeleteStackCommand, UpdateTerminationProtectionCommand } from '@aws-sdk/client-cloudformation';
import { createInterface } from 'node:readline/promises';
import { join } from 'node:path';
import { awsClients, callerIdentity, resolveTarget, type AwsTarget } from '../aws.js';
import { GENERATED_PARAMETERS, GENERATED_TEMPLATES } from '../paths.js';
import { DeployFailedError } from './deploy.js';
import { drRegionOf, drVaultStackName } from './dr-vault.js';
import { EventWatcher, firstFailure, newestEventTime } from './events.js';
import { checkEnvironment, DeployInputError, readParameterFile, readRootTemplate, stackNameFor } from './inputs.js';
import { deleteRetained, type RetainedDeletion } from './retained.js';
import { deletionBlockers, type DeletionBlocker } from './destroy-checks.js';
import { deployedTemplate, describeStack, nestedStacks, stackResources, type DeployedStack } from './stacks.js';

export interface KeptResource {
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly physicalId: string;
  readonly policy: string;
  /** The region of the stack it belonged to. */
  readonly region?: string;
}

export interface DestroyOptions {
  readonly env: string;
  readonly target?: AwsTarget;
  readonly stackName?: string;
  /** The CONFIRM value (an environment name). */
  readonly confirm?: string;
  /** DELETE_RETAINED=1: also delete what the stack delete keeps (not for prod). */
  readonly deleteRetained?: boolean;
  /** The parameter file that names the DR region (default generated/parameters/<env>.json); null: no DR vault. */
  readonly parametersFile?: string | null;
  /** Asks a question on a terminal; undefined when there is none (CI, pipes). */
  readonly ask?: (question: string) => Promise<string>;
  readonly log?: (line: string) => void;
  readonly pollMs?: number;
}

export interface DestroyResult {
  readonly stackName: string;
  readonly status: string;
  readonly kept: KeptResource[];
  /** What DELETE_RETAINED removed (or could not). */
  readonly removed: readonly RetainedDeletion[];
}

export class DestroyRefusedError extends DeployInputError {
  constructor(
    message: string,
    readonly blockers: readonly DeletionBlocker[],
  ) {
    super(message);
  }
}

const KEPT_POLICIES = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resources of one deployed template that a stack delete keeps (or snapshots). */
export function keptResources(stack: string, template: Record<string, unknown>, physicalIds: ReadonlyMap<string, string>, region?: string): KeptResource[] {
  const resources = (template.Resources ?? {}) as Record<string, { Type: string; DeletionPolicy?: unknown }>;
  return Object.entries(resources)
    .filter(([id, r]) => KEPT_POLICIES.has(String(r.DeletionPolicy)) && physicalIds.has(id))
    .map(([id, r]) => ({ stack, logicalId: id, resourceType: r.Type, physicalId: physicalIds.get(id)!, policy: String(r.DeletionPolicy), ...(region ? { region } : {}) }));
}

export interface StackInventory {
  readonly kept: KeptResource[];
  readonly total: number;
  /** Every stack of the hierarchy (root first) with its resources and template. */
  readonly stacks: {
    readonly label: string;
    readonly stackId: string;
    readonly region?: string;
    readonly template: Record<string, unknown>;
    readonly resources: Awaited<ReturnType<typeof stackResources>>;
  }[];
}

/** What deleting the stack keeps, across the stack and its nested stacks, and how many resources there are. */
async function inventory(target: AwsTarget, stackId: string, label = 'root', region?: string): Promise<StackInventory> {
  const [resources, template] = await Promise.all([stackResources(target, stackId, region), deployedTemplate(target, stackId, region)]);
  const physical = new Map(resources.filter((r) => r.PhysicalResourceId).map((r) => [r.LogicalResourceId, r.PhysicalResourceId!]));
  const kept = keptResources(label, template, physical, region);
  const stacks: StackInventory['stacks'] = [{ label, stackId, region, template, resources }];
  let total = resources.length;
  for (const [logicalId, childId] of await nestedStacks(target, stackId, region)) {
    const child = await inventory(target, childId, logicalId, region);
    kept.push(...child.kept);
    stacks.push(...child.stacks);
    total += child.total;
  }
  return { kept, total, stacks };
}

function formatKept(kept: readonly KeptResource[]): string[] {
  if (kept.length === 0) return ['  (nothing: every resource is deleted)'];
  return kept.map((k) => `  ${k.policy === 'Snapshot' ? 'snapshot' : 'retained'}  ${k.stack.padEnd(18)} ${k.logicalId.padEnd(30)} ${k.resourceType.padEnd(34)} ${k.physicalId}`);
}

/** Decides whether the delete may go ahead; throws the reason it may not. */
export async function confirmDestroy(
  env: string,
  stackName: string,
  confirm: string | undefined,
  ask: DestroyOptions['ask'],
  what = 'everything listed above as deleted',
): Promise<void> {
  if (confirm !== undefined && confirm !== '') {
    if (confirm !== env) throw new DeployInputError(`CONFIRM=${confirm} does not match ENV=${env}; nothing deleted`);
    return;
  }
  if (env === 'prod') throw new DeployInputError(`refusing to destroy prod (${stackName}) without CONFIRM=prod; nothing deleted`);
  if (!ask) throw new DeployInputError(`no terminal to ask for confirmation; run with CONFIRM=${env} to delete ${stackName}; nothing deleted`);
  const answer = (await ask(`destroy: type "${env}" to delete ${stackName} and ${what}: `)).trim();
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

/** The DR vault stack of the environment, if the parameter file names a DR region and the stack is there. */
async function drVaultStack(target: AwsTarget, env: string, parametersFile: string | null | undefined, log: (line: string) => void): Promise<DeployedStack | undefined> {
  if (parametersFile === null) return undefined;
  let region: string | undefined;
  try {
    const root = readRootTemplate(GENERATED_TEMPLATES);
    region = await drRegionOf(target, readParameterFile(parametersFile ?? join(GENERATED_PARAMETERS, `${env}.json`), root), root);
  } catch (error) {
    log(`destroy: the DR vault stack is not looked for: ${(error as Error).message}`);
    return undefined;
  }
  return region ? describeStack(target, drVaultStackName(env), region) : undefined;
}

const regionOfStack = (stack: DeployedStack): string | undefined => /^arn:aws[\w-]*:cloudformation:([a-z0-9-]+):/.exec(stack.StackId)?.[1];

async function deleteAndWatch(target: AwsTarget, stack: DeployedStack, total: number, log: (line: string) => void, pollMs: number, region?: string): Promise<string> {
  const since = await newestEventTime(target, stack.StackId, region);
  await awsClients(target)
    .cloudformation(region)
    .send(new DeleteStackCommand({ StackName: stack.StackId }));
  const watcher = new EventWatcher(target, stack.StackId, since, total, log, region);
  for (;;) {
    await watcher.poll();
    if (watcher.rootFinished) break;
    await sleep(pollMs);
  }
  const after = await describeStack(target, stack.StackId, region);
  const status = after?.StackStatus ?? 'DELETE_COMPLETE';
  if (status !== 'DELETE_COMPLETE') {
    const failure = await firstFailure(target, stack.StackId, since, region);
    const cause = failure ? `${failure.logicalId} (${failure.resourceType}) in ${failure.stackName}: ${failure.reason}` : (after?.StackStatusReason ?? 'no failure event found');
    log(`destroy: FAILED: ${stack.StackName} is ${status}; first failure: ${cause}`);
    throw new DeployFailedError(`destroy of ${stack.StackName} failed (${status}): ${cause}`, status, failure);
  }
  return status;
}

export async function destroyPlatform(opts: DestroyOptions): Promise<DestroyResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const env = checkEnvironment(opts.env);
  const target = opts.target ?? resolveTarget();
  await callerIdentity(target);
  if (opts.deleteRetained && env === 'prod')
    throw new DeployInputError('DELETE_RETAINED is refused for prod: what prod keeps is its data (adopt it by resource import instead, docs/deploy.md); nothing deleted');
  const stackName = opts.stackName ?? stackNameFor(env);
  const stack = await describeStack(target, stackName);
  const vault = await drVaultStack(target, env, opts.parametersFile, log);
  if (!stack && !vault) {
    log(`destroy: no stack ${stackName} in ${target.kind === 'local' ? 'the local emulator' : 'this account'} (region ${target.region}); nothing to do`);
    return { stackName, status: 'NONE', kept: [], removed: [] };
  }
  for (const s of [stack, vault]) {
    if (s && s.StackStatus.endsWith('_IN_PROGRESS') && s.StackStatus !== 'REVIEW_IN_PROGRESS')
      throw new DeployInputError(`stack ${s.StackName} is busy (${s.StackStatus}); wait until it finishes`);
  }
  const root = stack ? await inventory(target, stack.StackId) : { kept: [], total: 0, stacks: [] };
  const dr = vault ? await inventory(target, vault.StackId, vault.StackName, regionOfStack(vault)) : { kept: [], total: 0, stacks: [] };
  const kept = [...root.kept, ...dr.kept];
  const names = [stack?.StackName, vault?.StackName].filter(Boolean).join(' and ');
  log(`destroy: deleting ${names} keeps ${kept.length} resource(s) (they stay, and keep costing, after the stack is gone):`);
  for (const line of formatKept(kept)) log(line);

  // What would make the delete fail half-way: checked before anything is deleted.
  const blockers = await deletionBlockers(target, [...root.stacks, ...dr.stacks]);
  if (blockers.length > 0) {
    for (const b of blockers) log(`destroy: REFUSED: ${b.stack} ${b.logicalId} (${b.resourceType}) ${b.physicalId}: ${b.reason}; ${b.fix}`);
    throw new DestroyRefusedError(
      `destroy of ${names} would fail on ${blockers.length} resource(s) (${blockers.map((b) => b.logicalId).join(', ')}); nothing deleted. ${blockers[0]!.fix}`,
      blockers,
    );
  }
  if (opts.deleteRetained)
    log(`destroy: DELETE_RETAINED=1: the ${kept.filter((k) => k.policy !== 'Snapshot').length} retained resource(s) above are deleted too, after the stacks (snapshots stay)`);
  await confirmDestroy(env, stackName, opts.confirm, opts.ask, opts.deleteRetained ? 'everything listed above, the retained resources included' : undefined);

  const pollMs = opts.pollMs ?? (target.kind === 'local' ? 1000 : 5000);
  let status = 'NONE';
  if (stack) {
    if (stack.EnableTerminationProtection) {
      log(`destroy: turning termination protection off for ${stackName} (confirmed with CONFIRM=${env})`);
      await awsClients(target)
        .cloudformation()
        .send(new UpdateTerminationProtectionCommand({ StackName: stack.StackId, EnableTerminationProtection: false }));
    }
    status = await deleteAndWatch(target, stack, root.total, log, pollMs);
  }
  if (vault) status = await deleteAndWatch(target, vault, dr.total, log, pollMs, regionOfStack(vault));
  let removed: RetainedDeletion[] = [];
  if (opts.deleteRetained) {
    removed = await deleteRetained(
      target,
      kept.filter((k) => k.policy !== 'Snapshot'),
      log,
    );
  }
  const left = kept.filter((k) => !removed.some((r) => r.resource === k && r.deleted));
  log(
    `destroy: ${names} deleted. Still there (retained or snapshotted), to remove by hand if no longer needed${env === 'prod' ? '' : ` (or make destroy ENV=${env} DELETE_RETAINED=1 next time)`}:`,
  );
  for (const line of formatKept(left)) log(line);
  return { stackName, status, kept, removed };
}
