// Layer 12 — backup: AWS Backup vault encrypted with the backup key, a daily plan kept 30 days
// (parameter) with a copy to a vault in the DR region, selecting RDS and EFS by tag; optional
// vault lock (compliance mode after a grace period). Recovery points cannot be deleted by hand.
//
// The DR vault lives in another region, so it cannot be a resource of this stack:
// buildDrBackupVault() is a small standalone template (generated/standalone/) to deploy once in
// the DR region — e.g. as a StackSet instance — before the first copy runs.
import type { PlatformConfig } from '../config.js';
import { AWS, Equals, If, Not, Sub } from '../core/intrinsics.js';
import type { Template } from '../core/template.js';
import { KEY_POLICY_RESOURCE_STAR, KEY_USES, keyPolicy } from './kms.js';
import {
  RETAIN_ON_DELETE,
  UNBOUND_SERVICE_TRUST,
  keyArnParameter,
  layerTemplate,
  policyDocument,
  serviceOnlyAssumeRolePolicy,
  ssmValueParameter,
  platformRole,
  switchParameter,
} from './common.js';

const vaultName = (config: PlatformConfig, suffix = ''): ReturnType<typeof Sub> => Sub(`${config.namePrefix}-backup${suffix}-\${Environment}`);

/**
 * Only AWS Backup's own lifecycle may remove recovery points; nobody deletes or shortens them by
 * hand. (The policy itself stays changeable, so CloudFormation can still update it.)
 */
const vaultAccessPolicy = policyDocument({
  Sid: 'DenyManualDeletionOfRecoveryPoints',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
  Resource: '*',
});

/** The vault lock switch, the same in the backup layer and the DR vault. */
const vaultLockParameter = (t: Template) =>
  t.parameter('EnableVaultLock', switchParameter('Lock the vault (compliance mode after 3 days: recovery points cannot be deleted early, even by root).', 'false'), 'Backup');

export function buildBackup(config: PlatformConfig): Template {
  const t = layerTemplate(
    'backup',
    'PCI payment platform - layer 12: AWS Backup vault (KMS), daily plan with cross-region copy, RDS and EFS selected by tag, optional vault lock.',
    'Restricted',
  );
  const backupKey = t.parameter('BackupKeyArn', keyArnParameter('AWS Backup recovery points'), 'Keys');
  const retentionDays = t.parameter(
    'BackupRetentionDays',
    { Type: 'Number', Description: 'Days a daily recovery point is kept (here and in the DR copy).', Default: 30, MinValue: 7, MaxValue: 3650 },
    'Backup',
  );
  // The DR region depends on the region the stack runs in (eu-west-1 copies to eu-central-1 and the
  // other way round), so each account keeps it per region in SSM: no per-region override.
  const drRegion = t.parameter(
    'DrRegionParameter',
    ssmValueParameter(
      'the region of the DR backup vault the daily recovery points of this region are copied to (deploy generated/standalone/dr-backup-vault.yaml there first), or none to turn the copy off.',
      '/payment/backup/dr-region',
    ),
    'Backup',
  );
  const vaultLock = vaultLockParameter(t);

  const hasDr = t.condition('HasDrCopy', Not(Equals(drRegion.ref, 'none')));
  const locked = t.condition('IsVaultLocked', Equals(vaultLock.ref, 'true'));

  const vault = t.resource(
    'BackupVault',
    'AWS::Backup::BackupVault',
    {
      BackupVaultName: vaultName(config),
      EncryptionKeyArn: backupKey.ref,
      AccessPolicy: vaultAccessPolicy,
      LockConfiguration: If(locked, { MinRetentionDays: 7, MaxRetentionDays: 3650, ChangeableForDays: 3 }, AWS.NoValue),
    },
    RETAIN_ON_DELETE,
  );
  const role = platformRole(
    t,
    'BackupRole',
    {
      Description: 'AWS Backup service role of the payment platform (backup and restore of the selected resources)',
      AssumeRolePolicyDocument: serviceOnlyAssumeRolePolicy('backup.amazonaws.com'),
      ManagedPolicyArns: [
        Sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'),
        Sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores'),
        // S3 needs its own two: https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html
        Sub('arn:${AWS::Partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup'),
        Sub('arn:${AWS::Partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore'),
      ],
    },
    { suppress: UNBOUND_SERVICE_TRUST },
  );
  const plan = t.resource('BackupPlan', 'AWS::Backup::BackupPlan', {
    BackupPlan: {
      BackupPlanName: Sub(`${config.namePrefix}-daily-\${Environment}`),
      BackupPlanRule: [
        {
          RuleName: 'daily',
          TargetBackupVault: vault.ref,
          ScheduleExpression: 'cron(0 5 ? * * *)',
          StartWindowMinutes: 60,
          CompletionWindowMinutes: 240,
          Lifecycle: { DeleteAfterDays: retentionDays.ref },
          RecoveryPointTags: { BackupPolicy: Sub('payment-daily-${Environment}') },
          CopyActions: If(
            hasDr,
            [
              {
                DestinationBackupVaultArn: Sub(
                  `arn:\${AWS::Partition}:backup:\${DrRegionParameter}:\${AWS::AccountId}:backup-vault:${config.namePrefix}-backup-dr-\${Environment}`,
                ),
                Lifecycle: { DeleteAfterDays: retentionDays.ref },
              },
            ],
            AWS.NoValue,
          ),
        },
      ],
    },
  });
  // Resources AND condition: RDS instances, EFS file systems and S3 buckets (the data bucket, which
  // is versioned as S3 backups require) that carry this environment's tag. The bucket pattern has
  // no region or account: S3 ARNs carry neither.
  t.resource('BackupSelection', 'AWS::Backup::BackupSelection', {
    BackupPlanId: plan.ref,
    BackupSelection: {
      SelectionName: 'data-stores-by-tag',
      IamRoleArn: role.getAtt('Arn'),
      Resources: [
        Sub('arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:*'),
        Sub('arn:${AWS::Partition}:elasticfilesystem:${AWS::Region}:${AWS::AccountId}:file-system/*'),
        Sub(`arn:\${AWS::Partition}:s3:::${config.namePrefix}-data-*`),
      ],
      Conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/BackupPolicy', ConditionValue: Sub('payment-daily-${Environment}') }] },
    },
  });

  t.output('BackupVaultName', { Value: vault.ref, Description: 'Backup vault (KMS-encrypted).' });
  t.output('BackupVaultArn', { Value: vault.getAtt('BackupVaultArn'), Description: 'Backup vault ARN.' });
  t.output('BackupPlanId', { Value: plan.ref, Description: 'Daily backup plan.' });
  return t;
}

