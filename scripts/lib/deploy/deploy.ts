// make deploy ENV=dev|staging|prod: check the inputs, package, `aws cloudformation deploy`
// (change set first: its summary is shown, then executed), stream the events of the root and its
// nested stacks, print the outputs; on failure print the first failure's reason (inside the
// nested stack that failed) and fail. Prod also gets termination protection and stack policies
// that deny replacing or deleting the stateful resources.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplate, nestedStacks as nestedStacksOf } from '../cfn/index.js';
import { assertCredentials, aws, awsText, resolveTarget, type AwsTarget } from '../aws.js';
import { DEFAULT_OUT_DIR, packageTemplates } from '../package.js';
import { GENERATED_PARAMETERS, GENERATED_TEMPLATES } from '../paths.js';
import { EventWatcher, firstFailure, newestEventTime, type Failure } from './events.js';
import { checkEnvironment, DeployInputError, readParameterFile, readRootTemplate, stackNameFor } from './inputs.js';
import { localCertificates } from './local.js';
import { stackPolicy, statefulResources } from './policy.js';
import { describeStack, formatOutputs, nestedStacks, outputsOf, type DeployedStack } from './stacks.js';

export interface DeployOptions {
  readonly env: string;
  readonly target?: AwsTarget;
  readonly stackName?: string;
  readonly templatesDir?: string;
  readonly parametersFile?: string;
  readonly bucket?: string;
  readonly outDir?: string;
  readonly log?: (line: string) => void;
  /** How often events are polled (default 1 s against the emulator, 5 s against AWS). */
  readonly pollMs?: number;
}

export interface DeployResult {
  readonly stackName: string;
  readonly status: string;
  /** False when the change set had no changes (nothing was executed). */
  readonly changed: boolean;
  readonly outputs: Record<string, string>;
  readonly uploaded: string[];
  readonly packageMs: number;
  readonly deployMs: number;
}

export class DeployFailedError extends Error {
  constructor(
    message: string,
    readonly status: string,
    readonly failure?: Failure,
  ) {
    super(message);
  }
}

