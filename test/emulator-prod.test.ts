// prod's safeguards, on the emulator with the nested fixture (test/fixtures/deploy/small): after a
// prod deploy the root has termination protection and every stack a policy denying replacement or
// deletion of what holds data; an update that would replace the retained log group is refused by
// the layer's stack policy and rolls back; other updates go through; destroy needs CONFIRM=prod.
// Region ap-southeast-3 is this file's own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteStackCommand, GetStackPolicyCommand } from '@aws-sdk/client-cloudformation';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { awsClients } from '../scripts/lib/aws.js';
import { DeployBlockedError, deployPlatform, DeployFailedError, type DeployOptions } from '../scripts/lib/deploy/deploy.js';
import { destroyPlatform, DestroyRefusedError } from '../scripts/lib/deploy/destroy.js';
import { emulatorTarget, ensureEmulator, forgetRegion } from '../scripts/lib/deploy/emulator.js';
import { DeployInputError } from '../scripts/lib/deploy/inputs.js';
import { describeStack, nestedStacks, outputsOf } from '../scripts/lib/deploy/stacks.js';
import { ROOT } from '../scripts/lib/paths.js';

const REGION = 'ap-southeast-3';
const STACK = 'fixture-prod';
const target = emulatorTarget(REGION);
const work = mkdtempSync(join(tmpdir(), 'emulator-prod-'));
const lines: string[] = [];

function parameters(name: string, values: Record<string, string>): string {
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify(Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }))));
  return path;
}

const stackPolicyOf = async (stack: string): Promise<{ Statement: { Resource: unknown }[] }> =>
  JSON.parse(
    (
      await awsClients(target)
        .cloudformation()
        .send(new GetStackPolicyCommand({ StackName: stack }))
    ).StackPolicyBody ?? '{}',
  );

const options = (values: Record<string, string>, allowReplace?: string): DeployOptions => ({
  allowReplace,
  standaloneDir: null,
  env: 'prod',
  target,
  stackName: STACK,
  templatesDir: join(ROOT, 'test', 'fixtures', 'deploy', 'small'),
  parametersFile: parameters(
    Object.values(values)
      .join('-')
      .replace(/[^a-z0-9-]/gi, '_'),
    { Environment: 'prod', ...values },
  ),
  outDir: join(work, 'packaged'),
  log: (line) => lines.push(line),
  pollMs: 300,
});

