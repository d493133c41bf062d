// make deploy ENV=dev|staging|prod: check the inputs, deploy the DR backup vault (its own stack in
// the parameter file's DrRegion), package, then the root stack:
//   1. preview: a change set with IncludeNestedStacks, created and read through the SDK; the
//      data-loss gate runs on it (every layer's changes, not one Modify per layer) and its answer
//      is compared with the project's prediction; a blocked deploy stops here, nothing changed;
//   2. `aws cloudformation deploy --no-execute-changeset` (the deploy step users asked for) makes
//      the change set that is executed; it is found by name through the SDK, checked against the
//      preview, and executed;
//   3. the events of the root and its nested stacks stream, with a progress count of the changes
//      CloudFormation listed; outputs; on failure the first failure's reason (inside the nested
//      stack that failed). Prod also gets termination protection and stack policies.
// The only process started is `aws cloudformation deploy`; every other call is the AWS SDK.
import { ExecuteChangeSetCommand, paginateListChangeSets, SetStackPolicyCommand, UpdateTerminationProtectionCommand, type Capability } from '@aws-sdk/client-cloudformation';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import { evaluateCondition, type ParameterValue } from '../check/evaluate.js';
import { awsCli, awsClients, callerIdentity, resolveTarget, type AwsTarget } from '../aws.js';
import { parseAllowList, type AllowEntry } from '../diff/allow.js';
import { buildReport } from '../diff/report.js';
import { parseTemplateText } from '../diff/source-dir.js';
import { templatesFromStack } from '../diff/source-stack.js';
import type { CfnTemplate, TemplateSet } from '../diff/types.js';
import { DEFAULT_OUT_DIR, packageTemplates } from '../package.js';
import { GENERATED_PARAMETERS, GENERATED_STANDALONE, GENERATED_TEMPLATES } from '../paths.js';
import {
  ChangeSetRefusedError,
  createPreview,
  deleteChangeSet,
  isNoChanges,
  nodesOf,
  rootChangeKeys,
  sdkDescribe,
  readChangeSetTree,
  type ChangeSetNode,
  type TemplateSource,
} from './change-set.js';
import { compareWithPrediction, deployGate, formatDisagreements, formatGate, formatLayerChanges, type Disagreement, type DeployGate } from './data-loss.js';
import { EventWatcher, firstFailure, newestEventTime, type Failure } from './events.js';
import { checkEnvironment, DeployInputError, readParameterFile, readRootTemplate, stackNameFor } from './inputs.js';
import { localCertificates } from './local.js';
import { stackPolicy, statefulResources } from './policy.js';
import { describeStack, formatOutputs, nestedStacks, outputsOf, stackReader, type DeployedStack } from './stacks.js';
import { drRegionOf, drVaultDeployment } from './dr-vault.js';

export interface DeployOptions {
  readonly env: string;
  readonly target?: AwsTarget;
  readonly stackName?: string;
  readonly templatesDir?: string;
  readonly parametersFile?: string;
  /** Templates deployed on their own before the root (the DR backup vault); default generated/standalone; null: none. */
  readonly standaloneDir?: string | null;
  readonly bucket?: string;
  readonly outDir?: string;
  /** ALLOW_REPLACE: the stateful resources the deploy may replace or delete (LogicalId or template:LogicalId). */
  readonly allowReplace?: string;
  readonly log?: (line: string) => void;
  /** How often events are polled (default 1 s against the emulator, 5 s against AWS). */
  readonly pollMs?: number;
}

interface StackResult {
  readonly stackName: string;
  readonly region: string;
  readonly status: string;
  /** False when CloudFormation found nothing to change (nothing was executed). */
  readonly changed: boolean;
  readonly outputs: Record<string, string>;
  /** The gate and the comparison with the prediction, when a preview was made (an update). */
  readonly gate?: DeployGate;
  readonly disagreements?: readonly Disagreement[];
}

