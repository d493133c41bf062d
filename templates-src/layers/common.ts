// Pieces every layer uses: its template with the Environment parameter and the required tags,
// naming, stateful-resource policies, parameter specs shared across layers and IAM documents.
import { ENVIRONMENTS, PLATFORM, type DataClassification } from '../config.js';
import { AWS, Equals, If, Intrinsic, Not, Ref, Sub, type Named, type Value } from '../core/intrinsics.js';
import { Template, type ParameterHandle, type ParameterSpec, type ResourceHandle, type ResourceOptions, type Exception, type Suppressions } from '../core/template.js';
import type { ResourceTypes } from '../spec-types/index.js';

/** A layer's template: Environment parameter plus PCICompliant / DataClassification / Environment tags on every taggable resource. */
export function layerTemplate(name: string, description: string, dataClassification: DataClassification): Template {
  const template = new Template({
    name,
    description,
    tags: { PCICompliant: 'true', DataClassification: dataClassification, Environment: Ref('Environment') },
    standingExceptions,
  });
  template.parameter('Environment', ENVIRONMENT_PARAMETER, 'Environment');
  return template;
}

export const ENVIRONMENT_PARAMETER: ParameterSpec = {
  Type: 'String',
  Description: 'Deployment environment; part of every name (payment-<thing>-<env>) and of the Environment tag.',
  AllowedValues: ENVIRONMENTS,
};

/** payment-<thing>-<env> */
export const envName = (thing: string): Intrinsic => Sub(`${PLATFORM.namePrefix}-${thing}-\${Environment}`);

/** Names of the ECS cluster and service (compute layer), known to earlier layers (the rotation redeploys the service). */
export const APP_CLUSTER = 'cluster';
export const APP_SERVICE = 'app';

/**
 * ARNs of a log group, built from its name: `GetAtt <LogGroup>.Arn` already ends in ":*", so
 * appending ":log-stream:*" to it matches no stream. IAM names the group
 * arn:…:log-group:NAME and its streams arn:…:log-group:NAME:log-stream:STREAM.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
 */
export function logGroupArns(group: Named): { readonly group: Intrinsic; readonly streams: Intrinsic } {
  const base = 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}';
  return { group: Sub(base, { Name: Ref(group) }), streams: Sub(`${base}:log-stream:*`, { Name: Ref(group) }) };
}

