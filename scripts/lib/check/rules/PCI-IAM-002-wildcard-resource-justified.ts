// Identity policies name their resources. "Resource": "*" passes only for actions that support
// no resource-level permission (the service allows nothing else); anything more needs a
// suppression with the reason written beside it.
import { actionsOf, identityPolicies, isAllow, resourcesOf } from '../policy.js';
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'] as const;

/** Actions whose service accepts only "*" as the resource (IAM service authorization reference). */
export const NO_RESOURCE_LEVEL_ACTIONS = new Set(
  [
    'ecr:GetAuthorizationToken',
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
    'xray:GetSamplingStatisticSummaries',
    'cloudwatch:PutMetricData',
    'cloudwatch:GetMetricData',
    'cloudwatch:ListMetrics',
    'logs:DescribeLogGroups',
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses',
    'ec2:UnassignPrivateIpAddresses',
    'ec2:DescribeSubnets',
    'ec2:DescribeVpcs',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeInstances',
    'kms:ListAliases',
    'kms:ListKeys',
    'sts:GetCallerIdentity',
    'ssmmessages:CreateControlChannel',
    'ssmmessages:CreateDataChannel',
    'ssmmessages:OpenControlChannel',
    'ssmmessages:OpenDataChannel',
    'secretsmanager:GetRandomPassword',
    'secretsmanager:ListSecrets',
    'ecs:DiscoverPollEndpoint',
    'ecs:CreateCluster',
    'ecs:RegisterTaskDefinition',
    'elasticloadbalancing:DescribeLoadBalancers',
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:DescribeTargetHealth',
    'tag:GetResources',
    's3:ListAllMyBuckets',
    'sns:ListTopics',
    'backup:ListBackupPlans',
    'config:PutEvaluations',
    'cloudtrail:DescribeTrails',
    'rds:DescribeDBEngineVersions',
    'application-autoscaling:DescribeScalableTargets',
    'application-autoscaling:DescribeScalingPolicies',
  ].map((a) => a.toLowerCase()),
);

const allowedOnStar = (action: string): boolean => NO_RESOURCE_LEVEL_ACTIONS.has(action.toLowerCase()) || /^ec2:Describe[A-Za-z]*\*?$/i.test(action);

const rule: Rule = {
  id: 'PCI-IAM-002',
  title: 'Identity policies scope resources; "*" only for actions without resource-level permissions',
  requirements: ['7.2.1', '7.2.2', '7.2.5'],
  references: { securityHub: ['KMS.1', 'KMS.2', 'IAM.1'], configRules: ['iam-customer-policy-blocked-kms-actions', 'iam-inline-policy-blocked-kms-actions'] },
  resourceTypes: TYPES,
  notChecked: "whether the named resources are the minimum (a reviewer's judgement) and run-time use (IAM Access Analyzer unused-access findings)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (r) =>
        identityPolicies(r).flatMap((doc) =>
          (doc.statements ?? []).filter(isAllow).flatMap((s, i) => {
            if (!resourcesOf(s).some((x) => x === '*')) return [];
            const scoped = actionsOf(s).filter((a) => !allowedOnStar(a));
            return scoped.length > 0 ? [`${doc.path} statement ${s.Sid ?? i} allows ${scoped.join(', ')} on "*": these actions accept resource ARNs`] : [];
          }),
        ),
      'resources named (or "*" only for actions that accept nothing else)',
    ),
};
export default rule;
