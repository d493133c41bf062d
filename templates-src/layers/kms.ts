// Layer 1 — kms: one customer-managed key per data class, rotated, with a key policy that lets
// each AWS service use only the key of its own data (PCI DSS 3.5.1, 3.6.1, 3.7.x).
//
// Key policy shape (the pattern of AWS managed keys, tightened):
//  - the account root may administer the key but not use it (separation of duties, 3.6.1.2);
//  - principals of this account may use it only through the owning service
//    (kms:ViaService + kms:CallerAccount), and still need an IAM policy that names the key;
//  - services that use the key on their own behalf (CloudWatch Logs, CloudTrail, CloudWatch
//    alarms → SNS, AWS Config) get exactly the operations they need, bound to this account.
import { KEY_CLASSES, type KeyClass, type PlatformConfig } from '../config.js';
import { AWS, Sub } from '../core/intrinsics.js';
import type { Template } from '../core/template.js';
import { ACCOUNT_ROOT, RETAIN_ON_DELETE, layerTemplate, policyDocument, type IamAction, type PolicyStatement } from './common.js';

const KEY_ADMIN_ACTIONS: IamAction[] = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

const DATA_KEY_ACTIONS: IamAction[] = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];

interface KeyUse {
  readonly description: string;
  /** Service endpoints (without region) through which account principals may use the key. */
  readonly viaServices: readonly string[];
  /** The services attach grants to their own resources (RDS, ElastiCache, EFS, Backup …). */
  readonly grants: boolean;
  /** Statements for service principals that use the key themselves. */
  readonly servicePrincipals?: () => PolicyStatement[];
}

const sourceAccount = { StringEquals: { 'aws:SourceAccount': AWS.AccountId } };

export const KEY_USES: Record<KeyClass, KeyUse> = {
  Database: { description: 'RDS PostgreSQL storage, snapshots and Performance Insights', viaServices: ['rds'], grants: true },
  Cache: { description: 'ElastiCache Redis data at rest and snapshots', viaServices: ['elasticache'], grants: true },
  Storage: { description: 'EFS file systems and S3 data buckets', viaServices: ['elasticfilesystem', 's3'], grants: true },
  Secrets: { description: 'Secrets Manager secrets (database master secret, application secrets)', viaServices: ['secretsmanager'], grants: false },
  Streaming: { description: 'Kinesis Data Streams records', viaServices: ['kinesis'], grants: false },
  Logs: {
    description: 'CloudWatch Logs log groups (flow logs, application, API access, WAF, audit)',
    viaServices: [],
    grants: false,
    servicePrincipals: () => [
      {
        Sid: 'AllowCloudWatchLogsForThisAccountsLogGroups',
        Effect: 'Allow',
        Principal: { Service: Sub('logs.${AWS::Region}.amazonaws.com') },
        // No kms:DescribeKey here: it carries no encryption context, so the condition could never match it.
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        Resource: '*',
        // The encryption-context key is a string holding an ARN: StringLike matches it (ArnLike works too).
        Condition: { StringLike: { 'kms:EncryptionContext:aws:logs:arn': Sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*') } },
      },
    ],
  },
  Backup: { description: 'AWS Backup vault recovery points', viaServices: ['backup'], grants: true },
  Audit: {
    description: 'CloudTrail log files and AWS Config snapshots in the audit bucket',
    viaServices: ['s3'],
    grants: false,
    servicePrincipals: () => [
      {
        Sid: 'AllowCloudTrailToEncryptLogFiles',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': Sub('arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*') },
          ...sourceAccount,
        },
      },
      {
        Sid: 'AllowCloudTrailToDescribeKey',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:DescribeKey',
        Resource: '*',
        Condition: sourceAccount,
      },
      {
        Sid: 'AllowAccountToDecryptTrailLogs',
        Effect: 'Allow',
        Principal: { AWS: ACCOUNT_ROOT },
        Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:CallerAccount': AWS.AccountId },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': Sub('arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*') },
        },
      },
      {
        Sid: 'AllowConfigToEncryptDeliveries',
        Effect: 'Allow',
        Principal: { Service: 'config.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: sourceAccount,
      },
    ],
  },
  Notifications: {
    description: 'SNS alarm topic messages',
    viaServices: ['sns'],
    grants: false,
    // Publishers to an encrypted topic need the key themselves. CloudWatch sends aws:SourceAccount
    // and aws:SourceArn with the request; EventBridge does not (AWS: those keys are not supported
    // in a KMS key policy for EventBridge delivery), so a source condition on its statement would
    // drop every event silently. https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
    servicePrincipals: (): PolicyStatement[] => [
      {
        Sid: 'AllowCloudWatchAlarmsOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { ...sourceAccount, ArnLike: { 'aws:SourceArn': Sub('arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*') } },
      },
      {
        // SNS passes the topic ARN as encryption context: only this account's topics can use the key.
        // https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
        Sid: 'AllowEventBridgeDeliveryToThisAccountsTopics',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': Sub('arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*') } },
      },
    ],
  },
};

