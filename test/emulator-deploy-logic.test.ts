// The decisions of make deploy / make destroy that need no AWS: refusing stacks that cannot be
// updated, the progress count, what prod protects, what a destroy keeps, what to do about a name a
// retained resource still holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTemplate } from '../templates-src/core/yaml.js';
import { checkStackState, countChanges, countCreated, retainedAdvice } from '../scripts/lib/deploy/deploy.js';
import { keptResources } from '../scripts/lib/deploy/destroy.js';
import { isNestedStackEvent, isStackLevel, type StackEvent } from '../scripts/lib/deploy/events.js';
import { stackPolicy, statefulResources } from '../scripts/lib/deploy/policy.js';
import { GENERATED_TEMPLATES } from '../scripts/lib/paths.js';
import { generated } from './lib/templates.js';

test('stacks that cannot take a deploy are refused with what to do', () => {
  const stack = (StackStatus: string) => ({ StackName: 'payment-platform-dev', StackStatus });
  assert.doesNotThrow(() => checkStackState(undefined, 'dev'));
  for (const ok of ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS']) assert.doesNotThrow(() => checkStackState(stack(ok), 'dev'), ok);
  assert.throws(() => checkStackState(stack('ROLLBACK_COMPLETE'), 'dev'), /ROLLBACK_COMPLETE.*make destroy ENV=dev, then deploy again/);
  assert.throws(() => checkStackState(stack('UPDATE_IN_PROGRESS'), 'dev'), /busy/);
  assert.throws(() => checkStackState(stack('DELETE_FAILED'), 'dev'), /cannot be updated/);
});

test('a create that fails on a name a retained resource holds says what to do: delete what destroy kept (non-prod) or import (prod)', () => {
  const failure = {
    stackName: 'payment-platform-dev-ApiStack-1',
    logicalId: 'AccessLogGroup',
    resourceType: 'AWS::Logs::LogGroup',
    status: 'CREATE_FAILED',
    reason: 'Resource of type AWS::Logs::LogGroup with identifier /payment/dev/api-access already exists.',
  };
  assert.match(retainedAdvice(failure, 'dev')!, /make destroy ENV=dev CONFIRM=dev DELETE_RETAINED=1/);
  assert.match(retainedAdvice(failure, 'prod')!, /resource import/);
  assert.equal(retainedAdvice({ ...failure, reason: 'CIDR out of range' }, 'dev'), undefined);
  assert.match(retainedAdvice(failure, 'dev', false)!, /needs a new name too/, 'an update: a rename or replacement of a fixed name');
});

test("prod protects every stateful resource of a layer: the spec's stateful flag or a kept DeletionPolicy", () => {
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
  const template = {
    Resources: {
      Key: { Type: 'AWS::KMS::Key', DeletionPolicy: 'Retain' },
      Db: { Type: 'AWS::RDS::DBInstance', DeletionPolicy: 'Snapshot' },
      Off: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' },
      Topic: { Type: 'AWS::SNS::Topic' },
    },
  };
  const kept = keptResources(
    'DataStack',
    template,
    new Map([
      ['Key', 'key-1'],
      ['Db', 'db-1'],
      ['Topic', 'arn:topic'],
    ]),
  );
  assert.deepEqual(
    kept.map((k) => [k.logicalId, k.physicalId, k.policy]),
    [
      ['Key', 'key-1', 'Retain'],
      ['Db', 'db-1', 'Snapshot'],
    ],
  );
});

test("the progress total is what CloudFormation reports: a create counts the resources whose condition holds; an update, the change sets' changes", () => {
  const root = readFileSync(join(GENERATED_TEMPLATES, 'root.yaml'), 'utf8');
  const files = readdirSync(GENERATED_TEMPLATES).filter((name) => name === 'root.yaml' || root.includes(`TemplateURL: ${name}`));
  const all = files.reduce(
    (sum, name) => sum + Object.keys((parseTemplate(readFileSync(join(GENERATED_TEMPLATES, name), 'utf8'), name) as { Resources: object }).Resources).length,
    0,
  );
  const values = (env: string) =>
    new Map(
      (JSON.parse(readFileSync(join(GENERATED_TEMPLATES, '..', 'parameters', `${env}.json`), 'utf8')) as { ParameterKey: string; ParameterValue: string }[]).map((p) => [
        p.ParameterKey,
        p.ParameterValue,
      ]),
    );
  const dev = countCreated(GENERATED_TEMPLATES, values('dev'));
  assert.ok(dev < all, `dev creates ${dev} of the ${all} declared resources (some exist only under a condition)`);
  assert.ok(dev > 0, 'a dev deploy counts resources');
  // Every resource without a condition is counted; a false condition is not.
  const fixture = {
    Parameters: { Nat: { Type: 'String' } },
    Conditions: { WithNat: { 'Fn::Equals': [{ Ref: 'Nat' }, 'yes'] } },
    Resources: { Vpc: { Type: 'AWS::EC2::VPC' }, Nat: { Type: 'AWS::EC2::NatGateway', Condition: 'WithNat' } },
  };
  const dir = mkdtempSync(join(tmpdir(), 'count-'));
  writeFileSync(join(dir, 'root.yaml'), JSON.stringify(fixture));
  assert.equal(countCreated(dir, new Map([['Nat', 'no']])), 1);
  assert.equal(countCreated(dir, new Map([['Nat', 'yes']])), 2);
  assert.equal(countCreated(dir, new Map()), 2, 'a condition that cannot be decided counts');
  const node = (changes: number, children: object[] = []) => ({
    changeSetId: '',
    stackName: '',
    path: [],
    status: '',
    changes: Array.from({ length: changes }, () => ({})),
    children: new Map(children.map((c, i) => [String(i), c])),
  });
  assert.equal(countChanges(node(2, [node(3), node(1, [node(4)])]) as never), 10);
});

test('events: stack-level and nested-stack events are told apart', () => {
  const base = {
    StackId: 'arn:aws:cloudformation:eu-west-1:1:stack/root/1',
    StackName: 'root',
    EventId: 'e',
    Timestamp: new Date('2026-01-01T00:00:00Z'),
    ResourceStatus: 'CREATE_COMPLETE',
  };
  const own: StackEvent = { ...base, LogicalResourceId: 'root', PhysicalResourceId: base.StackId, ResourceType: 'AWS::CloudFormation::Stack' };
  const nested: StackEvent = {
    ...base,
    LogicalResourceId: 'NetworkStack',
    PhysicalResourceId: 'arn:aws:cloudformation:eu-west-1:1:stack/root-NetworkStack-X/2',
    ResourceType: 'AWS::CloudFormation::Stack',
  };
  const other: StackEvent = { ...base, LogicalResourceId: 'Vpc', PhysicalResourceId: 'vpc-1', ResourceType: 'AWS::EC2::VPC' };
  assert.deepEqual([own, nested, other].map(isStackLevel), [true, false, false]);
  assert.deepEqual([own, nested, other].map(isNestedStackEvent), [false, true, false]);
});
