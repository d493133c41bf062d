// Regenerates stacksets/handler-permissions.json: for every resource type of the platform, the
// IAM actions CloudFormation's resource handlers call (create/read/update/delete/list), from the
// provider schemas that cfn-lint bundles. The StackSet execution role is built from this list,
// so it can do what the platform's resources need and nothing else.
//
//   npx tsx scripts/lib/stackset/gen-permissions.ts      (after adding a type to resource-types.json)
//
// Actions for features the platform does not use are left out, each with the reason.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../paths.js';
import { ROLE_OWN_ACTIONS } from '../../../templates-src/stackset-roles.js';

export const PERMISSIONS_FILE = join(ROOT, 'stacksets', 'handler-permissions.json');

/** Action prefixes (service: or service:Action) left out, and why. */
const EXCLUDED: Readonly<Record<string, string>> = {
  'amplify:': 'WAF web ACL association with Amplify apps: the platform associates its web ACL with the API Gateway stage only',
  'apprunner:': 'WAF web ACL association with App Runner: not used',
  'appsync:': 'WAF web ACL association with AppSync: not used',
  'bedrock-agentcore:': 'WAF web ACL association with Bedrock AgentCore gateways: not used',
  'cognito-idp:': 'WAF association with Cognito user pools and ELB listener Cognito authentication: not used',
  'docdb-elastic:': 'SecretTargetAttachment to DocumentDB elastic clusters: the platform attaches secrets to RDS only',
  'redshift:': 'SecretTargetAttachment to Redshift: not used',
  'redshift-serverless:': 'SecretTargetAttachment to Redshift Serverless: not used',
  'firehose:': 'log delivery to Kinesis Data Firehose (WAF logging, Redis log delivery, log group tags): the platform logs to CloudWatch Logs',
  'payments:': 'WAF integration with AWS Payment Cryptography connected accounts: not used',
  's3tables:': 'S3 table buckets: not used',
  's3files:': 'Lambda file-system mounts from S3 Files: not used',
  'vpc-lattice:': 'VPC Lattice service-network endpoints: the platform creates interface and gateway endpoints only',
  'vpce:AllowMultiRegion': 'cross-region VPC endpoints: not used',
  's3:REST.PUT.OBJECT': 'not an IAM action (an S3 REST operation name listed in the AWS::Logs::LogGroup schema)',
  'ec2:AssociateVerifiedAccessInstanceWebAcl': 'WAF web ACL association with Verified Access: the platform associates its web ACL with the API Gateway stage only',
  'ec2:DisassociateVerifiedAccessInstanceWebAcl': 'WAF web ACL association with Verified Access: not used',
  'ec2:GetVerifiedAccessInstanceWebAcl': 'WAF web ACL association with Verified Access: not used',
  'elasticloadbalancing:CreateWebACLAssociation': 'WAF web ACL association with Application Load Balancers: the platform has a Network Load Balancer, which WAF does not protect',
  'elasticloadbalancing:DeleteWebACLAssociation': 'WAF web ACL association with Application Load Balancers: not used',
  'elasticloadbalancing:GetLoadBalancerWebACL': 'WAF web ACL association with Application Load Balancers: not used',
  'elasticloadbalancing:SetWebACL': 'WAF web ACL association with Application Load Balancers: not used',
  'elasticloadbalancing:ModifyIpPools': "IPAM pools of Application Load Balancers: the platform's load balancer is a Network Load Balancer",
  'wafv2:GetPermissionPolicy':
    'permission policies of WAF rule groups (sharing them with other accounts): the platform has no rule group of its own, its web ACL uses AWS Managed Rules',
  'wafv2:PutPermissionPolicy': 'permission policies of WAF rule groups: the platform has no rule group of its own',
  'lambda:GetLayerVersion': "Lambda layers: the platform's function uses none",
  'lambda:GetCodeSigningConfig': "Lambda code signing configurations: the platform's function has none",
  'lambda:PassCapacityProvider': "Lambda Managed Instances capacity providers: the platform's function runs on Lambda's default compute",
  'iam:AttachGroupPolicy': 'the platform creates no IAM groups',
  'iam:DeleteGroupPolicy': 'the platform creates no IAM groups',
  'iam:DetachGroupPolicy': 'the platform creates no IAM groups',
  'iam:GetGroupPolicy': 'the platform creates no IAM groups',
  'iam:PutGroupPolicy': 'the platform creates no IAM groups',
  'iam:AttachUserPolicy': 'the platform creates no IAM users',
  'iam:DeleteUserPolicy': 'the platform creates no IAM users',
  'iam:DetachUserPolicy': 'the platform creates no IAM users',
  'iam:GetUserPolicy': 'the platform creates no IAM users',
  'iam:PutUserPolicy': 'the platform creates no IAM users',
};

