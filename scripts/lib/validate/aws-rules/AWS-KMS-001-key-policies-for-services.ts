// AWS-KMS-001: a service that encrypts with a customer-managed key on its own behalf needs the
// key policy to name it; otherwise the create (log group) or every delivery (alarm notification)
// fails. And conditions a service does not send drop its requests silently:
//  - a log group's key must allow logs.<region>.amazonaws.com with the
//    kms:EncryptionContext:aws:logs:arn condition;
//  - an encrypted SNS topic that CloudWatch alarms notify needs its key to allow
//    cloudwatch.amazonaws.com (kms:Decrypt, kms:GenerateDataKey*);
//  - EventBridge sends no aws:SourceAccount/aws:SourceArn to KMS: a statement for
//    events.amazonaws.com must not require them.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
import { resolveResource, resources, type AwsRule, type AwsRuleFinding, type ResolvedResource } from '../aws-rules.js';

type Statement = { Effect?: unknown; Principal?: unknown; Action?: unknown; Condition?: Record<string, Record<string, unknown>> };
const statementsOf = (key: ResolvedResource): Statement[] => (key.properties.KeyPolicy as { Statement?: Statement[] } | undefined)?.Statement ?? [];
const grants = (s: Statement, service: RegExp, action: string): boolean =>
  s.Effect === 'Allow' &&
  service.test(JSON.stringify(s.Principal ?? '')) &&
  [s.Action].flat().some((a) => typeof a === 'string' && new RegExp(`^${a.replace(/\*/g, '.*')}$`).test(action));

const rule: AwsRule = {
  id: 'AWS-KMS-001',
  title: 'Key policies let the services that use a key on their own behalf use it, with conditions they send',
  docs: [
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
    'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services',
  ],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const group of resources(input, 'AWS::Logs::LogGroup')) {
      const key = group.properties.KmsKeyId === undefined ? undefined : resolveResource(input, group.file, group.properties.KmsKeyId);
      if (!key || key.type !== 'AWS::KMS::Key') continue;
      const ok = statementsOf(key).some(
        (s) =>
          grants(s, /logs\.(\$\{AWS::Region\}|[a-z0-9-]+)\.amazonaws\.com/, 'kms:GenerateDataKey') &&
          JSON.stringify(s.Condition ?? {}).includes('kms:EncryptionContext:aws:logs:arn'),
      );
      if (!ok)
        findings.push({
          file: group.file,
          logicalId: group.logicalId,
          path: 'Properties.KmsKeyId',
          message: `key ${key.logicalId} does not allow logs.<region>.amazonaws.com (with the aws:logs:arn encryption context): the log group cannot be created with it`,
        });
    }
    const alarmTopics = new Set(
      resources(input, 'AWS::CloudWatch::Alarm').flatMap((a) =>
        [a.properties.AlarmActions]
          .flat()
          .map((v) => resolveResource(input, a.file, v))
          .filter((t) => t?.type === 'AWS::SNS::Topic')
          .map((t) => `${t!.file}/${t!.logicalId}`),
      ),
    );
    for (const topic of resources(input, 'AWS::SNS::Topic')) {
      if (!alarmTopics.has(`${topic.file}/${topic.logicalId}`) || topic.properties.KmsMasterKeyId === undefined) continue;
      const key = resolveResource(input, topic.file, topic.properties.KmsMasterKeyId);
      if (key?.type === 'AWS::KMS::Key' && !statementsOf(key).some((s) => grants(s, /cloudwatch\.amazonaws\.com/, 'kms:GenerateDataKey'))) {
        findings.push({
          file: topic.file,
          logicalId: topic.logicalId,
          path: 'Properties.KmsMasterKeyId',
          message: `alarms notify this topic, but key ${key.logicalId} does not allow cloudwatch.amazonaws.com kms:GenerateDataKey*/kms:Decrypt: every alarm notification is dropped`,
        });
      }
    }
    for (const key of resources(input, 'AWS::KMS::Key')) {
      statementsOf(key).forEach((s, i) => {
        if (!/events\.amazonaws\.com/.test(JSON.stringify(s.Principal ?? '')) || s.Effect !== 'Allow') return;
        if (/aws:Source(Account|Arn|OrgID)/.test(JSON.stringify(s.Condition ?? {}))) {
          findings.push({
            file: key.file,
            logicalId: key.logicalId,
            path: `Properties.KeyPolicy.Statement[${i}]`,
            message: 'EventBridge does not send aws:SourceAccount/aws:SourceArn to KMS: this condition drops every event delivered to an encrypted topic',
          });
        }
      });
    }
    return findings;
  },
};
export default rule;
