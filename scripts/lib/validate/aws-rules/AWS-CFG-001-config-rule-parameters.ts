// AWS-CFG-001: an AWS Config managed rule fails to create without its required input parameters
// (ECS_NO_ENVIRONMENT_SECRETS needs secretKeys), and a misspelt optional one is rejected too. Every
// managed rule the templates use is listed here with the parameters its documentation page names;
// a rule not listed is a finding until someone reads its page and adds it.
// https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html
import { resources, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

/** identifier → [required, optional] input parameters (docs: config/latest/developerguide/<identifier in kebab case>.html). */
export const MANAGED_RULE_PARAMETERS: Readonly<Record<string, readonly [readonly string[], readonly string[]]>> = {
  API_GW_ASSOCIATED_WITH_WAF: [[], ['WebAclArns']],
  API_GW_EXECUTION_LOGGING_ENABLED: [[], ['loggingLevel']],
  API_GW_XRAY_ENABLED: [[], []],
  BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK: [[], ['requiredFrequencyValue', 'requiredRetentionDays', 'requiredFrequencyUnit']],
  BACKUP_RECOVERY_POINT_ENCRYPTED: [[], []],
  BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED: [[], ['principalArnList']],
  CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED: [[], ['expectedDeliveryWindowAge']],
  CLOUD_TRAIL_ENCRYPTION_ENABLED: [[], []],
  CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED: [[], []],
  CLOUDWATCH_LOG_GROUP_ENCRYPTED: [[], ['KmsKeyId']],
  CMK_BACKING_KEY_ROTATION_ENABLED: [[], []],
  CW_LOGGROUP_RETENTION_PERIOD_CHECK: [[], ['LogGroupNames', 'MinRetentionTime']],
  DB_INSTANCE_BACKUP_ENABLED: [[], ['backupRetentionPeriod', 'preferredBackupWindow', 'checkReadReplicas', 'backupRetentionMinimum']],
  EFS_ACCESS_POINT_ENFORCE_USER_IDENTITY: [[], ['approvedUids', 'approvedGids']],
  EFS_ENCRYPTED_CHECK: [[], ['KmsKeyId']],
  EFS_IN_BACKUP_PLAN: [[], []],
  ELASTICACHE_REPL_GRP_ENCRYPTED_AT_REST: [[], []],
  ELASTICACHE_REPL_GRP_ENCRYPTED_IN_TRANSIT: [[], []],
  ELASTICACHE_REPL_GRP_REDIS_AUTH_ENABLED: [[], []],
  ELBV2_ACM_CERTIFICATE_REQUIRED: [[], ['AcmCertificatesAllowed']],
  ECS_CONTAINERS_NONPRIVILEGED: [[], []],
  ECS_CONTAINERS_READONLY_ACCESS: [[], []],
  ECS_NO_ENVIRONMENT_SECRETS: [['secretKeys'], []],
  ECS_TASK_DEFINITION_LOG_CONFIGURATION: [[], []],
  IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS: [[], ['excludePermissionBoundaryPolicy']],
  IAM_ROOT_ACCESS_KEY_CHECK: [[], []],
  INCOMING_SSH_DISABLED: [[], []],
  KINESIS_STREAM_ENCRYPTED: [[], []],
  KMS_CMK_NOT_SCHEDULED_FOR_DELETION: [[], ['kmsKeyIds']],
  LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED: [[], []],
  LAMBDA_INSIDE_VPC: [[], ['subnetIds']],
  MULTI_REGION_CLOUD_TRAIL_ENABLED: [[], ['s3BucketName', 'snsTopicArn', 'cloudWatchLogsLogGroupArn', 'includeManagementEvents', 'readWriteType']],
  RDS_INSTANCE_PUBLIC_ACCESS_CHECK: [[], []],
  RDS_LOGGING_ENABLED: [[], ['additionalLogs']],
  RDS_SNAPSHOTS_PUBLIC_PROHIBITED: [[], []],
  RDS_STORAGE_ENCRYPTED: [[], ['kmsKeyId']],
  ROOT_ACCOUNT_MFA_ENABLED: [[], []],
  S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED: [[], ['excludedPublicBuckets']],
  S3_BUCKET_LOGGING_ENABLED: [[], ['targetBucket', 'targetPrefix']],
  S3_BUCKET_PUBLIC_READ_PROHIBITED: [[], []],
  S3_BUCKET_PUBLIC_WRITE_PROHIBITED: [[], []],
  S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED: [[], []],
  S3_BUCKET_SSL_REQUESTS_ONLY: [[], []],
  S3_BUCKET_VERSIONING_ENABLED: [[], ['isMfaDeleteEnabled']],
  SECRETSMANAGER_ROTATION_ENABLED_CHECK: [[], ['maximumAllowedRotationFrequency', 'maximumAllowedRotationFrequencyInHours']],
  SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK: [[], []],
  SECRETSMANAGER_USING_CMK: [[], ['kmsKeyArns']],
  SNS_ENCRYPTED_KMS: [[], ['kmsKeyIds']],
  SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED: [[], []],
  VPC_DEFAULT_SECURITY_GROUP_CLOSED: [[], []],
  VPC_FLOW_LOGS_ENABLED: [[], ['trafficType']],
  VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS: [[], ['authorizedTcpPorts', 'authorizedUdpPorts']],
  WAFV2_LOGGING_ENABLED: [[], ['KinesisFirehoseDeliveryStreamArns']],
};

export const ruleDoc = (identifier: string): string => `https://docs.aws.amazon.com/config/latest/developerguide/${identifier.toLowerCase().replace(/_/g, '-')}.html`;

const rule: AwsRule = {
  id: 'AWS-CFG-001',
  title: 'AWS Config managed rules get their required input parameters, and only parameters they know',
  docs: ['https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html', ruleDoc('ECS_NO_ENVIRONMENT_SECRETS')],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const entry of resources(input, 'AWS::Config::ConfigRule')) {
      const source = entry.properties.Source as { Owner?: unknown; SourceIdentifier?: unknown } | undefined;
      if (source?.Owner !== 'AWS' || typeof source.SourceIdentifier !== 'string') continue;
      const id = source.SourceIdentifier;
      const known = MANAGED_RULE_PARAMETERS[id];
      if (!known) {
        findings.push({
          file: entry.file,
          logicalId: entry.logicalId,
          path: 'Properties.Source.SourceIdentifier',
          message: `${id} is not in the table of managed rule parameters: read ${ruleDoc(id)} and add its required and optional parameters`,
        });
        continue;
      }
      const given = Object.keys((entry.properties.InputParameters ?? {}) as object);
      for (const name of known[0].filter((p) => !given.includes(p)))
        findings.push({
          file: entry.file,
          logicalId: entry.logicalId,
          path: 'Properties.InputParameters',
          message: `${id} requires the input parameter ${name} (${ruleDoc(id)}); the rule cannot be created without it`,
        });
      for (const name of given.filter((p) => !known[0].includes(p) && !known[1].includes(p)))
        findings.push({
          file: entry.file,
          logicalId: entry.logicalId,
          path: `Properties.InputParameters.${name}`,
          message: `${id} has no parameter ${name}; it knows: ${[...known[0], ...known[1]].join(', ') || 'none'} (${ruleDoc(id)})`,
        });
    }
    return findings;
  },
};
export default rule;
