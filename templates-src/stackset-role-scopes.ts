// Which resources a StackSet role statement may reach, per service: the ARNs the platform's own
// names give its resources, and why the rest stays Resource "*".
//
// Each action's resource types come from the Service Authorization Reference (as cfn-lint bundles
// it: stacksets/handler-permissions.json resourceTypes). An action is scoped to the platform's
// names when every resource type of the platform it can act on is named by the platform's
// templates (RESOURCE_ARNS: the ARN each type's name gives, built from the names the rendered
// templates set, so a renamed resource moves its scope with it). Otherwise it stays on "*" —
// because AWS assigns the identifier (EC2, EFS, API Gateway IDs, KMS key IDs), CloudFormation
// generates the name (a template that sets no name), or the resource is AWS's own (the FARGATE
// capacity provider, managed rule groups) — and the statement says which, as the reason beside
// it for the scanners (parliament RESOURCE_STAR). Actions without resource-level permissions take
// "*" by definition and need no reason.
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
import { Intrinsic } from './core/intrinsics.js';

/** How one IAM resource type's ARN follows from a resource of the platform. */
export interface ArnSource {
  /** The CloudFormation type whose resources are of this IAM resource type. */
  readonly type: string;
  /** The property that names it; the ARN has {name} in its place. Absent: AWS assigns the identifier (assigned says so). */
  readonly name?: string;
  /** ARN pattern (Fn::Sub text of the role template) with {name}. */
  readonly arn?: string;
  /** Why the ARN cannot be known in advance, when the resource carries no name AWS puts in its ARN. */
  readonly assigned?: string;
  /** Where AWS documents an ARN that is not the resource's own name (e.g. RDS-managed secrets). */
  readonly docs?: string;
}

const ARN = 'arn:${AWS::Partition}';
const here = (service: string, rest: string): string => `${ARN}:${service}:*:\${AWS::AccountId}:${rest}`;

/**
 * Per IAM resource type (service:type, as the Service Authorization Reference names them), the
 * platform's resources of that type. A type not listed is none the platform creates (an action
 * listing it — e.g. TagResource lists every taggable type — never reaches the platform that way).
 */
