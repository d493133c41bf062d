// Layer 5 — cache: ElastiCache Redis replication group in the isolated tier.
// At-rest encryption with the cache key, TLS required (TransitEncryptionMode: required), AUTH
// token from the generated secret (dynamic reference: the value never appears in the template)
// rotated by the secrets layer's function with ElastiCache's ROTATE strategy, Multi-AZ with
// automatic failover when it has replicas, daily snapshots, slow log to an encrypted group.
import type { PlatformConfig } from '../config.js';
import { Equals, If, Not, Sub } from '../core/intrinsics.js';
import type { ParameterSpec, Template } from '../core/template.js';
import { cacheReplicationGroupName, secretRotationDaysParameter } from './secrets.js';
import {
  encryptedLogGroup,
  keyArnParameter,
  layerTemplate,
  logRetentionParameter,
  securityGroupParameter,
  SNAPSHOT_ON_DELETE,
  stringParameter,
  subnetsParameter,
} from './common.js';

const CACHE_NODE_TYPES = [
  'cache.t4g.micro',
  'cache.t4g.small',
  'cache.t4g.medium',
  'cache.m7g.large',
  'cache.m7g.xlarge',
  'cache.m7g.2xlarge',
  'cache.r7g.large',
  'cache.r7g.xlarge',
  'cache.r7g.2xlarge',
] as const;

/** Nodes of the replication group; the observability layer alarms on each member cluster. */
export const CACHE_NODE_COUNTS = [1, 2, 3, 4, 5, 6] as const;
export const CACHE_NODE_COUNT_PARAMETER: ParameterSpec = {
  Type: 'Number',
  Description: 'Nodes (primary + replicas); 2 or more gives Multi-AZ automatic failover.',
  Default: 3,
  AllowedValues: CACHE_NODE_COUNTS,
};

const SECRET_ARN_PATTERN = '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$';