export interface DeployResult extends StackResult {
  readonly uploaded: string[];
  readonly packageMs: number;
  readonly deployMs: number;
  /** The stacks deployed before the root (the DR backup vault). */
  readonly before: readonly StackResult[];
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

/** The data-loss gate refused the deploy: nothing was executed. */
export class DeployBlockedError extends DeployFailedError {
  constructor(
    message: string,
    readonly gate: DeployGate,
  ) {
    super(message, 'BLOCKED');
  }
}

const TEMPLATE_BODY_LIMIT = 51_200;
const CAPABILITIES: readonly Capability[] = ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];
/** The name prefix `aws cloudformation deploy` gives its change sets (awscli customizations/cloudformation/deployer.py). */
const CLI_CHANGE_SET_PREFIX = 'awscli-cloudformation-package-deploy-';
const FAILED_TO_START = new Set(['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'DELETE_FAILED', 'UPDATE_ROLLBACK_FAILED', 'IMPORT_ROLLBACK_FAILED']);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Refuses stacks that cannot take a deploy, with what to do instead. */
export function checkStackState(stack: { readonly StackName: string; readonly StackStatus: string; readonly StackStatusReason?: string } | undefined, env: string): void {
  if (!stack || stack.StackStatus === 'REVIEW_IN_PROGRESS') return;
  if (stack.StackStatus.endsWith('_IN_PROGRESS')) throw new DeployInputError(`stack ${stack.StackName} is busy (${stack.StackStatus}); wait until it finishes`);
  if (FAILED_TO_START.has(stack.StackStatus)) {
    throw new DeployInputError(
      `stack ${stack.StackName} is in ${stack.StackStatus}${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}; it cannot be updated: make destroy ENV=${env}, then deploy again`,
    );
  }
}

type TemplateLike = {
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, unknown>;
  Resources?: Record<string, { Type: string; Condition?: unknown; Properties?: { TemplateURL?: unknown; Parameters?: Record<string, unknown> } }>;
};

const readTemplate = (dir: string, file: string): TemplateLike => parseTemplate(readFileSync(join(dir, file), 'utf8'), file) as TemplateLike;

/**
 * How many resources a create reports (for the progress count): every resource of the root and
 * of the layers it nests whose Condition is not false for these parameter values. A condition
 * that depends on what only the deploy knows (another layer's output) counts as true.
 */
export function countCreated(templatesDir: string, values: ReadonlyMap<string, string>, file = 'root.yaml'): number {
  const template = readTemplate(templatesDir, file);
  const parameters = new Map<string, ParameterValue>();
  for (const [name, spec] of Object.entries(template.Parameters ?? {})) {
    const value = values.get(name) ?? (spec.Default === undefined ? undefined : String(spec.Default));
    parameters.set(name, value === undefined ? { kind: 'unset' } : { kind: 'value', value });
  }
  const scope = { parameters, conditions: new Map<string, boolean | undefined>(), mappings: template.Mappings ?? {} };
  const conditions = template.Conditions ?? {};
  let total = 0;
  for (const resource of Object.values(template.Resources ?? {})) {
    if (typeof resource.Condition === 'string' && evaluateCondition(conditions[resource.Condition], scope, conditions) === false) continue;
    total++;
    const url = resource.Properties?.TemplateURL;
    if (resource.Type === 'AWS::CloudFormation::Stack' && typeof url === 'string' && !url.includes('://')) {
      const passed = new Map<string, string>();
      for (const [name, value] of Object.entries(resource.Properties?.Parameters ?? {})) {
        const ref = value !== null && typeof value === 'object' ? (value as { Ref?: unknown }).Ref : undefined;
        const known = typeof value === 'string' ? value : typeof ref === 'string' ? parameterText(parameters.get(ref)) : undefined;
        if (known !== undefined) passed.set(name, known);
      }
      total += countCreated(templatesDir, passed, url);
    }
  }
  return total;
}

const parameterText = (p: ParameterValue | undefined): string | undefined => (p?.kind === 'value' && !Array.isArray(p.value) ? String(p.value) : undefined);

/** How many resources an update reports: every change of every change set in the tree. */
export const countChanges = (tree: ChangeSetNode): number => nodesOf(tree).reduce((sum, node) => sum + node.changes.length, 0);

async function protectProduction(target: AwsTarget, stackId: string, templatesDir: string, log: (line: string) => void): Promise<void> {
  const cloudformation = awsClients(target).cloudformation();
  await cloudformation.send(new UpdateTerminationProtectionCommand({ StackName: stackId, EnableTerminationProtection: true }));
  const root = readTemplate(templatesDir, 'root.yaml');
  const nested = await nestedStacks(target, stackId);
  const protectedLayers: string[] = [];
  for (const [logicalId, resource] of Object.entries(root.Resources ?? {})) {
    const file = resource.Properties?.TemplateURL;
    const childId = nested.get(logicalId);
    if (resource.Type !== 'AWS::CloudFormation::Stack' || typeof file !== 'string' || !childId) continue;
    const stateful = statefulResources(readTemplate(templatesDir, file) as never);
    if (stateful.length === 0) continue;
    protectedLayers.push(logicalId);
    await cloudformation.send(new SetStackPolicyCommand({ StackName: childId, StackPolicyBody: JSON.stringify(stackPolicy(stateful)) }));
    log(`deploy: stack policy on ${logicalId}: no replacement or deletion of ${stateful.join(', ')}`);
  }
  // A nested stack is "stateful" in the AWS spec; the root protects only the layers that hold data.
  const rootStateful = statefulResources(root as never).filter((id) => root.Resources?.[id]?.Type !== 'AWS::CloudFormation::Stack');
  await cloudformation.send(
    new SetStackPolicyCommand({ StackName: stackId, StackPolicyBody: JSON.stringify(stackPolicy([...new Set([...rootStateful, ...protectedLayers])].sort())) }),
  );
  log(`deploy: termination protection on; root stack policy protects ${protectedLayers.join(', ') || 'nothing'}`);
}

/** One stack to deploy: the packaged root, or a standalone template (the DR vault) in its own region. */
export interface StackDeployment {
  readonly env: string;
  readonly stackName: string;
  readonly region: string;
  /** The file `aws cloudformation deploy` is given. */
  readonly templateFile: string;
  /** How the preview change set gets the same template. */
  readonly source: TemplateSource;
  /** Directory of the (unpackaged) templates: the layers' file names, the progress count, the prediction. */
  readonly templatesDir: string;
  readonly rootFile: string;
  /** How ALLOW_REPLACE and the reports name the stack's own template (root.yaml, standalone/dr-backup-vault.yaml). */
  readonly templateName?: string;
  readonly parameters: ReadonlyMap<string, string>;
  readonly tags: Readonly<Record<string, string>>;
  /** For a root larger than a TemplateBody may be: where `aws cloudformation deploy` uploads it. */
  readonly bucket?: string;
}

interface Context {
  readonly target: AwsTarget;
  readonly allow: readonly AllowEntry[];
  readonly log: (line: string) => void;
  readonly pollMs: number;
}

/** The templates a deployment consists of: its root file and every layer it nests (not every file of the directory). */
export function deploymentTemplates(dir: string, rootFile: string): TemplateSet {
  const templates = new Map<string, CfnTemplate>();
  const visit = (file: string, as: string): void => {
    if (templates.has(as)) return;
    const template = parseTemplateText(readFileSync(join(dir, file), 'utf8'), join(dir, file));
    templates.set(as, template);
    for (const resource of Object.values(template.Resources ?? {})) {
      const url = resource.Properties?.TemplateURL;
      if (resource.Type === 'AWS::CloudFormation::Stack' && typeof url === 'string' && !url.includes('://')) visit(url, url);
    }
  };
  visit(rootFile, 'root.yaml');
  return { label: dir, templates };
}

/** The project's prediction for the same change: deployed templates and parameter values against the new ones. */
async function predict(
  ctx: Context,
  deployment: StackDeployment,
  stack: DeployedStack,
): Promise<{ before: TemplateSet; verdicts: ReturnType<typeof buildReport>['gate']['findings'][number]['verdict'][]; renames: Map<string, string> }> {
  const afterTemplates = deploymentTemplates(deployment.templatesDir, deployment.rootFile).templates;
  const deployedValues = new Map((stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ResolvedValue ?? p.ParameterValue ?? '']));
  const after: TemplateSet = { label: 'new', templates: afterTemplates, parameters: new Map([[deployment.env, deployment.parameters]]) };
  const deployed = await templatesFromStack(stack.StackId, after, stackReader(ctx.target, deployment.region));
  const before: TemplateSet = { ...deployed, parameters: new Map([[deployment.env, deployedValues]]) };
  const name = deployment.templateName ?? 'root.yaml';
  const rekey = (set: TemplateSet): TemplateSet =>
    name === 'root.yaml' ? set : { ...set, templates: new Map([...set.templates].map(([file, t]) => [file === 'root.yaml' ? name : file, t])) };
  const report = buildReport(rekey(before), rekey(after), []);
  const verdicts = new Map(report.templates.flatMap((t) => t.verdicts).map((v) => [`${v.template}\0${v.logicalId}`, v]));
  for (const f of report.gate.findings) verdicts.set(`${f.verdict.template}\0${f.verdict.logicalId}`, f.verdict);
  const renames = new Map(report.templates.flatMap((t) => t.renames).map((r) => [r.to, r.from]));
  return { before: rekey(before), verdicts: [...verdicts.values()], renames };
}

/** Spawns `aws cloudformation deploy --no-execute-changeset`; its output streams to the log. */
function cliDeploy(target: AwsTarget, deployment: StackDeployment, log: (line: string) => void): Promise<number> {
  const big = statSync(deployment.templateFile).size > TEMPLATE_BODY_LIMIT;
  const args = [
    'cloudformation',
    'deploy',
    '--region',
    deployment.region,
    '--template-file',
    deployment.templateFile,
    '--stack-name',
    deployment.stackName,
    '--capabilities',
    ...CAPABILITIES,
    '--no-fail-on-empty-changeset',
    '--no-execute-changeset',
    '--tags',
    ...Object.entries(deployment.tags).map(([k, v]) => `${k}=${v}`),
    ...(big && deployment.bucket ? ['--s3-bucket', deployment.bucket, '--s3-prefix', 'deploy'] : []),
    ...(deployment.parameters.size > 0 ? ['--parameter-overrides', ...[...deployment.parameters].map(([k, v]) => `${k}=${v}`)] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(awsCli(), args, { env: target.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => void (output += chunk.toString('utf8'));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      for (const line of output
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)) {
        // Its "run describe-change-set to review" hint does not apply: make deploy reviews and executes it.
        if (!/^(Waiting for changeset|Changeset created successfully|aws cloudformation describe-change-set)/.test(line)) log(`deploy: aws cloudformation deploy: ${line}`);
      }
      resolve(code ?? 1);
    });
  });
}

