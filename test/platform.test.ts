// Requirements that hold across every layer of the platform (issues 3 and 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCE_INFO } from '../templates-src/spec-types/resource-info.js';
import { LAYERS as LAYER_DEFINITIONS, buildPlatform, type LayerDefinition } from '../templates-src/platform.js';
import { Template } from '../templates-src/core/template.js';
import { DATA_TYPES } from '../scripts/lib/diff/stateful.js';
import { standingExceptions } from '../templates-src/layers/common.js';
import { generated, passesAndCatches, resourcesOfType, keyClassOf, wiring, LAYERS, type CfnTemplate } from './lib/templates.js';

const templates = Object.fromEntries(LAYERS.map((l) => [l, generated(l)])) as Record<string, CfnTemplate>;
// The data-holding types of the data-loss gate (issue #7's list).
const STATEFUL = DATA_TYPES;

test('the root nests every layer and wires each from the previous ones', () => {
  const root = generated('root');
  const stacks = resourcesOfType(root, 'AWS::CloudFormation::Stack')
    .map(([, r]) => r.Properties.TemplateURL)
    .sort();
  assert.deepEqual(stacks, LAYERS.map((l) => `${l}.yaml`).sort());
  assert.equal(wiring('database', 'DatabaseKeyArn'), 'Kms.Outputs.DatabaseKeyArn');
  assert.equal(wiring('api', 'LoadBalancerArn'), 'Compute.Outputs.LoadBalancerArn');
});

// Wiring is by name (templates-src/platform.ts): a 13th layer is its module plus one line in LAYERS.
const layerWith = (id: string, parameters: string[], outputs: string[] = []): LayerDefinition => ({
  id,
  build: () => {
    const t = new Template({ name: id.toLowerCase(), description: id });
    for (const p of parameters) t.parameter(p, { Type: 'String', Description: p });
    t.resource('Handle', 'AWS::CloudFormation::WaitConditionHandle', {});
    for (const o of outputs) t.output(o, { Value: 'x', Description: o });
    return t;
  },
});

test('a new layer is wired by name from the earlier layer that outputs each parameter', () => {
  const extra = layerWith('Reporting', ['LogsKeyArn', 'ReportSchedule']);
  const { root } = buildPlatform(undefined, [...LAYER_DEFINITIONS, extra]);
  const stack = root.render().Resources as unknown as Record<string, { Properties: { Parameters: Record<string, { fn: string; args: unknown }> } }>;
  const passed = stack.ReportingStack.Properties.Parameters;
  assert.deepEqual(passed.LogsKeyArn.args, ['KmsStack', 'Outputs.LogsKeyArn'], 'LogsKeyArn comes from the kms layer');
  assert.equal(passed.ReportSchedule.args, 'ReportSchedule', 'a name no layer outputs becomes a root parameter');
  assert.ok(root.parameterNames.includes('ReportSchedule'), 'root declares ReportSchedule');
});

test('a wrong wiring fails the build: an output of a later layer, or of two earlier layers', () => {
  assert.throws(
    () => buildPlatform(undefined, [layerWith('Early', ['LoadBalancerArn']), ...LAYER_DEFINITIONS]),
    /layer Early: parameter LoadBalancerArn is an output of Compute, which is not an earlier layer/,
  );
  assert.throws(
    () => buildPlatform(undefined, [layerWith('Twin', [], ['LogsKeyArn']), ...LAYER_DEFINITIONS]),
    /layer Network: parameter LogsKeyArn is an output of several earlier layers \(Twin, Kms\)/,
  );
});

test('every stateful resource carries DeletionPolicy and UpdateReplacePolicy (Snapshot where supported, else RetainExceptOnCreate / Retain)', () => {
  const check = (layers: Record<string, CfnTemplate>) => {
    for (const [layer, t] of Object.entries(layers)) {
      for (const [id, r] of Object.entries(t.Resources)) {
        if (!STATEFUL.has(r.Type)) continue;
        const snapshot = ['AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup'].includes(r.Type);
        // RetainExceptOnCreate: kept once created, removed when the first create rolls back (retryable).
        assert.equal(r.DeletionPolicy, snapshot ? 'Snapshot' : 'RetainExceptOnCreate', `${layer}/${id} DeletionPolicy`);
        assert.equal(r.UpdateReplacePolicy, snapshot ? 'Snapshot' : 'Retain', `${layer}/${id} UpdateReplacePolicy`);
      }
    }
  };
  check(templates);
  for (const [layer, id] of [
    ['database', 'Database'],
    ['storage', 'DataBucket'],
    ['secrets', 'AppSigningKeySecret'],
    ['audit', 'AuditBucket'],
  ] as const) {
    const broken = structuredClone(templates);
    delete broken[layer].Resources[id].UpdateReplacePolicy;
    assert.throws(() => check(broken), new RegExp(`${layer}/${id}`));
  }
});

