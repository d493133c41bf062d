// Layer 11 — audit: CloudTrail and AWS Config.
// CloudTrail (switch off with EnableCloudTrail=false in accounts covered by an organization
// trail): multi-region, global events, log-file validation, KMS (audit key), S3 data events on
// the data bucket, to a versioned, TLS-only, object-locked bucket (COMPLIANCE mode unless a
// parameter says GOVERNANCE) and to an encrypted CloudWatch Logs group kept ≥ 365 days, with
// metric-filter alarms for security-relevant events (PCI DSS 10.2.1.x, 10.3.x, 10.4.1, 10.5.1, 10.7.1).
// AWS Config: managed rules for the PCI controls of these resources; the recorder and delivery
// channel are optional (CreateConfigRecorder=false in Control Tower accounts, which have one:
// creating a second fails, and would break a StackSet rollout). Config delivers to a bucket of its
// own (it cannot deliver to an Object Lock bucket). Both buckets replicate every file to the
// central log-archive bucket of another account (PCI DSS 10.3.3), required outside dev by a rule.
import type { PlatformConfig } from '../config.js';
import { AWS, Equals, If, Not, Ref, Sub, type Value } from '../core/intrinsics.js';
import type { Template } from '../core/template.js';
import { privateBucketBasics, tlsOnlyBucketPolicy, bucketName } from './storage.js';
import {
  KEY_ARN_PATTERN,
  LOG_RETENTION_DAYS,
  assumeRolePolicy,
  RETAIN_ON_DELETE,
  conditionalDependency,
  encryptedLogGroup,
  envName,
  keyArnParameter,
  layerTemplate,
  logRetentionParameter,
  policyDocument,
  stringParameter,
  platformRole,
  switchParameter,
} from './common.js';

