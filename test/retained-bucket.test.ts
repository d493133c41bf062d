// make destroy DELETE_RETAINED=1 empties a kept bucket the way real S3 allows (recorded responses,
// no emulator: moto enforces neither bucket policies nor Object Lock on deletes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyAndDeleteBucketWith } from '../scripts/lib/deploy/retained.js';
import { recordedAws } from './lib/recorded-aws.js';

const versions = { Versions: [{ Key: 'config/a.json.gz', VersionId: 'v1' }], DeleteMarkers: [{ Key: 'config/b.json.gz', VersionId: 'v2' }], IsTruncated: false };

test('the bucket policy goes first (its Deny on s3:DeleteObject beats any grant), versions are deleted bypassing GOVERNANCE retention, then the bucket', async () => {
  const aws = recordedAws({ s3: { DeleteBucketPolicy: {}, ListObjectVersions: versions, DeleteObjects: {}, DeleteBucket: {} } });
  const note = await emptyAndDeleteBucketWith(aws.clients.admin.s3('us-east-1'), 'payment-config-111111111111-us-east-1-dev');
  assert.equal(note, 'policy removed, emptied and deleted');
  assert.deepEqual(
    aws.calls.map((c) => c.command),
    ['DeleteBucketPolicy', 'ListObjectVersions', 'DeleteObjects', 'DeleteBucket'],
    'policy, list, delete versions, bucket: in that order',
  );
  const deleted = aws.callsOf('DeleteObjects')[0]!;
  assert.equal(deleted.input.BypassGovernanceRetention, true, 'GOVERNANCE retention (dev audit bucket) is bypassed');
  assert.deepEqual(
    deleted.input.Delete.Objects.map((o: { Key: string }) => o.Key),
    ['config/a.json.gz', 'config/b.json.gz'],
    'every version and delete marker',
  );
});

test('per-object errors of DeleteObjects (COMPLIANCE retention) stop with the reason, before DeleteBucket', async () => {
  const aws = recordedAws({
    s3: {
      DeleteBucketPolicy: {},
      ListObjectVersions: versions,
      DeleteObjects: { Errors: [{ Key: 'config/a.json.gz', VersionId: 'v1', Code: 'AccessDenied', Message: 'Access Denied because object protected by object lock.' }] },
      DeleteBucket: {},
    },
  });
  await assert.rejects(
    emptyAndDeleteBucketWith(aws.clients.admin.s3('us-east-1'), 'payment-audit-111111111111-us-east-1-dev'),
    /1 object version\(s\) could not be deleted .*AccessDenied.*COMPLIANCE Object Lock/,
  );
  assert.equal(aws.callsOf('DeleteBucket').length, 0, 'the bucket is not deleted (it would only fail with BucketNotEmpty)');
});
