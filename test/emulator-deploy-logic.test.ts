// The decisions of make deploy / make destroy that need no AWS: reading `aws cloudformation deploy`'s
// answer, refusing stacks that cannot be updated, what prod protects, what a destroy keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../templates-src/core/yaml.js';
import { changeSetFromDeployOutput, checkStackState, countResources, formatChangeSet } from '../scripts/lib/deploy/deploy.js';
import { keptResources } from '../scripts/lib/deploy/destroy.js';
import { isNestedStackEvent, isStackLevel, type StackEvent } from '../scripts/lib/deploy/events.js';
import { stackPolicy, statefulResources } from '../scripts/lib/deploy/policy.js';
import { GENERATED_TEMPLATES } from '../scripts/lib/paths.js';
import { generated } from './lib/templates.js';

test('the change set ARN from `aws cloudformation deploy --no-execute-changeset`, or none for "No changes"', () => {
  const arn = 'arn:aws:cloudformation:eu-west-1:123456789012:changeSet/awscli-cloudformation-package-deploy-1732/0a1b2c3d-0000-4000-8000-000000000000';
  assert.equal(changeSetFromDeployOutput(`\nWaiting for changeset to be created..\nChangeset created successfully. Run the following command to review changes:\naws cloudformation describe-change-set --change-set-name ${arn}\n`), arn);
  assert.equal(changeSetFromDeployOutput('\nWaiting for changeset to be created..\n\nNo changes to deploy. Stack payment-platform-dev is up to date\n'), undefined);
  assert.throws(() => changeSetFromDeployOutput('something else'), /no change set in its output/);
});

test('stacks that cannot take a deploy are refused with what to do', () => {
  const stack = (StackStatus: string) => ({ StackId: 'id', StackName: 'payment-platform-dev', StackStatus });
  assert.doesNotThrow(() => checkStackState(undefined, 'dev'));
  for (const ok of ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS']) assert.doesNotThrow(() => checkStackState(stack(ok), 'dev'), ok);
  assert.throws(() => checkStackState(stack('ROLLBACK_COMPLETE'), 'dev'), /ROLLBACK_COMPLETE.*make destroy ENV=dev, then deploy again/);
  assert.throws(() => checkStackState(stack('UPDATE_IN_PROGRESS'), 'dev'), /busy/);
  assert.throws(() => checkStackState(stack('DELETE_FAILED'), 'dev'), /cannot be updated/);
});

test('the change set summary shows replacement for modifications', () => {
  const lines = formatChangeSet([
    { ResourceChange: { Action: 'Modify', LogicalResourceId: 'DatabaseStack', ResourceType: 'AWS::CloudFormation::Stack', Replacement: 'False' } },
    { ResourceChange: { Action: 'Add', LogicalResourceId: 'AuditStack', ResourceType: 'AWS::CloudFormation::Stack' } },
  ]);
  assert.match(lines[0], /^ {2}Modify +DatabaseStack +AWS::CloudFormation::Stack +replacement: False$/);
  assert.doesNotMatch(lines[1], /replacement/);
});

test('prod protects every stateful resource of a layer: the spec\'s stateful flag or a kept DeletionPolicy', () => {
  for (const name of ['kms', 'database']) {
    const template = generated(name);
    const ids = statefulResources(template as never);
    for (const [id, resource] of Object.entries(template.Resources)) {
      const holdsData = resource.Type === 'AWS::KMS::Key' || resource.Type === 'AWS::RDS::DBInstance';
      const kept = ['Retain', 'RetainExceptOnCreate', 'Snapshot'].includes(String(resource.DeletionPolicy));
      if (holdsData) assert.ok(ids.includes(id), `${name}: ${id} (${resource.Type}) is protected`);
      if (resource.Type === 'AWS::KMS::Alias' && !kept) assert.ok(!ids.includes(id), `${name}: ${id} (an alias) is not`);
    }
  }
  assert.deepEqual(statefulResources({ Resources: { Group: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain' }, Topic: { Type: 'AWS::SNS::Topic' } } }), ['Group']);
  const policy = stackPolicy(['Database']) as { Statement: { Effect: string; Action: unknown; Resource: unknown }[] };
  assert.deepEqual(policy.Statement[1], { Effect: 'Deny', Action: ['Update:Replace', 'Update:Delete'], Principal: '*', Resource: ['LogicalResourceId/Database'] });
  assert.equal((stackPolicy([]) as { Statement: unknown[] }).Statement.length, 1, 'nothing to protect: allow only');
});

test('destroy lists exactly the created resources it keeps (Retain, RetainExceptOnCreate, Snapshot)', () => {
  const template = { Resources: { Key: { Type: 'AWS::KMS::Key', DeletionPolicy: 'Retain' }, Db: { Type: 'AWS::RDS::DBInstance', DeletionPolicy: 'Snapshot' }, Off: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' }, Topic: { Type: 'AWS::SNS::Topic' } } };
  const kept = keptResources('DataStack', template, new Map([['Key', 'key-1'], ['Db', 'db-1'], ['Topic', 'arn:topic']]));
  assert.deepEqual(kept.map((k) => [k.logicalId, k.physicalId, k.policy]), [['Key', 'key-1', 'Retain'], ['Db', 'db-1', 'Snapshot']]);
});

test('the progress total counts the root and every layer it nests', () => {
  const total = readdirSync(GENERATED_TEMPLATES)
    .filter((name) => name.endsWith('.yaml'))
    .filter((name) => name === 'root.yaml' || readFileSync(join(GENERATED_TEMPLATES, 'root.yaml'), 'utf8').includes(`TemplateURL: ${name}`))
    .reduce((sum, name) => sum + Object.keys((parseTemplate(readFileSync(join(GENERATED_TEMPLATES, name), 'utf8'), name) as { Resources: object }).Resources).length, 0);
  assert.equal(countResources(GENERATED_TEMPLATES), total);
});

test('events: stack-level and nested-stack events are told apart', () => {
  const base = { StackId: 'arn:aws:cloudformation:eu-west-1:1:stack/root/1', StackName: 'root', EventId: 'e', Timestamp: '2026-01-01T00:00:00Z', ResourceStatus: 'CREATE_COMPLETE' };
  const own: StackEvent = { ...base, LogicalResourceId: 'root', PhysicalResourceId: base.StackId, ResourceType: 'AWS::CloudFormation::Stack' };
  const nested: StackEvent = { ...base, LogicalResourceId: 'NetworkStack', PhysicalResourceId: 'arn:aws:cloudformation:eu-west-1:1:stack/root-NetworkStack-X/2', ResourceType: 'AWS::CloudFormation::Stack' };
  const other: StackEvent = { ...base, LogicalResourceId: 'Vpc', PhysicalResourceId: 'vpc-1', ResourceType: 'AWS::EC2::VPC' };
  assert.deepEqual([own, nested, other].map(isStackLevel), [true, false, false]);
  assert.deepEqual([own, nested, other].map(isNestedStackEvent), [false, true, false]);
});
