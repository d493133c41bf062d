// AWS-CFN-001: DeletionPolicy Retain on a resource with a fixed name makes a failed first create
// impossible to retry: the rollback keeps the resource, and the next create fails with
// AlreadyExists. RetainExceptOnCreate keeps the resource once it was created and deletes it when
// the create itself rolls back. (UpdateReplacePolicy has no such value.)
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
import { resources, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

/** Properties that give a resource its physical name. */
const NAME_PROPERTIES = [
  'BucketName',
  'Name',
  'LogGroupName',
  'TopicName',
  'BackupVaultName',
  'AliasName',
  'FunctionName',
  'RoleName',
  'DBInstanceIdentifier',
  'DBClusterIdentifier',
  'ReplicationGroupId',
  'ClusterName',
  'TableName',
  'StreamName',
  'QueueName',
  'RepositoryName',
  'TrailName',
  'DashboardName',
];

const rule: AwsRule = {
  id: 'AWS-CFN-001',
  title: 'Named resources use DeletionPolicy RetainExceptOnCreate, not Retain',
  docs: ['https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html'],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const entry of resources(input)) {
      if (entry.resource.DeletionPolicy !== 'Retain') continue;
      const named = NAME_PROPERTIES.find((p) => entry.properties[p] !== undefined);
      if (named)
        findings.push({
          file: entry.file,
          logicalId: entry.logicalId,
          path: 'DeletionPolicy',
          message: `Retain on a resource named by ${named}: a failed first create leaves it behind and every retry fails with AlreadyExists; use RetainExceptOnCreate`,
        });
    }
    return findings;
  },
};
export default rule;
