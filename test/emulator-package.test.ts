// make package: content-addressed keys, rewritten TemplateURLs, the artifact bucket's safeguards,
// and "uploading twice uploads nothing new" against the emulator (region eu-north-1, this file's own).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTemplate } from '../templates-src/core/yaml.js';
import { GetBucketEncryptionCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, GetObjectCommand, GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { awsClients } from '../scripts/lib/aws.js';
import { emulatorTarget, ensureEmulator, forgetRegion } from '../scripts/lib/deploy/emulator.js';
import { artifactBucketPolicy, checkReaders, contentKey, localTemplateReferences, packageTemplates, planPackage, templateUrl } from '../scripts/lib/package.js';
import { GENERATED_TEMPLATES } from '../scripts/lib/paths.js';

const REGION = 'eu-north-1';
const target = emulatorTarget(REGION);
const work = mkdtempSync(join(tmpdir(), 'emulator-package-'));
const urlOf = (key: string): string => templateUrl('bucket', key, target);

describe('packaging plan (no AWS)', () => {
  test('keys are content addressed: same bytes, same key; one byte more, another key', () => {
    assert.equal(contentKey('network', 'a: 1\n'), contentKey('network', 'a: 1\n'));
    assert.notEqual(contentKey('network', 'a: 1\n'), contentKey('network', 'a: 2\n'));
    assert.match(contentKey('network', 'x'), /^templates\/network-[0-9a-f]{16}\.yaml$/);
  });

  test('URLs: the global virtual-hosted form for the emulator, the regional one for AWS', () => {
    assert.equal(templateUrl('b', 'templates/k.yaml', { kind: 'local', region: 'eu-west-1' }), 'https://b.s3.amazonaws.com/templates/k.yaml');
    assert.equal(templateUrl('b', 'templates/k.yaml', { kind: 'aws', region: 'eu-west-1' }), 'https://b.s3.eu-west-1.amazonaws.com/templates/k.yaml');
  });

  test('every nested stack of the packaged root points at its upload, children before the root', () => {
    const plan = planPackage(GENERATED_TEMPLATES, urlOf);
    const root = plan[plan.length - 1];
    assert.equal(root.name, 'root');
    const packaged = parseTemplate(root.text, 'packaged root') as { Resources: Record<string, { Type: string; Properties: { TemplateURL: string } }> };
    const stacks = Object.values(packaged.Resources).filter((r) => r.Type === 'AWS::CloudFormation::Stack');
    assert.ok(stacks.length >= 2, 'the root and at least one nested stack');
    for (const stack of stacks) {
      const key = stack.Properties.TemplateURL.replace('https://bucket.s3.amazonaws.com/', '');
      assert.ok(
        plan.slice(0, -1).some((t) => t.key === key),
        `${stack.Properties.TemplateURL} is one of the uploads`,
      );
    }
    assert.deepEqual(localTemplateReferences(packaged, 'packaged root'), []);
  });

  test('a changed layer changes its own key and the root key, no other', () => {
    const copy = join(work, 'templates');
    cpSync(GENERATED_TEMPLATES, copy, { recursive: true });
    writeFileSync(join(copy, 'network.yaml'), `${readFileSync(join(copy, 'network.yaml'), 'utf8')}# changed\n`);
    const before = new Map(planPackage(GENERATED_TEMPLATES, urlOf).map((t) => [t.name, t.key]));
    const after = new Map(planPackage(copy, urlOf).map((t) => [t.name, t.key]));
    const changed = [...after]
      .filter(([name, key]) => before.get(name) !== key)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(changed, ['network', 'root']);
  });

  test('a missing layer file is named', () => {
    const copy = join(work, 'missing');
    cpSync(GENERATED_TEMPLATES, copy, { recursive: true });
    writeFileSync(join(copy, 'root.yaml'), readFileSync(join(copy, 'root.yaml'), 'utf8').replace('TemplateURL: kms.yaml', 'TemplateURL: kms2.yaml'));
    assert.throws(() => planPackage(copy, urlOf), /root\.yaml: a nested stack's TemplateURL is kms2\.yaml, which does not exist/);
  });

  test('the bucket policy: TLS only; StackSet readers by organization or account list', () => {
    const plain = artifactBucketPolicy('b') as { Statement: { Sid: string; Effect: string; Condition?: unknown }[] };
    assert.deepEqual(
      plain.Statement.map((s) => [s.Sid, s.Effect]),
      [['DenyInsecureTransport', 'Deny']],
    );
    const shared = JSON.stringify(artifactBucketPolicy('b', { organizationId: 'o-abcdefghij', accounts: ['222222222222', '111111111111'] }));
    assert.match(shared, /"aws:PrincipalOrgID":"o-abcdefghij"/);
    assert.match(shared, /"arn:aws:iam::111111111111:root","arn:aws:iam::222222222222:root"/);
    assert.throws(() => checkReaders({ organizationId: 'org-1' }), /not an AWS Organizations ID/);
    assert.throws(() => checkReaders({ accounts: ['12345'] }), /not a 12-digit AWS account ID/);
  });
});

describe('packaging on the emulator', () => {
  before(async () => {
    ensureEmulator();
    await forgetRegion(target);
  });

  test('package twice: the second uploads nothing; the bucket is encrypted, versioned, private, TLS-only, readable by the readers', async () => {
    const readers = { accounts: ['111111111111'] };
    const first = await packageTemplates({ target, outDir: join(work, 'out'), readers });
    const plan = planPackage(GENERATED_TEMPLATES, (key) => templateUrl(first.bucket, key, target));
    assert.equal(first.bucket, `payment-cfn-artifacts-123456789012-${REGION}`);
    assert.deepEqual([...first.uploaded, ...first.skipped].sort(), plan.map((t) => t.key).sort());
    const second = await packageTemplates({ target, outDir: join(work, 'out'), readers });
    assert.deepEqual(second.uploaded, []);
    assert.deepEqual(second.skipped.sort(), plan.map((t) => t.key).sort());
    assert.equal(second.rootTemplateUrl, first.rootTemplateUrl);
    assert.equal(readFileSync(second.rootTemplatePath, 'utf8'), plan[plan.length - 1].text);

    const bucket = first.bucket;
    const s3 = awsClients(target).s3();
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    assert.equal(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Enabled');
    assert.deepEqual((await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? '{}');
    assert.deepEqual(policy, artifactBucketPolicy(bucket, readers));
    const uploaded = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: first.rootTemplateUrl.split('.amazonaws.com/')[1] }));
    assert.equal(await uploaded.Body?.transformToString(), plan[plan.length - 1].text, 'the uploaded root is the packaged root');
  });
});