/** Stateful resources whose service takes a final snapshot (RDS, ElastiCache). */
export const SNAPSHOT_ON_DELETE: ResourceOptions = { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' };
/**
 * Stateful resources without snapshot support: keep them. RetainExceptOnCreate, not Retain: when
 * the first create of the stack fails, CloudFormation deletes what it created, so the retry does
 * not meet an orphaned bucket, secret or log group with the same name (AlreadyExists). Once the
 * resource was created, deletion keeps it like Retain. UpdateReplacePolicy has no such value.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 */
export const RETAIN_ON_DELETE: ResourceOptions = { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' };

/** CloudWatch Logs retention values of at least 12 months (PCI DSS 10.5.1). */
export const LOG_RETENTION_DAYS = [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
const LOG_RETENTION_PARAMETER: ParameterSpec = {
  Type: 'Number',
  Description: 'CloudWatch Logs retention in days. PCI DSS 10.5.1 keeps audit logs at least 12 months.',
  Default: 365,
  AllowedValues: LOG_RETENTION_DAYS,
};

/** The LogRetentionDays parameter (one value for every log group of the platform). */
const LOG_RETENTION = 'LogRetentionDays';
export const logRetentionParameter = (t: Template): ParameterHandle => t.parameter(LOG_RETENTION, LOG_RETENTION_PARAMETER, 'Logging');

/** A CloudWatch Logs group encrypted with the logs key, kept ≥ 12 months, retained on delete (audit evidence). */
export function encryptedLogGroup(
  t: Template,
  logicalId: string,
  name: Value<string>,
  logsKey: ParameterHandle,
  retention: ParameterHandle,
  options: ResourceOptions = {},
): ResourceHandle<'AWS::Logs::LogGroup'> {
  return t.resource(
    logicalId,
    'AWS::Logs::LogGroup',
    { LogGroupName: name, KmsKeyId: logsKey.ref, RetentionInDays: retention.ref },
    { ...RETAIN_ON_DELETE, dataClassification: 'Confidential', ...options },
  );
}

/**
 * DependsOn cannot name a resource whose Condition may be false. The usual way round: a wait
 * condition handle that references the conditional resources only when the condition holds;
 * depending on the handle then means "after them, if they exist".
 */
export function conditionalDependency(t: Template, logicalId: string, condition: Named, targets: readonly Named[]): ResourceHandle<'AWS::CloudFormation::WaitConditionHandle'> {
  return t.resource(
    logicalId,
    'AWS::CloudFormation::WaitConditionHandle',
    {},
    {
      Metadata: {
        DependsOnWhenCreated: If(
          condition,
          targets.map((target) => Ref(target)),
          AWS.NoValue,
        ),
      },
    },
  );
}

export const KEY_ARN_PATTERN = '^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]{36}$';
export const keyArnParameter = (purpose: string): ParameterSpec => ({
  Type: 'String',
  Description: `ARN of the customer-managed KMS key for ${purpose} (kms layer).`,
  AllowedPattern: KEY_ARN_PATTERN,
  ConstraintDescription: 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<uuid>)',
});

/** A DNS name outside the reserved top-level domains (RFC 2606, RFC 6761, RFC 6762, ICANN .internal), so a public CA can certify it. */
export const PUBLIC_HOSTNAME_PATTERN = '^(?!.*\\.(internal|local|localhost|test|invalid|example)$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$';

/** An SSM parameter name (the value of an AWS::SSM::Parameter::Value<…> parameter). */
export const SSM_PARAMETER_NAME = '^/[A-Za-z0-9/_.-]{1,1000}$';

/**
 * A value the target account and region hold (certificate ARN, prefix list, DR region …), read
 * from an SSM parameter at deploy time, so one template and one StackSet operation serve every
 * account and region without per-instance overrides.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#aws-ssm-parameter-types
 */
export const ssmValueParameter = (description: string, defaultName: string): ParameterSpec => ({
  Type: 'AWS::SSM::Parameter::Value<String>',
  Description: `SSM parameter (in the target account and region) holding ${description}`,
  Default: defaultName,
  AllowedPattern: SSM_PARAMETER_NAME,
  ConstraintDescription: `must be an SSM parameter name such as ${defaultName}`,
});

export const stringParameter = (description: string, pattern?: string, constraint?: string): ParameterSpec => ({
  Type: 'String',
  Description: description,
  ...(pattern ? { AllowedPattern: pattern, ConstraintDescription: constraint ?? `must match ${pattern}` } : {}),
});

/** An on/off switch: CloudFormation has no boolean parameter type, so 'true' | 'false'. */
export const switchParameter = (description: string, fallback: 'true' | 'false'): ParameterSpec => ({
  Type: 'String',
  Description: description,
  Default: fallback,
  AllowedValues: ['true', 'false'],
});

/** DeletionProtection, the same switch in every layer that has it (one stack parameter feeds them). */
export const DELETION_PROTECTION = switchParameter('Deletion protection on the database, the cache-facing and front-door resources that support it.', 'true');

/** A security group of the network layer, passed in. */
export const securityGroupParameter = (what: string): ParameterSpec =>
  stringParameter(`Security group of ${what} (network layer).`, '^sg-[0-9a-f]{8,17}$', 'must be a security group ID');

/** Subnets of one tier of the network layer, passed in (a comma-joined output becomes the list). */
export const subnetsParameter = (tier: 'Private' | 'Isolated', purpose: string): ParameterSpec => ({
  Type: 'List<AWS::EC2::Subnet::Id>',
  Description: `${tier} subnets (network layer) for ${purpose}${tier === 'Isolated' ? ': no route out of the VPC' : ''}.`,
});

// --- IAM --------------------------------------------------------------------------------------

/** "service:Action" or "service:Prefix*"; a bare "*" does not type-check (least privilege). */
export type IamAction = `${Lowercase<string>}:${string}`;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Value<string> | { readonly [kind in 'AWS' | 'Service' | 'Federated']?: Value<string> | Value<string>[] };
  readonly NotPrincipal?: unknown;
  readonly Action: IamAction | readonly IamAction[];
  readonly Resource?: Value<string> | readonly Value<string>[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export const policyDocument = (...statements: PolicyStatement[]) => ({ Version: '2012-10-17', Statement: statements });

/** The account's root principal: delegates to IAM policies in this account. */
export const ACCOUNT_ROOT = Sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root');

/**
 * The permissions boundary every role of the platform carries when PermissionsBoundaryName is set
 * (StackSet rollouts: payment-platform-boundary, the managed policy of the execution role
 * templates, generated/stacksets/): the execution role may create a role only with it
 * (iam:PermissionsBoundary), and a role's effective permissions are the intersection of its own
 * policies and the boundary. Empty (make deploy's default): no boundary.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
export const PERMISSIONS_BOUNDARY_PARAMETER = 'PermissionsBoundaryName';
const HAS_PERMISSIONS_BOUNDARY = 'HasPermissionsBoundary';
const PERMISSIONS_BOUNDARY_NAME_PATTERN = '^$|^[\\w+=,.@-]{1,128}$';
const PERMISSIONS_BOUNDARY_SPEC: ParameterSpec = {
  Type: 'String',
  Description:
    'Name of the managed policy in this account that every IAM role of the platform carries as its permissions boundary (StackSet rollouts: payment-platform-boundary). Empty: no boundary.',
  Default: '',
  AllowedPattern: PERMISSIONS_BOUNDARY_NAME_PATTERN,
  ConstraintDescription: 'must be empty or an IAM policy name (letters, digits and +=,.@-_, at most 128)',
};

type RoleProperties = Omit<ResourceTypes['AWS::IAM::Role']['props'], 'PermissionsBoundary'>;

/**
 * An exception for a scanner that cannot resolve a parameter: the value is the parameter's, whose
 * AllowedValues decide, and the project's own rule evaluates it per environment.
 */
export const fromParameter = (parameter: string, checkedBy: string, requirement: string): Exception => ({
  reason: `The value is the ${parameter} parameter, which the scanner reads as an unresolved Ref; the environments set it (generated/parameters).`,
  requirement,
  compensatingControl: `${checkedBy} evaluates it with each environment's parameter file.`,
});

/**
 * Inline policies, on purpose: each holds the permissions of exactly one role, scoped to that
 * role's resources, and goes with it (IAM: "inline policies are useful if you want to maintain a
 * strict one-to-one relationship between a policy and the identity",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html).
 */
const INLINE_POLICY_BY_DESIGN: Exception = {
  reason: "Each inline policy belongs to exactly one role and names only that role's resources; a managed policy could be attached to other roles and outlive this one.",
  requirement: '7.2.2',
  compensatingControl: 'PCI-IAM-002/003 check every statement of these policies for scoped resources and no admin access; parliament lints them per environment.',
};

/**
 * The AWS Guard Rules Registry's CFN_NO_EXPLICIT_RESOURCE_NAMES: the types it covers and the
 * property that names each. Names are chosen: alarms, roles and identifiers are what runbooks,
 * trust policies and StackSets refer to.
 */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::ApiGateway::ApiKey': 'Name',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::EC2::SecurityGroup': 'GroupName',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Name',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Kinesis::Stream': 'Name',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
};
const NAMED_ON_PURPOSE: Exception = {
  reason:
    'Named on purpose: alarms, roles, streams and identifiers are what runbooks, trust policies, StackSets and the dashboards refer to; every name carries the environment (and the region where the scope needs it).',
  requirement: '6.4.1',
  compensatingControl:
    "AWS-GLOBAL-001 proves no two instances' names collide in their scope; make diff's data-loss gate and CloudFormation's change set show any replacement before it runs.",
};
const STAR_ONLY_WHERE_NEEDED: Exception = {
  reason:
    '"*" only on actions that have no resource-level permissions (ecr:GetAuthorizationToken, X-Ray, secretsmanager:GetRandomPassword, EC2 network interfaces of a VPC function, …) or whose ARNs CloudFormation assigns at create time.',
  requirement: '7.2.2',
  compensatingControl:
    'PCI-IAM-002 fails a "*" on any action that accepts a resource ARN; parliament (RESOURCE_STAR) lints each policy per environment, its exceptions named with their reason.',
};

// The rule asks for an AccessControl that is not PublicReadWrite; with BucketOwnerEnforced, ACLs
// are disabled and no ACL is set at all (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).
const ACLS_DISABLED: Exception = {
  reason: 'ACLs are disabled (ObjectOwnership BucketOwnerEnforced): the bucket has no ACL to be public, so there is no AccessControl to set.',
  requirement: '1.4.4',
  compensatingControl: 'PCI-NET-002 checks Block Public Access (all four settings) and ownership enforced on every bucket.',
};

const RETENTION_FROM_PARAMETER: Exception = {
  reason: `RetentionInDays is the LogRetentionDays parameter, which Guard cannot resolve; its AllowedValues are ${LOG_RETENTION_DAYS.join(', ')} days (at least 12 months).`,
  requirement: '10.5.1',
  compensatingControl: 'PCI-LOG-001 evaluates the retention of every log group in every environment.',
};
const isRefTo = (value: unknown, parameter: string): boolean => Intrinsic.is(value) && value.fn === 'Ref' && value.args === parameter;

const POLICY_DOCUMENTS = (type: string, p: Readonly<Record<string, unknown>>): unknown[] =>
  type === 'AWS::IAM::Role'
    ? ((p.Policies as { PolicyDocument?: unknown }[] | undefined) ?? []).map((x) => x.PolicyDocument)
    : type === 'AWS::IAM::ManagedPolicy' || type === 'AWS::IAM::Policy'
      ? [p.PolicyDocument]
      : [];
/** A value or list of values as a list (policy elements take either). */
const asList = <T>(value: T | readonly T[] | undefined): readonly T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value as T]);
const allowsStar = (document: unknown): boolean =>
  asList((document as { Statement?: { Effect?: string; Resource?: unknown } | { Effect?: string; Resource?: unknown }[] } | undefined)?.Statement).some(
    (s) => s.Effect === 'Allow' && asList(s.Resource).includes('*'),
  );

