// AWS-GLOBAL-001: names that must be unique beyond one stack. S3 bucket names are global across
// all accounts (they carry the account ID and region); CloudWatch dashboards and IAM names are
// global per account (they carry the region, so two regions of one account do not collide; a
// multi-region trail holds its name in every region); names unique per account and region carry
// the environment, because environments share accounts.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-naming-requirements.html
import { refOf, resources, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

type Scope = 'all-accounts' | 'account' | 'account-region';
const NAMES: readonly { readonly type: string; readonly property: string; readonly scope: Scope; readonly when?: (p: Record<string, unknown>) => boolean }[] = [
  { type: 'AWS::S3::Bucket', property: 'BucketName', scope: 'all-accounts' },
  { type: 'AWS::CloudWatch::Dashboard', property: 'DashboardName', scope: 'account' },
  { type: 'AWS::IAM::Role', property: 'RoleName', scope: 'account' },
  { type: 'AWS::IAM::ManagedPolicy', property: 'ManagedPolicyName', scope: 'account' },
  { type: 'AWS::IAM::InstanceProfile', property: 'InstanceProfileName', scope: 'account' },
  { type: 'AWS::IAM::User', property: 'UserName', scope: 'account' },
  { type: 'AWS::IAM::Group', property: 'GroupName', scope: 'account' },
  { type: 'AWS::CloudTrail::Trail', property: 'TrailName', scope: 'account', when: (p) => p.IsMultiRegionTrail === true },
  { type: 'AWS::CloudTrail::Trail', property: 'TrailName', scope: 'account-region' },
  { type: 'AWS::KMS::Alias', property: 'AliasName', scope: 'account-region' },
  { type: 'AWS::SecretsManager::Secret', property: 'Name', scope: 'account-region' },
  { type: 'AWS::Logs::LogGroup', property: 'LogGroupName', scope: 'account-region' },
  { type: 'AWS::Lambda::Function', property: 'FunctionName', scope: 'account-region' },
  { type: 'AWS::ECS::Cluster', property: 'ClusterName', scope: 'account-region' },
  { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', property: 'Name', scope: 'account-region' },
  { type: 'AWS::RDS::DBInstance', property: 'DBInstanceIdentifier', scope: 'account-region' },
  { type: 'AWS::ElastiCache::ReplicationGroup', property: 'ReplicationGroupId', scope: 'account-region' },
  { type: 'AWS::Kinesis::Stream', property: 'Name', scope: 'account-region' },
  { type: 'AWS::SNS::Topic', property: 'TopicName', scope: 'account-region' },
  { type: 'AWS::Backup::BackupVault', property: 'BackupVaultName', scope: 'account-region' },
  { type: 'AWS::WAFv2::WebACL', property: 'Name', scope: 'account-region' },
  { type: 'AWS::Config::ConfigRule', property: 'ConfigRuleName', scope: 'account-region' },
  { type: 'AWS::CloudWatch::Alarm', property: 'AlarmName', scope: 'account-region' },
  { type: 'AWS::ECR::PullThroughCacheRule', property: 'EcrRepositoryPrefix', scope: 'account-region' },
];

const REQUIRED: Readonly<Record<Scope, readonly string[]>> = {
  'all-accounts': ['${AWS::AccountId}', '${AWS::Region}'],
  account: ['${AWS::Region}'],
  'account-region': [],
};

const rule: AwsRule = {
  id: 'AWS-GLOBAL-001',
  title: 'Names unique across accounts, per account or per account and region cannot collide between instances',
  docs: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html',
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
  ],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const [file, tree] of input.templates) {
      const hasEnvironment = 'Environment' in ((tree.Parameters ?? {}) as object);
      for (const spec of NAMES) {
        for (const entry of resources({ ...input, templates: new Map([[file, tree]]) }, spec.type)) {
          if (spec.when && !spec.when(entry.properties)) continue;
          const value = entry.properties[spec.property];
          // Unset: CloudFormation generates a unique name. A Ref to a parameter: the deployer chooses the
          // name for that scope (e.g. the StackSet roles, created once per account).
          if (value === undefined || refOf(value) !== undefined) continue;
          // A name built by Sub or Join: it names the pseudo parameter or parameter somewhere inside.
          const json = JSON.stringify(value);
          const has = (token: string) => json.includes(token) || json.includes(JSON.stringify({ Ref: token.slice(2, -1) }));
          const missing = [...REQUIRED[spec.scope], ...(hasEnvironment ? ['${Environment}'] : [])].filter((token) => !has(token));
          if (missing.length > 0) {
            findings.push({
              file,
              logicalId: entry.logicalId,
              path: `Properties.${spec.property}`,
              message: `${spec.type} ${spec.property} is unique ${spec.scope === 'all-accounts' ? 'across all AWS accounts' : spec.scope === 'account' ? 'per account, in every region' : 'per account and region'}: it must contain ${missing.join(' and ')} (or let CloudFormation generate it)`,
            });
          }
        }
      }
    }
    return findings;
  },
};
export default rule;
