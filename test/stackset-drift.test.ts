// make stackset-drift without real AWS: the calls and the output, from responses shaped as the
// CloudFormation API gives them (test/fixtures/stackset/drift-responses.json). The emulator
// cannot detect stack set drift at all; test/stackset-emulator.test.ts checks that case there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AwsCallError, type AwsTarget } from '../scripts/lib/aws.js';
import { ROOT } from '../scripts/lib/paths.js';
import { StackSetApi, recordingRunner, type AwsRunner } from '../scripts/lib/stackset/api.js';
import { DriftNotSupported, StackSetMissing, callError, detectDrift, driftedCount, formatDrift } from '../scripts/lib/stackset/drift.js';
import { loadManifest } from '../scripts/lib/stackset/manifest.js';

const responses = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'stackset', 'drift-responses.json'), 'utf8')) as Record<string, unknown>;
const spec = loadManifest('test/fixtures/stackset/three-accounts-two-regions.yaml');
const AWS_TARGET: AwsTarget = { kind: 'aws', region: 'us-east-1', env: {} };
const LOCAL_TARGET: AwsTarget = { kind: 'local', region: 'us-east-1', env: {}, endpoint: 'http://127.0.0.1:5000' };
const wait = { pollMs: 0, timeoutMs: 60_000, log: () => undefined, sleep: async () => undefined };

const recorded: AwsRunner = async (command) => {
  const response = responses[command[1]];
  if (response === undefined) throw new Error(`no recorded response for ${command.join(' ')}`);
  return structuredClone(response);
};

describe('stack set drift from recorded AWS responses', () => {
  test('detects, waits, reads the instances, and reads resource drifts only for the drifted instance', async () => {
    const { runner, calls } = recordingRunner(recorded);
    const report = await detectDrift(spec, new StackSetApi(runner), AWS_TARGET, wait);
    assert.equal(driftedCount(report), 1);
    const drifts = calls.filter((c) => c.command === 'cloudformation list-stack-instance-resource-drifts');
    assert.equal(drifts.length, 1);
    assert.deepEqual(drifts[0].input, {
      StackSetName: 'payment-stackset-test',
      StackInstanceAccount: '111111111111',
      StackInstanceRegion: 'eu-west-1',
      OperationId: '7d1c6a0e-3a52-4b8e-9e0c-5f1a2b3c4d5e',
      StackInstanceResourceDriftStatuses: ['MODIFIED', 'DELETED'],
    });
    assert.deepEqual(calls.find((c) => c.command === 'cloudformation detect-stack-set-drift')?.input, {
      StackSetName: 'payment-stackset-test',
      OperationPreferences: { MaxConcurrentCount: 2, FailureToleranceCount: 1 },
    });
  });

  test('prints the summary, every instance, and the drifted resources with their property differences', async () => {
    const report = await detectDrift(spec, new StackSetApi(recorded), AWS_TARGET, wait);
    const lines = formatDrift('payment-stackset-test', report);
    assert.equal(lines[0], 'stack set payment-stackset-test: DRIFTED — 1 drifted, 5 in sync, 0 in progress, 0 failed of 6 instances');
    assert.match(lines[1], /^account\s+region\s+drift$/);
    assert.match(lines.find((l) => l.startsWith('111111111111  eu-west-1'))!, /DRIFTED\s+\(checked 2026-11-24T09:13:52/);
    assert.equal(lines.filter((l) => /IN_SYNC/.test(l)).length, 5);
    const tail = lines.slice(lines.indexOf('111111111111 eu-west-1: 1 drifted resource'));
    assert.deepEqual(tail, [
      '111111111111 eu-west-1: 1 drifted resource',
      '  MODIFIED AWS::SNS::Topic  Topic (arn:aws:sns:eu-west-1:111111111111:payment-stackset-test-staging)',
      '           /Tags/0/Value: NOT_EQUAL expected 10.31.0.0/16, actual 10.99.0.0/16',
      '           /KmsMasterKeyId: ADD expected null, actual alias/aws/sns',
    ]);
  });

  test('no drift: says so', async () => {
    const inSync: AwsRunner = async (command, input) => {
      const response = structuredClone(await recorded(command, input));
      if (command[1] === 'list-stack-instances') for (const s of response.Summaries) s.DriftStatus = 'IN_SYNC';
      return response;
    };
    const report = await detectDrift(spec, new StackSetApi(inSync), AWS_TARGET, wait);
    assert.equal(driftedCount(report), 0);
    assert.equal(formatDrift('x', report).at(-1), 'no drifted instances');
  });

  test('the emulator failing the call is "not supported by the emulator", with its answer', async () => {
    const emulator: AwsRunner = async (command, input) => {
      if (command[1] === 'detect-stack-set-drift') {
        throw new AwsCallError("aws cloudformation detect-stack-set-drift failed: Unable to parse response (syntax error: line 1, column 0), invalid XML received. Further retries may succeed:\nb'<!doctype html>\\n<html lang=en>\\n<title>500 Internal Server Error</title>'", '', 255);
      }
      return recorded(command, input);
    };
    await assert.rejects(detectDrift(spec, new StackSetApi(emulator), LOCAL_TARGET, wait), (e: unknown) => {
      assert.ok(e instanceof DriftNotSupported, `DriftNotSupported, got ${String(e)}`);
      assert.match(e.message, /^not supported by the emulator: detect-stack-set-drift answered HTTP 500 Internal Server Error/);
      return true;
    });
  });

  test('the same failure on real AWS is an error, not "unsupported"', async () => {
    const failing: AwsRunner = async (command, input) => {
      if (command[1] === 'detect-stack-set-drift') throw new AwsCallError('aws cloudformation detect-stack-set-drift failed: OperationInProgressException', '', 254);
      return recorded(command, input);
    };
    await assert.rejects(detectDrift(spec, new StackSetApi(failing), AWS_TARGET, wait), (e: unknown) => e instanceof AwsCallError && !(e instanceof DriftNotSupported));
  });

  test('a stack set that does not exist: a clear error before detection', async () => {
    const missing: AwsRunner = async (command) => {
      if (command[1] === 'describe-stack-set') throw new AwsCallError('failed: An error occurred (StackSetNotFoundException)', 'StackSetNotFoundException', 254);
      throw new Error(`unexpected ${command.join(' ')}`);
    };
    await assert.rejects(detectDrift(spec, new StackSetApi(missing), AWS_TARGET, wait), StackSetMissing);
  });

  test('callError keeps the gist of an error page or the last CLI line', () => {
    assert.equal(callError(new Error('x\n<title>502 Bad Gateway</title>')), 'HTTP 502 Bad Gateway');
    assert.equal(callError(new Error('first\nAn error occurred (Throttling)')), 'An error occurred (Throttling)');
  });
});
