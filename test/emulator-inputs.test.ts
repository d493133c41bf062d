// Bad input to make deploy: each gives its clear error before anything is uploaded or deployed.
// "Nothing changed" is checked on the emulator itself: region me-central-1 (this file's own) has no
// artifact bucket, no stack and no certificate afterwards.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { awsClients, AwsTargetError, resolveTarget } from '../scripts/lib/aws.js';
import { deployPlatform, type DeployOptions } from '../scripts/lib/deploy/deploy.js';
import { destroyPlatform, confirmDestroy } from '../scripts/lib/deploy/destroy.js';
import { emulatorTarget, ensureEmulator, forgetRegion } from '../scripts/lib/deploy/emulator.js';
import { checkEnvironment, DeployInputError, readParameterFile, readRootTemplate } from '../scripts/lib/deploy/inputs.js';
import { GENERATED_PARAMETERS, GENERATED_TEMPLATES } from '../scripts/lib/paths.js';

const REGION = 'me-central-1';
const target = emulatorTarget(REGION);
const work = mkdtempSync(join(tmpdir(), 'emulator-inputs-'));
const devParameters = JSON.parse(readFileSync(join(GENERATED_PARAMETERS, 'dev.json'), 'utf8')) as { ParameterKey: string; ParameterValue: string }[];

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

function withValue(key: string, value: string): string {
  return file(`${key}.json`, JSON.stringify(devParameters.map((p) => (p.ParameterKey === key ? { ...p, ParameterValue: value } : p))));
}

const deploy = (overrides: Partial<DeployOptions>): Promise<unknown> =>
  deployPlatform({ env: 'dev', target, stackName: 'inputs-never-created', outDir: join(work, 'packaged'), log: () => {}, ...overrides });

async function assertNothingChanged(): Promise<void> {
  const clients = awsClients(target);
  const buckets = ((await clients.s3().send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? '');
  assert.ok(!buckets.some((name) => name.endsWith(`-${REGION}`)), `no artifact bucket for ${REGION}: ${buckets.join(', ')}`);
  assert.deepEqual((await clients.cloudformation().send(new ListStacksCommand({}))).StackSummaries ?? [], [], 'no stack was created');
  assert.deepEqual((await clients.of(ACMClient).send(new ListCertificatesCommand({}))).CertificateSummaryList ?? [], [], 'no certificate was requested');
}

before(async () => {
  ensureEmulator();
  await forgetRegion(target); // a rerun on a running emulator starts from nothing too
});

describe('make deploy refuses bad input before any change', () => {
  test('an unknown ENV', async () => {
    assert.throws(() => checkEnvironment('qa'), /ENV=qa: unknown environment; allowed: dev, staging, prod/);
    await assert.rejects(deploy({ env: 'qa' }), (e: unknown) => e instanceof DeployInputError && /ENV=qa/.test(e.message));
    await assertNothingChanged();
  });

  test('a missing parameter file', async () => {
    await assert.rejects(
      deploy({ parametersFile: join(work, 'absent.json') }),
      (e: unknown) => e instanceof DeployInputError && /absent\.json: parameter file not found/.test(e.message),
    );
    await assertNothingChanged();
  });

  test('a malformed parameter file: not JSON, not the CloudFormation shape', async () => {
    await assert.rejects(
      deploy({ parametersFile: file('broken.json', '[{"ParameterKey": "Environment",') }),
      (e: unknown) => e instanceof DeployInputError && /broken\.json: not valid JSON/.test(e.message),
    );
    await assert.rejects(
      deploy({ parametersFile: file('object.json', '{"Environment": "dev"}') }),
      (e: unknown) => e instanceof DeployInputError && /object\.json: must be a JSON array/.test(e.message),
    );
    await assert.rejects(
      deploy({ parametersFile: file('number.json', '[{"ParameterKey": "NatGatewayCount", "ParameterValue": 2}]') }),
      (e: unknown) => e instanceof DeployInputError && /number\.json: \[0\]\.ParameterValue \(NatGatewayCount\): must be a string/.test(e.message),
    );
    await assertNothingChanged();
  });

  test('a key the root template does not declare', async () => {
    const path = file('unknown.json', JSON.stringify([...devParameters, { ParameterKey: 'VpcCidrr', ParameterValue: '10.0.0.0/16' }]));
    await assert.rejects(
      deploy({ parametersFile: path }),
      (e: unknown) => e instanceof DeployInputError && /unknown\.json: \[\d+\] VpcCidrr: unknown parameter; the template declares: /.test(e.message),
    );
    await assertNothingChanged();
  });

  test('a value that breaks AllowedPattern, one that breaks AllowedValues', async () => {
    await assert.rejects(
      deploy({ parametersFile: withValue('VpcCidr', '10.0.0.0/8') }),
      (e: unknown) => e instanceof DeployInputError && /VpcCidr\.json: \[\d+\] VpcCidr: "10\.0\.0\.0\/8" does not match the pattern .*private \/16/.test(e.message),
    );
    await assert.rejects(
      deploy({ parametersFile: withValue('NatGatewayCount', '5') }),
      (e: unknown) => e instanceof DeployInputError && /NatGatewayCount: "5" is not allowed; allowed values: 1, 2, 3/.test(e.message),
    );
    await assertNothingChanged();
  });

  test('TARGET=aws without credentials: refused before any AWS call that changes anything', async () => {
    const noCredentials = resolveTarget({
      PATH: process.env.PATH,
      HOME: work,
      TARGET: 'aws',
      AWS_REGION: REGION,
      AWS_CONFIG_FILE: join(work, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    await assert.rejects(deploy({ target: noCredentials }), (e: unknown) => e instanceof AwsTargetError && /TARGET=aws needs credentials/.test(e.message));
    await assert.rejects(destroyPlatform({ env: 'dev', target: noCredentials, confirm: 'dev', log: () => {} }), AwsTargetError);
    await assertNothingChanged();
  });

  test('the real parameter files pass the same checks', () => {
    const root = readRootTemplate(GENERATED_TEMPLATES);
    for (const env of ['dev', 'staging', 'prod'])
      assert.ok(readParameterFile(join(GENERATED_PARAMETERS, `${env}.json`), root).size > 0, `generated/parameters/${env}.json gives values`);
  });
});

describe('make destroy asks before deleting', () => {
  test('prod needs CONFIRM=prod, even on a terminal', async () => {
    await assert.rejects(
      confirmDestroy('prod', 'payment-platform-prod', undefined, async () => 'prod'),
      /refusing to destroy prod .* without CONFIRM=prod/,
    );
    await confirmDestroy('prod', 'payment-platform-prod', 'prod', undefined);
  });

  test('no terminal and no CONFIRM: refused; a terminal answer must be the environment name', async () => {
    await assert.rejects(confirmDestroy('dev', 'payment-platform-dev', undefined, undefined), /no terminal to ask for confirmation; run with CONFIRM=dev/);
    await assert.rejects(
      confirmDestroy('dev', 'payment-platform-dev', undefined, async () => 'yes'),
      /not confirmed/,
    );
    await confirmDestroy('dev', 'payment-platform-dev', undefined, async () => 'dev');
  });
});