/**
 * Actions a resource type needs that its handler schema does not list: the service calls them
 * with the caller's credentials on the way (a dependent action), each with the page that says so.
 */
export const DEPENDENT: Readonly<Record<string, readonly { readonly actions: readonly string[]; readonly why: string; readonly docs: string }[]>> = {
  'AWS::EC2::VPCEndpoint': [
    {
      actions: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'],
      why: "private DNS on an interface endpoint associates the VPC with the service's private hosted zone, as the caller",
      docs: 'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html',
    },
  ],
  'AWS::Backup::BackupVault': [
    {
      actions: ['backup-storage:MountCapsule'],
      why: 'creating a vault mounts its storage capsule; the schema names it backup-storage:Mount, which is no IAM action',
      docs: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/security-iam-awsmanpol.html',
    },
  ],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': [
    {
      actions: ['iam:CreateServiceLinkedRole'],
      why: "the first load balancer of an account creates AWSServiceRoleForElasticLoadBalancing with the caller's permissions",
      docs: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-service-linked-roles.html',
    },
    {
      actions: ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:ListLogDeliveries'],
      why: "Network Load Balancer access logs go to S3 through CloudWatch Logs' log delivery (delivery.logs.amazonaws.com), set up as the caller",
      docs: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html',
    },
  ],
  'AWS::ApiGateway::VpcLink': [
    {
      actions: [
        'ec2:CreateVpcEndpointServiceConfiguration',
        'ec2:DeleteVpcEndpointServiceConfigurations',
        'ec2:DescribeVpcEndpointServiceConfigurations',
        'ec2:ModifyVpcEndpointServicePermissions',
        'elasticloadbalancing:DescribeLoadBalancers',
        'iam:CreateServiceLinkedRole',
      ],
      why: 'a REST API VPC link creates an endpoint service for the NLB, and the API Gateway service-linked role, as the caller',
      docs: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-api-with-vpclink-api.html',
    },
  ],
  'AWS::ApiGateway::DomainName': [
    {
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      why: "mutual TLS: API Gateway reads the truststore object from S3 with the caller's permissions",
      docs: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html',
    },
  ],
  'AWS::ECS::Service': [
    {
      actions: ['iam:CreateServiceLinkedRole'],
      why: 'the first service of an account creates AWSServiceRoleForECS',
      docs: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html',
    },
  ],
  'AWS::RDS::DBInstance': [
    {
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      why: "a master password managed in Secrets Manager under a customer-managed key: RDS creates the secret with the caller's KMS permissions",
      docs: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html',
    },
  ],
};

/**
 * The service-linked role a type's handler may create (iam:CreateServiceLinkedRole is then
 * allowed only with iam:AWSServiceName ∈ these): https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html.
 * A type that lists the action but has none maps to null, with the reason.
 */
export const SERVICE_LINKED_ROLES: Readonly<Record<string, string | null>> = {
  'AWS::ApiGateway::VpcLink': 'ops.apigateway.amazonaws.com',
  'AWS::ApplicationAutoScaling::ScalableTarget': 'ecs.application-autoscaling.amazonaws.com',
  'AWS::Backup::BackupSelection': 'backup.amazonaws.com',
  'AWS::CloudTrail::Trail': 'cloudtrail.amazonaws.com',
  'AWS::EC2::FlowLog': null,
  'AWS::ECR::PullThroughCacheRule': 'pullthroughcache.ecr.amazonaws.com', // AWSServiceRoleForECRPullThroughCache: https://docs.aws.amazon.com/AmazonECR/latest/userguide/slr-pullthroughcache.html // flow logs have no service-linked role; the schema lists the action for delivery to other accounts
  'AWS::ECS::Cluster': 'ecs.amazonaws.com',
  'AWS::ECS::Service': 'ecs.amazonaws.com',
  'AWS::EFS::FileSystem': 'elasticfilesystem.amazonaws.com',
  'AWS::ElastiCache::ParameterGroup': 'elasticache.amazonaws.com',
  'AWS::ElastiCache::ReplicationGroup': 'elasticache.amazonaws.com',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'elasticloadbalancing.amazonaws.com',
  'AWS::RDS::DBInstance': 'rds.amazonaws.com',
  'AWS::RDS::DBParameterGroup': 'rds.amazonaws.com',
  'AWS::RDS::DBSubnetGroup': 'rds.amazonaws.com',
  'AWS::WAFv2::LoggingConfiguration': 'wafv2.amazonaws.com',
};