test('every encryption uses the customer-managed key of its data class from the kms layer', () => {
  const expected: [string, string, string, (r: any) => any][] = [
    ['database', 'AWS::RDS::DBInstance', 'Database', (r) => r.KmsKeyId],
    ['database', 'AWS::RDS::DBInstance', 'Database', (r) => r.PerformanceInsightsKMSKeyId],
    ['database', 'AWS::RDS::DBInstance', 'Secrets', (r) => r.MasterUserSecret.KmsKeyId],
    ['cache', 'AWS::ElastiCache::ReplicationGroup', 'Cache', (r) => r.KmsKeyId],
    ['storage', 'AWS::EFS::FileSystem', 'Storage', (r) => r.KmsKeyId],
    ['streaming', 'AWS::Kinesis::Stream', 'Streaming', (r) => r.StreamEncryption.KeyId],
    ['secrets', 'AWS::SecretsManager::Secret', 'Secrets', (r) => r.KmsKeyId],
    ['backup', 'AWS::Backup::BackupVault', 'Backup', (r) => r.EncryptionKeyArn],
    ['observability', 'AWS::SNS::Topic', 'Notifications', (r) => r.KmsMasterKeyId],
    ['audit', 'AWS::CloudTrail::Trail', 'Audit', (r) => r.KMSKeyId],
  ];
  const check = (layers: Record<string, CfnTemplate>) => {
    for (const [layer, type, cls, get] of expected) {
      const found = resourcesOfType(layers[layer], type);
      assert.ok(found.length > 0, `${layer} has ${type}`);
      for (const [id, r] of found) assert.equal(keyClassOf(layer, get(r.Properties)), cls, `${layer}/${id} must use the ${cls} key`);
    }
    for (const layer of LAYERS) {
      for (const [id, r] of resourcesOfType(layers[layer], 'AWS::Logs::LogGroup')) assert.equal(keyClassOf(layer, r.Properties.KmsKeyId), 'Logs', `${layer}/${id} logs key`);
    }
  };
  check(templates);
  const broken = structuredClone(templates);
  broken.database.Resources.Database.Properties.KmsKeyId = { Ref: 'SecretsKeyArn' };
  assert.throws(() => check(broken), /database\/Database must use the Database key/);
  const noKey = structuredClone(templates);
  delete noKey.compute.Resources.AppLogGroup.Properties.KmsKeyId;
  assert.throws(() => check(noKey), /compute\/AppLogGroup logs key/);
});

test('every log group is kept at least 365 days in every environment', () => {
  const check = (layers: Record<string, CfnTemplate>) => {
    for (const layer of LAYERS) {
      for (const [id, r] of resourcesOfType(layers[layer], 'AWS::Logs::LogGroup')) {
        const param = layers[layer].Parameters![r.Properties.RetentionInDays.Ref];
        assert.ok(param, `${layer}/${id} retention is a parameter`);
        assert.ok(
          param.AllowedValues.every((d: number) => d >= 365),
          `${layer}/${id} retention can go below 365`,
        );
      }
    }
  };
  passesAndCatches(
    (t) => check({ ...templates, compute: t }),
    templates.compute,
    (t) => (t.Resources.AppLogGroup.Properties.RetentionInDays = 90),
  );
});

test('every taggable resource carries PCICompliant, DataClassification and Environment', () => {
  const check = (layers: Record<string, CfnTemplate>) => {
    for (const layer of LAYERS) {
      for (const [id, r] of Object.entries(layers[layer].Resources)) {
        const tagging = (RESOURCE_INFO as any)[r.Type]?.tagging;
        if (!tagging) continue;
        const tags = r.Properties?.[tagging.property];
        const keys = tagging.variant === 'map' ? Object.keys(tags ?? {}) : (tags ?? []).map((t: any) => t.Key);
        for (const key of ['PCICompliant', 'DataClassification', 'Environment']) assert.ok(keys.includes(key), `${layer}/${id} lacks tag ${key}`);
      }
    }
  };
  check(templates);
  const broken = structuredClone(templates);
  broken.backup.Resources.BackupVault.Properties.BackupVaultTags = {};
  assert.throws(() => check(broken), /backup\/BackupVault lacks tag PCICompliant/);
});

test('no security group in any layer admits 0.0.0.0/0 or ::/0', () => {
  const check = (layers: Record<string, CfnTemplate>) => {
    for (const layer of LAYERS) {
      for (const [id, r] of Object.entries(layers[layer].Resources)) {
        const rules = r.Type === 'AWS::EC2::SecurityGroupIngress' ? [r.Properties] : r.Type === 'AWS::EC2::SecurityGroup' ? (r.Properties.SecurityGroupIngress ?? []) : [];
        for (const rule of rules) assert.ok(rule.CidrIp !== '0.0.0.0/0' && rule.CidrIpv6 !== '::/0', `${layer}/${id} is open to the internet`);
      }
    }
  };
  check(templates);
  const broken = structuredClone(templates);
  broken.network.Resources.AppToDatabaseIngress.Properties.CidrIp = '0.0.0.0/0';
  assert.throws(() => check(broken), /network\/AppToDatabaseIngress/);
});

