// kms layer: one rotated CMK per data class, retained, with key policies that never hand out
// key usage except through the owning service or to a bound service principal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generated, resourcesOfType, passesAndCatches, type CfnTemplate } from './lib/templates.js';
import { KEY_CLASSES } from '../templates-src/config.js';

const kms = generated('kms');
const keys = (t: CfnTemplate) => resourcesOfType(t, 'AWS::KMS::Key');
const USAGE = /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt|CreateGrant|\*)/;

test('one key per data class, each with an alias and an ARN output', () => {
  assert.deepEqual(
    keys(kms)
      .map(([id]) => id)
      .sort(),
    KEY_CLASSES.map((c) => `${c}Key`).sort(),
  );
  for (const c of KEY_CLASSES) {
    assert.ok(kms.Resources[`${c}KeyAlias`], `alias of ${c}`);
    assert.deepEqual(kms.Outputs![`${c}KeyArn`].Value, { 'Fn::GetAtt': [`${c}Key`, 'Arn'] });
  }
});

test('every key rotates automatically, is symmetric and is retained on delete and replace', () => {
  const check = (t: CfnTemplate) => {
    for (const [id, key] of keys(t)) {
      assert.equal(key.Properties.EnableKeyRotation, true, `${id} rotation`);
      assert.ok(key.Properties.RotationPeriodInDays, `${id} cryptoperiod`);
      assert.equal(key.DeletionPolicy, 'RetainExceptOnCreate', `${id} DeletionPolicy`);
      assert.equal(key.UpdateReplacePolicy, 'Retain', `${id} UpdateReplacePolicy`);
    }
  };
  passesAndCatches(check, kms, (t) => (t.Resources.DatabaseKey.Properties.EnableKeyRotation = false));
  passesAndCatches(check, kms, (t) => delete t.Resources.LogsKey.UpdateReplacePolicy);
});

test('key usage is granted only through the owning service or to a bound service principal', () => {
  const check = (t: CfnTemplate) => {
    for (const [id, key] of keys(t)) {
      for (const s of key.Properties.KeyPolicy.Statement) {
        const actions: string[] = [s.Action].flat();
        assert.ok(!actions.includes('kms:*') && !actions.includes('*'), `${id}/${s.Sid}: wildcard action`);
        if (s.Effect !== 'Allow' || !actions.some((a) => USAGE.test(a))) continue;
        const condition = JSON.stringify(s.Condition ?? {});
        assert.ok(/kms:ViaService|aws:SourceAccount|kms:EncryptionContext/.test(condition), `${id}/${s.Sid}: usage without a service or account binding`);
      }
    }
  };
  passesAndCatches(check, kms, (t) => delete t.Resources.DatabaseKey.Properties.KeyPolicy.Statement[1].Condition);
  passesAndCatches(check, kms, (t) => (t.Resources.CacheKey.Properties.KeyPolicy.Statement[0].Action = 'kms:*'));
});

test("the logs key lets only this account's log groups use it (regional principal + encryption context)", () => {
  const statement = kms.Resources.LogsKey.Properties.KeyPolicy.Statement.find((s: any) => JSON.stringify(s.Principal).includes('logs.'));
  assert.ok(statement, 'CloudWatch Logs principal statement');
  assert.deepEqual(statement.Principal, { Service: { 'Fn::Sub': 'logs.${AWS::Region}.amazonaws.com' } });
  assert.ok(statement.Condition.StringLike['kms:EncryptionContext:aws:logs:arn'], "the encryption context names this account's log groups");
});

test('each data key is usable only through its own service', () => {
  const via = (cls: string) => JSON.stringify(kms.Resources[`${cls}Key`].Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'AllowUseThroughOwningServiceOnly')?.Condition);
  assert.match(via('Database'), /rds\.\$\{AWS::Region\}/);
  assert.doesNotMatch(via('Database'), /elasticache|kinesis|secretsmanager/);
  assert.match(via('Streaming'), /kinesis\.\$\{AWS::Region\}/);
  assert.match(via('Secrets'), /secretsmanager\.\$\{AWS::Region\}/);
});
