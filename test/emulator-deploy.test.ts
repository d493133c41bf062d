// The whole platform (whatever generated/ holds: the root and every layer) deployed to the local
// emulator with the dev parameter file (its DR region set to ca-central-1, so the DR vault stack
// is deployed there first): CREATE_COMPLETE with every root output, a no-op redeploy, a parameter
// change that adds a conditional NAT gateway (UPDATE_COMPLETE, and the emulator's EC2 really has
// it), switching the database to Multi-AZ (in place, the prediction agrees), renaming the
// database (refused by the gate, nothing deleted; allowed by name, CloudFormation itself refuses
// a second instance with the same identifier and rolls back; with a new identifier it goes
// through), then destroy, which keeps exactly the retained resources, and destroy + deploy again
// (DELETE_RETAINED). Regions eu-central-2 and ca-central-1 are this file's own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTemplate } from '../templates-src/core/yaml.js';
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeNatGatewaysCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClients } from '../scripts/lib/aws.js';
import { drVaultStackName } from '../scripts/lib/deploy/dr-vault.js';
import { DeployBlockedError, deployPlatform, DeployFailedError, type DeployOptions } from '../scripts/lib/deploy/deploy.js';
import { destroyPlatform } from '../scripts/lib/deploy/destroy.js';
import { emulatorTarget, ensureEmulator, forgetRegion } from '../scripts/lib/deploy/emulator.js';
import { describeStack, nestedStacks } from '../scripts/lib/deploy/stacks.js';
import { GENERATED_PARAMETERS, GENERATED_TEMPLATES } from '../scripts/lib/paths.js';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

const REGION = 'eu-central-2';
const DR_REGION = 'ca-central-1';
const STACK = 'payment-platform-dev';
const target = emulatorTarget(REGION);
const clients = awsClients(target);
const work = mkdtempSync(join(tmpdir(), 'emulator-deploy-'));
const root = parseTemplate(readFileSync(join(GENERATED_TEMPLATES, 'root.yaml'), 'utf8'), 'root.yaml') as {
  Resources: Record<string, { Type: string }>;
  Outputs?: Record<string, unknown>;
  Parameters: Record<string, { AllowedValues?: unknown[] }>;
};
const layers = Object.entries(root.Resources)
  .filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack')
  .map(([id]) => id)
  .sort();
const devParameters = JSON.parse(readFileSync(join(GENERATED_PARAMETERS, 'dev.json'), 'utf8')) as { ParameterKey: string; ParameterValue: string }[];
/** Where the root reads the DR region (DrRegionParameter's default): each account fills it per region. */
const DR_REGION_SSM = String((root.Parameters.DrRegionParameter as { Default?: unknown }).Default);
const lines: string[] = [];

function layerTemplates(): { Resources: Record<string, { Type: string; Condition?: string }> }[] {
  return readdirSync(GENERATED_TEMPLATES)
    .filter((name) => name !== 'root.yaml' && readFileSync(join(GENERATED_TEMPLATES, 'root.yaml'), 'utf8').includes(`TemplateURL: ${name}`))
    .map((name) => parseTemplate(readFileSync(join(GENERATED_TEMPLATES, name), 'utf8'), name) as never);
}

function parameterFile(name: string, changes: Record<string, string> = {}): string {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(devParameters.map((p) => (p.ParameterKey in changes ? { ...p, ParameterValue: changes[p.ParameterKey] } : p))));
  return file;
}

const options = (overrides: Partial<DeployOptions> = {}): DeployOptions => ({
  env: 'dev',
  target,
  parametersFile: parameterFile('dev'),
  outDir: join(work, 'packaged'),
  log: (line) => lines.push(line),
  pollMs: 500,
  ...overrides,
});

async function natGateways(vpcId: string): Promise<number> {
  const answer = await clients.of(EC2Client).send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  return (answer.NatGateways ?? []).filter((n) => n.State === 'available').length;
}

