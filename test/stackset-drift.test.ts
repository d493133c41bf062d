// make stackset-drift without real AWS, against recorded AWS responses
// (test/fixtures/stackset/drift-responses.json): the stack set's own drift detection, then, in
// each target account through the read-only role, DetectStackDrift on the instance's root and on
// every nested layer stack — AWS does not descend into nested stacks
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/detect-drift-stack.html,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-drift.html) — and the
// output account × region × layer → drifted resources. The emulator cannot detect drift at all;
// test/stackset-emulator.test.ts checks that case there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { AwsTarget } from '../scripts/lib/aws.js';
import { ROOT } from '../scripts/lib/paths.js';
import { StackSetApi } from '../scripts/lib/stackset/api.js';
import { DriftNotSupported, StackSetMissing, callError, detectDrift, driftedCount, formatDrift } from '../scripts/lib/stackset/drift.js';
import { loadManifest } from '../scripts/lib/stackset/manifest.js';
import { awsError, recordedAws, type Responses } from './lib/recorded-aws.js';

const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'stackset', 'drift-responses.json'), 'utf8')) as {
  admin: Record<string, unknown>;
  drifted: { stacks: Record<string, object>; resources: Record<string, object[]>; drifts: Record<string, { status: string; drifts: object[] }> };
};
const spec = loadManifest('test/fixtures/stackset/three-accounts-two-regions.yaml');
const AWS_TARGET: AwsTarget = { kind: 'aws', region: 'us-east-1', env: {} };
const LOCAL_TARGET: AwsTarget = { kind: 'local', region: 'us-east-1', env: {}, endpoint: 'http://127.0.0.1:5000' };
const wait = { pollMs: 0, timeoutMs: 60_000, log: () => undefined, sleep: async () => undefined };

/** A target account as CloudFormation answers there: the instance's root and (for the drifted one) its layers. */
function inAccount(): Responses {
  const { stacks, resources, drifts } = fixture.drifted;
  const own = (id: string) => stacks[id] ?? { StackId: id, StackName: id.split('/')[1], StackStatus: 'CREATE_COMPLETE', CreationTime: '2026-11-20T10:00:00.000Z' };
  const detections = new Map<string, string>();
  return {
    cloudformation: {
      DescribeStacks: (input: { StackName: string }) => ({ Stacks: [own(input.StackName)] }),
      ListStackResources: (input: { StackName: string }) => ({ StackResourceSummaries: resources[input.StackName] ?? [] }),
      DetectStackDrift: (input: { StackName: string }) => {
        const id = `detection-${detections.size}`;
        detections.set(id, input.StackName);
        return { StackDriftDetectionId: id };
      },
      DescribeStackDriftDetectionStatus: (input: { StackDriftDetectionId: string }) => {
        const stackId = detections.get(input.StackDriftDetectionId)!;
        return {
          StackId: stackId,
          StackDriftDetectionId: input.StackDriftDetectionId,
          DetectionStatus: 'DETECTION_COMPLETE',
          StackDriftStatus: drifts[stackId]?.status ?? 'IN_SYNC',
          Timestamp: '2026-11-24T09:13:50.000Z',
        };
      },
      DescribeStackResourceDrifts: (input: { StackName: string }) => ({ StackResourceDrifts: drifts[input.StackName]?.drifts ?? [] }),
    },
  };
}

const context = (admin: Responses['cloudformation'], target = AWS_TARGET) => {
  const aws = recordedAws({ cloudformation: admin }, inAccount);
  return { aws, ctx: { api: new StackSetApi(aws.clients.admin), clients: aws.clients, target } };
};