export const RESOURCE_ARNS: Readonly<Record<string, readonly ArnSource[]>> = {
  's3:bucket': [{ type: 'AWS::S3::Bucket', name: 'BucketName', arn: `${ARN}:s3:::{name}` }],
  's3:object': [{ type: 'AWS::S3::Bucket', name: 'BucketName', arn: `${ARN}:s3:::{name}/*` }],
  'secretsmanager:Secret': [
    { type: 'AWS::SecretsManager::Secret', name: 'Name', arn: here('secretsmanager', 'secret:{name}-??????') },
    // ManageMasterUserPassword: RDS creates and manages the master secret (rds!db-<id>) with the caller's permissions.
    {
      type: 'AWS::RDS::DBInstance',
      arn: here('secretsmanager', 'secret:rds!db-*'),
      docs: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-permissions',
    },
  ],
  'logs:log-group': [
    { type: 'AWS::Logs::LogGroup', name: 'LogGroupName', arn: here('logs', 'log-group:{name}') },
    { type: 'AWS::Logs::LogGroup', name: 'LogGroupName', arn: here('logs', 'log-group:{name}:*') },
  ],
  'logs:log-stream': [{ type: 'AWS::Logs::LogGroup', name: 'LogGroupName', arn: here('logs', 'log-group:{name}:log-stream:*') }],
  'sns:topic': [{ type: 'AWS::SNS::Topic', name: 'TopicName', arn: here('sns', '{name}') }],
  'kinesis:stream': [{ type: 'AWS::Kinesis::Stream', name: 'Name', arn: here('kinesis', 'stream/{name}') }],
  'kinesis:kmsKey': [{ type: 'AWS::KMS::Key', assigned: 'KMS assigns key IDs' }],
  'cloudwatch:alarm': [{ type: 'AWS::CloudWatch::Alarm', name: 'AlarmName', arn: here('cloudwatch', 'alarm:{name}') }],
  'cloudwatch:dashboard': [{ type: 'AWS::CloudWatch::Dashboard', name: 'DashboardName', arn: `${ARN}:cloudwatch::\${AWS::AccountId}:dashboard/{name}` }],
  'cloudtrail:trail': [{ type: 'AWS::CloudTrail::Trail', name: 'TrailName', arn: here('cloudtrail', 'trail/{name}') }],
  'kms:alias': [{ type: 'AWS::KMS::Alias', name: 'AliasName', arn: here('kms', '{name}') }],
  'kms:key': [{ type: 'AWS::KMS::Key', assigned: 'KMS assigns key IDs' }],
  'ecs:cluster': [{ type: 'AWS::ECS::Cluster', name: 'ClusterName', arn: here('ecs', 'cluster/{name}') }],
  'ecs:service': [{ type: 'AWS::ECS::Service', name: 'ServiceName', arn: here('ecs', 'service/*/{name}') }],
  'ecs:service-deployment': [{ type: 'AWS::ECS::Service', name: 'ServiceName', arn: here('ecs', 'service-deployment/*/{name}/*') }],
  'ecs:task-definition': [{ type: 'AWS::ECS::TaskDefinition', name: 'Family', arn: here('ecs', 'task-definition/{name}:*') }],
  'elasticache:replicationgroup': [{ type: 'AWS::ElastiCache::ReplicationGroup', name: 'ReplicationGroupId', arn: here('elasticache', 'replicationgroup:{name}') }],
  // The member clusters of a replication group are <group>-<shard>-<node>.
  'elasticache:cluster': [{ type: 'AWS::ElastiCache::ReplicationGroup', name: 'ReplicationGroupId', arn: here('elasticache', 'cluster:{name}-*') }],
  'elasticache:parametergroup': [{ type: 'AWS::ElastiCache::ParameterGroup', name: 'CacheParameterGroupName', arn: here('elasticache', 'parametergroup:{name}') }],
  'elasticache:subnetgroup': [{ type: 'AWS::ElastiCache::SubnetGroup', name: 'CacheSubnetGroupName', arn: here('elasticache', 'subnetgroup:{name}') }],
  'elasticache:snapshot': [{ type: 'AWS::ElastiCache::ReplicationGroup', assigned: 'the final snapshot CloudFormation takes on deletion gets a generated name' }],
  'rds:db': [{ type: 'AWS::RDS::DBInstance', name: 'DBInstanceIdentifier', arn: here('rds', 'db:{name}') }],
  'rds:pg': [{ type: 'AWS::RDS::DBParameterGroup', name: 'DBParameterGroupName', arn: here('rds', 'pg:{name}') }],
  'rds:subgrp': [{ type: 'AWS::RDS::DBSubnetGroup', name: 'DBSubnetGroupName', arn: here('rds', 'subgrp:{name}') }],
  'rds:snapshot': [{ type: 'AWS::RDS::DBInstance', assigned: 'the final snapshot CloudFormation takes on deletion gets a generated name' }],
  'rds:auto-backup': [{ type: 'AWS::RDS::DBInstance', assigned: 'RDS assigns the IDs of automated backups' }],
  'lambda:function': [{ type: 'AWS::Lambda::Function', name: 'FunctionName', arn: here('lambda', 'function:{name}') }],
  'lambda:function alias': [{ type: 'AWS::Lambda::Function', name: 'FunctionName', arn: here('lambda', 'function:{name}:*') }],
  'lambda:function version': [{ type: 'AWS::Lambda::Function', name: 'FunctionName', arn: here('lambda', 'function:{name}:*') }],
  'backup:backupVault': [{ type: 'AWS::Backup::BackupVault', name: 'BackupVaultName', arn: here('backup', 'backup-vault:{name}') }],
  'backup:backupPlan': [{ type: 'AWS::Backup::BackupPlan', assigned: 'AWS Backup assigns backup plan IDs' }],
  'wafv2:webacl': [{ type: 'AWS::WAFv2::WebACL', name: 'Name', arn: here('wafv2', 'regional/webacl/{name}/*') }],
  'wafv2:apigateway': [{ type: 'AWS::ApiGateway::Stage', assigned: 'the stage ARN carries the REST API ID API Gateway assigns' }],
  'elasticloadbalancing:loadbalancer': [{ type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', name: 'Name', arn: here('elasticloadbalancing', 'loadbalancer/net/{name}/*') }],
  'elasticloadbalancing:loadbalancer/net/': [{ type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', name: 'Name', arn: here('elasticloadbalancing', 'loadbalancer/net/{name}/*') }],
  // A listener's ARN carries its load balancer's name.
  'elasticloadbalancing:listener/net': [{ type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', name: 'Name', arn: here('elasticloadbalancing', 'listener/net/{name}/*') }],
  'elasticloadbalancing:targetgroup': [{ type: 'AWS::ElasticLoadBalancingV2::TargetGroup', name: 'Name', arn: here('elasticloadbalancing', 'targetgroup/{name}/*') }],
  'ecr:repository': [{ type: 'AWS::ECR::PullThroughCacheRule', name: 'EcrRepositoryPrefix', arn: here('ecr', 'repository/{name}/*') }],
};

/** Resources of AWS's own that the platform's resources use: their ARNs are AWS's, so the statement stays on "*". */
const AWS_OWNED: Readonly<Record<string, string>> = {
  'ecs:capacity-provider': "FARGATE and FARGATE_SPOT, AWS's capacity providers of the cluster",
  'rds:og': "the engine's default option group, AWS's",
  'wafv2:managedruleset': 'the AWS Managed Rules rule groups the web ACL references',
};

/** Services none of whose resources the platform can name in advance: every action stays on "*", for this reason. */
export const ASSIGNED_IDS: Readonly<Record<string, string>> = {
  ec2: 'EC2 assigns the IDs of VPCs, subnets, route tables, gateways, security groups, network ACLs, endpoints, flow logs and addresses when CloudFormation creates them',
  apigateway: 'API Gateway ARNs are paths of the REST API, resource, deployment, key, usage plan and VPC link IDs API Gateway assigns',
  elasticfilesystem: 'EFS assigns the IDs of file systems, mount targets and access points',
  'application-autoscaling': 'Application Auto Scaling assigns the IDs in scalable target and scaling policy ARNs',
  config: 'AWS Config assigns the IDs in config rule and recorder ARNs (config-rule/config-rule-<id>)',
  organizations: "the CloudTrail handler reads the organization's description (organization trails); the organization's IDs are not the platform's",
  route53: "private DNS of an interface endpoint associates the VPC with the endpoint service's private hosted zone, which AWS owns and whose ID is unknown",
  autoscaling: 'reads only (Describe…), for Application Auto Scaling of the ECS service',
  'backup-storage': 'the storage capsule of a new vault, created by AWS Backup',
  acm: "ACM assigns certificate IDs; the certificates are the target account's own (SSM parameters name them)",
};

/** Why a global service's write on "*" has no condition (checkov CKV_AWS_111 reads a condition as the constraint). */
export const UNCONDITIONED_GLOBAL_WRITES: Readonly<Record<string, string>> = {
  route53: "the hosted zone is the endpoint service's, AWS's own, and its ID is unknown; Route 53 offers no condition key that names the calling endpoint",
};

/** Actions that reach none of the platform's resource types, yet a handler calls: they stay on "*", for this reason. */
export const NO_PLATFORM_RESOURCE: Readonly<Record<string, string>> = {
  'cloudwatch:GetMetricData': 'reads metric data for Application Auto Scaling; the dataset resource type it also lists is not used by the platform',
  'rds:DescribeDBClusters': "the DB instance handler reads the cluster of an instance that belongs to one (the platform's belongs to none); metadata only",
  'rds:DescribeDBClusterSnapshots': 'the DB instance handler reads cluster snapshots when restoring into a cluster (the platform does not); metadata only',
};

/**
 * Where parliament's IAM data (older than the Service Authorization Reference that cfn-lint
 * bundles) reports RESOURCE_MISMATCH on a statement scoped to the platform's names: why the
 * scope is right all the same.
 */
export const PARLIAMENT_RESOURCE_GAPS: Readonly<Record<string, string>> = {
  elasticloadbalancing:
    'the Service Authorization Reference lists the listeners of Application, Network and Gateway Load Balancers as alternative resource types of DeleteListener/ModifyListener(Attributes); parliament wants an ARN of each kind, and the platform has one Network Load Balancer (listener/net/…)',
  sns: "parliament's data gives Get/SetSubscriptionAttributes and Unsubscribe no resource type; the Service Authorization Reference authorizes them on the topic, and a subscription ARN (the topic's ARN and an ID) matches the topic pattern",
};

/** The Service Authorization Reference page of a service, for the scanners' notes (unknown actions). */
export function serviceReference(service: string): string {
  const pages: Record<string, string> = {
    s3: 'list_amazons3',
    kinesis: 'list_amazonkinesisdatastreams',
    ecs: 'list_amazonelasticcontainerservice',
    lambda: 'list_awslambda',
    logs: 'list_amazoncloudwatchlogs',
    ec2: 'list_amazonec2',
    elasticloadbalancing: 'list_awselasticloadbalancingv2',
    cloudtrail: 'list_awscloudtrail',
  };
  return pages[service]
    ? `https://docs.aws.amazon.com/service-authorization/latest/reference/${pages[service]}.html`
    : `https://servicereference.us-east-1.amazonaws.com/v1/${service}/${service}.json`;
}

/** A resource of the rendered platform, as the role builder sees it. */
export interface PlatformResource {
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * The name a template gives a resource, as a pattern of the role template: its own account stays
 * ${AWS::AccountId}; the region, the environment and any other parameter become *. Undefined when
 * the name is not set (CloudFormation generates one) or is a whole parameter (unknown in advance).
 */
function namePattern(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Intrinsic.is(value) || value.fn !== 'Fn::Sub') return undefined;
  const [text, variables] = typeof value.args === 'string' ? [value.args, {}] : (value.args as [string, Record<string, unknown>]);
  const pattern = text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    if (name === 'AWS::AccountId' || name === 'AWS::Partition') return `\${${name}}`;
    const inner = name in variables ? namePattern(variables[name]) : undefined;
    return inner ?? '*';
  });
  const collapsed = pattern.replace(/\*+/g, '*');
  return /[^*]/.test(collapsed.replace(/\$\{AWS::(AccountId|Partition)\}/g, '')) ? collapsed : undefined;
}

/** What the platform's resources make of one IAM resource type: the ARN patterns, or why there are none. */
export type TypeScope = { readonly kind: 'named'; readonly arns: readonly string[] } | { readonly kind: 'unknown'; readonly why: string } | { readonly kind: 'absent' };

export function typeScope(key: string, resources: readonly PlatformResource[]): TypeScope {
  if (AWS_OWNED[key]) return { kind: 'unknown', why: AWS_OWNED[key] };
  const sources = RESOURCE_ARNS[key];
  if (!sources) return { kind: 'absent' };
  const arns: string[] = [];
  for (const source of sources) {
    const own = resources.filter((r) => r.type === source.type);
    if (own.length === 0) continue;
    if (source.assigned) return { kind: 'unknown', why: source.assigned };
    if (!source.name) {
      arns.push(source.arn!);
      continue;
    }
    for (const r of own) {
      const name = namePattern(r.properties[source.name]);
      if (name === undefined)
        return {
          kind: 'unknown',
          why: `CloudFormation generates the name of ${source.type} ${r.properties[source.name] === undefined ? `(no ${source.name})` : `(${source.name} is a parameter)`}`,
        };
      arns.push(source.arn!.replace('{name}', name));
    }
  }
  return arns.length > 0 ? { kind: 'named', arns: [...new Set(arns)].sort() } : { kind: 'absent' };
}
