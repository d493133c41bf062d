// The data-loss gate at deploy time, in process, against recorded DescribeChangeSet responses
// (test/fixtures/change-sets, shaped on the CloudFormation API Reference): nested change sets read
// whole (every page, every level), stateful removals and replacements blocked unless allowed by
// name, a modified nested stack without a nested change set blocked (nothing unseen gets through),
// and CloudFormation's answer compared with the project's prediction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DescribeChangeSetOutput } from '@aws-sdk/client-cloudformation';
import { readChangeSetTree, type DescribeChangeSet } from '../scripts/lib/deploy/change-set.js';
import { compareWithPrediction, deployGate, formatLayerChanges } from '../scripts/lib/deploy/data-loss.js';
import { parseAllowList } from '../scripts/lib/diff/allow.js';
import { buildReport } from '../scripts/lib/diff/report.js';
import type { CfnTemplate, TemplateSet } from '../scripts/lib/diff/types.js';
import { ROOT } from '../scripts/lib/paths.js';
import { generated } from './lib/templates.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'change-sets');

/** DescribeChangeSet answered from a recording: change set ARN -> its pages, in NextToken order. */
function recorded(name: string): { describe: DescribeChangeSet; calls: string[] } {
  const pages = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, DescribeChangeSetOutput[]>;
  const calls: string[] = [];
  const describe: DescribeChangeSet = async (id, token) => {
    calls.push(`${id.split('/')[1]} ${token ?? ''}`.trim());
    const list = pages[id];
    if (!list) throw new Error(`no recording for ${id}`);
    const index = token ? list.findIndex((p, i) => i > 0 && list[i - 1]!.NextToken === token) : 0;
    return list[index]!;
  };
  return { describe, calls };
}