/** parliament reads a key policy like an identity policy; in a key policy "*" is the key itself. */
export const KEY_POLICY_RESOURCE_STAR = {
  RESOURCE_STAR: {
    reason:
      'In a key policy, Resource "*" means this key and nothing else; a key policy cannot name its own ARN (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).',
    requirement: '3.6.1',
    compensatingControl: 'PCI-KMS-002 checks each statement: administration without use, use only through the owning service (kms:ViaService) and the account.',
  },
};

export function keyPolicy(use: KeyUse) {
  const statements: PolicyStatement[] = [
    { Sid: 'AllowKeyAdministrationByTheAccount', Effect: 'Allow', Principal: { AWS: ACCOUNT_ROOT }, Action: KEY_ADMIN_ACTIONS, Resource: '*' },
  ];
  if (use.viaServices.length > 0) {
    const viaService = use.viaServices.map((service) => Sub(`${service}.\${AWS::Region}.amazonaws.com`));
    const through = { StringEquals: { 'kms:CallerAccount': AWS.AccountId, 'kms:ViaService': viaService } };
    statements.push({ Sid: 'AllowUseThroughOwningServiceOnly', Effect: 'Allow', Principal: { AWS: ACCOUNT_ROOT }, Action: DATA_KEY_ACTIONS, Resource: '*', Condition: through });
    if (use.grants) {
      statements.push({
        Sid: 'AllowGrantsForAwsResourcesOnly',
        Effect: 'Allow',
        Principal: { AWS: ACCOUNT_ROOT },
        Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        Resource: '*',
        Condition: { ...through, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      });
    }
  }
  statements.push(...(use.servicePrincipals?.() ?? []));
  return policyDocument(...statements);
}

export function buildKms(config: PlatformConfig): Template {
  const t = layerTemplate('kms', 'PCI payment platform - layer 1: customer-managed KMS keys per data class (rotation on, least-privilege key policies).', 'Confidential');
  const rotationDays = t.parameter(
    'KeyRotationPeriodDays',
    {
      Type: 'Number',
      Description: 'Cryptoperiod: days between automatic rotations of every key (PCI DSS 3.6.1.4, 3.7.4).',
      Default: 365,
      MinValue: 90,
      MaxValue: 2560,
    },
    'Keys',
  );
  const pendingDays = t.parameter(
    'KeyDeletionWindowDays',
    { Type: 'Number', Description: 'Waiting period before a key removed from the stack is deleted.', Default: 30, MinValue: 7, MaxValue: 30 },
    'Keys',
  );

  for (const keyClass of KEY_CLASSES) {
    const use = KEY_USES[keyClass];
    const key = t.resource(
      `${keyClass}Key`,
      'AWS::KMS::Key',
      {
        Description: Sub(`${config.namePrefix} ${keyClass.toLowerCase()} key (\${Environment}): ${use.description}`),
        EnableKeyRotation: true,
        RotationPeriodInDays: rotationDays.ref,
        PendingWindowInDays: pendingDays.ref,
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeyPolicy: keyPolicy(use),
        Tags: [{ Key: 'DataClass', Value: keyClass }], // the key's data class, for make check (never read from its name)
      },
      { ...RETAIN_ON_DELETE, dataClassification: 'Confidential', suppress: { parliament: KEY_POLICY_RESOURCE_STAR } },
    );
    t.resource(`${keyClass}KeyAlias`, 'AWS::KMS::Alias', {
      AliasName: Sub(`alias/${config.namePrefix}-${keyClass.toLowerCase()}-\${Environment}`),
      TargetKeyId: key.ref,
    });
    t.output(`${keyClass}KeyArn`, { Value: key.getAtt('Arn'), Description: `ARN of the ${keyClass.toLowerCase()} key: ${use.description}.` });
  }
  return t;
}