/** The service (kms:ViaService <name>.<region>.amazonaws.com) that uses a key for a type whose handler lists KMS data actions. */
export const KMS_VIA_SERVICE: Readonly<Record<string, string>> = {
  'AWS::Backup::BackupVault': 'backup',
  'AWS::EFS::FileSystem': 'elasticfilesystem',
  'AWS::ElastiCache::ReplicationGroup': 'elasticache',
  'AWS::Lambda::Function': 'lambda',
  'AWS::RDS::DBInstance': 'secretsmanager',
};

const isExcluded = (action: string): boolean => Object.keys(EXCLUDED).some((prefix) => (prefix.endsWith(':') ? action.startsWith(prefix) : action === prefix));

/** IAM service prefixes are lower case; one schema writes CloudTrail:… */
const normaliseAction = (action: string): string => {
  const colon = action.indexOf(':');
  return `${action.slice(0, colon).toLowerCase()}${action.slice(colon)}`;
};

/** cfn-lint's bundled AWS schemas in the project's virtualenv, and cfn-lint's version. */
export function cfnLintSchemas(): { dir: string; version: string } {
  const lib = join(ROOT, '.venv', 'lib');
  const python = readdirSync(lib).find((d) => d.startsWith('python'));
  if (!python) throw new Error('no .venv/lib/python*: run make install');
  const site = join(lib, python, 'site-packages');
  const dist = readdirSync(site).find((d) => /^cfn_lint-[\d.]+\.dist-info$/.test(d));
  return { dir: join(site, 'cfnlint', 'data', 'schemas'), version: dist?.replace(/^cfn_lint-|\.dist-info$/g, '') ?? 'unknown' };
}

/** IAM's action list as cfn-lint knows it (AdditionalSpecs/Policies.json): service → lower-case action names. */
function knownIamActions(schemasDir: string): (action: string) => boolean {
  const policies = JSON.parse(readFileSync(join(schemasDir, '..', 'AdditionalSpecs', 'Policies.json'), 'utf8')) as Record<string, { Actions?: Record<string, unknown> }>;
  return (action) => {
    const [service, name] = action.split(':');
    return Boolean(policies[service]?.Actions && name.toLowerCase() in policies[service].Actions!);
  };
}

function handlerPermissions(types: readonly string[]): {
  version: string;
  permissions: Record<string, string[]>;
  readPermissions: Record<string, string[]>;
  withoutHandlers: string[];
  notIamActions: Record<string, string[]>;
} {
  const { dir, version } = cfnLintSchemas();
  const providers = JSON.parse(readFileSync(join(dir, 'providers', 'us-east-1.json'), 'utf8')) as Record<string, string>;
  const isIamAction = knownIamActions(dir);
  const permissions: Record<string, string[]> = {};
  const readPermissions: Record<string, string[]> = {};
  const notIamActions: Record<string, string[]> = {};
  const withoutHandlers: string[] = [];
  for (const type of [...types].sort()) {
    const hash = providers[type];
    if (!hash) throw new Error(`${type}: not in cfn-lint's provider schemas (us-east-1)`);
    const schema = JSON.parse(readFileSync(join(dir, 'resources', `${hash}.json`), 'utf8'));
    if (!schema.handlers) withoutHandlers.push(type);
    const actions = new Set<string>();
    for (const handler of Object.values((schema.handlers ?? {}) as Record<string, { permissions?: string[] }>)) {
      for (const action of handler.permissions ?? []) if (!isExcluded(action)) actions.add(normaliseAction(action));
    }
    // Some schemas name S3 REST operations or retired actions; IAM would ignore them, cfn-lint flags them (W3037).
    const invalid = [...actions].filter((a) => !isIamAction(a)).sort();
    if (invalid.length > 0) notIamActions[type] = invalid;
    permissions[type] = [...actions].filter(isIamAction).sort();
    // What drift detection calls: the read handler (https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html#schema-properties-handlers).
    const reads = ((schema.handlers?.read?.permissions ?? []) as string[]).map(normaliseAction).filter((a) => !isExcluded(a) && isIamAction(a));
    readPermissions[type] = [...new Set(reads)].sort();
  }
  return { version, permissions, readPermissions, withoutHandlers, notIamActions };
}