/**
 * The platform's standing exceptions, the same for every resource of a kind (Template
 * standingExceptions): what the AWS Guard Rules Registry flags by design of the platform.
 */
export function standingExceptions(type: string, properties: Readonly<Record<string, unknown>>): Suppressions {
  const guard: Record<string, Exception> = {};
  const nameProperty = NAME_PROPERTY[type];
  if (nameProperty !== undefined && properties[nameProperty] !== undefined) guard.CFN_NO_EXPLICIT_RESOURCE_NAMES = NAMED_ON_PURPOSE;
  if (type === 'AWS::IAM::Role' && properties.Policies !== undefined) guard.IAM_NO_INLINE_POLICY_CHECK = INLINE_POLICY_BY_DESIGN;
  if (POLICY_DOCUMENTS(type, properties).some(allowsStar)) guard.IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE = STAR_ONLY_WHERE_NEEDED;
  const ownership = (properties.OwnershipControls as { Rules?: { ObjectOwnership?: string }[] } | undefined)?.Rules?.[0]?.ObjectOwnership;
  if (type === 'AWS::Logs::LogGroup' && isRefTo(properties.RetentionInDays, LOG_RETENTION)) guard.CW_LOGGROUP_RETENTION_PERIOD_CHECK = RETENTION_FROM_PARAMETER;
  if (type === 'AWS::S3::Bucket' && ownership === 'BucketOwnerEnforced' && properties.AccessControl === undefined) guard.S3_BUCKET_NO_PUBLIC_RW_ACL = ACLS_DISABLED;
  return Object.keys(guard).length > 0 ? { guard } : {};
}

