// The whole platform (whatever generated/ holds: the root and every layer) deployed to the local
// emulator with the dev parameter file: CREATE_COMPLETE with every root output, a no-op redeploy,
// a parameter change that adds a conditional NAT gateway (UPDATE_COMPLETE, and the emulator's EC2
// really has it), then destroy, which keeps exactly the retained resources. Region eu-central-2
// is this file's own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTemplate } from '../templates-src/core/yaml.js';
import { aws } from '../scripts/lib/aws.js';
import { deployPlatform, type DeployOptions } from '../scripts/lib/deploy/deploy.js';
import { destroyPlatform } from '../scripts/lib/deploy/destroy.js';
import { emulatorTarget, ensureEmulator, forgetRegion } from '../scripts/lib/deploy/emulator.js';
import { describeStack, nestedStacks } from '../scripts/lib/deploy/stacks.js';
import { GENERATED_PARAMETERS, GENERATED_TEMPLATES } from '../scripts/lib/paths.js';

const REGION = 'eu-central-2';
const STACK = 'payment-platform-dev';
const target = emulatorTarget(REGION);
const work = mkdtempSync(join(tmpdir(), 'emulator-deploy-'));
const root = parseTemplate(readFileSync(join(GENERATED_TEMPLATES, 'root.yaml'), 'utf8'), 'root.yaml') as {
  Resources: Record<string, { Type: string }>;
  Outputs?: Record<string, unknown>;
  Parameters: Record<string, { AllowedValues?: unknown[] }>;
};
const layers = Object.entries(root.Resources).filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack').map(([id]) => id).sort();
const devParameters = JSON.parse(readFileSync(join(GENERATED_PARAMETERS, 'dev.json'), 'utf8')) as { ParameterKey: string; ParameterValue: string }[];
const lines: string[] = [];

function layerTemplates(): { Resources: Record<string, { Type: string; Condition?: string }> }[] {
  return readdirSync(GENERATED_TEMPLATES)
    .filter((name) => name !== 'root.yaml' && readFileSync(join(GENERATED_TEMPLATES, 'root.yaml'), 'utf8').includes(`TemplateURL: ${name}`))
    .map((name) => parseTemplate(readFileSync(join(GENERATED_TEMPLATES, name), 'utf8'), name) as never);
}

const options = (overrides: Partial<DeployOptions> = {}): DeployOptions => ({ env: 'dev', target, outDir: join(work, 'packaged'), log: (line) => lines.push(line), pollMs: 500, ...overrides });

function natGateways(vpcId: string): number {
  const answer = aws<{ NatGateways: { State: string }[] }>(target, ['ec2', 'describe-nat-gateways', '--filter', `Name=vpc-id,Values=${vpcId}`]);
  return answer.NatGateways.filter((n) => n.State === 'available').length;
}

before(async () => {
  ensureEmulator();
  await forgetRegion(target); // a rerun on a running emulator starts from nothing too
});
after(() => rmSync(work, { recursive: true, force: true }));

