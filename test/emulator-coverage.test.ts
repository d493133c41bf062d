// What the emulator models and what it only accepts, type by type, for every type of
// templates-src/resource-types.json: the launcher's coverage table is the one in docs/emulator.md,
// and a stack with one resource of every accepted-only type (plus the modelled types no layer uses
// yet, and those the launcher models on moto's services) deploys, answers every GetAtt attribute of
// the AWS specification with a value, and the launcher's models exist behind their services' APIs.
// Region il-central-1 is this file's own.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTemplate } from '../templates-src/core/yaml.js';
import { RESOURCE_INFO } from '../templates-src/spec-types/resource-info.js';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { awsClients } from '../scripts/lib/aws.js';
import { deployPlatform } from '../scripts/lib/deploy/deploy.js';
import { stackResources } from '../scripts/lib/deploy/stacks.js';
import { emulatorTarget, ensureEmulator, forgetRegion } from '../scripts/lib/deploy/emulator.js';
import { ROOT } from '../scripts/lib/paths.js';

const REGION = 'il-central-1';
const target = emulatorTarget(REGION);
const work = mkdtempSync(join(tmpdir(), 'emulator-coverage-'));
const listed = (JSON.parse(readFileSync(join(ROOT, 'templates-src', 'resource-types.json'), 'utf8')) as { types: string[] }).types;
const info = RESOURCE_INFO as Record<string, { attributes: readonly string[] }>;