export function buildCache(config: PlatformConfig): Template {
  const t = layerTemplate(
    'cache',
    'PCI payment platform - layer 5: ElastiCache Redis, encrypted at rest (KMS) and in transit (TLS required), AUTH from a rotated secret, Multi-AZ.',
    'Restricted',
  );
  const cacheKey = t.parameter('CacheKeyArn', keyArnParameter('ElastiCache data at rest'), 'Keys');
  const logsKey = t.parameter('LogsKeyArn', keyArnParameter('CloudWatch Logs'), 'Keys');
  const retention = logRetentionParameter(t);
  const subnets = t.parameter('IsolatedSubnetIds', subnetsParameter('Isolated', 'the cache'), 'Network');
  const sg = t.parameter('CacheSecurityGroupId', securityGroupParameter('the cache'), 'Network');
  const authSecret = t.parameter(
    'CacheAuthTokenSecretArn',
    stringParameter('Secret holding the Redis AUTH token (secrets layer).', SECRET_ARN_PATTERN, 'must be a Secrets Manager secret ARN'),
    'Secrets',
  );
  const rotationFunction = t.parameter(
    'RotationFunctionArn',
    stringParameter(
      'Rotation function of generated secrets (secrets layer).',
      '^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+$',
      'must be a Lambda function ARN',
    ),
    'Secrets',
  );
  const rotationDays = secretRotationDaysParameter(t);

  const nodeType = t.parameter(
    'CacheNodeType',
    { Type: 'String', Description: 'ElastiCache node type (Graviton).', Default: 'cache.r7g.large', AllowedValues: CACHE_NODE_TYPES },
    'Cache',
  );
  const nodeCount = t.parameter('CacheNodeCount', CACHE_NODE_COUNT_PARAMETER, 'Cache');
  const engineVersion = t.parameter(
    'CacheEngineVersion',
    { ...stringParameter('Redis OSS engine version.', '^7\\.[0-9]+$', 'must be a Redis 7.x version'), Default: '7.1' },
    'Cache',
  );
  const snapshotDays = t.parameter(
    'CacheSnapshotRetentionDays',
    { Type: 'Number', Description: 'Daily snapshot retention in days.', Default: 7, MinValue: 1, MaxValue: 35 },
    'Cache',
  );

  const hasReplicas = t.condition('CacheHasReplicas', Not(Equals(nodeCount.ref, 1)));

  const subnetGroup = t.resource('CacheSubnetGroup', 'AWS::ElastiCache::SubnetGroup', {
    Description: 'Isolated tier subnets (no internet route) for the payment cache',
    SubnetIds: subnets.ref,
  });
  const parameterGroup = t.resource('CacheParameterGroup', 'AWS::ElastiCache::ParameterGroup', {
    CacheParameterGroupFamily: 'redis7',
    Description: 'Payment cache: evict only keys with a TTL (sessions, idempotency keys), never persistent state',
    Properties: { 'maxmemory-policy': 'volatile-lru' },
  });
  const slowLog = encryptedLogGroup(t, 'CacheSlowLogGroup', Sub(`/${config.namePrefix}/\${Environment}/elasticache/slow-log`), logsKey, retention);

  const group = t.resource(
    'CacheReplicationGroup',
    'AWS::ElastiCache::ReplicationGroup',
    {
      ReplicationGroupId: cacheReplicationGroupName(config),
      ReplicationGroupDescription: 'Payment platform cache (TLS, AUTH, KMS)',
      Engine: 'redis',
      EngineVersion: engineVersion.ref,
      CacheNodeType: nodeType.ref,
      NumCacheClusters: nodeCount.ref,
      AutomaticFailoverEnabled: If(hasReplicas, true, false),
      MultiAZEnabled: If(hasReplicas, true, false),
      Port: config.ports.redis,
      CacheSubnetGroupName: subnetGroup.ref,
      CacheParameterGroupName: parameterGroup.ref,
      SecurityGroupIds: [sg.ref],
      AtRestEncryptionEnabled: true,
      KmsKeyId: cacheKey.ref,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AuthToken: Sub('{{resolve:secretsmanager:${Secret}:SecretString}}', { Secret: authSecret.ref }),
      SnapshotRetentionLimit: snapshotDays.ref,
      SnapshotWindow: '03:00-04:00',
      PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
      AutoMinorVersionUpgrade: true,
      LogDeliveryConfigurations: [
        { LogType: 'slow-log', LogFormat: 'json', DestinationType: 'cloudwatch-logs', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: slowLog.ref } } },
      ],
    },
    {
      ...SNAPSHOT_ON_DELETE,
      suppress: {
        pci: {
          'PCI-SEG-002': {
            reason:
              'The secret rotation function (Rotation SG: no inbound, egress only to the AWS endpoints and to Redis) must authenticate with the new AUTH token before Secrets Manager promotes it; without that test a wrong token would lock the application out. It is the only flow besides the app tier, on 6379 only, over TLS.',
            requirement: '1.3.1',
            compensatingControl: 'Only the rotation function runs with the Rotation SG; it holds no other data path, and every connection is TLS with AUTH.',
          },
        },
      },
    },
  );

  // The AUTH token rotates once the group exists (the function adds the new token with ROTATE).
  t.resource(
    'CacheAuthTokenRotationSchedule',
    'AWS::SecretsManager::RotationSchedule',
    { SecretId: authSecret.ref, RotationLambdaARN: rotationFunction.ref, RotationRules: { AutomaticallyAfterDays: rotationDays.ref }, RotateImmediatelyOnUpdate: false },
    { DependsOn: [group] },
  );

  t.output('CacheEndpoint', { Value: group.getAtt('PrimaryEndPoint.Address'), Description: 'Redis primary endpoint (TLS and AUTH required).' });
  t.output('CachePort', { Value: group.getAtt('PrimaryEndPoint.Port'), Description: 'Redis port.' });
  t.output('CacheReaderEndpoint', { Value: group.getAtt('ReaderEndPoint.Address'), Description: 'Redis reader endpoint.' });
  t.output('CacheReplicationGroupId', { Value: group.ref, Description: 'Replication group ID (alarms, dashboards).' });
  return t;
}