describe(`the whole platform (${layers.length} layers) on the emulator`, () => {
  let outputs: Record<string, string> = {};

  test('deploy: CREATE_COMPLETE, every layer created, every root output given', async () => {
    const result = await deployPlatform(options());
    assert.equal(result.status, 'CREATE_COMPLETE', lines.slice(-20).join('\n'));
    const nested = nestedStacks(target, describeStack(target, STACK)!.StackId);
    assert.deepEqual([...nested.keys()].sort(), layers);
    for (const [layer, id] of nested) assert.equal(describeStack(target, id)?.StackStatus, 'CREATE_COMPLETE', layer);
    for (const name of Object.keys(root.Outputs ?? {})) assert.ok(result.outputs[name], `root output ${name} has a value`);
    outputs = result.outputs;
  });

  test('what the launcher models is really there: secrets with generated values, alarms, bucket policies', () => {
    const declared = (type: string): number =>
      layerTemplates().reduce((count, template) => count + Object.values(template.Resources).filter((r) => r.Type === type && !r.Condition).length, 0);
    const secrets = aws<{ SecretList: { ARN: string }[] }>(target, ['secretsmanager', 'list-secrets']).SecretList;
    assert.ok(secrets.length >= declared('AWS::SecretsManager::Secret'), `${secrets.length} secrets for ${declared('AWS::SecretsManager::Secret')} declared`);
    for (const secret of secrets) assert.ok(aws(target, ['secretsmanager', 'get-secret-value', '--secret-id', secret.ARN]).SecretString, `${secret.ARN} has a value`);
    const alarms = aws<{ MetricAlarms: unknown[] }>(target, ['cloudwatch', 'describe-alarms']).MetricAlarms;
    assert.ok(alarms.length >= declared('AWS::CloudWatch::Alarm'), `${alarms.length} alarms for ${declared('AWS::CloudWatch::Alarm')} declared`);
    if (outputs.DataBucketName && declared('AWS::S3::BucketPolicy') > 0) {
      const policy = JSON.parse(aws(target, ['s3api', 'get-bucket-policy', '--bucket', outputs.DataBucketName]).Policy);
      assert.ok(policy.Statement.length > 0, 'the stack policy has statements');
    }
  });

  test('deploy again, unchanged: nothing uploaded, nothing executed', async () => {
    const result = await deployPlatform(options());
    assert.equal(result.changed, false);
    assert.deepEqual(result.uploaded, []);
    assert.deepEqual(result.outputs, outputs);
  });

  test('a parameter change (NatGatewayCount) updates the stack and the conditional NAT gateway really appears', async (t) => {
    const allowed = (root.Parameters.NatGatewayCount?.AllowedValues ?? []).map(String);
    const current = devParameters.find((p) => p.ParameterKey === 'NatGatewayCount')?.ParameterValue;
    const next = allowed.find((value) => value !== current);
    if (!outputs.VpcId || !current || !next) return t.skip('the platform has no NatGatewayCount parameter or VpcId output');
    const before = natGateways(outputs.VpcId);
    const file = join(work, 'dev-nat.json');
    writeFileSync(file, JSON.stringify(devParameters.map((p) => (p.ParameterKey === 'NatGatewayCount' ? { ...p, ParameterValue: next } : p))));
    const result = await deployPlatform(options({ parametersFile: file }));
    assert.equal(result.status, 'UPDATE_COMPLETE', lines.slice(-20).join('\n'));
    assert.equal(before, Number(current));
    assert.equal(natGateways(outputs.VpcId), Number(next));
    assert.equal(result.outputs.VpcId, outputs.VpcId, 'the VPC is updated in place, not replaced');
  });

  test('destroy (CONFIRM=dev): DELETE_COMPLETE; the retained resources stay, the rest is gone', async () => {
    const result = await destroyPlatform({ env: 'dev', target, confirm: 'dev', log: (line) => lines.push(line), pollMs: 500 });
    assert.equal(result.status, 'DELETE_COMPLETE', lines.slice(-20).join('\n'));
    assert.equal(describeStack(target, STACK), undefined);
    const keys = result.kept.filter((k) => k.resourceType === 'AWS::KMS::Key');
    assert.ok(keys.length > 0, 'the KMS keys are retained');
    for (const key of keys) assert.equal(aws(target, ['kms', 'describe-key', '--key-id', key.physicalId]).KeyMetadata.KeyId, key.physicalId);
    if (outputs.VpcId) {
      const vpcs = aws<{ Vpcs: { VpcId: string }[] }>(target, ['ec2', 'describe-vpcs']).Vpcs.map((v) => v.VpcId);
      assert.ok(!vpcs.includes(outputs.VpcId), 'the VPC is deleted');
    }
    // What moto's own models would leave behind is gone too (the launcher's deletions).
    assert.deepEqual(aws(target, ['elbv2', 'describe-target-groups']).TargetGroups, []);
    assert.deepEqual(aws(target, ['apigateway', 'get-rest-apis']).items, []);
    assert.deepEqual(aws(target, ['ecs', 'list-task-definitions', '--status', 'ACTIVE']).taskDefinitionArns, []);
  });
});
