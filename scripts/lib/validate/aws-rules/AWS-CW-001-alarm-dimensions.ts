// AWS-CW-001: an alarm on a metric with dimensions its namespace never publishes has no data; with
// TreatMissingData notBreaching it never fires and nobody notices (the Redis alarms used
// ReplicationGroupId; ElastiCache publishes CacheClusterId and CacheNodeId). Each AWS namespace
// the platform alarms on is listed with the dimension sets its documentation names.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/aws-services-cloudwatch-metrics.html
import { resources, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const DIMENSIONS: Readonly<Record<string, { readonly sets: readonly (readonly string[])[]; readonly doc: string }>> = {
  'AWS/ECS': { sets: [['ClusterName'], ['ClusterName', 'ServiceName']], doc: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html' },
  'AWS/NetworkELB': {
    sets: [['LoadBalancer'], ['LoadBalancer', 'AvailabilityZone'], ['LoadBalancer', 'TargetGroup'], ['LoadBalancer', 'TargetGroup', 'AvailabilityZone']],
    doc: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html',
  },
  'AWS/RDS': {
    sets: [[], ['DBInstanceIdentifier'], ['DBClusterIdentifier'], ['DatabaseClass'], ['EngineName']],
    doc: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/dimensions.html',
  },
  'AWS/ElastiCache': { sets: [['CacheClusterId'], ['CacheClusterId', 'CacheNodeId']], doc: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.HostLevel.html' },
  'AWS/Kinesis': {
    sets: [['StreamName'], ['StreamName', 'ShardId'], ['StreamName', 'ConsumerName']],
    doc: 'https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html',
  },
  'AWS/ApiGateway': {
    sets: [['ApiName'], ['ApiName', 'Stage'], ['ApiName', 'Method', 'Resource', 'Stage']],
    doc: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html',
  },
  'AWS/Lambda': {
    sets: [[], ['FunctionName'], ['FunctionName', 'Resource'], ['ExecutedVersion', 'FunctionName', 'Resource']],
    doc: 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html',
  },
};

const rule: AwsRule = {
  id: 'AWS-CW-001',
  title: 'Alarms use dimension sets their namespace publishes',
  docs: ['https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/aws-services-cloudwatch-metrics.html', DIMENSIONS['AWS/ElastiCache'].doc],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const alarm of resources(input, 'AWS::CloudWatch::Alarm')) {
      const namespace = alarm.properties.Namespace;
      if (typeof namespace !== 'string' || !namespace.startsWith('AWS/')) continue;
      const known = DIMENSIONS[namespace];
      if (!known) {
        findings.push({
          file: alarm.file,
          logicalId: alarm.logicalId,
          path: 'Properties.Namespace',
          message: `${namespace} is not in the table of published dimensions: read its CloudWatch metrics page and add it`,
        });
        continue;
      }
      const names = ((alarm.properties.Dimensions ?? []) as { Name?: unknown }[]).map((d) => String(d.Name)).sort();
      if (!known.sets.some((set) => [...set].sort().join(',') === names.join(','))) {
        findings.push({
          file: alarm.file,
          logicalId: alarm.logicalId,
          path: 'Properties.Dimensions',
          message: `${namespace} publishes no metric with the dimensions {${names.join(', ')}}; it publishes ${known.sets.map((s) => `{${s.join(', ')}}`).join(', ')} (${known.doc}): the alarm would never get data`,
        });
      }
    }
    return findings;
  },
};
export default rule;
