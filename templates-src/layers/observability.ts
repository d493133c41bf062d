// Layer 10 — observability: a KMS-encrypted SNS alarm topic (optional e-mail subscription),
// alarms on every tier (ECS CPU/memory, NLB health and resets, RDS CPU/storage/connections,
// Redis CPU/evictions, Kinesis iterator age, API 4xx/5xx/latency), all wired to the topic,
// and one dashboard with the same metrics (PCI DSS 10.4.1, 10.7.1).
//
// An NLB has no HTTP status metrics: backend 5xx reach the API's 5XXError (which counts
// integration errors), and the NLB contributes unhealthy hosts, target resets and TLS errors.
import type { PlatformConfig } from '../config.js';
import { AWS, Equals, Not, Sub, type Intrinsic, type Value } from '../core/intrinsics.js';
import type { Template } from '../core/template.js';
import { ACCOUNT_ROOT, envName, keyArnParameter, layerTemplate, policyDocument, stringParameter } from './common.js';

interface AlarmSpec {
  readonly id: string;
  readonly description: string;
  readonly namespace: string;
  readonly metric: string;
  readonly dimensions: Record<string, Value<string>>;
  readonly statistic?: 'Average' | 'Sum' | 'Maximum' | 'Minimum';
  readonly extendedStatistic?: string;
  readonly comparison: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
  readonly threshold: Value<number>;
  readonly periods?: number;
  readonly period?: number;
}

