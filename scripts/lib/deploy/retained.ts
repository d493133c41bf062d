// DELETE_RETAINED=1 (make destroy, never for prod): once the stacks are gone, deletes what their
// DeletionPolicy kept, so the next deploy of the environment can create the same names again (a
// kept log group, bucket or vault holds its name; the create then fails on "already exists").
// Each type is deleted the way its service requires:
//   S3 bucket: every object version and delete marker first (API_DeleteBucket: the bucket must be empty)
//   log group: DeleteLogGroup
//   secret: DeleteSecret with ForceDeleteWithoutRecovery (a secret scheduled for deletion keeps its name)
//     https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html
//   KMS key: ScheduleKeyDeletion after the shortest waiting period, 7 days (keys cannot be deleted at once)
//     https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
//   Kinesis stream: DeleteStream with EnforceConsumerDeletion
//   backup vault: its access policy (which denies DeleteRecoveryPoint) and its recovery points first
//     https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteBackupVault.html
// Anything else is listed to remove by hand.
import {
  BackupClient,
  DeleteBackupVaultAccessPolicyCommand,
  DeleteBackupVaultCommand,
  DeleteRecoveryPointCommand,
  paginateListRecoveryPointsByBackupVault,
} from '@aws-sdk/client-backup';
import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { DeleteBucketCommand, DeleteBucketPolicyCommand, DeleteObjectsCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsClients, isAwsError, type AwsTarget } from '../aws.js';
import type { KeptResource } from './destroy.js';

export interface RetainedDeletion {
  readonly resource: KeptResource;
  readonly deleted: boolean;
  readonly note: string;
}

type Deleter = (target: AwsTarget, id: string, region?: string) => Promise<string>;

/**
 * Empties a retained bucket and deletes it, as real S3 allows:
 * - the bucket's own policy goes first: the platform's log buckets deny s3:DeleteObject to every
 *   principal (DenyDeletingConfigHistory), and an explicit deny beats any grant
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html);
 * - object versions under GOVERNANCE retention (dev's audit bucket) are deleted with
 *   BypassGovernanceRetention, which needs s3:BypassGovernanceRetention; COMPLIANCE retention
 *   cannot be bypassed by anyone (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html);
 * - DeleteObjects answers 200 with per-object Errors: they are read, not ignored, so a bucket that
 *   cannot be emptied says why instead of failing later with BucketNotEmpty.
 */
export async function emptyAndDeleteBucketWith(s3: S3Client, bucket: string): Promise<string> {
  await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  // ListObjectVersions has no SDK paginator: KeyMarker/VersionIdMarker by hand (at most 1,000 a page, as DeleteObjects takes).
  let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, ...markers }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((o) => ({ Key: o.Key!, VersionId: o.VersionId }));
    if (objects.length > 0) {
      const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, BypassGovernanceRetention: true, Delete: { Objects: objects, Quiet: true } }));
      const errors = result.Errors ?? [];
      if (errors.length > 0) {
        const first = errors[0]!;
        throw new Error(
          `${bucket}: ${errors.length} object version(s) could not be deleted (first: ${first.Key} ${first.VersionId ?? ''}: ${first.Code} ${first.Message ?? ''}); ` +
            'objects under COMPLIANCE Object Lock stay until their retain-until date, GOVERNANCE needs s3:BypassGovernanceRetention: remove the bucket by hand once that allows it',
        );
      }
    }
    if (!page.IsTruncated) break;
    markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  return 'policy removed, emptied and deleted';
}

const emptyAndDeleteBucket = (target: AwsTarget, bucket: string, region?: string): Promise<string> => emptyAndDeleteBucketWith(awsClients(target).s3(region), bucket);

async function deleteVault(target: AwsTarget, name: string, region?: string): Promise<string> {
  const backup = awsClients(target).of(BackupClient, region);
  await backup.send(new DeleteBackupVaultAccessPolicyCommand({ BackupVaultName: name })).catch((error: unknown) => {
    if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
  });
  for await (const page of paginateListRecoveryPointsByBackupVault({ client: backup }, { BackupVaultName: name })) {
    for (const point of page.RecoveryPoints ?? []) await backup.send(new DeleteRecoveryPointCommand({ BackupVaultName: name, RecoveryPointArn: point.RecoveryPointArn }));
  }
  await backup.send(new DeleteBackupVaultCommand({ BackupVaultName: name }));
  return 'recovery points and vault deleted';
}

const DELETERS: Readonly<Record<string, Deleter>> = {
  'AWS::S3::Bucket': emptyAndDeleteBucket,
  'AWS::Logs::LogGroup': async (target, name, region) => {
    await awsClients(target)
      .of(CloudWatchLogsClient, region)
      .send(new DeleteLogGroupCommand({ logGroupName: name }));
    return 'deleted';
  },
  'AWS::SecretsManager::Secret': async (target, id, region) => {
    await awsClients(target)
      .of(SecretsManagerClient, region)
      .send(new DeleteSecretCommand({ SecretId: id, ForceDeleteWithoutRecovery: true }));
    return 'deleted without recovery window';
  },
  'AWS::KMS::Key': async (target, id, region) => {
    await awsClients(target)
      .of(KMSClient, region)
      .send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
    return 'scheduled for deletion in 7 days (the shortest KMS allows)';
  },
  'AWS::Kinesis::Stream': async (target, name, region) => {
    // The Kinesis client speaks HTTP/2 by default (for SubscribeToShard); DeleteStream is plain HTTP/1.1.
    await awsClients(target)
      .of(KinesisClient, region, { requestHandler: new NodeHttpHandler() })
      .send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
    return 'deleted';
  },
  'AWS::Backup::BackupVault': deleteVault,
};

const GONE = ['ResourceNotFoundException', 'NoSuchBucket', 'NotFoundException', 'NotFound'];

/** The emulator answers an API of a type it only accepts (no service model) with a server error page. */
const acceptedOnly = (error: unknown): boolean =>
  ((error as { $response?: { statusCode?: number } }).$response?.statusCode ?? 0) >= 500 || /<!doctype|not valid JSON|not implemented/i.test(String((error as Error).message));

export async function deleteRetained(target: AwsTarget, kept: readonly KeptResource[], log: (line: string) => void): Promise<RetainedDeletion[]> {
  const results: RetainedDeletion[] = [];
  for (const resource of kept) {
    const deleter = DELETERS[resource.resourceType];
    let result: RetainedDeletion;
    if (!deleter) result = { resource, deleted: false, note: 'no deleter for this type: remove it by hand' };
    else {
      try {
        result = { resource, deleted: true, note: await deleter(target, resource.physicalId, resource.region) };
      } catch (error) {
        if (isAwsError(error, ...GONE)) result = { resource, deleted: true, note: 'already gone' };
        else if (target.kind === 'local' && acceptedOnly(error))
          result = { resource, deleted: true, note: 'the emulator only accepts this type (docs/emulator.md): there is nothing behind it to delete' };
        else result = { resource, deleted: false, note: `not deleted: ${(error as Error).message.split('\n')[0]}` };
      }
    }
    log(`destroy: DELETE_RETAINED: ${resource.resourceType} ${resource.physicalId}: ${result.note}`);
    results.push(result);
  }
  return results;
}
