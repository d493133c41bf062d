// Layer 6 — storage: EFS for the tasks and the S3 buckets of the platform.
// EFS: encrypted with the storage key, backups on, mount targets in the private tier, a file
// system policy that denies anything but TLS and grants mounting only through mount targets,
// an access point with a fixed POSIX user. S3: Block Public Access, ownership enforced,
// versioning, lifecycle, TLS-1.2-only policies; the data bucket uses the storage key, the access
// log bucket SSE-S3 because S3 server access logging cannot deliver into an SSE-KMS bucket.
import type { PlatformConfig } from '../config.js';
import { AWS, Select, Sub, type Value } from '../core/intrinsics.js';
import type { ResourceHandle, Template } from '../core/template.js';
import { BACKUP_TAG } from './database.js';
import {
  ACCOUNT_ROOT,
  denyInsecureTransport,
  denyOldTls,
  envName,
  keyArnParameter,
  layerTemplate,
  LOG_RETENTION_DAYS,
  policyDocument,
  type PolicyStatement,
  RETAIN_ON_DELETE,
  securityGroupParameter,
  subnetsParameter,
} from './common.js';

/** Settings every bucket of the platform has. */
export const privateBucketBasics = {
  PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
  OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' as const }] },
  VersioningConfiguration: { Status: 'Enabled' as const },
};

/** A bucket policy with the TLS-only statements first, then the bucket's own statements. */
export function tlsOnlyBucketPolicy(t: Template, logicalId: string, bucket: ResourceHandle<'AWS::S3::Bucket'>, ...statements: PolicyStatement[]) {
  return t.resource(
    logicalId,
    'AWS::S3::BucketPolicy',
    {
      Bucket: bucket.ref,
      PolicyDocument: policyDocument(denyInsecureTransport(bucket.getAtt('Arn')), denyOldTls(bucket.getAtt('Arn')), ...statements),
    },
    { suppress: { parliament: TLS_DENY_ON_ALL_S3_ACTIONS } },
  );
}

/** parliament's action data lacks s3:TlsVersion for a few newer S3 actions that "s3:*" expands to. */
const TLS_DENY_ON_ALL_S3_ACTIONS = {
  MISMATCHED_TYPE: {
    reason:
      'IAM reads condition values as strings and compares "1.2" numerically for Numeric operators (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric); parliament wants a JSON number and crashes on one.',
    requirement: '4.2.1',
    compensatingControl: 'PCI-TLS-005 checks that every bucket policy denies requests below TLS 1.2; AWS Config s3-bucket-ssl-requests-only reports it at run time.',
  },
  UNKNOWN_CONDITION_FOR_ACTION: {
    reason:
      's3:TlsVersion is evaluated on every S3 request; AWS documents denying s3:* below TLS 1.2 this way (https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html#example-object-tls-version). parliament does not list the key for s3:InitiateReplication and s3:PutAccessPointPublicAccessBlock.',
    requirement: '4.2.1',
    compensatingControl: 'PCI-TLS-005 checks the deny statement; AWS Config s3-bucket-ssl-requests-only reports it at run time.',
  },
  MISMATCHED_TYPE_BUT_USABLE: {
    reason:
      'S3 documents StringNotEquals with s3:x-amz-server-side-encryption-aws-kms-key-id (a header that may hold a key ARN or ID), https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html.',
    requirement: '3.5.1',
    compensatingControl: 'Default encryption with the customer-managed key applies to every object (PCI-ENC-004); the deny only refuses a different key named in the request.',
  },
};

export const bucketName = (config: PlatformConfig, purpose: string): Value<string> => Sub(`${config.namePrefix}-${purpose}-\${AWS::AccountId}-\${AWS::Region}-\${Environment}`);