/** Statements that may use Resource "*": the API has no resource-level permission, or it is a resource policy. */
const STAR_RESOURCE_REASONS = new Set(['GenerateRandomValues', 'EcrAuthentication', 'SendTraces']);

test('no IAM policy allows Action "*", and Resource "*" only where the API has no resource-level permission', () => {
  const check = (layers: Record<string, CfnTemplate>) => {
    for (const layer of LAYERS) {
      for (const [id, r] of resourcesOfType(layers[layer], 'AWS::IAM::Role')) {
        for (const policy of r.Properties.Policies ?? []) {
          for (const s of policy.PolicyDocument.Statement) {
            const actions = [s.Action].flat();
            assert.ok(!actions.some((a: string) => a === '*' || a.endsWith(':*')), `${layer}/${id}: wildcard action ${actions}`);
            if (s.Effect === 'Allow' && [s.Resource].flat().includes('*')) assert.ok(STAR_RESOURCE_REASONS.has(s.Sid), `${layer}/${id}/${s.Sid}: Resource "*" without a reason`);
          }
        }
      }
    }
  };
  check(templates);
  const broken = structuredClone(templates);
  broken.compute.Resources.TaskRole.Properties.Policies[0].PolicyDocument.Statement[0].Action = '*';
  assert.throws(() => check(broken), /compute\/TaskRole: wildcard action/);
  const star = structuredClone(templates);
  star.compute.Resources.TaskRole.Properties.Policies[0].PolicyDocument.Statement[0].Resource = '*';
  assert.throws(() => check(star), /PublishPaymentEvents: Resource "\*" without a reason/);
});

test('no output carries a secret value (only ARNs and names)', () => {
  const check = (layers: Record<string, CfnTemplate>) => {
    for (const layer of [...LAYERS, 'root']) {
      const t = layer === 'root' ? generated('root') : layers[layer];
      for (const [name, o] of Object.entries(t.Outputs ?? {})) {
        const text = JSON.stringify(o.Value);
        assert.doesNotMatch(text, /resolve:secretsmanager|resolve:ssm-secure|SecretString/i, `${layer}.${name} exposes a secret`);
        if (/Secret/.test(name)) assert.match(name, /Arn$/, `${layer}.${name}: secrets are output as ARNs only`);
      }
    }
  };
  check(templates);
  const broken = structuredClone(templates);
  broken.secrets.Outputs!.Leak = { Value: { 'Fn::Sub': '{{resolve:secretsmanager:${AppSigningKeySecret}:SecretString}}' } };
  assert.throws(() => check(broken), /secrets\.Leak exposes a secret/);
});

test('no plaintext secret in any template or parameter file (dynamic references only)', () => {
  for (const layer of LAYERS) {
    const text = JSON.stringify(templates[layer]);
    assert.doesNotMatch(text, /"(MasterUserPassword|Password|AuthToken)":"[^{]/, `${layer} has a literal password`);
  }
  assert.equal(templates.database.Resources.Database.Properties.MasterUserPassword, undefined);
  assert.equal(templates.database.Resources.Database.Properties.ManageMasterUserPassword, true);
  assert.match(JSON.stringify(templates.cache.Resources.CacheReplicationGroup.Properties.AuthToken), /\{\{resolve:secretsmanager:\$\{Secret\}:SecretString\}\}/);
});

test("standing exceptions land beside every resource they cover, in the register and in Guard's metadata, and nowhere else", () => {
  let covered = 0;
  for (const [layer, t] of Object.entries(templates)) {
    for (const [id, r] of Object.entries(t.Resources)) {
      const expected = Object.keys(standingExceptions(r.Type, r.Properties ?? {}).guard ?? {});
      const metadata = (r.Metadata ?? {}) as { guard?: { SuppressedRules?: string[] }; Suppressions?: { guard?: Record<string, { reason?: string }> } };
      for (const rule of expected) {
        assert.ok(metadata.guard?.SuppressedRules?.includes(rule), `${layer}/${id}: Metadata.guard.SuppressedRules names ${rule}`);
        assert.ok((metadata.Suppressions?.guard?.[rule]?.reason ?? '').length > 20, `${layer}/${id}: the register holds ${rule} with its reason`);
        covered++;
      }
    }
  }
  assert.ok(covered >= 10, `${covered} standing exceptions found`);
  const inline = standingExceptions('AWS::IAM::Role', {
    Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: '*' }] } }],
  });
  assert.deepEqual(Object.keys(inline.guard ?? {}).sort(), ['IAM_NO_INLINE_POLICY_CHECK', 'IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE'], 'an inline policy with "*" gets both');
  assert.deepEqual(standingExceptions('AWS::IAM::Role', { ManagedPolicyArns: ['arn:aws:iam::aws:policy/x'] }), {}, 'a role without inline policy, name or "*" gets none');
});
