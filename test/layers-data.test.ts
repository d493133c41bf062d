// Data and network half (issue 3): secrets, database, cache, storage, streaming, backup.
// Each check runs on the generated template and on a deliberately broken copy, which must fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generated, passesAndCatches, resourcesOfType, wiring, LAYERS, type CfnTemplate } from './lib/templates.js';
import { parameterValueProblem } from '../templates-src/core/parameters.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_PARAMETERS } from '../scripts/lib/paths.js';

const db = generated('database');
const cache = generated('cache');
const secrets = generated('secrets');
const storage = generated('storage');
const streaming = generated('streaming');
const backup = generated('backup');
const root = generated('root');

test('database: encrypted, private, TLS forced by its own parameter group, isolated subnets, app-tier security group', () => {
  const check = (t: CfnTemplate) => {
    const p = t.Resources.Database.Properties;
    assert.equal(p.StorageEncrypted, true);
    assert.equal(p.PubliclyAccessible, false);
    assert.equal(p.EnableIAMDatabaseAuthentication, true);
    const group = t.Resources[p.DBParameterGroupName.Ref];
    assert.equal(group.Type, 'AWS::RDS::DBParameterGroup');
    assert.equal(group.Properties.Parameters['rds.force_ssl'], '1');
    assert.equal(group.Properties.Parameters.ssl_min_protocol_version, 'TLSv1.2');
    assert.deepEqual(t.Resources[p.DBSubnetGroupName.Ref].Properties.SubnetIds, { Ref: 'IsolatedSubnetIds' });
    assert.deepEqual(p.VPCSecurityGroups, [{ Ref: 'DatabaseSecurityGroupId' }]);
  };
  assert.equal(wiring('database', 'IsolatedSubnetIds'), 'Network.Outputs.IsolatedSubnetIds');
  assert.equal(wiring('database', 'DatabaseSecurityGroupId'), 'Network.Outputs.DatabaseSecurityGroupId');
  passesAndCatches(check, db, (t) => (t.Resources.DbParameterGroup.Properties.Parameters['rds.force_ssl'] = '0'));
  passesAndCatches(check, db, (t) => (t.Resources.Database.Properties.PubliclyAccessible = true));
  passesAndCatches(check, db, (t) => (t.Resources.DbSubnetGroup.Properties.SubnetIds = { Ref: 'PrivateSubnetIds' }));
});

test('database: credentials generated and rotated by RDS (no password in the template, no macro)', () => {
  const check = (t: CfnTemplate) => {
    const p = t.Resources.Database.Properties;
    assert.equal(p.ManageMasterUserPassword, true);
    assert.equal(p.MasterUserPassword, undefined);
    assert.ok(p.MasterUserSecret.KmsKeyId, 'the RDS-managed master secret names its KMS key');
    assert.equal((t as any).Transform, undefined, 'no transform: StackSets cannot run macros');
  };
  passesAndCatches(check, db, (t) => (t.Resources.Database.Properties.MasterUserPassword = 'hunter2hunter2'));
  passesAndCatches(check, db, (t) => ((t as any).Transform = 'AWS::SecretsManager-2020-07-23'));
  for (const layer of LAYERS) assert.equal((generated(layer) as any).Transform, undefined, `${layer} uses a transform`);
});

test('database: Multi-AZ, deletion protection, backups, engine and sizes are parameters; prod turns protection and Multi-AZ on', () => {
  const p = db.Resources.Database.Properties;
  assert.deepEqual(p.DeletionProtection, { Ref: 'DeletionProtection' });
  assert.deepEqual(p.MultiAZ, { Ref: 'DbMultiAz' });
  assert.deepEqual(p.BackupRetentionPeriod, { Ref: 'DbBackupRetentionDays' });
  assert.ok(db.Parameters!.DbBackupRetentionDays.MinValue >= 7, 'backup retention cannot go below 7 days');
  assert.deepEqual(p.EnableCloudwatchLogsExports, ['postgresql', 'upgrade']);
  assert.deepEqual(db.Resources.Database.DependsOn, ['DbLogGroupPostgresql', 'DbLogGroupUpgrade'], 'log groups exist (encrypted) before RDS writes to them');
  assert.ok(p.PerformanceInsightsKMSKeyId && p.MonitoringRoleArn, 'Performance Insights is KMS-encrypted and enhanced monitoring has its role');
  const prod = new Map(JSON.parse(JSON.stringify(generatedParameters('prod'))).map((e: any) => [e.ParameterKey, e.ParameterValue]));
  assert.equal(prod.get('DeletionProtection'), 'true');
  assert.equal(prod.get('DbMultiAz'), 'true');
  assert.equal(prod.get('NatGatewayCount'), '3');
  assert.equal(parameterValueProblem(root.Parameters!.DbMultiAz, 'maybe')?.includes('allowed values: true, false'), true);
});

