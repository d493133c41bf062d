// make deploy / make destroy against the local emulator with a small fixture (a root and one
// nested layer, test/fixtures/deploy/small): create, no-op, parameter update, a failing update
// that rolls back and keeps its outputs, a failing create, and destroy's confirmation rules.
// Region eu-south-2 is this file's own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeLogGroupsCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { awsClients } from '../scripts/lib/aws.js';
import { stackEvents } from '../scripts/lib/deploy/events.js';
import { DeployBlockedError, deployPlatform, DeployFailedError, type DeployOptions } from '../scripts/lib/deploy/deploy.js';
import { destroyPlatform } from '../scripts/lib/deploy/destroy.js';
import { emulatorTarget, ensureEmulator, forgetRegion } from '../scripts/lib/deploy/emulator.js';
import { DeployInputError } from '../scripts/lib/deploy/inputs.js';
import { describeStack, nestedStacks, outputsOf } from '../scripts/lib/deploy/stacks.js';
import { ROOT } from '../scripts/lib/paths.js';

const REGION = 'eu-south-2';
const FIXTURE = join(ROOT, 'test', 'fixtures', 'deploy', 'small');
const STACK = 'fixture-small';
const target = emulatorTarget(REGION);
const work = mkdtempSync(join(tmpdir(), 'emulator-rollback-'));
const lines: string[] = [];

function parameters(name: string, values: Record<string, string>): string {
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify(Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }))));
  return path;
}

const options = (overrides: Partial<DeployOptions> = {}): DeployOptions => ({
  env: 'dev',
  target,
  stackName: STACK,
  templatesDir: FIXTURE,
  parametersFile: join(FIXTURE, 'params.json'),
  standaloneDir: null,
  outDir: join(work, 'packaged'),
  log: (line) => lines.push(line),
  pollMs: 300,
  ...overrides,
});

const eventCount = async (stack: string): Promise<number> => (await stackEvents(target, stack, undefined)).length;