/** The change set `aws cloudformation deploy` just made: the newest with its name prefix, created since `since`. */
async function findCliChangeSet(target: AwsTarget, stackName: string, since: Date, region?: string): Promise<{ id: string; status: string; reason?: string } | undefined> {
  let found: { id: string; status: string; reason?: string; created: number } | undefined;
  for await (const page of paginateListChangeSets({ client: awsClients(target).cloudformation(region) }, { StackName: stackName })) {
    for (const summary of page.Summaries ?? []) {
      const created = summary.CreationTime?.getTime() ?? 0;
      // The CLI names it by the second it started (int(time.time())): allow that second.
      if (!summary.ChangeSetName?.startsWith(CLI_CHANGE_SET_PREFIX) || created < since.getTime() - 1000 || summary.ParentChangeSetId) continue;
      if (!found || created >= found.created) found = { id: summary.ChangeSetId!, status: summary.Status ?? '', reason: summary.StatusReason, created };
    }
  }
  return found && { id: found.id, status: found.status, reason: found.reason };
}

/** Deploys one stack: preview + gate (updates), the CLI's change set, execution, events. */
async function deployStack(ctx: Context, deployment: StackDeployment): Promise<StackResult> {
  const { target, log } = ctx;
  const region = deployment.region;
  const existing = await describeStack(target, deployment.stackName, region);
  checkStackState(existing, deployment.env);
  const updating = existing !== undefined && existing.StackStatus !== 'REVIEW_IN_PROGRESS';
  let gate: DeployGate | undefined;
  let disagreements: Disagreement[] | undefined;
  let previewTree: ChangeSetNode | undefined;

  if (updating) {
    const preview = await createPreview(
      target,
      { stackName: deployment.stackName, source: deployment.source, parameters: deployment.parameters, tags: deployment.tags, capabilities: CAPABILITIES, region },
      target.kind === 'local' ? 1 : 5,
    ).catch((error: unknown) => {
      if (error instanceof ChangeSetRefusedError) throw new DeployFailedError(`deploy: ${deployment.stackName}: ${error.message}`, 'CHANGE_SET_FAILED');
      throw error;
    });
    try {
      if (!preview.changed) {
        log(`deploy: no changes: ${deployment.stackName} is up to date (${existing.StackStatus})`);
        return { stackName: deployment.stackName, region, status: existing.StackStatus, changed: false, outputs: outputsOf(existing) };
      }
      previewTree = preview.tree!;
      const prediction = await predict(ctx, deployment, existing);
      gate = deployGate(previewTree, deploymentTemplates(deployment.templatesDir, deployment.rootFile), ctx.allow, prediction.renames, deployment.templateName);
      disagreements = compareWithPrediction(gate.changes, prediction.verdicts, prediction.before);
      log(`deploy: CloudFormation's change set for ${deployment.stackName} (IncludeNestedStacks), every layer:`);
      for (const line of formatLayerChanges(gate.changes)) log(line);
      log("deploy: CloudFormation compared with the project's prediction (make diff):");
      for (const line of formatDisagreements(disagreements)) log(line);
      if (gate.findings.length > 0) {
        log('deploy: data-loss gate (stateful resources CloudFormation would replace or delete):');
        for (const line of formatGate(gate)) log(line);
      }
      if (gate.blocked.length > 0) {
        const names = gate.blocked.map((f) => `${f.template}:${f.logicalId}`);
        throw new DeployBlockedError(
          `deploy: BLOCKED: ${deployment.stackName}: ${gate.blocked.length} stateful resource(s) would lose their data: ${names.join(', ')}. Nothing was changed. ` +
            `If that is intended, name them: ALLOW_REPLACE=${names.join(',')}; for a rename or a move to another layer, make refactor ENV=${deployment.env} moves the resource instead`,
          gate,
        );
      }
    } finally {
      await deleteChangeSet(target, preview.changeSetId, region).catch(() => undefined);
    }
  }

  const started = new Date();
  const exit = await cliDeploy(target, deployment, log);
  if (exit !== 0)
    throw new DeployFailedError(
      `deploy: ${deployment.stackName}: aws cloudformation deploy could not make its change set (exit ${exit}); nothing was changed`,
      'CHANGE_SET_FAILED',
    );
  const changeSet = await findCliChangeSet(target, deployment.stackName, started, region);
  const stackNow = await describeStack(target, deployment.stackName, region);
  if (!changeSet || (changeSet.status === 'FAILED' && isNoChanges(changeSet.reason))) {
    log(`deploy: no changes: ${deployment.stackName} is up to date (${stackNow?.StackStatus})`);
    return { stackName: deployment.stackName, region, status: stackNow?.StackStatus ?? 'UNKNOWN', changed: false, outputs: outputsOf(stackNow) };
  }
  if (changeSet.status !== 'CREATE_COMPLETE')
    throw new DeployFailedError(`deploy: ${deployment.stackName}: the change set was refused: ${changeSet.reason ?? changeSet.status}`, 'CHANGE_SET_FAILED');
  const described = await readChangeSetTree(sdkDescribe(target, region), changeSet.id);
  if (previewTree && rootChangeKeys(described.changes).join('\n') !== rootChangeKeys(previewTree.changes).join('\n')) {
    await deleteChangeSet(target, changeSet.id, region).catch(() => undefined);
    throw new DeployFailedError(
      `deploy: ${deployment.stackName} changed between the preview and the deploy's change set (someone else deployed?); nothing was executed: run make deploy again`,
      'CHANGE_SET_CHANGED',
    );
  }
  if (!previewTree) {
    log(`deploy: change set for ${deployment.stackName} (${described.changes.length} change(s)):`);
    for (const c of described.changes) log(`    ${(c.Action ?? '?').padEnd(7)} ${(c.LogicalResourceId ?? '?').padEnd(34)} ${c.ResourceType ?? ''}`);
  }

  const stackId = stackNow!.StackId;
  const since = await newestEventTime(target, stackId, region);
  await awsClients(target)
    .cloudformation(region)
    .send(new ExecuteChangeSetCommand({ ChangeSetName: changeSet.id }));
  const total = previewTree
    ? countChanges(previewTree)
    : deployment.rootFile === 'root.yaml'
      ? countCreated(deployment.templatesDir, deployment.parameters)
      : countCreated(deployment.templatesDir, deployment.parameters, deployment.rootFile);
  const watcher = new EventWatcher(target, stackId, since, total, log, region);
  for (;;) {
    await watcher.poll();
    if (watcher.rootFinished) break;
    await sleep(ctx.pollMs);
  }
  const stack = await describeStack(target, stackId, region);
  if (!stack) throw new DeployFailedError(`deploy: stack ${deployment.stackName} disappeared while it was deployed`, 'UNKNOWN');
  const status = stack.StackStatus;
  if (status !== 'CREATE_COMPLETE' && status !== 'UPDATE_COMPLETE') {
    const failure = await firstFailure(target, stackId, since, region);
    const cause = failure ? `${failure.logicalId} (${failure.resourceType}) in ${failure.stackName}: ${failure.reason}` : (stack.StackStatusReason ?? 'no failure event found');
    log(`deploy: FAILED: ${deployment.stackName} is ${status}`);
    log(`deploy: first failure: ${cause}`);
    const advice = retainedAdvice(failure, deployment.env, !updating);
    if (advice) log(`deploy: ${advice}`);
    if (status === 'UPDATE_ROLLBACK_COMPLETE') {
      log('deploy: the stack rolled back to its previous state; outputs:');
      for (const line of formatOutputs(stack)) log(line);
    }
    throw new DeployFailedError(`deploy of ${deployment.stackName} failed (${status}): ${cause}${advice ? `. ${advice}` : ''}`, status, failure);
  }
  log(`deploy: ${deployment.stackName} ${status} (${watcher.resourcesDone} of ${total} resource changes reported)`);
  return { stackName: deployment.stackName, region, status, changed: true, outputs: outputsOf(stack), gate, disagreements };
}