test('cache: TLS required, encrypted with a KMS key, AUTH token from the secret, in the isolated tier', () => {
  const check = (t: CfnTemplate) => {
    const p = t.Resources.CacheReplicationGroup.Properties;
    assert.equal(p.TransitEncryptionEnabled, true);
    assert.equal(p.TransitEncryptionMode, 'required');
    assert.equal(p.AtRestEncryptionEnabled, true);
    assert.ok(p.KmsKeyId?.Ref, 'the cache is encrypted with a Ref to its key');
    assert.match(JSON.stringify(p.AuthToken), /\{\{resolve:secretsmanager:/);
    assert.deepEqual(t.Resources.CacheSubnetGroup.Properties.SubnetIds, { Ref: 'IsolatedSubnetIds' });
    assert.ok(p.SnapshotRetentionLimit, 'the cache keeps snapshots');
    assert.equal(p.LogDeliveryConfigurations[0].LogType, 'slow-log');
  };
  passesAndCatches(check, cache, (t) => (t.Resources.CacheReplicationGroup.Properties.TransitEncryptionMode = 'preferred'));
  passesAndCatches(check, cache, (t) => (t.Resources.CacheReplicationGroup.Properties.AuthToken = 'plaintext-token-1234567890'));
  passesAndCatches(check, cache, (t) => delete t.Resources.CacheReplicationGroup.Properties.KmsKeyId);
});

test('secrets: generated, KMS-encrypted, account-only, rotated at most every 30 days by an inline (StackSet-safe) function', () => {
  const check = (t: CfnTemplate, cacheT: CfnTemplate) => {
    const all = resourcesOfType(t, 'AWS::SecretsManager::Secret');
    assert.equal(all.length, 2);
    for (const [id, s] of all) {
      assert.ok(s.Properties.GenerateSecretString, `${id} is generated`);
      assert.equal(s.Properties.SecretString, undefined, `${id} has no literal value`);
      assert.ok(s.Properties.KmsKeyId, `${id} KMS`);
    }
    const schedules = [...resourcesOfType(t, 'AWS::SecretsManager::RotationSchedule'), ...resourcesOfType(cacheT, 'AWS::SecretsManager::RotationSchedule')];
    assert.equal(schedules.length, 2, 'every generated secret has a rotation schedule');
    for (const [id, s] of schedules) {
      const days = s.Properties.RotationRules.AutomaticallyAfterDays;
      const spec = days.Ref ? (t.Parameters![days.Ref] ?? cacheT.Parameters![days.Ref]) : { MaxValue: days };
      assert.ok(spec.MaxValue <= 30, `${id} can rotate less often than every 30 days`);
      assert.equal(s.Properties.HostedRotationLambda, undefined, `${id} uses the SecretsManager transform`);
    }
    const fn = t.Resources.RotationFunction.Properties;
    assert.ok(fn.Code.ZipFile.includes('def handler'), 'inline code, nothing to package');
    assert.ok(fn.VpcConfig.SubnetIds, 'rotation runs in the private tier');
  };
  check(secrets, cache);
  const broken = structuredClone(secrets);
  broken.Parameters!.SecretRotationDays.MaxValue = 365;
  assert.throws(() => check(broken, cache), /can rotate less often than every 30 days/);
  const literal = structuredClone(secrets);
  literal.Resources.AppSigningKeySecret.Properties.SecretString = 'abc';
  assert.throws(() => check(literal, cache), /AppSigningKeySecret has no literal value/);
});

test('storage: EFS encrypted, TLS and mount-target access only, backups on; mount targets in the private tier', () => {
  const check = (t: CfnTemplate) => {
    const fs = t.Resources.FileSystem.Properties;
    assert.equal(fs.Encrypted, true);
    assert.equal(fs.BackupPolicy.Status, 'ENABLED');
    const statements = fs.FileSystemPolicy.Statement;
    assert.ok(
      statements.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === false),
      'denies non-TLS',
    );
    assert.ok(
      statements.every((s: any) => s.Effect === 'Deny' || s.Condition?.Bool?.['elasticfilesystem:AccessedViaMountTarget'] === 'true'),
      'grants only through mount targets',
    );
    for (const [, mt] of resourcesOfType(t, 'AWS::EFS::MountTarget')) assert.deepEqual(mt.Properties.SecurityGroups, [{ Ref: 'EfsSecurityGroupId' }]);
    assert.equal(t.Resources.AppAccessPoint.Properties.PosixUser.Uid, '1000');
  };
  assert.equal(wiring('storage', 'PrivateSubnetIds'), 'Network.Outputs.PrivateSubnetIds');
  passesAndCatches(check, storage, (t) => (t.Resources.FileSystem.Properties.FileSystemPolicy.Statement = t.Resources.FileSystem.Properties.FileSystemPolicy.Statement.slice(1)));
  passesAndCatches(check, storage, (t) => (t.Resources.FileSystem.Properties.Encrypted = false));
});

test('every S3 bucket of the platform blocks public access, enforces ownership, is versioned, encrypted and TLS-only', () => {
  const buckets = LAYERS.flatMap((l) => resourcesOfType(generated(l), 'AWS::S3::Bucket').map(([id, b]) => ({ layer: l, id, b, t: generated(l) })));
  assert.ok(buckets.length >= 3, `at least 3 buckets (got ${buckets.length})`);
  const check = (items: typeof buckets) => {
    for (const { layer, id, b, t } of items) {
      const bpa = b.Properties.PublicAccessBlockConfiguration;
      assert.ok(bpa && Object.values(bpa).every((v) => v === true), `${layer}/${id} Block Public Access`);
      assert.equal(b.Properties.OwnershipControls.Rules[0].ObjectOwnership, 'BucketOwnerEnforced', `${layer}/${id} ownership`);
      assert.equal(b.Properties.VersioningConfiguration.Status, 'Enabled', `${layer}/${id} versioning`);
      assert.ok(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, `${layer}/${id} encryption`);
      assert.ok(b.Properties.LifecycleConfiguration, `${layer}/${id} lifecycle`);
      const policy = resourcesOfType(t, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === id);
      assert.ok(policy, `${layer}/${id} has a bucket policy`);
      assert.ok(
        policy[1].Properties.PolicyDocument.Statement.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === false),
        `${layer}/${id} denies non-TLS`,
      );
    }
  };
  check(buckets);
  const broken = structuredClone(buckets);
  broken[0].b.Properties.PublicAccessBlockConfiguration.RestrictPublicBuckets = false;
  assert.throws(() => check(broken), /Block Public Access/);
});