/** AWS Config managed rules (conformance pack "Operational Best Practices for PCI DSS" subset that applies here). */
const CONFIG_RULES: readonly { readonly identifier: string; readonly input?: Record<string, string> }[] = [
  { identifier: 'API_GW_ASSOCIATED_WITH_WAF' },
  { identifier: 'API_GW_EXECUTION_LOGGING_ENABLED' },
  { identifier: 'API_GW_XRAY_ENABLED' },
  { identifier: 'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK', input: { requiredFrequencyValue: '1', requiredRetentionDays: '30', requiredFrequencyUnit: 'days' } },
  { identifier: 'BACKUP_RECOVERY_POINT_ENCRYPTED' },
  { identifier: 'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED' },
  { identifier: 'CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED' },
  { identifier: 'CLOUD_TRAIL_ENCRYPTION_ENABLED' },
  { identifier: 'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED' },
  { identifier: 'CLOUDWATCH_LOG_GROUP_ENCRYPTED' },
  { identifier: 'CMK_BACKING_KEY_ROTATION_ENABLED' },
  { identifier: 'CW_LOGGROUP_RETENTION_PERIOD_CHECK', input: { MinRetentionTime: '365' } },
  { identifier: 'DB_INSTANCE_BACKUP_ENABLED' },
  { identifier: 'EFS_ACCESS_POINT_ENFORCE_USER_IDENTITY' },
  { identifier: 'EFS_ENCRYPTED_CHECK' },
  { identifier: 'EFS_IN_BACKUP_PLAN' },
  { identifier: 'ELASTICACHE_REPL_GRP_ENCRYPTED_AT_REST' },
  { identifier: 'ELASTICACHE_REPL_GRP_ENCRYPTED_IN_TRANSIT' },
  { identifier: 'ELASTICACHE_REPL_GRP_REDIS_AUTH_ENABLED' },
  { identifier: 'ELBV2_ACM_CERTIFICATE_REQUIRED' },
  { identifier: 'ECS_CONTAINERS_NONPRIVILEGED' },
  { identifier: 'ECS_CONTAINERS_READONLY_ACCESS' },
  // secretKeys is required: the environment variable names that must never carry a secret.
  { identifier: 'ECS_NO_ENVIRONMENT_SECRETS', input: { secretKeys: 'PASSWORD,DB_PASSWORD,SECRET,API_KEY,TOKEN,AUTH_TOKEN,REDIS_AUTH_TOKEN,APP_SIGNING_KEY,PRIVATE_KEY' } },
  { identifier: 'ECS_TASK_DEFINITION_LOG_CONFIGURATION' },
  { identifier: 'IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS' },
  { identifier: 'IAM_ROOT_ACCESS_KEY_CHECK' },
  { identifier: 'INCOMING_SSH_DISABLED' },
  { identifier: 'KINESIS_STREAM_ENCRYPTED' },
  { identifier: 'KMS_CMK_NOT_SCHEDULED_FOR_DELETION' },
  { identifier: 'LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED' },
  { identifier: 'LAMBDA_INSIDE_VPC' },
  { identifier: 'MULTI_REGION_CLOUD_TRAIL_ENABLED' },
  { identifier: 'RDS_INSTANCE_PUBLIC_ACCESS_CHECK' },
  { identifier: 'RDS_LOGGING_ENABLED' },
  { identifier: 'RDS_SNAPSHOTS_PUBLIC_PROHIBITED' },
  { identifier: 'RDS_STORAGE_ENCRYPTED' },
  { identifier: 'ROOT_ACCOUNT_MFA_ENABLED' },
  { identifier: 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED' },
  { identifier: 'S3_BUCKET_LOGGING_ENABLED' },
  { identifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' },
  { identifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED' },
  { identifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED' },
  { identifier: 'S3_BUCKET_SSL_REQUESTS_ONLY' },
  { identifier: 'S3_BUCKET_VERSIONING_ENABLED' },
  { identifier: 'SECRETSMANAGER_ROTATION_ENABLED_CHECK' },
  { identifier: 'SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK' },
  { identifier: 'SECRETSMANAGER_USING_CMK' },
  { identifier: 'SNS_ENCRYPTED_KMS' },
  { identifier: 'SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED' },
  { identifier: 'VPC_DEFAULT_SECURITY_GROUP_CLOSED' },
  { identifier: 'VPC_FLOW_LOGS_ENABLED' },
  { identifier: 'VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS', input: { authorizedTcpPorts: '443' } },
  { identifier: 'WAFV2_LOGGING_ENABLED' },
];

/** CloudTrail metric filters that raise an alarm (security-relevant events, PCI DSS 10.2.1.x / 10.4.1). */
const TRAIL_ALARMS: readonly { readonly id: string; readonly description: string; readonly pattern: string }[] = [
  {
    id: 'UnauthorizedApiCalls',
    description: 'API calls denied for lack of permission',
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  },
  {
    id: 'RootAccountUsage',
    description: 'The root user was used',
    pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  {
    id: 'ConsoleSignInWithoutMfa',
    description: 'Console sign-in without MFA',
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.responseElements.ConsoleLogin = "Success") }',
  },
  {
    id: 'IamPolicyChanges',
    description: 'IAM policies changed',
    pattern:
      '{ ($.eventSource = "iam.amazonaws.com") && (($.eventName = "Put*Policy") || ($.eventName = "Attach*Policy") || ($.eventName = "Detach*Policy") || ($.eventName = "Create*Policy*") || ($.eventName = "Delete*Policy*")) }',
  },
  {
    id: 'TrailConfigurationChanges',
    description: 'CloudTrail stopped, deleted or changed',
    pattern: '{ ($.eventName = "StopLogging") || ($.eventName = "DeleteTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "PutEventSelectors") }',
  },
  {
    id: 'KmsKeyDisabledOrScheduledForDeletion',
    description: 'A KMS key was disabled or scheduled for deletion',
    pattern: '{ ($.eventSource = "kms.amazonaws.com") && (($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion")) }',
  },
  {
    id: 'SecurityGroupChanges',
    description: 'Security groups changed',
    pattern:
      '{ ($.eventName = "AuthorizeSecurityGroupIngress") || ($.eventName = "AuthorizeSecurityGroupEgress") || ($.eventName = "RevokeSecurityGroupIngress") || ($.eventName = "RevokeSecurityGroupEgress") || ($.eventName = "CreateSecurityGroup") || ($.eventName = "DeleteSecurityGroup") }',
  },
  {
    id: 'NetworkAclChanges',
    description: 'Network ACLs changed',
    pattern: '{ ($.eventName = "CreateNetworkAcl*") || ($.eventName = "DeleteNetworkAcl*") || ($.eventName = "ReplaceNetworkAcl*") }',
  },
  {
    id: 'ConfigChanges',
    description: 'AWS Config recording stopped or changed',
    pattern:
      '{ ($.eventSource = "config.amazonaws.com") && (($.eventName = "StopConfigurationRecorder") || ($.eventName = "DeleteDeliveryChannel") || ($.eventName = "PutDeliveryChannel") || ($.eventName = "PutConfigurationRecorder")) }',
  },
];

export function buildAudit(config: PlatformConfig): Template {
  const t = layerTemplate(
    'audit',
    'PCI payment platform - layer 11: CloudTrail (optional) with validation to an encrypted, locked bucket and log group; AWS Config PCI rules (recorder optional).',
    'Confidential',
  );
  const auditKey = t.parameter('AuditKeyArn', keyArnParameter('CloudTrail logs and Config deliveries'), 'Keys');
  const logsKey = t.parameter('LogsKeyArn', keyArnParameter('CloudWatch Logs'), 'Keys');
  const retention = logRetentionParameter(t);
  const accessLogs = t.parameter(
    'AccessLogsBucketName',
    stringParameter('Bucket receiving S3 server access logs (storage layer).', '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', 'must be an S3 bucket name'),
    'Storage',
  );
  const dataBucketArn = t.parameter(
    'DataBucketArn',
    stringParameter('Data bucket ARN (storage layer): its object reads and writes are logged.', '^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$', 'must be an S3 bucket ARN'),
    'Storage',
  );
  const topicArn = t.parameter(
    'AlarmTopicArn',
    stringParameter('Alarm topic (observability layer).', '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$', 'must be an SNS topic ARN'),
    'Alarms',
  );
  const enableTrail = t.parameter(
    'EnableCloudTrail',
    switchParameter("Create this account's CloudTrail trail (false where an organization trail already records the account).", 'true'),
    'Audit',
  );
  const createRecorder = t.parameter(
    'CreateConfigRecorder',
    switchParameter('Create the AWS Config recorder and delivery channel (false in Control Tower accounts, which already have one).', 'true'),
    'Audit',
  );
  const auditDays = t.parameter(
    'AuditLogRetentionDays',
    { Type: 'Number', Description: 'Days the audit buckets keep CloudTrail and Config files (object lock for the first 365).', Default: 365, AllowedValues: LOG_RETENTION_DAYS },
    'Audit',
  );
  const lockMode = t.parameter(
    'AuditObjectLockMode',
    {
      Type: 'String',
      Description:
        'Object Lock mode of the CloudTrail bucket: COMPLIANCE (nobody, not even root, can delete or shorten the lock) for production; GOVERNANCE (bypassable with s3:BypassGovernanceRetention) only where test data must be removable.',
      Default: 'COMPLIANCE',
      AllowedValues: ['COMPLIANCE', 'GOVERNANCE'],
    },
    'Audit',
  );
  // PCI DSS 10.3.3: audit logs are promptly backed up to a central store that is hard to alter.
  // Both audit buckets replicate every new file to a bucket in a separate log-archive account
  // (the workload account's admins cannot change it), encrypted with that account's key.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
  const archiveBucket = t.parameter(
    'LogArchiveBucketArn',
    {
      ...stringParameter(
        "Central log-archive bucket (in the log-archive account) receiving a replica of every CloudTrail and Config file; empty for none (staging and prod refuse empty). Its policy must allow this account's replication role.",
        '^$|^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
        'must be empty or an S3 bucket ARN',
      ),
      Default: '',
    },
    'Audit',
  );
  const archiveAccount = t.parameter(
    'LogArchiveAccountId',
    { ...stringParameter('Account that owns the log-archive bucket (replicas are owned by it).', '^$|^[0-9]{12}$', 'must be empty or a 12-digit account ID'), Default: '' },
    'Audit',
  );
  const archiveKey = t.parameter(
    'LogArchiveKmsKeyArn',
    {
      ...stringParameter(
        "KMS key of the log-archive bucket that encrypts the replicas (its key policy must allow this account's replication role).",
        '^$|' + KEY_ARN_PATTERN.slice(1),
        'must be empty or a KMS key ARN',
      ),
      Default: '',
    },
    'Audit',
  );

  const trailOn = t.condition('IsCloudTrailEnabled', Equals(enableTrail.ref, 'true'));
  const recorderOn = t.condition('IsConfigRecorderCreated', Equals(createRecorder.ref, 'true'));
  const archiving = t.condition('ReplicatesToLogArchive', Not(Equals(archiveBucket.ref, '')));
  t.rule('CentralLogArchiveOutsideDev', {
    RuleCondition: Not(Equals(Ref('Environment'), 'dev')),
    Assertions: [
      {
        Assert: Not(Equals(archiveBucket.ref, '')),
        AssertDescription: 'staging and prod need LogArchiveBucketArn: audit logs must reach a central store that is hard to alter (PCI DSS 10.3.3)',
      },
    ],
  });
  t.rule('LogArchiveComplete', {
    RuleCondition: Not(Equals(archiveBucket.ref, '')),
    Assertions: [
      { Assert: Not(Equals(archiveAccount.ref, '')), AssertDescription: 'LogArchiveBucketArn needs LogArchiveAccountId (the replicas are handed to that account)' },
      { Assert: Not(Equals(archiveKey.ref, '')), AssertDescription: 'LogArchiveBucketArn needs LogArchiveKmsKeyArn (the replicas are encrypted with the archive key)' },
    ],
  });

  // Replication of both audit buckets to the log archive (only when one is configured).
  const auditBucketName = bucketName(config, 'audit');
  const configBucketName = bucketName(config, 'config');
  const s3Arn = (name: Value<string>, suffix = '') => Sub(`arn:\${AWS::Partition}:s3:::\${Name}${suffix}`, { Name: name });
  const replicationRole = platformRole(
    t,
    'LogArchiveReplicationRole',
    {
      Description: 'S3 replication of the CloudTrail and Config buckets to the central log archive',
      AssumeRolePolicyDocument: assumeRolePolicy('s3.amazonaws.com'),
      Policies: [
        {
          PolicyName: 'replicate-to-log-archive',
          PolicyDocument: policyDocument(
            {
              Sid: 'ReadReplicationConfiguration',
              Effect: 'Allow',
              Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
              Resource: [s3Arn(auditBucketName), s3Arn(configBucketName)],
            },
            {
              Sid: 'ReadObjectVersionsToReplicate',
              Effect: 'Allow',
              Action: ['s3:GetObjectLegalHold', 's3:GetObjectRetention', 's3:GetObjectVersionAcl', 's3:GetObjectVersionForReplication', 's3:GetObjectVersionTagging'],
              Resource: [s3Arn(auditBucketName, '/*'), s3Arn(configBucketName, '/*')],
            },
            {
              Sid: 'WriteReplicasToTheArchive',
              Effect: 'Allow',
              Action: ['s3:ObjectOwnerOverrideToBucketOwner', 's3:ReplicateObject', 's3:ReplicateTags'],
              Resource: Sub('${Arn}/*', { Arn: archiveBucket.ref }),
            },
            {
              Sid: 'DecryptSourceObjects',
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: auditKey.ref,
              Condition: { StringEquals: { 'kms:ViaService': Sub('s3.${AWS::Region}.amazonaws.com') } },
            },
            {
              // The archive key is named by the replication rule (ReplicaKmsKeyID); IAM limits the role to
              // the log-archive account's keys, used through S3 (the archive's key policy names the role).
              Sid: 'EncryptReplicasWithTheArchiveKey',
              Effect: 'Allow',
              Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
              Resource: Sub('arn:${AWS::Partition}:kms:*:${Account}:key/*', { Account: archiveAccount.ref }),
              Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
            },
          ),
        },
      ],
    },
    { Condition: archiving },
  );
  const replication = (prefix: string) =>
    If(
      archiving,
      {
        Role: replicationRole.getAtt('Arn'),
        Rules: [
          {
            Id: 'to-central-log-archive',
            Status: 'Enabled',
            Priority: 1,
            Filter: { Prefix: `${prefix}/` },
            DeleteMarkerReplication: { Status: 'Disabled' },
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
            Destination: {
              Bucket: archiveBucket.ref,
              Account: archiveAccount.ref,
              AccessControlTranslation: { Owner: 'Destination' },
              EncryptionConfiguration: { ReplicaKmsKeyID: archiveKey.ref },
            },
          },
        ],
      },
      AWS.NoValue,
    );

  // The CloudTrail and the Config bucket: versioned, KMS (audit key), TLS-only, access-logged, to
  // Glacier IR after 90 days, kept AuditLogRetentionDays, replicated to the central log archive.
  const auditStore = (logicalId: string, props: { BucketName: typeof auditBucketName; prefix: 'cloudtrail' | 'config'; lifecycleId: string; objectLock?: boolean }) =>
    t.resource(
      logicalId,
      'AWS::S3::Bucket',
      {
        BucketName: props.BucketName,
        ...privateBucketBasics,
        ...(props.objectLock
          ? { ObjectLockEnabled: true, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: lockMode.ref, Days: 365 } } } }
          : {}),
        ReplicationConfiguration: replication(props.prefix),
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: auditKey.ref }, BucketKeyEnabled: true }],
        },
        LoggingConfiguration: { DestinationBucketName: accessLogs.ref, LogFilePrefix: `s3-access-logs/${props.prefix === 'cloudtrail' ? 'audit' : 'config'}/` },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: props.lifecycleId,
              Status: 'Enabled',
              Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
              ExpirationInDays: auditDays.ref,
              NoncurrentVersionExpiration: { NoncurrentDays: auditDays.ref },
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
                'Replication goes to the central log-archive bucket (LogArchiveBucketArn, required outside dev by a template rule); checkov cannot see a conditional configuration.',
              requirement: '10.3.3',
              compensatingControl: 'PCI-LOG-011 checks that the logs reach the central store outside the workload account.',
            },
          },
          ...(props.objectLock
            ? {}
            : {
                guard: {
                  S3_BUCKET_DEFAULT_LOCK_ENABLED: {
                    reason:
                      'AWS Config cannot deliver to a bucket with Object Lock (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html); AWS-LOG-001 refuses one.',
                    requirement: '10.3.2',
                    compensatingControl:
                      'Versioned, deletes denied to everyone by the bucket policy, replicated to the central log archive (PCI-LOG-011); the CloudTrail bucket beside it is locked in COMPLIANCE mode.',
                  },
                },
              }),
        },
      },
    );

  // --- CloudTrail bucket: object-locked ------------------------------------------------------------
  const bucket = auditStore('AuditBucket', { BucketName: auditBucketName, prefix: 'cloudtrail', lifecycleId: 'keep-audit-logs', objectLock: true });

  // --- Config bucket: AWS Config cannot deliver to a bucket with Object Lock -------------------------
  // https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html ("Object Lock" is not
  // supported for the delivery channel's bucket).
  const configBucket = auditStore('ConfigBucket', { BucketName: configBucketName, prefix: 'config', lifecycleId: 'keep-config-history' });
  // Trail names are unique per account and region, and a multi-region trail also holds its name in
  // every other region: the region it was created in keeps instances in two regions apart.
  const trailName = Sub(`${config.namePrefix}-\${Environment}-\${AWS::Region}`);
  const trailArn = Sub('arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/${Name}', { Name: trailName });
  const bucketPolicy = tlsOnlyBucketPolicy(
    t,
    'AuditBucketPolicy',
    bucket,
    {
      Sid: 'AllowCloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: bucket.getAtt('Arn'),
      Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
    },
    {
      Sid: 'AllowCloudTrailWrites',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: Sub('${Arn}/cloudtrail/AWSLogs/${AWS::AccountId}/*', { Arn: bucket.getAtt('Arn') }),
      Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
    },
  );
  const configBucketPolicy = tlsOnlyBucketPolicy(
    t,
    'ConfigBucketPolicy',
    configBucket,
    {
      Sid: 'AllowConfigAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'config.amazonaws.com' },
      Action: ['s3:GetBucketAcl', 's3:ListBucket'],
      Resource: configBucket.getAtt('Arn'),
      Condition: { StringEquals: { 'aws:SourceAccount': AWS.AccountId } },
    },
    {
      Sid: 'AllowConfigWrites',
      Effect: 'Allow',
      Principal: { Service: 'config.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: Sub('${Arn}/config/AWSLogs/${AWS::AccountId}/*', { Arn: configBucket.getAtt('Arn') }),
      Condition: { StringEquals: { 'aws:SourceAccount': AWS.AccountId } },
    },
    {
      Sid: 'DenyDeletingConfigHistory',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      Resource: Sub('${Arn}/*', { Arn: configBucket.getAtt('Arn') }),
    },
  );

  // --- CloudTrail --------------------------------------------------------------------------------
  const trailLogs = encryptedLogGroup(t, 'TrailLogGroup', Sub(`/${config.namePrefix}/\${Environment}/cloudtrail`), logsKey, retention, { Condition: trailOn });
  const trailRole = platformRole(
    t,
    'TrailLogsRole',
    {
      Description: 'Lets CloudTrail deliver events to its log group',
      AssumeRolePolicyDocument: policyDocument({
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
      }),
      Policies: [
        {
          PolicyName: 'deliver-to-log-group',
          PolicyDocument: policyDocument({
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: Sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}:log-stream:*', { Group: trailLogs.ref }),
          }),
        },
      ],
    },
    { Condition: trailOn },
  );
  t.resource(
    'Trail',
    'AWS::CloudTrail::Trail',
    {
      TrailName: trailName,
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      S3BucketName: bucket.ref,
      S3KeyPrefix: 'cloudtrail',
      KMSKeyId: auditKey.ref,
      CloudWatchLogsLogGroupArn: trailLogs.getAtt('Arn'),
      CloudWatchLogsRoleArn: trailRole.getAtt('Arn'),
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [{ Type: 'AWS::S3::Object', Values: [Sub('${Arn}/', { Arn: dataBucketArn.ref })] }],
        },
      ],
    },
    {
      Condition: trailOn,
      DependsOn: [bucketPolicy],
      suppress: {
        guard: {
          CLOUD_TRAIL_ENCRYPTION_ENABLED: {
            reason: "KMSKeyId is the AuditKeyArn parameter (the kms layer's audit key), which Guard reads as an unresolved Ref, not a string.",
            requirement: '10.3.2',
            compensatingControl:
              'PCI-LOG-003 checks the trail is encrypted with the audit customer-managed key in every environment; the Config rule CLOUD_TRAIL_ENCRYPTION_ENABLED checks it at run time.',
          },
          CLOUDTRAIL_S3_DATAEVENTS_ENABLED: {
            reason:
              "Data events are recorded for the bucket that holds cardholder data (DataBucketArn), not for every bucket: the audit and log buckets would record CloudTrail's and the log services' own deliveries, multiplying the log with no access to account data in it.",
            requirement: '10.2.1.1',
            compensatingControl: "PCI-LOG-004 checks that the data bucket's object-level reads and writes are recorded; S3 server access logs cover every other bucket.",
          },
        },
      },
    },
  );
  for (const alarm of TRAIL_ALARMS) {
    t.resource(
      `${alarm.id}MetricFilter`,
      'AWS::Logs::MetricFilter',
      {
        LogGroupName: trailLogs.ref,
        FilterPattern: alarm.pattern,
        MetricTransformations: [{ MetricNamespace: `${config.namePrefix}/Security`, MetricName: Sub(`${alarm.id}-\${Environment}`), MetricValue: '1', DefaultValue: 0 }],
      },
      { Condition: trailOn },
    );
    t.resource(
      `${alarm.id}Alarm`,
      'AWS::CloudWatch::Alarm',
      {
        AlarmName: Sub(`${config.namePrefix}-\${Environment}-security-${alarm.id}`),
        AlarmDescription: `Security event: ${alarm.description}`,
        Namespace: `${config.namePrefix}/Security`,
        MetricName: Sub(`${alarm.id}-\${Environment}`),
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topicArn.ref],
      },
      { Condition: trailOn },
    );
  }

  // --- AWS Config ----------------------------------------------------------------------------------
  const configRole = platformRole(
    t,
    'ConfigRole',
    {
      Description: 'AWS Config recorder role',
      AssumeRolePolicyDocument: policyDocument({
        Effect: 'Allow',
        Principal: { Service: 'config.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': AWS.AccountId } },
      }),
      ManagedPolicyArns: [Sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AWS_ConfigRole')],
      Policies: [
        {
          PolicyName: 'deliver-to-audit-bucket',
          PolicyDocument: policyDocument(
            { Sid: 'CheckConfigBucket', Effect: 'Allow', Action: ['s3:GetBucketAcl', 's3:ListBucket'], Resource: configBucket.getAtt('Arn') },
            { Sid: 'WriteConfigFiles', Effect: 'Allow', Action: 's3:PutObject', Resource: Sub('${Arn}/config/AWSLogs/${AWS::AccountId}/*', { Arn: configBucket.getAtt('Arn') }) },
            {
              Sid: 'EncryptConfigFilesThroughS3',
              Effect: 'Allow',
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              Resource: auditKey.ref,
              Condition: { StringEquals: { 'kms:ViaService': Sub('s3.${AWS::Region}.amazonaws.com') } },
            },
          ),
        },
      ],
    },
    { Condition: recorderOn },
  );
  const recorder = t.resource(
    'ConfigRecorder',
    'AWS::Config::ConfigurationRecorder',
    { Name: envName('config'), RoleARN: configRole.getAtt('Arn'), RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true } },
    { Condition: recorderOn },
  );
  const channel = t.resource(
    'ConfigDeliveryChannel',
    'AWS::Config::DeliveryChannel',
    {
      Name: envName('config'),
      S3BucketName: configBucket.ref,
      S3KeyPrefix: 'config',
      S3KmsKeyArn: auditKey.ref,
      ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'TwentyFour_Hours' },
    },
    { Condition: recorderOn, DependsOn: [configBucketPolicy] },
  );
  // Rules need a recorder: ours when created (so after it), otherwise the account's existing one.
  const recorderReady = conditionalDependency(t, 'ConfigRecorderReady', recorderOn, [recorder, channel]);
  for (const rule of CONFIG_RULES) {
    const id = rule.identifier
      .toLowerCase()
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('');
    t.resource(
      `${id}Rule`,
      'AWS::Config::ConfigRule',
      {
        ConfigRuleName: Sub(`${config.namePrefix}-\${Environment}-${rule.identifier.toLowerCase().replace(/_/g, '-')}`),
        Source: { Owner: 'AWS', SourceIdentifier: rule.identifier },
        InputParameters: rule.input,
      },
      { DependsOn: [recorderReady] },
    );
  }

  t.output('AuditBucketName', { Value: bucket.ref, Description: 'CloudTrail bucket (object-locked).' });
  t.output('ConfigBucketName', { Value: configBucket.ref, Description: 'AWS Config delivery bucket.' });
  t.output('TrailName', { Value: If(trailOn, trailName, 'organization trail'), Description: 'CloudTrail trail of the platform (or the organization trail).' });
  return t;
}