/**
 * A create that failed on a name a resource kept from an earlier destroy still holds: what to do
 * (the retained resources of a non-prod environment can be removed by destroy; prod's are adopted
 * by import, never deleted).
 */
export function retainedAdvice(failure: Failure | undefined, env: string, creating = true): string | undefined {
  if (!failure || !/already exists|AlreadyExists/i.test(failure.reason)) return undefined;
  if (!creating)
    return `the new ${failure.logicalId} takes a name already in use: CloudFormation creates a replacing or renamed resource before it deletes the old one, so one with a fixed name needs a new name too`;
  if (env === 'prod')
    return `a resource kept by an earlier destroy holds that name: adopt it into the stack by resource import (docs/deploy.md, "Destroy and deploy again"); prod's retained data is never deleted by make destroy`;
  return `a resource kept by an earlier destroy holds that name: make destroy ENV=${env} CONFIRM=${env} DELETE_RETAINED=1 deletes what destroy kept (listed, confirmed), then deploy again`;
}

export async function deployPlatform(opts: DeployOptions): Promise<DeployResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const env = checkEnvironment(opts.env);
  const templatesDir = opts.templatesDir ?? GENERATED_TEMPLATES;
  const root = readRootTemplate(templatesDir);
  const parameterFile = opts.parametersFile ?? join(GENERATED_PARAMETERS, `${env}.json`);
  const values = readParameterFile(parameterFile, root);
  const allow = parseAllowList(opts.allowReplace ?? process.env.ALLOW_REPLACE, 'ALLOW_REPLACE');
  const target = opts.target ?? resolveTarget();
  const standaloneDir = opts.standaloneDir === undefined ? GENERATED_STANDALONE : opts.standaloneDir;
  const identity = await callerIdentity(target);
  const stackName = opts.stackName ?? stackNameFor(env);
  const where = target.kind === 'local' ? `the local emulator (${target.endpoint})` : `AWS account ${identity.account} as ${identity.arn}`;
  log(`deploy: ${stackName} (ENV=${env}) to ${where}, region ${target.region}`);
  const ctx: Context = { target, allow, log, pollMs: opts.pollMs ?? (target.kind === 'local' ? 1000 : 5000) };
  checkStackState(await describeStack(target, stackName), env);
  const parameters = await localCertificates(target, root, values, log);
  const vault = standaloneDir && existsSync(standaloneDir) ? drVaultDeployment(standaloneDir, env, values, parameterFile, await drRegionOf(target, values, root)) : undefined;
  const tags = { Environment: env, Application: 'payment-platform', ManagedBy: 'make-deploy' };

  const deployStarted = performance.now();
  const before: StackResult[] = [];
  if (vault) {
    log(`deploy: ${vault.stackName}: the DR backup vault, region ${vault.region} (before the root: the daily copy jobs need it)`);
    before.push(await deployStack(ctx, { ...vault, tags }));
  }

  const packageStarted = performance.now();
  const packaged = await packageTemplates({ target, bucket: opts.bucket, templatesDir, outDir: opts.outDir ?? DEFAULT_OUT_DIR });
  const packageMs = performance.now() - packageStarted;
  log(`deploy: packaged: ${packaged.uploaded.length} template(s) uploaded, ${packaged.skipped.length} unchanged, bucket ${packaged.bucket}`);

  const result = await deployStack(ctx, {
    env,
    stackName,
    region: target.region,
    templateFile: packaged.rootTemplatePath,
    source: { url: packaged.rootTemplateUrl },
    templatesDir,
    rootFile: 'root.yaml',
    parameters,
    tags,
    bucket: packaged.bucket,
  });
  if (result.changed && env === 'prod') {
    const stack = await describeStack(target, stackName);
    await protectProduction(target, stack!.StackId, templatesDir, log);
  }
  const deployMs = performance.now() - deployStarted;
  const stack = await describeStack(target, stackName);
  log(`deploy: ${stackName} ${result.status} in ${(deployMs / 1000).toFixed(1)} s; outputs:`);
  for (const line of formatOutputs(stack)) log(line);
  return { ...result, uploaded: packaged.uploaded, packageMs, deployMs, before };
}
