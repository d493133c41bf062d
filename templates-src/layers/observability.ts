// Layer 10 — observability: a KMS-encrypted SNS alarm topic (optional e-mail subscription),
// alarms on every tier (ECS CPU/memory, NLB health and resets, RDS CPU/storage/connections,
// Redis CPU/evictions, Kinesis iterator age, API 4xx/5xx/latency), all wired to the topic,
// and one dashboard with the same metrics (PCI DSS 10.4.1, 10.7.1).
//
// An NLB has no HTTP status metrics: backend 5xx reach the API's 5XXError (which counts
// integration errors), and the NLB contributes unhealthy hosts, target resets and TLS errors.
import type { PlatformConfig } from '../config.js';
import { AWS, Equals, Not, Or, Ref, Sub, type Intrinsic, type Named, type Value } from '../core/intrinsics.js';
import { CACHE_NODE_COUNTS, CACHE_NODE_COUNT_PARAMETER } from './cache.js';
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
  /** Created only when this condition holds (e.g. a replication group member that exists). */
  readonly condition?: Named;
}

export function buildObservability(config: PlatformConfig): Template {
  const t = layerTemplate('observability', 'PCI payment platform - layer 10: encrypted alarm topic, alarms on every tier, dashboard.', 'Internal');
  const notificationsKey = t.parameter('NotificationsKeyArn', keyArnParameter('SNS alarm notifications'), 'Keys');
  const email = t.parameter(
    'AlarmEmail',
    { ...stringParameter('E-mail address subscribed to the alarm topic; empty for none.', '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', 'must be an e-mail address or empty'), Default: '' },
    'Alarms',
  );
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
  const dbConnections = t.parameter(
    'DbConnectionsAlarmThreshold',
    { Type: 'Number', Description: 'Alarm when PostgreSQL connections reach this number.', Default: 400, MinValue: 10 },
    'Alarms',
  );
  const latencyMs = t.parameter('ApiLatencyAlarmMs', { Type: 'Number', Description: 'Alarm when the API p99 latency exceeds this (ms).', Default: 2000, MinValue: 100 }, 'Alarms');

  const hasEmail = t.condition('HasAlarmEmail', Not(Equals(email.ref, '')));
  // Security alarms must reach someone (PCI DSS 10.7.2): outside dev, CloudFormation refuses a stack
  // whose alarm topic would have no subscriber. (The subscriber confirms the e-mail once.)
  t.rule('AlarmSubscriberOutsideDev', {
    RuleCondition: Not(Equals(Ref('Environment'), 'dev')),
    Assertions: [{ Assert: Not(Equals(email.ref, '')), AssertDescription: 'staging and prod need AlarmEmail: the alarm topic must have a subscriber (PCI DSS 10.7.2)' }],
  });
  const cacheNodes = t.parameter('CacheNodeCount', CACHE_NODE_COUNT_PARAMETER, 'Monitored resources');
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
        Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
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
        Condition: { Bool: { 'aws:SecureTransport': false } },
      },
    ),
  });
  t.resource('AlarmEmailSubscription', 'AWS::SNS::Subscription', { TopicArn: topic.ref, Protocol: 'email', Endpoint: email.ref }, { Condition: hasEmail });

  const ecs = { ClusterName: d.cluster.ref, ServiceName: d.service.ref };
  const nlb = { LoadBalancer: d.lb.ref, TargetGroup: d.tg.ref };
  const api = { ApiName: d.apiName.ref, Stage: d.stage.ref };
  const alarms: AlarmSpec[] = [
    {
      id: 'EcsCpuHigh',
      description: 'Payment service CPU above 80%',
      namespace: 'AWS/ECS',
      metric: 'CPUUtilization',
      dimensions: ecs,
      comparison: 'GreaterThanThreshold',
      threshold: 80,
    },
    {
      id: 'EcsMemoryHigh',
      description: 'Payment service memory above 85%',
      namespace: 'AWS/ECS',
      metric: 'MemoryUtilization',
      dimensions: ecs,
      comparison: 'GreaterThanThreshold',
      threshold: 85,
    },
    {
      id: 'NlbUnhealthyHosts',
      description: 'Tasks failing the NLB health check',
      namespace: 'AWS/NetworkELB',
      metric: 'UnHealthyHostCount',
      dimensions: nlb,
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      periods: 2,
    },
    {
      id: 'NlbTargetResets',
      description: 'Connections reset by the tasks (backend errors behind the NLB)',
      namespace: 'AWS/NetworkELB',
      metric: 'TCP_Target_Reset_Count',
      dimensions: { LoadBalancer: d.lb.ref },
      statistic: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: 50,
    },
    {
      id: 'NlbTlsErrors',
      description: 'TLS handshakes failing between the NLB and the tasks',
      namespace: 'AWS/NetworkELB',
      metric: 'TargetTLSNegotiationErrorCount',
      dimensions: { LoadBalancer: d.lb.ref },
      statistic: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: 10,
    },
    {
      id: 'RdsCpuHigh',
      description: 'PostgreSQL CPU above 80%',
      namespace: 'AWS/RDS',
      metric: 'CPUUtilization',
      dimensions: { DBInstanceIdentifier: d.db.ref },
      comparison: 'GreaterThanThreshold',
      threshold: 80,
    },
    {
      id: 'RdsFreeStorageLow',
      description: 'PostgreSQL free storage below 10 GiB',
      namespace: 'AWS/RDS',
      metric: 'FreeStorageSpace',
      dimensions: { DBInstanceIdentifier: d.db.ref },
      statistic: 'Minimum',
      comparison: 'LessThanThreshold',
      threshold: 10 * 1024 ** 3,
    },
    {
      id: 'RdsConnectionsHigh',
      description: 'PostgreSQL connections near the limit',
      namespace: 'AWS/RDS',
      metric: 'DatabaseConnections',
      dimensions: { DBInstanceIdentifier: d.db.ref },
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: dbConnections.ref,
    },
    ...redisMemberAlarms(t, d.cache.ref, cacheNodes.ref),
    {
      id: 'KinesisIteratorAgeHigh',
      description: 'Payment events waiting more than a minute for their consumers',
      namespace: 'AWS/Kinesis',
      metric: 'GetRecords.IteratorAgeMilliseconds',
      dimensions: { StreamName: d.stream.ref },
      statistic: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: 60000,
    },
    {
      id: 'Api4xxHigh',
      description: 'Many rejected API requests (keys, throttling, WAF)',
      namespace: 'AWS/ApiGateway',
      metric: '4XXError',
      dimensions: api,
      statistic: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: 500,
    },
    {
      id: 'Api5xx',
      description: 'API or backend errors (includes integration 5xx from the service)',
      namespace: 'AWS/ApiGateway',
      metric: '5XXError',
      dimensions: api,
      statistic: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: 5,
    },
    {
      id: 'ApiLatencyHigh',
      description: 'API p99 latency too high',
      namespace: 'AWS/ApiGateway',
      metric: 'Latency',
      dimensions: api,
      extendedStatistic: 'p99',
      comparison: 'GreaterThanThreshold',
      threshold: latencyMs.ref,
    },
  ];
  for (const a of alarms) {
    t.resource(
      `${a.id}Alarm`,
      'AWS::CloudWatch::Alarm',
      {
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
      },
      { Condition: a.condition },
    );
  }

  // Dashboard names are global per account (not per region): the region keeps a second region of
  // the same account from colliding. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
  const dashboardName = Sub(`${config.namePrefix}-platform-\${Environment}-\${AWS::Region}`);
  t.resource('Dashboard', 'AWS::CloudWatch::Dashboard', { DashboardName: dashboardName, DashboardBody: dashboardBody(alarms.filter((a) => a.condition === undefined)) });

  t.output('AlarmTopicArn', { Value: topic.ref, Description: 'SNS topic of every alarm (KMS-encrypted).' });
  t.output('DashboardName', { Value: dashboardName, Description: 'CloudWatch dashboard of the platform.' });
  return t;
}