export function buildStorage(config: PlatformConfig): Template {
  const t = layerTemplate('storage', 'PCI payment platform - layer 6: EFS (KMS, TLS + IAM only) and private, TLS-only, versioned S3 buckets.', 'Restricted');
  const storageKey = t.parameter('StorageKeyArn', keyArnParameter('EFS and S3 data'), 'Keys');
  const subnets = t.parameter('PrivateSubnetIds', subnetsParameter('Private', 'the EFS mount targets'), 'Network');
  const efsSg = t.parameter('EfsSecurityGroupId', securityGroupParameter('the EFS mount targets'), 'Network');
  const accessLogDays = t.parameter(
    'AccessLogRetentionDays',
    {
      Type: 'Number',
      Description: 'Days S3 keeps access logs (S3 server access and NLB access logs); PCI DSS 10.5.1 asks for 12 months.',
      Default: 365,
      AllowedValues: LOG_RETENTION_DAYS,
    },
    'Logging',
  );
  const noncurrentDays = t.parameter(
    'DataNoncurrentVersionDays',
    { Type: 'Number', Description: 'Days the data bucket keeps overwritten or deleted object versions.', Default: 90, MinValue: 30, MaxValue: 3650 },
    'Storage',
  );

  // --- EFS ---------------------------------------------------------------------------------------
  const fileSystem = t.resource(
    'FileSystem',
    'AWS::EFS::FileSystem',
    {
      Encrypted: true,
      KmsKeyId: storageKey.ref,
      PerformanceMode: 'generalPurpose',
      ThroughputMode: 'elastic',
      BackupPolicy: { Status: 'ENABLED' },
      LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }, { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }],
      FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
      FileSystemPolicy: policyDocument(
        {
          Sid: 'DenyWithoutTls',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'elasticfilesystem:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': false } },
        },
        {
          // In a file system policy "*" is this file system (it cannot name its own ARN).
          Sid: 'AllowMountThroughMountTargetsToThisAccount',
          Effect: 'Allow',
          Principal: { AWS: ACCOUNT_ROOT },
          Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
          Resource: '*',
          Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
        },
      ),
      FileSystemTags: [{ Key: 'Name', Value: envName('efs') }, BACKUP_TAG],
    },
    {
      ...RETAIN_ON_DELETE,
      suppress: {
        parliament: {
          RESOURCE_STAR: {
            reason:
              'In a file system policy, Resource "*" is this file system; the policy cannot name its own ARN (https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html).',
            requirement: '7.2.1',
            compensatingControl: 'The policy allows only mounts through its mount targets over TLS with IAM (PCI-TLS-003); the task role names the access point (PCI-IAM-006).',
          },
        },
      },
    },
  );
  [0, 1, 2].forEach((az) =>
    t.resource(`MountTarget${az + 1}`, 'AWS::EFS::MountTarget', { FileSystemId: fileSystem.ref, SubnetId: Select(az, subnets.ref), SecurityGroups: [efsSg.ref] }),
  );
  const accessPoint = t.resource('AppAccessPoint', 'AWS::EFS::AccessPoint', {
    FileSystemId: fileSystem.ref,
    PosixUser: { Uid: '1000', Gid: '1000' },
    RootDirectory: { Path: '/payment', CreationInfo: { OwnerUid: '1000', OwnerGid: '1000', Permissions: '0750' } },
    AccessPointTags: [{ Key: 'Name', Value: envName('app') }],
  });

  // --- S3 ----------------------------------------------------------------------------------------
  const accessLogs = t.resource(
    'AccessLogsBucket',
    'AWS::S3::Bucket',
    {
      BucketName: bucketName(config, 'access-logs'),
      ...privateBucketBasics,
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'keep-access-logs-12-months',
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
            ExpirationInDays: accessLogDays.ref,
            // An overwritten or deleted log file is evidence too: keep old versions as long.
            NoncurrentVersionExpiration: { NoncurrentDays: accessLogDays.ref },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
    },
    {
      ...RETAIN_ON_DELETE,
      dataClassification: 'Confidential',
      suppress: {
        pci: {
          'PCI-ENC-004': {
            reason: 'S3 server access logging cannot deliver into an SSE-KMS bucket: SSE-S3 (AES-256) is what the service requires.',
            requirement: '3.5.1',
            compensatingControl:
              'The bucket holds access logs only, no cardholder data; objects are still encrypted at rest (SSE-S3, AES-256), public access is blocked and the bucket policy denies requests without TLS 1.2.',
          },
        },
        checkov: {
          CKV_AWS_18: {
            reason: 'This is the access-log bucket; logging it into itself would loop.',
            requirement: '10.2.1',
            compensatingControl: 'CloudTrail records management events on the bucket (audit layer).',
          },
          CKV_AWS_145: {
            reason: 'S3 server access logging cannot deliver into an SSE-KMS bucket; SSE-S3 is what the service requires.',
            requirement: '3.5.1',
            compensatingControl: 'Access logs only, no cardholder data; SSE-S3 (AES-256) at rest.',
          },
        },
        guard: {
          S3_BUCKET_DEFAULT_LOCK_ENABLED: {
            reason:
              'S3 server access logging refuses a target bucket with a default Object Lock retention (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).',
            requirement: '10.3.2',
            compensatingControl:
              "Versioned, and the bucket policy denies deleting any log or version to everyone (DenyDeletingAccessLogs); the record of access to cardholder data is CloudTrail's, in the object-locked audit bucket (PCI-LOG-004).",
          },
          S3_BUCKET_LOGGING_ENABLED: {
            reason:
              "This is the access-log bucket; logging it into itself would loop (the platform's Config rule S3_BUCKET_LOGGING_ENABLED reports it NON_COMPLIANT for the same reason: an expected, explained result).",
            requirement: '10.2.1',
            compensatingControl: 'CloudTrail records management events on the bucket (audit layer).',
          },
          S3_BUCKET_REPLICATION_ENABLED: {
            reason:
              "Server access logs are kept here 12 months; the audit trail of access to cardholder data is CloudTrail's data events, which replicate to the central log archive.",
            requirement: '10.3.3',
            compensatingControl:
              'PCI-LOG-011 checks the CloudTrail and Config logs reach the central log archive outside the workload account; versioning and the deny-delete policy protect these objects.',
          },
        },
      },
    },
  );
  tlsOnlyBucketPolicy(
    t,
    'AccessLogsBucketPolicy',
    accessLogs,
    {
      Sid: 'AllowS3ServerAccessLogsFromThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: Sub('${Arn}/s3-access-logs/*', { Arn: accessLogs.getAtt('Arn') }),
      Condition: { StringEquals: { 'aws:SourceAccount': AWS.AccountId } },
    },
    {
      Sid: 'AllowLoadBalancerAccessLogsFromThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: Sub('${Arn}/load-balancer/AWSLogs/${AWS::AccountId}/*', { Arn: accessLogs.getAtt('Arn') }),
      Condition: { StringEquals: { 'aws:SourceAccount': AWS.AccountId } },
    },
    {
      Sid: 'AllowLogDeliveryAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: accessLogs.getAtt('Arn'),
      Condition: { StringEquals: { 'aws:SourceAccount': AWS.AccountId } },
    },
    // Audit logs are not altered (PCI DSS 10.3.2): nobody deletes an access log or one of its
    // versions; the lifecycle rule still expires them (S3 Lifecycle is not subject to the policy).
    {
      Sid: 'DenyDeletingAccessLogs',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      Resource: Sub('${Arn}/*', { Arn: accessLogs.getAtt('Arn') }),
    },
  );

  const data = t.resource(
    'DataBucket',
    'AWS::S3::Bucket',
    {
      BucketName: bucketName(config, 'data'),
      ...privateBucketBasics,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: storageKey.ref }, BucketKeyEnabled: true }],
      },
      LoggingConfiguration: { DestinationBucketName: accessLogs.ref, LogFilePrefix: 's3-access-logs/data/' },
      // Daily AWS Backup recovery points, copied to the DR region (backup layer's selection).
      Tags: [BACKUP_TAG],
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-old-versions',
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: noncurrentDays.ref },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
    },
    {
      ...RETAIN_ON_DELETE,
      suppress: {
        checkov: {
          CKV_AWS_144: {
            reason:
              "No live replica of cardholder data in a second region: the DR copy is AWS Backup's (daily, KMS-encrypted vault, deletion denied), so the data exists in one more place only as recovery points.",
            requirement: '12.10.1',
            compensatingControl:
              'Versioning keeps every object version; the backup layer selects this bucket by its BackupPolicy tag and copies each recovery point to the DR-region vault (PCI-BAK-004).',
          },
        },
        guard: {
          S3_BUCKET_DEFAULT_LOCK_ENABLED: {
            reason:
              'No Object Lock on cardholder data: data past its retention must be deletable (PCI DSS 3.2.1), and a lock would keep every object version for the whole lock period.',
            requirement: '3.2.1',
            compensatingControl:
              'Versioning keeps overwritten and deleted objects for NoncurrentVersionDays; AWS Backup recovery points (deletion denied in the vault) keep the daily state (PCI-BAK-004).',
          },
          S3_BUCKET_REPLICATION_ENABLED: {
            reason:
              "No live replica of cardholder data in a second region: the DR copy is AWS Backup's (daily, KMS-encrypted vault, deletion denied), so the data exists in one more place only as recovery points.",
            requirement: '12.10.1',
            compensatingControl:
              'Versioning keeps every object version; the backup layer selects this bucket by its BackupPolicy tag and copies each recovery point to the DR-region vault (PCI-BAK-004).',
          },
        },
      },
    },
  );
  // Uploads that name no encryption get the bucket default (the storage key). Only uploads that ask
  // for another encryption or key are denied: the Null guard keeps the deny from matching requests
  // without the header, which are uploads relying on default encryption and every multipart part
  // (UploadPart carries no SSE header). https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
  tlsOnlyBucketPolicy(
    t,
    'DataBucketPolicy',
    data,
    {
      Sid: 'DenyUploadsAskingForAnotherEncryption',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: Sub('${Arn}/*', { Arn: data.getAtt('Arn') }),
      Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' }, Null: { 's3:x-amz-server-side-encryption': 'false' } },
    },
    {
      Sid: 'DenyUploadsAskingForAnotherKey',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: Sub('${Arn}/*', { Arn: data.getAtt('Arn') }),
      Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': storageKey.ref }, Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' } },
    },
  );

  t.output('FileSystemId', { Value: fileSystem.ref, Description: 'EFS file system ID.' });
  t.output('FileSystemArn', { Value: fileSystem.getAtt('Arn'), Description: 'EFS file system ARN (task role policies).' });
  t.output('AccessPointId', { Value: accessPoint.ref, Description: 'EFS access point of the application.' });
  t.output('AccessPointArn', { Value: accessPoint.getAtt('Arn'), Description: 'EFS access point ARN (task role policies).' });
  t.output('DataBucketName', { Value: data.ref, Description: 'Data bucket (KMS, TLS-only).' });
  t.output('DataBucketArn', { Value: data.getAtt('Arn'), Description: 'Data bucket ARN (task role policies).' });
  t.output('AccessLogsBucketName', { Value: accessLogs.ref, Description: 'Access-log bucket (S3 server access logs, NLB access logs).' });
  return t;
}