/**
 * The only way a layer creates an IAM role: with the permissions boundary (above). The first role
 * of a template declares the PermissionsBoundaryName parameter and its condition.
 * AWS-IAM-001 (scripts/lib/validate/aws-rules/) fails any role of generated/ without it.
 */
export function platformRole(t: Template, logicalId: string, properties: RoleProperties, options: ResourceOptions = {}): ResourceHandle<'AWS::IAM::Role'> {
  if (!t.parameterNames.includes(PERMISSIONS_BOUNDARY_PARAMETER)) {
    t.parameter(PERMISSIONS_BOUNDARY_PARAMETER, PERMISSIONS_BOUNDARY_SPEC, 'IAM');
    t.condition(HAS_PERMISSIONS_BOUNDARY, Not(Equals(Ref(PERMISSIONS_BOUNDARY_PARAMETER), '')));
  }
  const boundary = If(HAS_PERMISSIONS_BOUNDARY, Sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/\${${PERMISSIONS_BOUNDARY_PARAMETER}}`), AWS.NoValue);
  return t.resource(logicalId, 'AWS::IAM::Role', { ...properties, PermissionsBoundary: boundary } as ResourceTypes['AWS::IAM::Role']['props'], options);
}

/** Trust policy for a service role, confused-deputy protected by the source account. */
export const assumeRolePolicy = (service: string) =>
  policyDocument({
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': AWS.AccountId } },
  });

/**
 * Trust policy for a service that assumes its role without sending aws:SourceAccount /
 * aws:SourceArn (Lambda execution roles, the API Gateway logging role, AWS Backup): a condition
 * would lock the service out. Such roles carry UNBOUND_SERVICE_TRUST as their PCI-IAM-004 reason.
 */
export const serviceOnlyAssumeRolePolicy = (service: string) => policyDocument({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' });

export const UNBOUND_SERVICE_TRUST = {
  pci: {
    'PCI-IAM-004': {
      reason: 'The service does not send aws:SourceAccount/aws:SourceArn when it assumes this role, so a confused-deputy condition would break it.',
      requirement: '7.2.5',
      compensatingControl: 'Only this one service principal is trusted, and only principals allowed iam:PassRole on this role in this account can hand it to the service.',
    },
  },
};

/** Statement that denies any request to a bucket that is not made over TLS 1.2+. */
export const denyInsecureTransport = (bucketArn: Value<string>): PolicyStatement => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 's3:*',
  Resource: [bucketArn, Sub('${Arn}/*', { Arn: bucketArn })],
  Condition: { Bool: { 'aws:SecureTransport': false } },
});

export const denyOldTls = (bucketArn: Value<string>): PolicyStatement => ({
  Sid: 'DenyTlsBelow12',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 's3:*',
  Resource: [bucketArn, Sub('${Arn}/*', { Arn: bucketArn })],
  Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
});
