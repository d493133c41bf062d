// generated/ must match the sources byte for byte, and environment files are checked against
// the root template's parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderAll, renderParameterFile } from '../scripts/lib/render.js';
import { GENERATED } from '../scripts/lib/paths.js';
import { buildPlatform } from '../templates-src/platform.js';

test('generated/ matches the sources (run make build and commit)', () => {
  const files = renderAll();
  for (const [path, text] of files) {
    assert.equal(readFileSync(join(GENERATED, path), 'utf8'), text, `generated/${path} is stale: run make build`);
  }
  for (const dir of ['templates', 'parameters', 'standalone', 'stacksets']) {
    for (const name of readdirSync(join(GENERATED, dir))) assert.ok(files.has(`${dir}/${name}`), `generated/${dir}/${name} is not produced by the sources`);
  }
});

test('two builds give byte-identical output', () => {
  const a = renderAll();
  const b = renderAll();
  assert.deepEqual([...a.entries()], [...b.entries()]);
});

test('an environment file with an unknown parameter or a disallowed value is a build error naming file and path', () => {
  const { root } = buildPlatform();
  assert.throws(
    () => renderParameterFile(root, { Environment: 'dev', NatGatewaysCount: 1 }, 'templates-src/environments/dev.ts'),
    /templates-src\/environments\/dev\.ts: NatGatewaysCount: unknown parameter; the template declares: .*NatGatewayCount/,
  );
  assert.throws(
    () => renderParameterFile(root, { Environment: 'qa' }, 'templates-src/environments/qa.ts'),
    /templates-src\/environments\/qa\.ts: Environment: "qa" is not allowed; allowed values: dev, staging, prod/,
  );
  assert.throws(
    () => renderParameterFile(root, { Environment: 'dev', VpcCidr: '10.0.0.0/24' }, 'f.ts'),
    /f\.ts: VpcCidr: "10\.0\.0\.0\/24" does not match the pattern .* \(must be a private \/16/,
  );
  assert.throws(() => renderParameterFile(root, { VpcCidr: '10.1.0.0/16' }, 'f.ts'), /f\.ts: Environment: required \(the parameter has no default\)/);
});

test('the root declares every layer parameter that is not wired, and wires the rest from outputs', () => {
  const { root, layers } = buildPlatform();
  const network = layers.find((l) => l.name === 'network')!;
  assert.ok(root.parameterNames.includes('VpcCidr'), 'the root declares VpcCidr');
  assert.ok(!root.parameterNames.includes('LogsKeyArn'), 'LogsKeyArn comes from the kms layer, not from the user');
  assert.ok(network.parameterNames.includes('LogsKeyArn'), 'the network layer declares LogsKeyArn');
});

test('the build evaluates the template rules on every parameter file: staging and prod need an alarm subscriber and a central log archive', () => {
  const { root } = buildPlatform();
  const rules = root.render().Rules as Record<string, unknown>;
  assert.ok(rules.ObservabilityAlarmSubscriberOutsideDev && rules.AuditCentralLogArchiveOutsideDev, `root rules: ${Object.keys(rules).join(', ')}`);
  const staging = {
    Environment: 'staging',
    BackendHostname: 'backend.staging.payments.example.com',
    ApiDomainName: 'api.staging.payments.example.com',
    MtlsTruststoreUri: 's3://pki/ca.pem',
    ContainerImageDigest: `sha256:${'0'.repeat(64)}`,
    XRayDaemonImageDigest: `sha256:${'0'.repeat(64)}`,
  };
  assert.throws(() => renderParameterFile(root, staging, 'staging.ts'), /staging\.ts: Rules\.ObservabilityAlarmSubscriberOutsideDev: staging and prod need AlarmEmail/);
  assert.throws(
    () => renderParameterFile(root, { ...staging, AlarmEmail: 'oncall@example.com' }, 'staging.ts'),
    /staging\.ts: Rules\.AuditCentralLogArchiveOutsideDev: staging and prod need LogArchiveBucketArn/,
  );
  const archive = {
    LogArchiveBucketArn: 'arn:aws:s3:::log-archive',
    LogArchiveAccountId: '999988887777',
    LogArchiveKmsKeyArn: `arn:aws:kms:us-east-1:999988887777:key/${'9'.repeat(8)}-9999-4999-8999-${'9'.repeat(12)}`,
  };
  assert.doesNotThrow(() => renderParameterFile(root, { ...staging, ...archive, AlarmEmail: 'oncall@example.com' }, 'staging.ts'));
  assert.throws(
    () => renderParameterFile(root, { ...staging, Environment: 'prod', AlarmEmail: 'oncall@example.com' }, 'prod.ts'),
    /prod\.ts: Rules\.AuditCentralLogArchiveOutsideDev: staging and prod need LogArchiveBucketArn/,
  );
});

test('a layer parameter of an SSM parameter type is passed on by name: the root declares it as a String, the layer resolves it', () => {
  const { root, layers } = buildPlatform();
  const network = layers.find((l) => l.name === 'network')!;
  assert.equal(network.parameterSpec('S3PrefixListIdParameter')!.Type, 'AWS::SSM::Parameter::Value<String>');
  assert.equal(root.parameterSpec('S3PrefixListIdParameter')!.Type, 'String', 'a root of SSM type would pass the value, which the layer would look up as a name');
});