test('streaming: Kinesis encrypted with KMS; mode, shards and retention are parameters', () => {
  const check = (t: CfnTemplate) => {
    const p = t.Resources.TransactionStream.Properties;
    assert.equal(p.StreamEncryption.EncryptionType, 'KMS');
    assert.deepEqual(p.StreamEncryption.KeyId, { Ref: 'StreamingKeyArn' });
    assert.deepEqual(p.RetentionPeriodHours, { Ref: 'StreamRetentionHours' });
  };
  passesAndCatches(check, streaming, (t) => delete t.Resources.TransactionStream.Properties.StreamEncryption);
});

test('backup: KMS vault, daily plan kept 30 days, copy to the DR region, RDS and EFS selected by the tag they carry', () => {
  const check = (t: CfnTemplate) => {
    assert.ok(t.Resources.BackupVault.Properties.EncryptionKeyArn, 'the backup vault is KMS-encrypted');
    const rule = t.Resources.BackupPlan.Properties.BackupPlan.BackupPlanRule[0];
    assert.match(rule.ScheduleExpression, /^cron\(0 \d+ \? \* \* \*\)$/, 'daily');
    assert.equal(t.Parameters![rule.Lifecycle.DeleteAfterDays.Ref].Default, 30);
    assert.match(JSON.stringify(rule.CopyActions), /backup:\$\{DrRegionParameter\}/);
    const selection = t.Resources.BackupSelection.Properties.BackupSelection;
    assert.match(JSON.stringify(selection.Resources), /:rds:.*:db:\*.*elasticfilesystem/);
    assert.equal(selection.Conditions.StringEquals[0].ConditionKey, 'aws:ResourceTag/BackupPolicy');
  };
  passesAndCatches(check, backup, (t) => (t.Resources.BackupPlan.Properties.BackupPlan.BackupPlanRule[0].ScheduleExpression = 'cron(0 5 ? * SUN *)'));
  passesAndCatches(check, backup, (t) => delete t.Resources.BackupPlan.Properties.BackupPlan.BackupPlanRule[0].CopyActions);
  const tagOf = (tags: any[]) => tags.find((tag) => tag.Key === 'BackupPolicy')?.Value;
  assert.deepEqual(tagOf(db.Resources.Database.Properties.Tags), { 'Fn::Sub': 'payment-daily-${Environment}' });
  assert.deepEqual(tagOf(storage.Resources.FileSystem.Properties.FileSystemTags), { 'Fn::Sub': 'payment-daily-${Environment}' });
});

function generatedParameters(env: string): { ParameterKey: string; ParameterValue: string }[] {
  return JSON.parse(readFileSync(join(GENERATED_PARAMETERS, `${env}.json`), 'utf8'));
}
