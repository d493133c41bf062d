// Layer 4 — database: RDS PostgreSQL in the isolated tier.
// Encrypted with the database key (storage, snapshots, Performance Insights), TLS forced by its
// own parameter group (rds.force_ssl=1, TLS ≥ 1.2), master credentials generated and rotated by
// RDS in Secrets Manager (encrypted with the secrets key), IAM database authentication for the
// application, pgaudit + connection logging exported to KMS-encrypted log groups kept ≥ 365 days,
// enhanced monitoring, deletion protection (parameter), snapshot on delete and on replacement.
import type { PlatformConfig } from '../config.js';
import { Select, Split, Sub } from '../core/intrinsics.js';
import type { Template } from '../core/template.js';
import {
  assumeRolePolicy,
  encryptedLogGroup,
  envName,
  keyArnParameter,
  layerTemplate,
  logRetentionParameter,
  securityGroupParameter,
  SNAPSHOT_ON_DELETE,
  stringParameter,
  subnetsParameter,
  platformRole,
  switchParameter,
  DELETION_PROTECTION,
  fromParameter,
} from './common.js';

const DB_INSTANCE_CLASSES = [
  'db.t4g.micro',
  'db.t4g.small',
  'db.t4g.medium',
  'db.t4g.large',
  'db.m7g.large',
  'db.m7g.xlarge',
  'db.m7g.2xlarge',
  'db.m7g.4xlarge',
  'db.r7g.large',
  'db.r7g.xlarge',
  'db.r7g.2xlarge',
  'db.r7g.4xlarge',
] as const;

/** Log types exported to CloudWatch Logs; their groups are created first, encrypted. */
const EXPORTED_LOGS = ['postgresql', 'upgrade'] as const;

/** Tag value the backup layer selects RDS and EFS by. */
export const BACKUP_TAG = { Key: 'BackupPolicy', Value: Sub('payment-daily-${Environment}') };