/**
 * The resource types of each action (the Service Authorization Reference as cfn-lint bundles it,
 * AdditionalSpecs/Policies.json): which ARNs a statement must name to allow it; none means the
 * action has no resource-level permissions and takes Resource "*".
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
function actionResourceTypes(actions: Iterable<string>, schemasDir = cfnLintSchemas().dir): Record<string, string[]> {
  const policies = JSON.parse(readFileSync(join(schemasDir, '..', 'AdditionalSpecs', 'Policies.json'), 'utf8')) as Record<
    string,
    { Actions?: Record<string, { Resources?: string[] }> }
  >;
  const out: Record<string, string[]> = {};
  for (const action of [...new Set(actions)].sort()) {
    const [service, name] = action.split(':');
    out[action] = [...(policies[service]?.Actions?.[name.toLowerCase()]?.Resources ?? [])].sort();
  }
  return out;
}

/**
 * Actions parliament's IAM data (pinned in requirements.txt) does not know: it reports them as
 * UNKNOWN_ACTION and stops checking the statement there, so the role templates say so beside the
 * policies that hold them.
 */
function unknownToParliament(actions: Iterable<string>): string[] {
  const lib = join(ROOT, '.venv', 'lib');
  const python = readdirSync(lib).find((d) => d.startsWith('python'));
  const file = join(lib, python ?? 'python3', 'site-packages', 'parliament', 'iam_definition.json');
  const services = JSON.parse(readFileSync(file, 'utf8')) as { prefix: string; privileges: { privilege: string }[] }[];
  const known = new Set(services.flatMap((s) => s.privileges.map((p) => `${s.prefix}:${p.privilege}`.toLowerCase())));
  return [...new Set(actions)].filter((a) => !known.has(a.toLowerCase())).sort();
}

export function renderPermissionsFile(types: readonly string[]): string {
  const { version, permissions, readPermissions, withoutHandlers, notIamActions } = handlerPermissions(types);
  const dependent = Object.fromEntries(Object.entries(DEPENDENT).filter(([type]) => types.includes(type)));
  const every = [...Object.values(permissions), ...Object.values(readPermissions), ...Object.values(dependent).flatMap((ds) => ds.map((d) => d.actions)), ROLE_OWN_ACTIONS].flat();
  const document = {
    $comment:
      'GENERATED by scripts/lib/stackset/gen-permissions.ts from the CloudFormation provider schemas bundled with cfn-lint (handlers.*.permissions, us-east-1). ' +
      'Do not edit: add the type to templates-src/resource-types.json and run the script. Types without handlers are managed by CloudFormation itself; ' +
      'notIamActions lists names in the schemas that are not IAM actions (cfn-lint AdditionalSpecs/Policies.json), left out; dependent lists what the schemas miss (with the documentation); readPermissions is what drift detection calls (handlers.read); ' +
      "resourceTypes is each action's resource types (the Service Authorization Reference, cfn-lint AdditionalSpecs/Policies.json); unknownToParliament lists the actions parliament's data lacks.",
    source: `cfn-lint ${version}`,
    excluded: EXCLUDED,
    withoutHandlers,
    notIamActions,
    dependent,
    permissions,
    readPermissions,
    resourceTypes: actionResourceTypes(every),
    unknownToParliament: unknownToParliament(every),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { types } = JSON.parse(readFileSync(join(ROOT, 'templates-src', 'resource-types.json'), 'utf8')) as { types: string[] };
  writeFileSync(PERMISSIONS_FILE, renderPermissionsFile(types));
  console.log(`wrote ${PERMISSIONS_FILE} (${types.length} resource types)`);
}