/** File name (generated/standalone/) and suggested stack name of the DR vault template. */
const DR_BACKUP_VAULT_TEMPLATE = 'dr-backup-vault';

/**
 * Standalone template for the DR region: its own backup key and the vault the daily copies land
 * in, deployed as its own stack (payment-dr-backup-vault-<env>) in the region the source region's
 * SSM parameter /payment/backup/dr-region names, before the first copy runs.
 */
export function buildDrBackupVault(config: PlatformConfig): Template {
  const t = layerTemplate(
    DR_BACKUP_VAULT_TEMPLATE,
    'PCI payment platform - DR backup vault: generated/standalone/dr-backup-vault.yaml, deployed as its own stack (payment-dr-backup-vault-<env>) in the DR region of each account before the first cross-region copy. Parameters: Environment (dev|staging|prod, as the platform stack), EnableVaultLock (true|false, compliance lock after 3 days). It creates the DR backup key and the vault payment-backup-dr-<env> that the backup layer copies to.',
    'Restricted',
  );
  const vaultLock = vaultLockParameter(t);
  const locked = t.condition('IsVaultLocked', Equals(vaultLock.ref, 'true'));
  const key = t.resource(
    'DrBackupKey',
    'AWS::KMS::Key',
    {
      Description: Sub(`${config.namePrefix} DR backup key (\${Environment}): ${KEY_USES.Backup.description}`),
      EnableKeyRotation: true,
      RotationPeriodInDays: 365,
      PendingWindowInDays: 30,
      KeyPolicy: keyPolicy(KEY_USES.Backup),
    },
    { ...RETAIN_ON_DELETE, suppress: { parliament: KEY_POLICY_RESOURCE_STAR } },
  );
  const vault = t.resource(
    'DrBackupVault',
    'AWS::Backup::BackupVault',
    {
      BackupVaultName: vaultName(config, '-dr'),
      EncryptionKeyArn: key.getAtt('Arn'),
      AccessPolicy: vaultAccessPolicy,
      LockConfiguration: If(locked, { MinRetentionDays: 7, MaxRetentionDays: 3650, ChangeableForDays: 3 }, AWS.NoValue),
    },
    RETAIN_ON_DELETE,
  );
  t.output('DrBackupVaultArn', { Value: vault.getAtt('BackupVaultArn'), Description: 'DR vault receiving the daily copies.' });
  return t;
}