const TEMPLATE_BODY_LIMIT = 51_200;
const FAILED_TO_START = new Set(['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'DELETE_FAILED', 'UPDATE_ROLLBACK_FAILED', 'IMPORT_ROLLBACK_FAILED']);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Refuses stacks that cannot take a deploy, with what to do instead. */
export function checkStackState(stack: DeployedStack | undefined, env: string): void {
  if (!stack || stack.StackStatus === 'REVIEW_IN_PROGRESS') return;
  if (stack.StackStatus.endsWith('_IN_PROGRESS')) throw new DeployInputError(`stack ${stack.StackName} is busy (${stack.StackStatus}); wait until it finishes`);
  if (FAILED_TO_START.has(stack.StackStatus)) {
    throw new DeployInputError(`stack ${stack.StackName} is in ${stack.StackStatus}${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}; it cannot be updated: make destroy ENV=${env}, then deploy again`);
  }
}

/** The change set ARN from `aws cloudformation deploy --no-execute-changeset`, or undefined for "No changes". */
export function changeSetFromDeployOutput(stdout: string): string | undefined {
  if (/No changes to deploy/.test(stdout)) return undefined;
  const arn = /arn:aws[\w-]*:cloudformation:[\w-]+:\d+:changeSet\/\S+/.exec(stdout)?.[0];
  if (!arn) throw new Error(`aws cloudformation deploy: no change set in its output:\n${stdout}`);
  return arn;
}

export function formatChangeSet(changes: { ResourceChange?: { Action?: string; LogicalResourceId?: string; ResourceType?: string; Replacement?: string } }[]): string[] {
  if (changes.length === 0) return ['  (no resource changes listed)'];
  return changes.map(({ ResourceChange: c = {} }) => {
    const replacement = c.Action === 'Modify' && c.Replacement ? `  replacement: ${c.Replacement}` : '';
    return `  ${(c.Action ?? '?').padEnd(7)} ${(c.LogicalResourceId ?? '?').padEnd(34)} ${c.ResourceType ?? ''}${replacement}`;
  });
}

/** Resources of the root and of every layer template it nests (for the progress count). */
export function countResources(templatesDir: string, file = 'root.yaml'): number {
  const template = loadTemplate(readFileSync(join(templatesDir, file), 'utf8'), file);
  let total = Object.keys(template.Resources ?? {}).length;
  for (const { localFile } of nestedStacksOf(template)) if (localFile !== undefined) total += countResources(templatesDir, localFile);
  return total;
}

function protectProduction(target: AwsTarget, stackId: string, templatesDir: string, log: (line: string) => void): void {
  aws(target, ['cloudformation', 'update-termination-protection', '--stack-name', stackId, '--enable-termination-protection']);
  const root = loadTemplate(readFileSync(join(templatesDir, 'root.yaml'), 'utf8'), 'root.yaml');
  const nested = nestedStacks(target, stackId);
  const protectedLayers: string[] = [];
  for (const [logicalId, resource] of Object.entries(root.Resources ?? {})) {
    const file = resource.Properties?.TemplateURL;
    const childId = nested.get(logicalId);
    if (resource.Type !== 'AWS::CloudFormation::Stack' || typeof file !== 'string' || !childId) continue;
    const stateful = statefulResources(loadTemplate(readFileSync(join(templatesDir, file), 'utf8'), file));
    if (stateful.length === 0) continue;
    protectedLayers.push(logicalId);
    aws(target, ['cloudformation', 'set-stack-policy', '--stack-name', childId, '--stack-policy-body', JSON.stringify(stackPolicy(stateful))]);
    log(`deploy: stack policy on ${logicalId}: no replacement or deletion of ${stateful.join(', ')}`);
  }
  // A nested stack is "stateful" in the AWS spec; the root protects only the layers that hold data.
  const rootStateful = statefulResources(root).filter((id) => root.Resources?.[id]?.Type !== 'AWS::CloudFormation::Stack');
  aws(target, ['cloudformation', 'set-stack-policy', '--stack-name', stackId, '--stack-policy-body', JSON.stringify(stackPolicy([...new Set([...rootStateful, ...protectedLayers])].sort()))]);
  log(`deploy: termination protection on; root stack policy protects ${protectedLayers.join(', ') || 'nothing'}`);
}

export async function deployPlatform(opts: DeployOptions): Promise<DeployResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const env = checkEnvironment(opts.env);
  const templatesDir = opts.templatesDir ?? GENERATED_TEMPLATES;
  const root = readRootTemplate(templatesDir);
  const values = readParameterFile(opts.parametersFile ?? join(GENERATED_PARAMETERS, `${env}.json`), root);
  const target = opts.target ?? resolveTarget();
  const identity = assertCredentials(target);
  const stackName = opts.stackName ?? stackNameFor(env);
  const where = target.kind === 'local' ? `the local emulator (${target.endpoint})` : `AWS account ${identity.account} as ${identity.arn}`;
  log(`deploy: ${stackName} (ENV=${env}) to ${where}, region ${target.region}`);
  checkStackState(describeStack(target, stackName), env);
  const parameters = localCertificates(target, root, values, log);

  const packageStarted = performance.now();
  const packaged = await packageTemplates({ target, bucket: opts.bucket, templatesDir, outDir: opts.outDir ?? DEFAULT_OUT_DIR });
  const packageMs = performance.now() - packageStarted;
  log(`deploy: packaged: ${packaged.uploaded.length} template(s) uploaded, ${packaged.skipped.length} unchanged, bucket ${packaged.bucket}`);

  const deployStarted = performance.now();
  const bigRoot = statSync(packaged.rootTemplatePath).size > TEMPLATE_BODY_LIMIT;
  const args = [
    'cloudformation', 'deploy',
    '--template-file', packaged.rootTemplatePath,
    '--stack-name', stackName,
    '--capabilities', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND',
    '--no-fail-on-empty-changeset',
    '--no-execute-changeset',
    '--tags', `Environment=${env}`, 'Application=payment-platform', 'ManagedBy=make-deploy',
    ...(bigRoot ? ['--s3-bucket', packaged.bucket, '--s3-prefix', 'deploy'] : []),
    ...(parameters.size > 0 ? ['--parameter-overrides', ...[...parameters].map(([k, v]) => `${k}=${v}`)] : []),
  ];
  const created = awsText(target, args);
  if (created.status !== 0) throw new DeployFailedError(`deploy: the change set was refused: ${(created.stderr || created.stdout).trim()}`, 'CHANGE_SET_FAILED');
  const changeSet = changeSetFromDeployOutput(created.stdout);
  if (!changeSet) {
    const stack = describeStack(target, stackName);
    log(`deploy: no changes: ${stackName} is up to date (${stack?.StackStatus})`);
    log('deploy: outputs:');
    for (const line of formatOutputs(stack)) log(line);
    return { stackName, status: stack?.StackStatus ?? 'UNKNOWN', changed: false, outputs: outputsOf(stack), uploaded: packaged.uploaded, packageMs, deployMs: performance.now() - deployStarted };
  }
  const described = aws<{ StackId: string; Changes: never[] }>(target, ['cloudformation', 'describe-change-set', '--change-set-name', changeSet]);
  log(`deploy: change set (${described.Changes.length} change(s)):`);
  for (const line of formatChangeSet(described.Changes)) log(line);

  const since = await newestEventTime(target, described.StackId);
  aws(target, ['cloudformation', 'execute-change-set', '--change-set-name', changeSet]);
  const watcher = new EventWatcher(target, described.StackId, since, countResources(templatesDir), log);
  const pollMs = opts.pollMs ?? (target.kind === 'local' ? 1000 : 5000);
  for (;;) {
    await watcher.poll();
    if (watcher.rootFinished) break;
    await sleep(pollMs);
  }
  const stack = describeStack(target, described.StackId);
  if (!stack) throw new DeployFailedError(`deploy: stack ${stackName} disappeared while it was deployed`, 'UNKNOWN');
  const status = stack.StackStatus;
  const deployMs = performance.now() - deployStarted;
  if (status !== 'CREATE_COMPLETE' && status !== 'UPDATE_COMPLETE') {
    const failure = await firstFailure(target, described.StackId, since);
    const cause = failure ? `${failure.logicalId} (${failure.resourceType}) in ${failure.stackName}: ${failure.reason}` : stack.StackStatusReason ?? 'no failure event found';
    log(`deploy: FAILED: ${stackName} is ${status}`);
    log(`deploy: first failure: ${cause}`);
    if (status === 'UPDATE_ROLLBACK_COMPLETE') {
      log('deploy: the stack rolled back to its previous state; outputs:');
      for (const line of formatOutputs(stack)) log(line);
    }
    throw new DeployFailedError(`deploy of ${stackName} failed (${status}): ${cause}`, status, failure);
  }
  if (env === 'prod') protectProduction(target, described.StackId, templatesDir, log);
  log(`deploy: ${stackName} ${status} in ${(deployMs / 1000).toFixed(1)} s (${watcher.resourcesDone} resource events completed); outputs:`);
  for (const line of formatOutputs(stack)) log(line);
  return { stackName, status, changed: true, outputs: outputsOf(stack), uploaded: packaged.uploaded, packageMs, deployMs };
}