describe('stack set drift of every layer, from recorded AWS responses', () => {
  test("the stack set's detection, then DetectStackDrift on the root and on every nested layer of every instance, in its own account", async () => {
    const { aws, ctx } = context(fixture.admin);
    const report = await detectDrift(spec, ctx, wait);
    assert.equal(driftedCount(report), 1);
    assert.deepEqual(aws.callsOf('DetectStackSetDrift')[0].input, {
      StackSetName: 'payment-stackset-test',
      OperationPreferences: { MaxConcurrentCount: 2, FailureToleranceCount: 1 },
    });
    const detected = aws
      .callsOf('DetectStackDrift')
      .filter((c) => c.account === '111111111111' && c.region === 'eu-west-1')
      .map((c) => c.input.StackName);
    assert.equal(detected.length, 3, 'the root and both layers, each detected on its own');
    assert.equal(aws.callsOf('DetectStackDrift').length, 3 + 5, 'and the root of every other instance');
    for (const call of aws.callsOf('DescribeStackResourceDrifts'))
      assert.deepEqual(call.input.StackResourceDriftStatusFilters, ['MODIFIED', 'DELETED'], 'only drifted resources are read');
  });

  test('prints account × region × layer, then the drifted resources of each layer with their property differences', async () => {
    const { ctx } = context(fixture.admin);
    const lines = formatDrift('payment-stackset-test', await detectDrift(spec, ctx, wait));
    assert.equal(lines[0], 'stack set payment-stackset-test: DRIFTED (instance stacks only) — 1 drifted, 5 in sync, 0 in progress, 0 failed of 6 instances');
    assert.match(lines[1], /^account\s+region\s+layer\s+drift$/);
    assert.match(
      lines.find((l) => /^111111111111\s+eu-west-1\s+NetworkStack/.test(l))!,
      /DRIFTED {2}1 resource$/,
    );
    assert.match(
      lines.find((l) => /^111111111111\s+eu-west-1\s+\(root\)/.test(l))!,
      /IN_SYNC$/,
    );
    const tail = lines.slice(lines.indexOf('111111111111 eu-west-1 NetworkStack: 1 drifted resource'));
    assert.deepEqual(tail.slice(0, 3), [
      '111111111111 eu-west-1 NetworkStack: 1 drifted resource',
      '  MODIFIED AWS::EC2::SecurityGroup  AppSecurityGroup (sg-0a1b2c3d4e5f60718)',
      '           /SecurityGroupIngress/0/CidrIp: NOT_EQUAL expected 10.30.16.0/20, actual 0.0.0.0/0',
    ]);
    assert.ok(lines.includes('  DELETED  AWS::IAM::Role  TaskRole (StackSet-payment-TaskRole-ABC)'), lines.join('\n'));
  });

  test('no drift in any layer: says so', async () => {
    const { ctx } = context(fixture.admin);
    const report = await detectDrift(spec, ctx, wait);
    const clean = { ...report, layers: report.layers.map((i) => ({ ...i, layers: i.layers.map((l) => ({ ...l, status: 'IN_SYNC', drifts: [] })) })) };
    assert.equal(driftedCount(clean), 0);
    assert.equal(formatDrift('x', clean).at(-1), 'no drifted resources in any layer');
  });

  test('an account without the read-only role: its row says why, the others are read', async () => {
    // What the SDK raises when the role cannot be assumed there: the AssumeRole error, on the first call.
    const denied = awsError(
      'AccessDenied',
      'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/payment-stackset-read',
      403,
    );
    const aws = recordedAws({ cloudformation: fixture.admin }, (account) =>
      account === '222222222222' ? { cloudformation: { DescribeStacks: denied, DetectStackDrift: denied } } : inAccount(),
    );
    const report = await detectDrift(spec, { api: new StackSetApi(aws.clients.admin), clients: aws.clients, target: AWS_TARGET }, wait);
    const lines = formatDrift('x', report);
    assert.ok(
      lines.some((l) => /^222222222222\s+eu-west-1\s+\(not read\)\s+payment-stackset-read:/.test(l)),
      lines.join('\n'),
    );
    assert.equal(driftedCount(report), 1, 'the readable accounts are still reported');
  });

  test('the emulator failing the call is "not supported by the emulator", with its answer', async () => {
    const { ctx } = context(
      { ...fixture.admin, DetectStackSetDrift: awsError('InternalFailure', '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>', 500) },
      LOCAL_TARGET,
    );
    await assert.rejects(detectDrift(spec, ctx, wait), (e: unknown) => {
      assert.ok(e instanceof DriftNotSupported, `DriftNotSupported, got ${String(e)}`);
      assert.match(e.message, /^not supported by the emulator: detect-stack-set-drift answered HTTP 500 Internal Server Error/);
      return true;
    });
  });

  test('the same failure on real AWS is an error, not "unsupported" (DetectStackSetDrift: one drift detection at a time)', async () => {
    const { ctx } = context({ ...fixture.admin, DetectStackSetDrift: awsError('OperationInProgressException', 'Another Operation on StackSet is in progress') });
    await assert.rejects(detectDrift(spec, ctx, wait), (e: unknown) => !(e instanceof DriftNotSupported) && (e as Error).name === 'OperationInProgressException');
  });

  test('a stack set that does not exist: a clear error before detection', async () => {
    const { aws, ctx } = context({ DescribeStackSet: awsError('StackSetNotFoundException', 'StackSet payment-stackset-test not found') });
    await assert.rejects(detectDrift(spec, ctx, wait), StackSetMissing);
    assert.equal(aws.callsOf('DetectStackSetDrift').length, 0);
  });

  test('callError keeps the gist of an error page or the last line', () => {
    assert.equal(callError(new Error('x\n<title>502 Bad Gateway</title>')), 'HTTP 502 Bad Gateway');
    assert.equal(callError(new Error('first\nAn error occurred (Throttling)')), 'An error occurred (Throttling)');
  });
});
