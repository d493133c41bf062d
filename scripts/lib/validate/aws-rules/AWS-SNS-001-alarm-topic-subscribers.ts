// AWS-SNS-001: an alarm whose topic has no subscription notifies nobody (PCI DSS 10.7.2 wants
// failures of security controls reported). In every staging and prod parameter set, each SNS
// topic that alarms notify must have a subscription that exists in that environment.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
// https://docs.aws.amazon.com/sns/latest/dg/sns-create-subscribe-endpoint-to-topic.html
import { contextResources, getAttOf, refOf, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const rule: AwsRule = {
  id: 'AWS-SNS-001',
  title: 'In staging and prod, every alarm topic has a subscriber',
  docs: [
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html',
    'https://docs.aws.amazon.com/sns/latest/dg/sns-create-subscribe-endpoint-to-topic.html',
  ],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const context of input.contexts()) {
      if (context.name !== 'staging' && context.name !== 'prod') continue;
      const all = contextResources(context);
      const topics = all.filter((r) => r.type === 'AWS::SNS::Topic');
      const alarmTopics = new Set(
        all
          .filter((r) => r.type === 'AWS::CloudWatch::Alarm')
          .flatMap((a) => [a.properties.AlarmActions].flat())
          .map((action) => refOf(action) ?? getAttOf(action)?.[0])
          .filter((id): id is string => typeof id === 'string'),
      );
      for (const topic of topics.filter((t) => alarmTopics.has(t.logicalId))) {
        const subscribed =
          (topic.properties.Subscription as unknown[] | undefined)?.length ||
          all.some((r) => r.type === 'AWS::SNS::Subscription' && r.layer === topic.layer && refOf(r.properties.TopicArn) === topic.logicalId && r.properties.Endpoint !== '');
        if (!subscribed)
          findings.push({
            file: topic.file,
            logicalId: topic.logicalId,
            path: `${context.variant}`,
            message: `alarms notify this topic, but it has no subscriber in ${context.variant}: security alarms would reach nobody (set AlarmEmail)`,
          });
      }
    }
    return findings;
  },
};
export default rule;