export function buildObservability(config: PlatformConfig): Template {
  const t = layerTemplate('observability', 'PCI payment platform - layer 10: encrypted alarm topic, alarms on every tier, dashboard.', 'Internal');
  const notificationsKey = t.parameter('NotificationsKeyArn', keyArnParameter('SNS alarm notifications'), 'Keys');
  const email = t.parameter('AlarmEmail', { ...stringParameter('E-mail address subscribed to the alarm topic; empty for none.', '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', 'must be an e-mail address or empty'), Default: '' }, 'Alarms');
  const input = (name: string, description: string) => t.parameter(name, stringParameter(description), 'Monitored resources');
  const d = {
    cluster: input('ClusterName', 'ECS cluster (compute layer).'),
    service: input('ServiceName', 'ECS service (compute layer).'),
    lb: input('LoadBalancerFullName', 'NLB dimension value (compute layer).'),
    tg: input('TargetGroupFullName', 'Target group dimension value (compute layer).'),
    db: input('DatabaseInstanceId', 'RDS instance identifier (database layer).'),
    cache: input('CacheReplicationGroupId', 'Redis replication group (cache layer).'),
    stream: input('StreamName', 'Kinesis stream (streaming layer).'),
    apiName: input('ApiName', 'REST API name (api layer).'),
    stage: input('StageName', 'API stage (api layer).'),
  };
  const dbConnections = t.parameter('DbConnectionsAlarmThreshold', { Type: 'Number', Description: 'Alarm when PostgreSQL connections reach this number.', Default: 400, MinValue: 10 }, 'Alarms');
  const latencyMs = t.parameter('ApiLatencyAlarmMs', { Type: 'Number', Description: 'Alarm when the API p99 latency exceeds this (ms).', Default: 2000, MinValue: 100 }, 'Alarms');

  const hasEmail = t.condition('HasAlarmEmail', Not(Equals(email.ref, '')));
  const topic = t.resource('AlarmTopic', 'AWS::SNS::Topic', {
    TopicName: envName('alarms'),
    DisplayName: Sub(`${config.namePrefix} alarms (\${Environment})`),
    KmsMasterKeyId: notificationsKey.ref,
  });
  t.resource('AlarmTopicPolicy', 'AWS::SNS::TopicPolicy', {
    Topics: [topic.ref],
    PolicyDocument: policyDocument(
      {
        Sid: 'AllowThisAccountsAlarmsAndEvents',
        Effect: 'Allow',
        Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'backup.amazonaws.com'] },
        Action: 'sns:Publish',
        Resource: topic.ref,
        Condition: { StringEquals: { 'aws:SourceAccount': AWS.AccountId } },
      },
      {
        Sid: 'AllowThisAccountToManageTheTopic',
        Effect: 'Allow',
        Principal: { AWS: ACCOUNT_ROOT },
        Action: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:Publish', 'sns:Subscribe'],
        Resource: topic.ref,
      },
      {
        Sid: 'DenyPublishWithoutTls',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sns:Publish',
        Resource: topic.ref,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ),
  });
  t.resource('AlarmEmailSubscription', 'AWS::SNS::Subscription', { TopicArn: topic.ref, Protocol: 'email', Endpoint: email.ref }, { Condition: hasEmail });

  const ecs = { ClusterName: d.cluster.ref, ServiceName: d.service.ref };
  const nlb = { LoadBalancer: d.lb.ref, TargetGroup: d.tg.ref };
  const api = { ApiName: d.apiName.ref, Stage: d.stage.ref };
  const alarms: AlarmSpec[] = [
    { id: 'EcsCpuHigh', description: 'Payment service CPU above 80%', namespace: 'AWS/ECS', metric: 'CPUUtilization', dimensions: ecs, comparison: 'GreaterThanThreshold', threshold: 80 },
    { id: 'EcsMemoryHigh', description: 'Payment service memory above 85%', namespace: 'AWS/ECS', metric: 'MemoryUtilization', dimensions: ecs, comparison: 'GreaterThanThreshold', threshold: 85 },
    { id: 'NlbUnhealthyHosts', description: 'Tasks failing the NLB health check', namespace: 'AWS/NetworkELB', metric: 'UnHealthyHostCount', dimensions: nlb, statistic: 'Maximum', comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, periods: 2 },
    { id: 'NlbTargetResets', description: 'Connections reset by the tasks (backend errors behind the NLB)', namespace: 'AWS/NetworkELB', metric: 'TCP_Target_Reset_Count', dimensions: { LoadBalancer: d.lb.ref }, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 50 },
    { id: 'NlbTlsErrors', description: 'TLS handshakes failing between the NLB and the tasks', namespace: 'AWS/NetworkELB', metric: 'TargetTLSNegotiationErrorCount', dimensions: { LoadBalancer: d.lb.ref }, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 10 },
    { id: 'RdsCpuHigh', description: 'PostgreSQL CPU above 80%', namespace: 'AWS/RDS', metric: 'CPUUtilization', dimensions: { DBInstanceIdentifier: d.db.ref }, comparison: 'GreaterThanThreshold', threshold: 80 },
    { id: 'RdsFreeStorageLow', description: 'PostgreSQL free storage below 10 GiB', namespace: 'AWS/RDS', metric: 'FreeStorageSpace', dimensions: { DBInstanceIdentifier: d.db.ref }, statistic: 'Minimum', comparison: 'LessThanThreshold', threshold: 10 * 1024 ** 3 },
    { id: 'RdsConnectionsHigh', description: 'PostgreSQL connections near the limit', namespace: 'AWS/RDS', metric: 'DatabaseConnections', dimensions: { DBInstanceIdentifier: d.db.ref }, statistic: 'Maximum', comparison: 'GreaterThanOrEqualToThreshold', threshold: dbConnections.ref },
    { id: 'RedisCpuHigh', description: 'Redis engine CPU above 80%', namespace: 'AWS/ElastiCache', metric: 'EngineCPUUtilization', dimensions: { ReplicationGroupId: d.cache.ref }, comparison: 'GreaterThanThreshold', threshold: 80 },
    { id: 'RedisEvictions', description: 'Redis evicting keys (memory pressure)', namespace: 'AWS/ElastiCache', metric: 'Evictions', dimensions: { ReplicationGroupId: d.cache.ref }, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 0 },
    { id: 'KinesisIteratorAgeHigh', description: 'Payment events waiting more than a minute for their consumers', namespace: 'AWS/Kinesis', metric: 'GetRecords.IteratorAgeMilliseconds', dimensions: { StreamName: d.stream.ref }, statistic: 'Maximum', comparison: 'GreaterThanThreshold', threshold: 60000 },
    { id: 'Api4xxHigh', description: 'Many rejected API requests (keys, throttling, WAF)', namespace: 'AWS/ApiGateway', metric: '4XXError', dimensions: api, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 500 },
    { id: 'Api5xx', description: 'API or backend errors (includes integration 5xx from the service)', namespace: 'AWS/ApiGateway', metric: '5XXError', dimensions: api, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 5 },
    { id: 'ApiLatencyHigh', description: 'API p99 latency too high', namespace: 'AWS/ApiGateway', metric: 'Latency', dimensions: api, extendedStatistic: 'p99', comparison: 'GreaterThanThreshold', threshold: latencyMs.ref },
  ];
  for (const a of alarms) {
    t.resource(`${a.id}Alarm`, 'AWS::CloudWatch::Alarm', {
      AlarmName: Sub(`${config.namePrefix}-\${Environment}-${a.id}`),
      AlarmDescription: a.description,
      Namespace: a.namespace,
      MetricName: a.metric,
      Dimensions: Object.entries(a.dimensions).map(([Name, Value]) => ({ Name, Value })),
      Statistic: a.extendedStatistic ? undefined : (a.statistic ?? 'Average'),
      ExtendedStatistic: a.extendedStatistic,
      Period: a.period ?? 60,
      EvaluationPeriods: a.periods ?? 3,
      DatapointsToAlarm: a.periods ?? 3,
      Threshold: a.threshold,
      ComparisonOperator: a.comparison,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic.ref],
      OKActions: [topic.ref],
    });
  }

  t.resource('Dashboard', 'AWS::CloudWatch::Dashboard', { DashboardName: envName('platform'), DashboardBody: dashboardBody(alarms) });

  t.output('AlarmTopicArn', { Value: topic.ref, Description: 'SNS topic of every alarm (KMS-encrypted).' });
  t.output('DashboardName', { Value: envName('platform'), Description: 'CloudWatch dashboard of the platform.' });
  return t;
}

/** Dashboard JSON: one graph per alarm metric, two per row. Resource names enter through Fn::Sub variables. */
function dashboardBody(alarms: AlarmSpec[]): Intrinsic {
  const variables: Record<string, Value<string>> = {};
  const widgets = alarms.map((a, i) => {
    const dims = Object.entries(a.dimensions).flatMap(([name, value]) => {
      const variable = `${a.id}${name}`.replace(/[^A-Za-z0-9]/g, '');
      variables[variable] = typeof value === 'number' ? String(value) : value;
      return [name, `\${${variable}}`];
    });
    return {
      type: 'metric',
      x: (i % 2) * 12,
      y: Math.floor(i / 2) * 6,
      width: 12,
      height: 6,
      properties: {
        title: a.description,
        region: '${AWS::Region}',
        view: 'timeSeries',
        stat: a.extendedStatistic ?? a.statistic ?? 'Average',
        period: a.period ?? 60,
        metrics: [[a.namespace, a.metric, ...dims]],
      },
    };
  });
  return Sub(JSON.stringify({ widgets }), variables);
}