const ROOT_ID = (name: string): string => Object.keys(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')))[0]!;
const platform = (): TemplateSet => ({
  label: 'new',
  templates: new Map([
    ['root.yaml', generated('root') as CfnTemplate],
    ['database.yaml', generated('database') as CfnTemplate],
  ]),
});

test('a renamed database: the nested change set is read whole, the removal blocks, the summary shows the layer', async () => {
  const { describe, calls } = recorded('rename-database.json');
  const tree = await readChangeSetTree(describe, ROOT_ID('rename-database.json'));
  assert.deepEqual(
    calls,
    ['make-deploy-preview-20261201120000', 'make-deploy-preview-20261201120000-DatabaseStack-X1', 'make-deploy-preview-20261201120000-DatabaseStack-X1 page-2'],
    'every page of every change set',
  );
  assert.deepEqual([...tree.children.keys()], ['DatabaseStack']);
  const gate = deployGate(tree, platform(), []);
  assert.deepEqual(
    gate.blocked.map((f) => [f.template, f.logicalId, f.effect]),
    [['database.yaml', 'Database', 'deleted after a snapshot']],
  );
  const summary = formatLayerChanges(gate.changes);
  assert.ok(
    summary.some((l) => /^ {2}DatabaseStack \(database\.yaml\):$/.test(l)),
    summary.join('\n'),
  );
  assert.ok(
    summary.some((l) => /Remove +Database +AWS::RDS::DBInstance +deleted after a snapshot +\[Snapshot\]/.test(l)),
    summary.join('\n'),
  );
  assert.ok(
    summary.some((l) => /Add +PaymentsDatabase +AWS::RDS::DBInstance +added/.test(l)),
    summary.join('\n'),
  );
});

test('ALLOW_REPLACE names exactly what may go: the old ID, the template-qualified ID, or the new ID of a rename', async () => {
  const tree = await readChangeSetTree(recorded('rename-database.json').describe, ROOT_ID('rename-database.json'));
  for (const allowance of ['Database', 'database.yaml:Database', 'database:Database']) {
    const gate = deployGate(tree, platform(), parseAllowList(allowance, 'ALLOW_REPLACE'));
    assert.deepEqual(gate.blocked, [], allowance);
    assert.equal(gate.findings[0]!.allowedBy, allowance);
  }
  assert.equal(
    deployGate(tree, platform(), parseAllowList('PaymentsDatabase', 'ALLOW_REPLACE'), new Map([['PaymentsDatabase', 'Database']])).blocked.length,
    0,
    'a rename allowed by its new name',
  );
  const wrong = deployGate(tree, platform(), parseAllowList('cache.yaml:Database,Cache', 'ALLOW_REPLACE'));
  assert.equal(wrong.blocked.length, 1, "another template's Database does not allow this one");
  assert.deepEqual(wrong.unusedAllowances, ['cache.yaml:Database', 'Cache']);
});

test('Multi-AZ in place passes; a modified nested stack without a nested change set blocks (nothing unseen gets through)', async () => {
  const tree = await readChangeSetTree(recorded('multi-az.json').describe, ROOT_ID('multi-az.json'));
  const gate = deployGate(tree, platform(), []);
  assert.ok(!gate.findings.some((f) => f.logicalId === 'Database'), 'Database is modified in place: no finding');
  assert.deepEqual(
    gate.blocked.map((f) => [f.logicalId, f.effect]),
    [['CacheStack', 'not visible']],
  );
});

test('removals and replacements by PolicyAction and Replacement; stateless resources never block', () => {
  const node = (changes: object[]) => ({ changeSetId: 'cs', stackName: 's', path: [], status: 'CREATE_COMPLETE', changes, children: new Map() }) as never;
  const set: TemplateSet = { label: 'new', templates: new Map() };
  const gate = deployGate(
    node([
      { Action: 'Remove', LogicalResourceId: 'KeptBucket', ResourceType: 'AWS::S3::Bucket', PolicyAction: 'Retain' },
      { Action: 'Remove', LogicalResourceId: 'Bucket', ResourceType: 'AWS::S3::Bucket', PolicyAction: 'Delete' },
      { Action: 'Remove', LogicalResourceId: 'UnknownPolicy', ResourceType: 'AWS::Logs::LogGroup' },
      { Action: 'Modify', LogicalResourceId: 'Key', ResourceType: 'AWS::KMS::Key', Replacement: 'True', PolicyAction: 'ReplaceAndRetain' },
      { Action: 'Modify', LogicalResourceId: 'Cache', ResourceType: 'AWS::ElastiCache::ReplicationGroup', Replacement: 'Conditional' },
      { Action: 'Dynamic', LogicalResourceId: 'Stream', ResourceType: 'AWS::Kinesis::Stream' },
      { Action: 'Modify', LogicalResourceId: 'Topic', ResourceType: 'AWS::SNS::Topic', Replacement: 'True' },
      { Action: 'Remove', LogicalResourceId: 'Alarm', ResourceType: 'AWS::CloudWatch::Alarm' },
    ]),
    set,
    [],
  );
  assert.deepEqual(
    gate.findings.map((f) => [f.logicalId, f.effect, f.blocking]),
    [
      ['KeptBucket', 'retained (no longer managed)', false],
      ['Bucket', 'deleted', true],
      ['UnknownPolicy', 'deleted', true],
      ['Key', 'replaced', true],
      ['Cache', 'may be replaced', true],
      ['Stream', 'undetermined', true],
    ],
  );
});

test("CloudFormation's answer against the prediction: every disagreement is reported; the Multi-AZ prediction is fixed", async () => {
  const tree = await readChangeSetTree(recorded('multi-az.json').describe, ROOT_ID('multi-az.json'));
  const gate = deployGate(tree, platform(), []);
  const before: TemplateSet = { ...platform(), parameters: new Map([['dev', new Map([['DbMultiAz', 'false']])]]) };
  const after: TemplateSet = { ...platform(), parameters: new Map([['dev', new Map([['DbMultiAz', 'true']])]]) };
  const report = buildReport(before, after, []);
  const verdicts = report.gate.findings.map((f) => f.verdict);
  assert.deepEqual(
    compareWithPrediction(gate.changes, verdicts, before).filter((d) => d.logicalId === 'Database'),
    [],
    'switching to Multi-AZ is predicted in place, as CloudFormation says',
  );
  // A prediction that said "may be replaced" is reported as a disagreement.
  const cautious = [{ template: 'database.yaml', logicalId: 'Database', type: 'AWS::RDS::DBInstance', stateful: true, fate: 'may-replace' as const, causes: [] }];
  assert.deepEqual(
    compareWithPrediction(gate.changes, cautious, before).filter((d) => d.logicalId === 'Database'),
    [{ template: 'database.yaml', logicalId: 'Database', type: 'AWS::RDS::DBInstance', predicted: 'maybe', cloudFormation: 'in place or unchanged' }],
  );
  // And one the prediction missed: CloudFormation replaces what the prediction thought unchanged.
  const renamed = await readChangeSetTree(recorded('rename-database.json').describe, ROOT_ID('rename-database.json'));
  const missed = compareWithPrediction(deployGate(renamed, platform(), []).changes, [], before);
  assert.deepEqual(
    missed.map((d) => [d.logicalId, d.predicted, d.cloudFormation]),
    [['Database', 'in place or unchanged', 'remove']],
  );
});