function coverageTable(): string {
  const result = spawnSync(join(ROOT, '.venv', 'bin', 'python'), [join(ROOT, 'scripts', 'emulator', 'launcher.py'), '--coverage'], {
    encoding: 'utf8',
    env: { ...process.env, EMULATOR_RESOURCE_INFO: join(ROOT, '.local', 'emulator', 'resource-info.json') },
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** type -> emulation column of the table. */
function emulationByType(table: string): Map<string, string> {
  return new Map([...table.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]));
}

// Properties every placeholder may need to shape its IDs (a placeholder accepts anything else).
const PLACEHOLDER_PROPERTIES = {
  RestApiId: 'a1b2c3d4e5',
  StageName: 'v1',
  ResourceId: 'service/coverage-cluster/coverage-service',
  ScalableDimension: 'ecs:service:DesiredCount',
  ServiceNamespace: 'ecs',
  TopicArn: `arn:aws:sns:${REGION}:123456789012:coverage-topic`,
  Scope: 'REGIONAL',
  SecretId: `arn:aws:secretsmanager:${REGION}:123456789012:secret:coverage-AbCdEf`,
  ResourceArn: `arn:aws:apigateway:${REGION}::/restapis/a1b2c3d4e5/stages/v1`,
  WebACLArn: `arn:aws:wafv2:${REGION}:123456789012:regional/webacl/coverage/1`,
  Cluster: 'coverage-cluster',
  BackupPlanId: 'coverage-plan-id',
  SnsTopicName: 'coverage-trail-topic',
  Port: 6379,
};

/** Outputs for every attribute: object attributes (with sub-attributes) cannot be outputs; lists are joined. */
function attributeOutputs(logicalId: string, type: string): Record<string, unknown> {
  const attributes = info[type]?.attributes ?? [];
  const outputs: Record<string, unknown> = {};
  for (const attribute of attributes) {
    if (attributes.some((other) => other.startsWith(`${attribute}.`))) continue;
    const value = { 'Fn::GetAtt': [logicalId, attribute] };
    outputs[`${logicalId}${attribute.replace(/[^A-Za-z0-9]/g, '')}`] = {
      Value: /List$|Ips$|Zones$|Entries$|InterfaceIds$|Arns$|Blocks$|Associations$/.test(attribute) ? { 'Fn::Join': [',', value] } : value,
    };
  }
  return outputs;
}

before(async () => {
  ensureEmulator();
  await forgetRegion(target); // a rerun on a running emulator starts from nothing too
});

describe("emulator coverage of the platform's resource types", () => {
  test("docs/emulator.md has the launcher's current coverage table, and it covers every listed type", () => {
    const table = coverageTable();
    const emulation = emulationByType(table);
    for (const type of listed) assert.ok(emulation.has(type), `${type} is in the coverage table`);
    const docs = readFileSync(join(ROOT, 'docs', 'emulator.md'), 'utf8');
    assert.ok(docs.includes(table.trim()), 'docs/emulator.md is stale: run .venv/bin/python scripts/emulator/launcher.py --update-docs');
  });

  test('one resource of every accepted-only type, and the modelled types no layer uses yet: CREATE_COMPLETE, every GetAtt answered', async () => {
    const emulation = emulationByType(coverageTable());
    const placeholders = listed.filter((type) => emulation.get(type)?.startsWith('accepted only'));
    assert.ok(placeholders.length > 0, 'some types are accepted only (placeholders)');
    const modelled = parseTemplate(readFileSync(join(ROOT, 'test', 'fixtures', 'deploy', 'types', 'modelled.yaml'), 'utf8'), 'modelled.yaml') as {
      Resources: Record<string, { Type: string }>;
    };
    const resources: Record<string, unknown> = { ...modelled.Resources };
    for (const type of placeholders) resources[type.replace(/::/g, '').replace(/^AWS/, '')] = { Type: type, Properties: PLACEHOLDER_PROPERTIES };
    const outputs: Record<string, unknown> = {};
    for (const [logicalId, resource] of Object.entries(resources)) Object.assign(outputs, attributeOutputs(logicalId, (resource as { Type: string }).Type));
    assert.ok(Object.keys(outputs).length <= 200, `${Object.keys(outputs).length} outputs: over CloudFormation's 200; split the stack`);

    const dir = join(work, 'templates');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'root.yaml'),
      // JSON is YAML: CloudFormation and the packager read it as it is.
      JSON.stringify(
        {
          AWSTemplateFormatVersion: '2010-09-09',
          Parameters: { Environment: { Type: 'String', AllowedValues: ['dev', 'staging', 'prod'] } },
          Resources: resources,
          Outputs: outputs,
        },
        null,
        1,
      ),
    );
    writeFileSync(join(work, 'params.json'), JSON.stringify([{ ParameterKey: 'Environment', ParameterValue: 'dev' }]));
    const lines: string[] = [];
    const result = await deployPlatform({
      env: 'dev',
      target,
      stackName: 'coverage-types',
      templatesDir: dir,
      standaloneDir: null,
      parametersFile: join(work, 'params.json'),
      outDir: join(work, 'out'),
      log: (line) => lines.push(line),
      pollMs: 300,
    });
    assert.equal(result.status, 'CREATE_COMPLETE', lines.slice(-10).join('\n'));
    for (const name of Object.keys(outputs)) {
      const value = result.outputs[name];
      assert.ok(value !== undefined && value !== '' && !value.includes('Fn::GetAtt'), `output ${name} has a value (${value})`);
    }
    for (const type of placeholders) {
      const logicalId = type.replace(/::/g, '').replace(/^AWS/, '');
      assert.ok(
        lines.some((line) => line.includes(` ${logicalId} `) && line.includes('CREATE_COMPLETE')),
        `${type} was created`,
      );
    }

    // The types the launcher models on moto's services exist there, as their own APIs show.
    const physical = new Map((await stackResources(target, 'coverage-types')).map((r) => [r.LogicalResourceId, r.PhysicalResourceId ?? '']));
    const clients = awsClients(target);
    const topic = physical.get('Topic')!;
    const subscriptions = (await clients.of(SNSClient).send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }))).Subscriptions ?? [];
    assert.deepEqual(
      subscriptions.map((s) => [s.Protocol, s.Endpoint]),
      [['email', 'coverage@example.com']],
    );
    assert.equal(subscriptions[0]!.SubscriptionArn, physical.get('Subscription'));
    assert.match((await clients.of(SNSClient).send(new GetTopicAttributesCommand({ TopicArn: topic }))).Attributes?.Policy ?? '', /CoverageCloudWatchPublishes/);
    const filters = (await clients.of(CloudWatchLogsClient).send(new DescribeMetricFiltersCommand({ logGroupName: physical.get('Group')! }))).metricFilters ?? [];
    assert.deepEqual(
      filters.map((f) => f.metricTransformations?.[0]?.metricName),
      ['AccessDenied'],
    );
    const alarm = (await clients.of(CloudWatchClient).send(new DescribeAlarmsCommand({ AlarmNames: ['coverage-alarm'] }))).MetricAlarms?.[0];
    assert.deepEqual(alarm?.AlarmActions, [topic]);
    const secret = JSON.parse((await clients.of(SecretsManagerClient).send(new GetSecretValueCommand({ SecretId: physical.get('Secret')! }))).SecretString ?? '{}');
    assert.equal(secret.username, 'app');
    assert.match(secret.password, /^[A-Za-z0-9]{40}$/);
    assert.match((await clients.s3().send(new GetBucketPolicyCommand({ Bucket: physical.get('Bucket')! }))).Policy ?? '', /CoverageTlsOnly/);
  });
});