/** generated/templates with the database's logical ID renamed (and, when given, its DBInstanceIdentifier changed). */
function renamedDatabase(name: string, identifier?: string): string {
  const dir = join(work, name);
  cpSync(GENERATED_TEMPLATES, dir, { recursive: true });
  let text = readFileSync(join(dir, 'database.yaml'), 'utf8')
    .replace(/^ {2}Database:$/m, '  PaymentsDatabase:')
    .replace(/(!Ref |!GetAtt )Database\b/g, '$1PaymentsDatabase');
  if (identifier) text = text.replace(/DBInstanceIdentifier: !Sub payment-db-\$\{Environment\}/, `DBInstanceIdentifier: !Sub ${identifier}-\${Environment}`);
  writeFileSync(join(dir, 'database.yaml'), text);
  return dir;
}

async function databases(): Promise<string[]> {
  return ((await clients.of(RDSClient).send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((d) => d.DBInstanceIdentifier ?? '').sort();
}

before(async () => {
  ensureEmulator();
  await forgetRegion(target); // a rerun on a running emulator starts from nothing too
  await forgetRegion(emulatorTarget(DR_REGION));
  // This account copies its backups to DR_REGION (as a real account would keep in SSM).
  await clients.of(SSMClient).send(new PutParameterCommand({ Name: DR_REGION_SSM, Type: 'String', Value: DR_REGION, Overwrite: true }));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe(`the whole platform (${layers.length} layers) on the emulator`, () => {
  let outputs: Record<string, string> = {};

  test('deploy: CREATE_COMPLETE, every layer created, every root output given', async () => {
    const result = await deployPlatform(options());
    assert.equal(result.status, 'CREATE_COMPLETE', lines.slice(-20).join('\n'));
    const nested = await nestedStacks(target, (await describeStack(target, STACK))!.StackId);
    assert.deepEqual([...nested.keys()].sort(), layers);
    for (const [layer, id] of nested) assert.equal((await describeStack(target, id))?.StackStatus, 'CREATE_COMPLETE', layer);
    // The DR vault stack, in the DR region, before the root; the progress count ends where it said.
    assert.deepEqual(
      result.before.map((b) => [b.stackName, b.region, b.status]),
      [[drVaultStackName('dev'), DR_REGION, 'CREATE_COMPLETE']],
    );
    assert.ok(lines.findIndex((l) => l.includes(drVaultStackName('dev'))) < lines.findIndex((l) => l.includes('packaged:')), 'the vault is deployed before the root');
    const progress = lines.map((l) => /^\d\d:\d\d:\d\d \[ *(\d+)\/(\d+)\] /.exec(l)).filter((m) => m !== null);
    const counted = Math.max(...progress.map((m) => Number(m[1])));
    assert.equal(String(counted), progress.at(-1)![2], `the progress count reaches its total: ${progress.at(-1)![0]}`);
    for (const name of Object.keys(root.Outputs ?? {})) assert.ok(result.outputs[name], `root output ${name} has a value`);
    outputs = result.outputs;
  });

  test('what the launcher models is really there: secrets with generated values, alarms, bucket policies', async () => {
    const declared = (type: string): number =>
      layerTemplates().reduce((count, template) => count + Object.values(template.Resources).filter((r) => r.Type === type && !r.Condition).length, 0);
    const secrets = (await clients.of(SecretsManagerClient).send(new ListSecretsCommand({}))).SecretList ?? [];
    assert.ok(secrets.length >= declared('AWS::SecretsManager::Secret'), `${secrets.length} secrets for ${declared('AWS::SecretsManager::Secret')} declared`);
    for (const secret of secrets)
      assert.ok((await clients.of(SecretsManagerClient).send(new GetSecretValueCommand({ SecretId: secret.ARN }))).SecretString, `${secret.ARN} has a value`);
    const alarms = (await clients.of(CloudWatchClient).send(new DescribeAlarmsCommand({}))).MetricAlarms ?? [];
    assert.ok(alarms.length >= declared('AWS::CloudWatch::Alarm'), `${alarms.length} alarms for ${declared('AWS::CloudWatch::Alarm')} declared`);
    if (outputs.DataBucketName && declared('AWS::S3::BucketPolicy') > 0) {
      const policy = JSON.parse((await clients.s3().send(new GetBucketPolicyCommand({ Bucket: outputs.DataBucketName }))).Policy ?? '{}');
      assert.ok(policy.Statement.length > 0, 'the data bucket has a policy');
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
    const before = await natGateways(outputs.VpcId);
    const result = await deployPlatform(options({ parametersFile: parameterFile('dev-nat', { NatGatewayCount: next }) }));
    assert.equal(result.status, 'UPDATE_COMPLETE', lines.slice(-20).join('\n'));
    assert.equal(before, Number(current));
    assert.equal(await natGateways(outputs.VpcId), Number(next));
    assert.equal(result.outputs.VpcId, outputs.VpcId, 'the VPC is updated in place, not replaced');
    devParameters.splice(0, devParameters.length, ...devParameters.map((p) => (p.ParameterKey === 'NatGatewayCount' ? { ...p, ParameterValue: next } : p)));
  });

  test('switching the database to Multi-AZ: in place, nothing blocks, the prediction agrees with CloudFormation', async () => {
    const multiAz = devParameters.find((p) => p.ParameterKey === 'DbMultiAz');
    if (!multiAz || multiAz.ParameterValue === 'true') return;
    const before = await databases();
    const result = await deployPlatform(options({ parametersFile: parameterFile('dev-multi-az', { DbMultiAz: 'true' }) }));
    assert.equal(result.status, 'UPDATE_COMPLETE', lines.slice(-20).join('\n'));
    assert.deepEqual(result.gate?.blocked, []);
    assert.ok(
      result.gate?.changes.some((c) => c.logicalId === 'Database' && c.effect === 'updated in place'),
      'the change set modifies Database in place',
    );
    assert.deepEqual(
      result.disagreements?.filter((d) => d.logicalId === 'Database'),
      [],
      'the prediction says in place too',
    );
    assert.deepEqual(await databases(), before, 'the same instance');
    devParameters.splice(0, devParameters.length, ...devParameters.map((p) => (p.ParameterKey === 'DbMultiAz' ? { ...p, ParameterValue: 'true' } : p)));
  });

  test('renaming the database: refused by the gate and nothing is deleted; allowed by name, CloudFormation refuses the duplicate identifier; with a new identifier it goes through', async () => {
    const before = await databases();
    const renamed = renamedDatabase('renamed');
    const blocked = await deployPlatform(options({ templatesDir: renamed })).catch((e: unknown) => e);
    assert.ok(blocked instanceof DeployBlockedError, blocked instanceof Error ? blocked.stack : JSON.stringify(blocked));
    assert.deepEqual(
      blocked.gate.blocked.map((f) => [f.template, f.logicalId]),
      [['database.yaml', 'Database']],
    );
    assert.ok(
      lines.some((l) => /Add +PaymentsDatabase +AWS::RDS::DBInstance/.test(l)),
      "the layer's changes are shown, not one Modify DatabaseStack",
    );
    assert.equal((await describeStack(target, STACK))?.StackStatus, 'UPDATE_COMPLETE', 'nothing was executed');
    assert.deepEqual(await databases(), before, 'nothing was deleted');

    // Allowed, but the new instance would take the identifier the old one holds: RDS refuses (as in AWS).
    const failed = await deployPlatform(options({ templatesDir: renamed, allowReplace: 'database.yaml:Database' })).catch((e: unknown) => e);
    assert.ok(failed instanceof DeployFailedError && !(failed instanceof DeployBlockedError), String(failed));
    assert.equal(failed.status, 'UPDATE_ROLLBACK_COMPLETE');
    assert.equal(failed.failure?.logicalId, 'PaymentsDatabase');
    assert.match(failed.failure?.reason ?? '', /already exists/i);
    assert.deepEqual(await databases(), before, 'the old database is still there');

    const result = await deployPlatform(options({ templatesDir: renamedDatabase('renamed-new-id', 'payment-ledger'), allowReplace: 'PaymentsDatabase' }));
    assert.equal(result.status, 'UPDATE_COMPLETE', lines.slice(-20).join('\n'));
    assert.deepEqual(
      result.gate?.findings.map((f) => [f.logicalId, f.allowedBy]),
      [['Database', 'PaymentsDatabase']],
    );
    assert.deepEqual(await databases(), ['payment-ledger-dev']);
    // Back to the project's templates: the original name again (allowed), so the rest runs on generated/.
    const back = await deployPlatform(options({ allowReplace: 'PaymentsDatabase,Database' }));
    assert.equal(back.status, 'UPDATE_COMPLETE', lines.slice(-20).join('\n'));
    outputs = back.outputs;
  });

  test('destroy + deploy again (DELETE_RETAINED=1: what destroy kept is deleted too, listed and confirmed): CREATE_COMPLETE', async () => {
    const cleaned = await destroyPlatform({
      env: 'dev',
      target,
      confirm: 'dev',
      deleteRetained: true,
      parametersFile: parameterFile('dev'),
      log: (line) => lines.push(line),
      pollMs: 500,
    });
    assert.equal(cleaned.status, 'DELETE_COMPLETE', lines.slice(-20).join('\n'));
    assert.ok(
      cleaned.removed.some((r) => r.resource.resourceType === 'AWS::Logs::LogGroup' && r.deleted),
      'the retained log groups were deleted',
    );
    assert.deepEqual(
      cleaned.removed.filter((r) => !r.deleted && r.note.startsWith('not deleted')).map((r) => r.note),
      [],
      'every deletion went through',
    );
    const again = await deployPlatform(options());
    assert.equal(again.status, 'CREATE_COMPLETE', lines.slice(-20).join('\n'));
    outputs = again.outputs;
  });

  test('destroy (CONFIRM=dev): DELETE_COMPLETE, the DR vault stack too; the retained resources stay, the rest is gone', async () => {
    const result = await destroyPlatform({ env: 'dev', target, confirm: 'dev', parametersFile: parameterFile('dev'), log: (line) => lines.push(line), pollMs: 500 });
    assert.equal(result.status, 'DELETE_COMPLETE', lines.slice(-20).join('\n'));
    assert.equal(await describeStack(target, STACK), undefined);
    assert.equal(await describeStack(target, drVaultStackName('dev'), DR_REGION), undefined, 'the DR vault stack is deleted too');
    const keys = result.kept.filter((k) => k.resourceType === 'AWS::KMS::Key');
    assert.ok(keys.length > 0, 'the KMS keys are retained');
    for (const key of keys)
      assert.equal(
        (
          await awsClients(target)
            .of(KMSClient, key.region)
            .send(new DescribeKeyCommand({ KeyId: key.physicalId }))
        ).KeyMetadata?.KeyId,
        key.physicalId,
      );
    if (outputs.VpcId) {
      const vpcs = ((await clients.of(EC2Client).send(new DescribeVpcsCommand({}))).Vpcs ?? []).map((v) => v.VpcId);
      assert.ok(!vpcs.includes(outputs.VpcId), 'the VPC is deleted');
    }
    // What moto's own models would leave behind is gone too (the launcher's deletions).
    assert.deepEqual((await clients.of(ElasticLoadBalancingV2Client).send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [], []);
    assert.deepEqual((await clients.of(APIGatewayClient).send(new GetRestApisCommand({}))).items ?? [], []);
    assert.deepEqual((await clients.of(ECSClient).send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }))).taskDefinitionArns ?? [], []);
  });
});