before(async () => {
  ensureEmulator();
  await forgetRegion(target);
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('prod safeguards on the emulator', () => {
  let outputs: Record<string, string> = {};

  test('a prod deploy turns termination protection on and sets a stack policy on every stack', async () => {
    const result = await deployPlatform(options({ SubnetCidr: '10.50.1.0/24', Label: 'first' }));
    assert.equal(result.status, 'CREATE_COMPLETE');
    outputs = result.outputs;
    const root = (await describeStack(target, STACK))!;
    assert.equal(root.EnableTerminationProtection, true);
    const layer = (await nestedStacks(target, root.StackId)).get('LayerStack')!;
    const layerPolicy = await stackPolicyOf(layer);
    assert.deepEqual(layerPolicy.Statement[1], { Effect: 'Deny', Action: ['Update:Replace', 'Update:Delete'], Principal: '*', Resource: ['LogicalResourceId/KeptLogGroup'] });
    const rootPolicy = await stackPolicyOf(root.StackId);
    assert.deepEqual(rootPolicy.Statement[1].Resource, ['LogicalResourceId/LayerStack']);
  });

  test('an update that would replace the retained log group: blocked by the gate; allowed by name, denied by the stack policy and rolled back', async () => {
    const blocked = await deployPlatform(options({ SubnetCidr: '10.50.1.0/24', Label: 'second' })).catch((error: unknown) => error);
    assert.ok(blocked instanceof DeployBlockedError, String(blocked));
    assert.deepEqual(
      blocked.gate.blocked.map((f) => f.logicalId),
      ['KeptLogGroup'],
    );
    const failed = await deployPlatform(options({ SubnetCidr: '10.50.1.0/24', Label: 'second' }, 'KeptLogGroup')).catch((error: unknown) => error);
    assert.ok(failed instanceof DeployFailedError, String(failed));
    assert.equal(failed.status, 'UPDATE_ROLLBACK_COMPLETE');
    assert.equal(failed.failure?.logicalId, 'KeptLogGroup');
    assert.match(failed.failure?.reason ?? '', /Action denied by stack policy: .*\[Update:Replace\] for resource \[LogicalResourceId\/KeptLogGroup\]/);
    assert.deepEqual(outputsOf(await describeStack(target, STACK)), outputs);
  });

  test('an update of what holds no data goes through', async () => {
    const result = await deployPlatform(options({ SubnetCidr: '10.50.3.0/24', Label: 'first' }));
    assert.equal(result.status, 'UPDATE_COMPLETE');
    assert.notEqual(result.outputs.SubnetId, outputs.SubnetId, 'the subnet was replaced');
  });

  test('destroy: refused without CONFIRM=prod (even typed on a terminal); the API refuses a protected stack; CONFIRM=prod deletes it', async () => {
    await assert.rejects(
      destroyPlatform({ env: 'prod', target, stackName: STACK, parametersFile: null, ask: async () => 'prod', log: () => {} }),
      (e: unknown) => e instanceof DeployInputError && /CONFIRM=prod/.test(e.message),
    );
    await assert.rejects(
      destroyPlatform({ env: 'prod', target, stackName: STACK, parametersFile: null, confirm: 'prod', deleteRetained: true, log: () => {} }),
      (e: unknown) => e instanceof DeployInputError && /DELETE_RETAINED is refused for prod/.test(e.message),
    );
    const direct = await awsClients(target)
      .cloudformation()
      .send(new DeleteStackCommand({ StackName: STACK }))
      .catch((error: unknown) => error);
    assert.match(String((direct as Error).message), /cannot be deleted while TerminationProtection is enabled/);
    const result = await destroyPlatform({ env: 'prod', target, stackName: STACK, parametersFile: null, confirm: 'prod', log: (line) => lines.push(line), pollMs: 300 });
    assert.equal(result.status, 'DELETE_COMPLETE');
    assert.ok(
      lines.some((line) => /turning termination protection off/.test(line)),
      'destroy says it turns termination protection off',
    );
  });
});

describe('prod destroy with deletion protection on the database: refused before anything is deleted', () => {
  const protectedFixture = (values: Record<string, string>): DeployOptions => ({
    ...options(values),
    stackName: 'fixture-protected-prod',
    templatesDir: join(ROOT, 'test', 'fixtures', 'deploy', 'protected'),
    parametersFile: parameters(`protected-${values.DeletionProtection}`, { Environment: 'prod', ...values }),
  });
  const database = async (id: string) =>
    (
      await awsClients(target)
        .of(RDSClient)
        .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))
    ).DBInstances?.[0];

  test('CONFIRM=prod: the destroy names the protected database and deletes nothing; with protection off it goes through', async () => {
    const deployed = await deployPlatform(protectedFixture({ DeletionProtection: 'true' }));
    assert.equal(deployed.status, 'CREATE_COMPLETE', lines.slice(-10).join('\n'));
    const id = deployed.outputs.DatabaseId!;
    assert.equal((await database(id))?.DeletionProtection, true);
    const destroyProd = () =>
      destroyPlatform({ env: 'prod', target, stackName: 'fixture-protected-prod', parametersFile: null, confirm: 'prod', log: (line) => lines.push(line), pollMs: 300 });
    const refused = await destroyProd().catch((e: unknown) => e);
    assert.ok(refused instanceof DestroyRefusedError, String(refused));
    assert.deepEqual(
      refused.blockers.map((b) => [b.stack, b.logicalId, b.resourceType]),
      [['DatabaseStack', 'Database', 'AWS::RDS::DBInstance']],
    );
    assert.match(refused.message, /nothing deleted.*DeletionProtection=false/);
    const root = await describeStack(target, 'fixture-protected-prod');
    assert.equal(root?.StackStatus, 'CREATE_COMPLETE', 'the root is untouched');
    assert.equal(root?.EnableTerminationProtection, true, 'termination protection was not turned off');
    for (const [, child] of await nestedStacks(target, root!.StackId))
      assert.equal((await describeStack(target, child))?.StackStatus, 'CREATE_COMPLETE', 'every layer is still there');
    assert.equal((await database(id))?.DBInstanceIdentifier, id, 'the database is still there');

    const off = await deployPlatform(protectedFixture({ DeletionProtection: 'false' }));
    assert.equal(off.status, 'UPDATE_COMPLETE', lines.slice(-10).join('\n'));
    const result = await destroyProd();
    assert.equal(result.status, 'DELETE_COMPLETE');
  });
});
