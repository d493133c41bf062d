// make diff STACK=<name>: CloudFormation's own change set (IncludeNestedStacks) for the new
// templates against the deployed stack, next to the project's prediction. The new templates are
// packaged (content-addressed: an upload is never a change), the change set is created, read whole
// and deleted again; nothing is executed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type AwsTarget } from '../aws.js';
import type { AllowEntry } from '../diff/allow.js';
import { buildReport } from '../diff/report.js';
import { parametersDirFor, parseParameterFile } from '../diff/parameter-values.js';
import { templatesFromStack } from '../diff/source-stack.js';
import type { TemplateSet } from '../diff/types.js';
import { packageTemplates } from '../package.js';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createPreview, deleteChangeSet } from './change-set.js';
import { compareWithPrediction, deployGate, formatDisagreements, formatGate, formatLayerChanges, type Disagreement, type DeployGate } from './data-loss.js';
import { describeStack, stackReader } from './stacks.js';

export interface StackChangeSet {
  readonly stackName: string;
  /** False: CloudFormation found nothing to change. */
  readonly changed: boolean;
  readonly gate: DeployGate;
  readonly disagreements: readonly Disagreement[];
}

const CAPABILITIES = ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

/** The environment a stack belongs to: ENV, else the payment-platform-<env> name. */
const environmentOf = (stackName: string, env: string | undefined): string | undefined => env || /^payment-platform-(dev|staging|prod)$/.exec(stackName)?.[1];

export async function stackChangeSet(
  target: AwsTarget,
  stackName: string,
  after: TemplateSet,
  afterDir: string,
  allow: readonly AllowEntry[],
  envName?: string,
): Promise<StackChangeSet> {
  const stack = await describeStack(target, stackName);
  if (!stack) throw new Error(`stack ${stackName} does not exist`);
  const env = environmentOf(stackName, envName);
  const file = env ? join(parametersDirFor(afterDir), `${env}.json`) : undefined;
  // The environment's parameter file when there is one; else the values the stack has now.
  const parameters =
    file && existsSync(file) ? parseParameterFile(readFileSync(file, 'utf8'), file) : new Map((stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? '']));
  const declared = Object.keys(after.templates.get('root.yaml')?.Parameters ?? {});
  for (const name of [...parameters.keys()]) if (!declared.includes(name)) parameters.delete(name);
  const packaged = await packageTemplates({ target, templatesDir: afterDir, outDir: join(mkdtempSync(join(tmpdir(), 'diff-change-set-')), 'packaged') });
  const preview = await createPreview(
    target,
    {
      stackName,
      source: { url: packaged.rootTemplateUrl },
      parameters,
      tags: Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      capabilities: [...CAPABILITIES],
    },
    target.kind === 'local' ? 1 : 5,
  );
  try {
    const tree = preview.tree ?? { changeSetId: preview.changeSetId, stackName, path: [], status: 'FAILED', changes: [], children: new Map() };
    const before = await templatesFromStack(stack.StackId, after, stackReader(target));
    const withValues = (set: TemplateSet, values: ReadonlyMap<string, string>): TemplateSet => ({ ...set, parameters: new Map([[env ?? 'stack', values]]) });
    const deployed = new Map((stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ResolvedValue ?? p.ParameterValue ?? '']));
    const report = buildReport(withValues(before, deployed), withValues(after, parameters), []);
    const verdicts = new Map(report.templates.flatMap((t) => t.verdicts).map((v) => [`${v.template}\0${v.logicalId}`, v]));
    for (const f of report.gate.findings) verdicts.set(`${f.verdict.template}\0${f.verdict.logicalId}`, f.verdict);
    const renames = new Map(report.templates.flatMap((t) => t.renames).map((r) => [r.to, r.from]));
    const gate = deployGate(tree, after, allow, renames);
    return { stackName, changed: preview.changed, gate, disagreements: compareWithPrediction(gate.changes, [...verdicts.values()], before) };
  } finally {
    await deleteChangeSet(target, preview.changeSetId).catch(() => undefined);
  }
}

export function renderChangeSetComparison(result: StackChangeSet, format: 'text' | 'markdown'): string {
  const gateLine = result.gate.blocked.length > 0 ? `BLOCKED: ${result.gate.blocked.map((f) => `${f.template}:${f.logicalId}`).join(', ')}` : 'passed';
  if (format === 'markdown') {
    const rows = result.gate.changes.map((c) => `| ${c.layer} | ${c.logicalId} | ${c.type} | ${c.change.Action ?? ''} | ${c.effect} |`);
    return [
      '',
      `### CloudFormation's change set for ${result.stackName}`,
      '',
      result.changed ? '| layer | resource | type | action | effect |\n| --- | --- | --- | --- | --- |\n' + rows.join('\n') : 'CloudFormation found nothing to change.',
      '',
      `**Data-loss gate on the change set: ${gateLine}**`,
      '',
      ...formatGate(result.gate).map((l) => `- ${l.trim()}`),
      '',
      '**Prediction against CloudFormation:**',
      '',
      ...formatDisagreements(result.disagreements).map((l) => `- ${l.trim()}`),
      '',
    ].join('\n');
  }
  return [
    '',
    `---- CloudFormation's change set for ${result.stackName} (IncludeNestedStacks) ----`,
    ...(result.changed ? formatLayerChanges(result.gate.changes) : ['  CloudFormation found nothing to change']),
    ...formatGate(result.gate),
    'Prediction against CloudFormation:',
    ...formatDisagreements(result.disagreements),
    `DATA-LOSS GATE (CloudFormation's change set): ${gateLine}`,
    '',
  ].join('\n');
}