export function buildDatabase(config: PlatformConfig): Template {
  const t = layerTemplate(
    'database',
    'PCI payment platform - layer 4: RDS PostgreSQL, Multi-AZ (parameter), encrypted, TLS-only, managed and rotated master secret, isolated tier.',
    'Restricted',
  );
  const dbKey = t.parameter('DatabaseKeyArn', keyArnParameter('RDS storage and Performance Insights'), 'Keys');
  const secretsKey = t.parameter('SecretsKeyArn', keyArnParameter('Secrets Manager secrets'), 'Keys');
  const logsKey = t.parameter('LogsKeyArn', keyArnParameter('CloudWatch Logs'), 'Keys');
  const retention = logRetentionParameter(t);
  const subnets = t.parameter('IsolatedSubnetIds', subnetsParameter('Isolated', 'the database'), 'Network');
  const sg = t.parameter('DatabaseSecurityGroupId', securityGroupParameter('the database'), 'Network');

  const instanceClass = t.parameter(
    'DbInstanceClass',
    { Type: 'String', Description: 'RDS instance class (Graviton).', Default: 'db.r7g.large', AllowedValues: DB_INSTANCE_CLASSES },
    'Database',
  );
  const engineVersion = t.parameter(
    'DbEngineVersion',
    {
      ...stringParameter('PostgreSQL engine version: a major (17) or major.minor (17.4).', '^(16|17|18)(\\.[0-9]{1,2})?$', 'must be a PostgreSQL 16, 17 or 18 version'),
      Default: '17',
    },
    'Database',
  );
  const storage = t.parameter('DbAllocatedStorageGiB', { Type: 'Number', Description: 'Initial storage (GiB, gp3).', Default: 100, MinValue: 20, MaxValue: 65536 }, 'Database');
  const maxStorage = t.parameter(
    'DbMaxAllocatedStorageGiB',
    { Type: 'Number', Description: 'Storage autoscaling ceiling (GiB).', Default: 1000, MinValue: 20, MaxValue: 65536 },
    'Database',
  );
  const multiAz = t.parameter('DbMultiAz', switchParameter('Standby in a second AZ with automatic failover.', 'true'), 'Database');
  const backupDays = t.parameter(
    'DbBackupRetentionDays',
    { Type: 'Number', Description: 'Automated backup (PITR) retention in days.', Default: 30, MinValue: 7, MaxValue: 35 },
    'Database',
  );
  const deletionProtection = t.parameter('DeletionProtection', DELETION_PROTECTION, 'Protection');
  const monitoringInterval = t.parameter(
    'DbMonitoringIntervalSeconds',
    { Type: 'Number', Description: 'Enhanced monitoring granularity (seconds).', Default: 60, AllowedValues: [1, 5, 10, 15, 30, 60] },
    'Database',
  );

  const instanceId = Sub(`${config.namePrefix}-db-\${Environment}`);

  const subnetGroup = t.resource('DbSubnetGroup', 'AWS::RDS::DBSubnetGroup', {
    DBSubnetGroupDescription: 'Isolated tier subnets (no internet route) for the payment database',
    SubnetIds: subnets.ref,
  });
  const parameterGroup = t.resource('DbParameterGroup', 'AWS::RDS::DBParameterGroup', {
    Description: 'TLS-only connections, SCRAM passwords, audit logging for the payment database',
    Family: Sub('postgres${Major}', { Major: Select(0, Split('.', engineVersion.ref)) }),
    Parameters: {
      'rds.force_ssl': '1',
      ssl_min_protocol_version: 'TLSv1.2',
      password_encryption: 'scram-sha-256',
      shared_preload_libraries: 'pg_stat_statements,pgaudit',
      'pgaudit.log': 'ddl,role,write',
      'pgaudit.role': 'rds_pgaudit',
      log_connections: '1',
      log_disconnections: '1',
      log_statement: 'ddl',
      log_min_duration_statement: '1000',
    },
  });
  const monitoringRole = platformRole(t, 'DbMonitoringRole', {
    Description: 'Lets RDS enhanced monitoring publish OS metrics',
    AssumeRolePolicyDocument: assumeRolePolicy('monitoring.rds.amazonaws.com'),
    ManagedPolicyArns: [Sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole')],
  });
  // RDS would create these groups itself, unencrypted and kept forever: create them first.
  const logGroups = EXPORTED_LOGS.map((log) =>
    encryptedLogGroup(t, `DbLogGroup${log.charAt(0).toUpperCase()}${log.slice(1)}`, Sub(`/aws/rds/instance/\${Id}/${log}`, { Id: instanceId }), logsKey, retention),
  );

  const db = t.resource(
    'Database',
    'AWS::RDS::DBInstance',
    {
      DBInstanceIdentifier: instanceId,
      Engine: 'postgres',
      EngineVersion: engineVersion.ref,
      DBInstanceClass: instanceClass.ref,
      DBName: 'payments',
      Port: String(config.ports.postgres),
      MultiAZ: multiAz.ref,
      StorageType: 'gp3',
      AllocatedStorage: storage.ref,
      MaxAllocatedStorage: maxStorage.ref,
      StorageEncrypted: true,
      KmsKeyId: dbKey.ref,
      DBSubnetGroupName: subnetGroup.ref,
      VPCSecurityGroups: [sg.ref],
      PubliclyAccessible: false,
      DBParameterGroupName: parameterGroup.ref,
      CACertificateIdentifier: 'rds-ca-rsa2048-g1',
      MasterUsername: 'payment_admin',
      ManageMasterUserPassword: true,
      MasterUserSecret: { KmsKeyId: secretsKey.ref },
      EnableIAMDatabaseAuthentication: true,
      BackupRetentionPeriod: backupDays.ref,
      PreferredBackupWindow: '02:00-03:00',
      PreferredMaintenanceWindow: 'sun:04:00-sun:05:00',
      CopyTagsToSnapshot: true,
      DeleteAutomatedBackups: false,
      DeletionProtection: deletionProtection.ref,
      AutoMinorVersionUpgrade: true,
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: dbKey.ref,
      PerformanceInsightsRetentionPeriod: 7,
      MonitoringInterval: monitoringInterval.ref,
      MonitoringRoleArn: monitoringRole.getAtt('Arn'),
      EnableCloudwatchLogsExports: [...EXPORTED_LOGS],
      Tags: [{ Key: 'Name', Value: envName('db') }, BACKUP_TAG],
    },
    {
      ...SNAPSHOT_ON_DELETE,
      DependsOn: logGroups,
      suppress: {
        guard: {
          RDS_INSTANCE_DELETION_PROTECTION_ENABLED: fromParameter('DeletionProtection', 'PCI-DATA-002 (on in prod)', '12.10.1'),
          RDS_MULTI_AZ_SUPPORT: {
            reason: 'Multi-AZ is the DbMultiAz parameter: true by default, in staging and in prod; dev runs a single instance to save cost (availability, not a PCI DSS control).',
            requirement: '12.10.1',
            compensatingControl:
              'Daily AWS Backup recovery points copied to the DR region (PCI-BAK-003/004) in every environment; make diff names a change of DbMultiAz in a parameter file.',
          },
          RDS_ENHANCED_MONITORING_ENABLED: fromParameter('DbMonitoringIntervalSeconds (AllowedValues 1-60, never 0)', 'PCI-LOG-008', '10.2.1'),
          ...Object.fromEntries(
            [
              'RDS_MASTER_USER_NAME_USES_SECURE_PARAMETER',
              'RDS_MASTER_USER_NAME_USES_SECURE_SERVICE',
              'RDS_MASTER_USER_NAME_NO_PLAINTEXT_PASSWORD',
              'RDS_MASTER_USER_PASSWORD_USES_SECURE_PARAMETER',
              'RDS_MASTER_USER_PASSWORD_NO_PLAINTEXT_PASSWORD',
            ].map((rule) => [
              rule,
              {
                reason:
                  'ManageMasterUserPassword: RDS generates the master password into Secrets Manager (encrypted with the secrets key) and rotates it; no password is in the template. The user name is an identifier, not a secret.',
                requirement: '8.3.2',
                compensatingControl: 'PCI-AUTH-004 checks the RDS-managed master secret and IAM database authentication.',
              },
            ]),
          ),
        },
      },
    },
  );

  t.output('DatabaseEndpoint', { Value: db.getAtt('Endpoint.Address'), Description: 'PostgreSQL endpoint (TLS required).' });
  t.output('DatabasePort', { Value: db.getAtt('Endpoint.Port'), Description: 'PostgreSQL port.' });
  t.output('DatabaseName', { Value: 'payments', Description: 'Database name.' });
  t.output('DatabaseInstanceId', { Value: db.ref, Description: 'RDS instance identifier (alarms, dashboards).' });
  t.output('DatabaseResourceId', { Value: db.getAtt('DbiResourceId'), Description: 'RDS resource ID, for rds-db:connect (IAM authentication) policies.' });
  t.output('DatabaseMasterSecretArn', { Value: db.getAtt('MasterUserSecret.SecretArn'), Description: 'ARN (not the value) of the RDS-managed master secret.' });
  return t;
}
