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
import { aws, awsText } from '../scripts/lib/aws.js';
import { deployPlatform, DeployFailedError, type DeployOptions } from '../scripts/lib/deploy/deploy.js';
import { destroyPlatform } from '../scripts/lib/deploy/destroy.js';
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

const options = (values: Record<string, string>): DeployOptions => ({
  env: 'prod',
  target,
  stackName: STACK,
  templatesDir: join(ROOT, 'test', 'fixtures', 'deploy', 'small'),
  parametersFile: parameters(Object.values(values).join('-').replace(/[^a-z0-9-]/gi, '_'), { Environment: 'prod', ...values }),
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
    const root = describeStack(target, STACK)!;
    assert.equal(root.EnableTerminationProtection, true);
    const layer = nestedStacks(target, root.StackId).get('LayerStack')!;
    const layerPolicy = JSON.parse(aws(target, ['cloudformation', 'get-stack-policy', '--stack-name', layer]).StackPolicyBody);
    assert.deepEqual(layerPolicy.Statement[1], { Effect: 'Deny', Action: ['Update:Replace', 'Update:Delete'], Principal: '*', Resource: ['LogicalResourceId/KeptLogGroup'] });
    const rootPolicy = JSON.parse(aws(target, ['cloudformation', 'get-stack-policy', '--stack-name', root.StackId]).StackPolicyBody);
    assert.deepEqual(rootPolicy.Statement[1].Resource, ['LogicalResourceId/LayerStack']);
  });

  test('an update that would replace the retained log group is denied by the stack policy and rolls back', async () => {
    const failed = await deployPlatform(options({ SubnetCidr: '10.50.1.0/24', Label: 'second' })).catch((error: unknown) => error);
    assert.ok(failed instanceof DeployFailedError, String(failed));
    assert.equal(failed.status, 'UPDATE_ROLLBACK_COMPLETE');
    assert.equal(failed.failure?.logicalId, 'KeptLogGroup');
    assert.match(failed.failure?.reason ?? '', /Action denied by stack policy: .*\[Update:Replace\] for resource \[LogicalResourceId\/KeptLogGroup\]/);
    assert.deepEqual(outputsOf(describeStack(target, STACK)), outputs);
  });

  test('an update of what holds no data goes through', async () => {
    const result = await deployPlatform(options({ SubnetCidr: '10.50.3.0/24', Label: 'first' }));
    assert.equal(result.status, 'UPDATE_COMPLETE');
    assert.notEqual(result.outputs.SubnetId, outputs.SubnetId, 'the subnet was replaced');
  });

  test('destroy: refused without CONFIRM=prod (even typed on a terminal); the API refuses a protected stack; CONFIRM=prod deletes it', async () => {
    await assert.rejects(destroyPlatform({ env: 'prod', target, stackName: STACK, ask: async () => 'prod', log: () => {} }), (e: unknown) => e instanceof DeployInputError && /CONFIRM=prod/.test(e.message));
    const direct = awsText(target, ['cloudformation', 'delete-stack', '--stack-name', STACK]);
    assert.notEqual(direct.status, 0);
    assert.match(direct.stderr, /cannot be deleted while TerminationProtection is enabled/);
    const result = await destroyPlatform({ env: 'prod', target, stackName: STACK, confirm: 'prod', log: (line) => lines.push(line), pollMs: 300 });
    assert.equal(result.status, 'DELETE_COMPLETE');
    assert.ok(lines.some((line) => /turning termination protection off/.test(line)), 'destroy says it turns termination protection off');
  });
});