/**
 * Redis alarms per member cluster: ElastiCache publishes its metrics with the dimensions
 * CacheClusterId (and CacheNodeId), never with ReplicationGroupId, so an alarm on the replication
 * group would have no data and never fire. A replication group's member clusters are
 * <group>-001 … <group>-00N; the members beyond the first exist only for larger node counts.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.HostLevel.html
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html
 */
function redisMemberAlarms(t: Template, group: Intrinsic, nodeCount: Intrinsic): AlarmSpec[] {
  return CACHE_NODE_COUNTS.flatMap((member) => {
    const fewer = CACHE_NODE_COUNTS.filter((n) => n < member).map((n) => Equals(nodeCount, n));
    const condition = member === 1 ? undefined : t.condition(`HasCacheMember${member}`, Not(fewer.length === 1 ? fewer[0] : Or(...fewer)));
    const cluster = { CacheClusterId: Sub(`\${Group}-00${member}`, { Group: group }) };
    const suffix = member === 1 ? '' : `Member${member}`;
    return [
      {
        id: `RedisCpuHigh${suffix}`,
        description: `Redis engine CPU above 80% (member ${member})`,
        namespace: 'AWS/ElastiCache',
        metric: 'EngineCPUUtilization',
        dimensions: cluster,
        comparison: 'GreaterThanThreshold' as const,
        threshold: 80,
        condition,
      },
      {
        id: `RedisEvictions${suffix}`,
        description: `Redis evicting keys, memory pressure (member ${member})`,
        namespace: 'AWS/ElastiCache',
        metric: 'Evictions',
        dimensions: cluster,
        statistic: 'Sum' as const,
        comparison: 'GreaterThanThreshold' as const,
        threshold: 0,
        condition,
      },
    ];
  });
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