before(async () => {
  ensureEmulator();
  await forgetRegion(target); // a rerun on a running emulator starts from nothing too
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('deploy and destroy of a nested fixture on the emulator', () => {
  let created: Record<string, string> = {};

  test('deploy creates the stack and its nested stack, with outputs', async () => {
    const result = await deployPlatform(options());
    assert.equal(result.status, 'CREATE_COMPLETE');
    assert.equal(result.changed, true);
    assert.match(result.outputs.VpcId, /^vpc-/);
    assert.match(result.outputs.SubnetId, /^subnet-/);
    assert.match(result.outputs.Label, /^first-/);
    const [layer] = [...(await nestedStacks(target, (await describeStack(target, STACK))!.StackId)).values()];
    assert.equal((await describeStack(target, layer))?.StackStatus, 'CREATE_COMPLETE');
    assert.ok(
      lines.some((line) => /LayerStack\s+Subnet\s+AWS::EC2::Subnet\s+CREATE_COMPLETE/.test(line)),
      "the nested stack's events were streamed",
    );
    created = result.outputs;
  });

  test('deploy again, unchanged: no change set executed, no new events', async () => {
    const before = await eventCount(STACK);
    const result = await deployPlatform(options());
    assert.equal(result.changed, false);
    assert.deepEqual(result.uploaded, [], 'unchanged templates are not uploaded again');
    assert.equal(await eventCount(STACK), before);
    assert.deepEqual(result.outputs, created);
  });

  test('a parameter change that renames the retained log group is BLOCKED by the gate (nothing changes); allowed by name, UPDATE_COMPLETE', async () => {
    const label = parameters('label', { Environment: 'dev', SubnetCidr: '10.50.1.0/24', Label: 'second' });
    const blocked = await deployPlatform(options({ parametersFile: label })).catch((error: unknown) => error);
    assert.ok(blocked instanceof DeployBlockedError, `expected a DeployBlockedError, got ${String(blocked)}`);
    assert.deepEqual(
      blocked.gate.blocked.map((f) => [f.template, f.logicalId, f.effect, f.change.PolicyAction]),
      [['layer.yaml', 'KeptLogGroup', 'replaced', 'ReplaceAndRetain']],
    );
    assert.match(blocked.message, /ALLOW_REPLACE=layer\.yaml:KeptLogGroup/);
    assert.ok(
      lines.some((line) => /LayerStack \(layer\.yaml\):/.test(line)),
      "the summary shows the layer's own changes",
    );
    assert.deepEqual(outputsOf(await describeStack(target, STACK)), created, 'nothing was executed');
    assert.equal((await describeStack(target, STACK))?.StackStatus, 'CREATE_COMPLETE');

    const result = await deployPlatform(options({ parametersFile: label, allowReplace: 'layer.yaml:KeptLogGroup' }));
    assert.equal(result.status, 'UPDATE_COMPLETE');
    assert.match(result.outputs.Label, /^second-/);
    assert.equal(result.outputs.SubnetId, created.SubnetId, 'the subnet is untouched');
    assert.deepEqual(
      result.gate?.findings.map((f) => f.allowedBy),
      ['layer.yaml:KeptLogGroup'],
    );
    created = result.outputs;
  });

  test('a change that fails: the update rolls back, the outputs stay, the cause is found in the nested stack', async () => {
    const outside = parameters('outside', { Environment: 'dev', SubnetCidr: '10.99.1.0/24', Label: 'second' });
    const failed = await deployPlatform(options({ parametersFile: outside })).catch((error: unknown) => error);
    assert.ok(failed instanceof DeployFailedError, `expected a DeployFailedError, got ${String(failed)}`);
    assert.equal(failed.status, 'UPDATE_ROLLBACK_COMPLETE');
    assert.equal(failed.failure?.logicalId, 'Subnet');
    assert.match(failed.failure?.stackName ?? '', /LayerStack/);
    assert.match(failed.failure?.reason ?? '', /CIDR|Range/i);
    const stack = await describeStack(target, STACK);
    assert.equal(stack?.StackStatus, 'UPDATE_ROLLBACK_COMPLETE');
    assert.deepEqual(outputsOf(stack), created);
  });

  test('destroy refuses without a confirmation, and with one for another environment', async () => {
    await assert.rejects(
      destroyPlatform({ env: 'dev', target, stackName: STACK, parametersFile: null, log: () => {} }),
      (error: unknown) => error instanceof DeployInputError && /CONFIRM=dev/.test(error.message),
    );
    await assert.rejects(
      destroyPlatform({ env: 'dev', target, stackName: STACK, confirm: 'staging', parametersFile: null, log: () => {} }),
      (error: unknown) => error instanceof DeployInputError && /does not match/.test(error.message),
    );
    await assert.rejects(destroyPlatform({ env: 'dev', target, stackName: STACK, ask: async () => 'no', parametersFile: null, log: () => {} }), DeployInputError);
    assert.equal((await describeStack(target, STACK))?.StackStatus, 'UPDATE_ROLLBACK_COMPLETE', 'nothing was deleted');
  });

  test('destroy with CONFIRM deletes the stack and lists, then keeps, the retained log group', async () => {
    const result = await destroyPlatform({ env: 'dev', target, stackName: STACK, confirm: 'dev', parametersFile: null, log: (line) => lines.push(line), pollMs: 300 });
    assert.equal(result.status, 'DELETE_COMPLETE');
    assert.deepEqual(
      result.kept.map((k) => [k.stack, k.logicalId, k.policy]),
      [['LayerStack', 'KeptLogGroup', 'Retain']],
    );
    assert.equal(await describeStack(target, STACK), undefined);
    const groups = ((await awsClients(target).of(CloudWatchLogsClient).send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map((g) => g.logGroupName);
    assert.ok(groups.includes(result.kept[0].physicalId), `the retained log group ${result.kept[0].physicalId} still exists`);
  });

  test('a create that fails rolls back (ROLLBACK_COMPLETE); the next deploy says to destroy first', async () => {
    const name = `${STACK}-broken`;
    const outside = parameters('broken', { Environment: 'dev', SubnetCidr: '10.98.0.0/24' });
    const failed = await deployPlatform(options({ stackName: name, parametersFile: outside })).catch((error: unknown) => error);
    assert.ok(failed instanceof DeployFailedError, `a DeployFailedError, got ${String(failed)}`);
    assert.equal(failed.status, 'ROLLBACK_COMPLETE');
    assert.equal(failed.failure?.logicalId, 'Subnet');
    await assert.rejects(
      deployPlatform(options({ stackName: name })),
      (error: unknown) => error instanceof DeployInputError && /ROLLBACK_COMPLETE.*make destroy/.test(error.message),
    );
    const cleaned = await destroyPlatform({ env: 'dev', target, stackName: name, confirm: 'dev', parametersFile: null, log: () => {}, pollMs: 300 });
    assert.equal(cleaned.status, 'DELETE_COMPLETE');
  });
});

test('the fixture is what the tests think it is', () => {
  assert.match(readFileSync(join(FIXTURE, 'layer.yaml'), 'utf8'), /CidrBlock: 10\.50\.0\.0\/16/);
});
