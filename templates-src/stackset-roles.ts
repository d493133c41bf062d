// The IAM roles of StackSet rollouts (make stackset), rendered into generated/stacksets/:
//
//  - stackset-administration-role (the administration account, SELF_MANAGED): trusted by
//    CloudFormation for this account's stack sets only; may do one thing: sts:AssumeRole the
//    execution role (by name) in the target accounts. The target's trust policy admits it.
//  - stackset-execution-role (every target account, SELF_MANAGED): the execution role, trusted
//    by that administration role only; the read-only role; the permissions boundary.
//  - stackset-custom-execution-role (SERVICE_MANAGED): the same, as the custom execution role
//    template make stackset sends with the stack set (ExecutionRoleTemplateBody): the role is
//    named stacksets-exec-custom-… and trusted by the StackSets service-linked role of the
//    management (or delegated administrator) account
//    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-custom-execution-role.html).
//
// The execution role is sufficient: exactly the IAM actions CloudFormation's resource handlers
// call for the resource types the platform uses (stacksets/handler-permissions.json, from the AWS
// provider schemas), plus the dependent actions those schemas miss (gen-permissions.ts, each with
// its documentation). And it is least privilege, with no way up:
//  - every role it creates or changes must carry the platform's permissions boundary
//    (iam:PermissionsBoundary on CreateRole and the policy writes); it can neither remove a
//    boundary nor set another, nor change the boundary policy;
//  - iam:PassRole only of the stack set's roles, only to the services the platform's roles trust;
//    service-linked roles only for the services the platform's resources need (iam:AWSServiceName);
//  - Lambda writes and invocations only on the stack set's functions (no rewriting other code);
//  - no data reads: s3:GetObject only on the packaged templates, kms:Decrypt/Encrypt/GenerateDataKey
//    only through the AWS service that needs it (kms:ViaService), key policies and grants only on
//    the stack set's keys (the aws:cloudformation:stack-name tag, which nobody can set by hand),
//    secretsmanager:GetSecretValue only for CloudFormation's own Secret handler (aws:CalledVia) on
//    the platform's secrets.
// Where the resource stays `*` and why: docs/stacksets.md.
import { ENVIRONMENT_PARAMETER, policyDocument, standingExceptions, type IamAction, type PolicyStatement } from './layers/common.js';
import { PLATFORM } from './config.js';
import { AWS, Ref, Sub } from './core/intrinsics.js';
import { Template, type Exception } from './core/template.js';
import {
  ASSIGNED_IDS,
  NO_PLATFORM_RESOURCE,
  PARLIAMENT_RESOURCE_GAPS,
  UNCONDITIONED_GLOBAL_WRITES,
  serviceReference,
  typeScope,
  type PlatformResource,
} from './stackset-role-scopes.js';

export interface StackSetRoleConfig {
  /** IAM actions per resource type the platform uses (CloudFormation handler permissions, plus dependent actions). */
  readonly actionsByType: Readonly<Record<string, readonly string[]>>;
  /** What drift detection calls per type (the handlers' read permissions), for the read-only role. */
  readonly readActionsByType: Readonly<Record<string, readonly string[]>>;
  /** Service principals the platform's own roles trust: the only services iam:PassRole may hand a role to. */
  readonly passRoleServices: readonly string[];
  /** Services whose service-linked roles the platform's resources need (iam:AWSServiceName). */
  readonly serviceLinkedRoles: readonly string[];
  /** AWS services that use KMS keys on the caller's behalf while CloudFormation creates the platform (kms:ViaService). */
  readonly kmsViaServices: readonly string[];
  /** Each action's resource types (the Service Authorization Reference; none: no resource-level permissions). */
  readonly resourceTypes: Readonly<Record<string, readonly string[]>>;
  /** Actions parliament's IAM data does not know (UNKNOWN_ACTION; it stops checking a statement there). */
  readonly unknownToParliament: readonly string[];
  /** The platform's resources (every layer and standalone template), whose names scope the statements. */
  readonly resources: readonly PlatformResource[];
}

const ADMINISTRATION_ROLE_NAME = 'payment-stackset-administration';
const EXECUTION_ROLE_NAME = 'payment-stackset-execution';
const CUSTOM_EXECUTION_ROLE_NAME = 'stacksets-exec-custom-payment';
const READ_ROLE_NAME = 'payment-stackset-read';
export const PERMISSIONS_BOUNDARY_NAME = 'payment-platform-boundary';
/** The name prefix of the change sets the read-only role may create (previews). */
export const PREVIEW_CHANGE_SET_PREFIX = 'payment-preview-';

/** IAM's limit for one managed policy document (characters, whitespace excluded); kept with a margin. */
export const MANAGED_POLICY_LIMIT = 6_144;
const POLICY_BUDGET = 5_600;

/** Services whose API is global (requests are made to us-east-1 whatever the stack's region). */
const GLOBAL_SERVICES = new Set(['iam', 'organizations', 'sts', 'route53']);

/** What StackSets itself calls as the execution role on each instance's stack (and on nested stacks). */
const STACK_ACTIONS: IamAction[] = [
  'cloudformation:CreateStack',
  'cloudformation:UpdateStack',
  'cloudformation:DeleteStack',
  'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackEvents',
  'cloudformation:DescribeStackResource',
  'cloudformation:DescribeStackResources',
  'cloudformation:ListStackResources',
  'cloudformation:GetTemplate',
  'cloudformation:CreateChangeSet',
  'cloudformation:DescribeChangeSet',
  'cloudformation:ExecuteChangeSet',
  'cloudformation:DeleteChangeSet',
  'cloudformation:TagResource',
  'cloudformation:UntagResource',
  'cloudformation:UpdateTerminationProtection',
  'cloudformation:SetStackPolicy',
  'cloudformation:DetectStackDrift',
  'cloudformation:DetectStackResourceDrift',
  'cloudformation:DescribeStackResourceDrifts',
];
/** CloudFormation actions on "*": no resource-level permissions, or (GetTemplateSummary) called with a template rather than a stack. */
const ACCOUNT_LEVEL_CFN_ACTIONS: IamAction[] = [
  'cloudformation:ValidateTemplate',
  'cloudformation:GetTemplateSummary',
  'cloudformation:DescribeStackDriftDetectionStatus',
  'cloudformation:ListExports',
];
/** Why CloudFormationAccountLevel is on "*". */
const CFN_ACCOUNT_LEVEL_REASON: StatementFindings = {
  parliament: {
    RESOURCE_STAR:
      'cloudformation:GetTemplateSummary summarises a template given by URL or body, which has no ARN (its stack and stack set resource types apply only when it names one); the other actions have no resource-level permissions',
  },
};
/** What the read-only role calls for the preflight, beyond the handlers' reads. */
const PREFLIGHT_ACTIONS: IamAction[] = ['acm:DescribeCertificate', 'ec2:DescribeManagedPrefixLists'];

/** Actions the role templates grant beyond the handlers' (their resource types are generated with the handlers': gen-permissions.ts). */
export const ROLE_OWN_ACTIONS: readonly string[] = [...STACK_ACTIONS, ...ACCOUNT_LEVEL_CFN_ACTIONS, ...PREFLIGHT_ACTIONS];

/**
 * Role actions that take the iam:PermissionsBoundary condition: allowed only when the role ends up
 * with the platform's boundary (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
 */
const BOUNDED_ROLE_ACTIONS = new Set([
  'iam:CreateRole',
  'iam:PutRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:PutRolePermissionsBoundary',
]);
/** Never allowed: removing a boundary is the way out of it. */
const NEVER: ReadonlySet<string> = new Set(['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary']);
/** Data reads of KMS: only through the service that needs them (kms:ViaService). */
const KMS_CRYPTO = new Set(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo']);
/** KMS writes that would hand a key's data to someone else: only on the stack set's keys. */
const KMS_KEY_CONTROL = new Set(['kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:RetireGrant', 'kms:RevokeGrant', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:EnableKey']);
/** Object reads of S3: only the packaged templates. */
const S3_OBJECT_READS = new Set(['s3:GetObject', 's3:GetObjectVersion']);

const serviceOf = (action: string): string => action.slice(0, action.indexOf(':'));
const isMetadataRead = (action: string): boolean => /^[a-z0-9-]+:(Describe|List)/.test(action);

/** Chunks statements into policy documents that each stay under IAM's managed policy size limit. */
function chunkStatements<S>(statements: readonly S[], budget = POLICY_BUDGET, statementOf: (s: S) => { Sid?: string } = (s) => s as { Sid?: string }): S[][] {
  const size = (s: S): number => JSON.stringify(statementOf(s)).length;
  const chunks: S[][] = [];
  let current: S[] = [];
  let used = 0;
  for (const statement of statements) {
    const n = size(statement);
    if (n > budget) throw new Error(`policy statement ${statementOf(statement).Sid} is ${n} characters, over the ${budget} budget of one managed policy`);
    if (used + n > budget && current.length > 0) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(statement);
    used += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const sidOf = (service: string): string => service.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
const sorted = (actions: Iterable<string>): IamAction[] => [...new Set(actions)].sort() as IamAction[];

function roleTemplate(name: string, description: string): Template {
  const t = new Template({ name, description, tags: { PCICompliant: 'true', DataClassification: 'Internal', Environment: Ref('Environment') }, standingExceptions });
  t.parameter('Environment', ENVIRONMENT_PARAMETER, 'Environment');
  return t;
}

const ROLE_NAME_PATTERN = '^[\\w+=,.@-]{1,64}$';

function buildAdministrationRoleTemplate(): Template {
  const t = roleTemplate(
    'stackset-administration-role',
    'PCI payment platform - StackSet administration role (administration account): CloudFormation may only assume the execution role in target accounts.',
  );
  const roleName = t.parameter(
    'AdministrationRoleName',
    { Type: 'String', Description: "Name of this role (the manifest's permissions.administrationRoleName).", Default: ADMINISTRATION_ROLE_NAME, AllowedPattern: ROLE_NAME_PATTERN },
    'Roles',
  );
  t.parameter(
    'ExecutionRoleName',
    {
      Type: 'String',
      Description: "Name of the execution role in the target accounts (the manifest's permissions.executionRoleName).",
      Default: EXECUTION_ROLE_NAME,
      AllowedPattern: ROLE_NAME_PATTERN,
    },
    'Roles',
  );
  const role = t.resource('AdministrationRole', 'AWS::IAM::Role', {
    RoleName: roleName.ref,
    Description: 'Assumed by CloudFormation StackSets of this account to reach the target accounts.',
    AssumeRolePolicyDocument: policyDocument({
      Effect: 'Allow',
      Principal: { Service: 'cloudformation.amazonaws.com' },
      Action: 'sts:AssumeRole',
      // Confused-deputy guard: only stack sets of this account.
      Condition: {
        StringEquals: { 'aws:SourceAccount': AWS.AccountId },
        ArnLike: { 'aws:SourceArn': Sub('arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stackset/*') },
      },
    }),
    Policies: [
      {
        PolicyName: 'AssumeTheExecutionRoleInTargetAccounts',
        PolicyDocument: policyDocument({
          Sid: 'AssumeExecutionRoleByName',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          // Any account: the execution role's trust policy in each target is the gate, so adding an account needs no change here.
          Resource: Sub('arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}'),
        }),
      },
    ],
  });
  t.output('AdministrationRoleArn', {
    Value: role.getAtt('Arn'),
    Description: 'ARN the execution role trusts (AdministrationAccountId + AdministrationRoleName of stackset-execution-role).',
  });
  return t;
}

// --- the target account's side: execution role, read-only role, permissions boundary -------------

/** The parameters every target-account role template has (names, scope). */
function scopeParameters(t: Template): void {
  t.parameter(
    'AdministrationAccountId',
    {
      Type: 'String',
      Description: 'Account that runs make stackset (holds the stack sets: the administration account, or the delegated administrator).',
      AllowedPattern: '^[0-9]{12}$',
      ConstraintDescription: 'must be a 12-digit account ID',
    },
    'Roles',
  );
  t.parameter(
    'ReadRoleName',
    {
      Type: 'String',
      Description: "Name of the read-only role (the manifest's permissions.readRoleName): drift of every layer, failure reasons, previews, preflight.",
      Default: READ_ROLE_NAME,
      AllowedPattern: ROLE_NAME_PATTERN,
    },
    'Roles',
  );
  t.parameter(
    'PermissionsBoundaryName',
    {
      Type: 'String',
      Description: "Name of the managed policy every role of the platform carries as its permissions boundary (the templates' PermissionsBoundaryName).",
      Default: PERMISSIONS_BOUNDARY_NAME,
      AllowedPattern: '^[\\w+=,.@-]{1,128}$',
    },
    'Roles',
  );
  t.parameter(
    'StackSetNamePrefix',
    {
      Type: 'String',
      Description: 'Stack sets these roles serve: their names start with this (instance stacks are StackSet-<name>-<id>).',
      Default: 'payment-',
      AllowedPattern: '^[a-zA-Z][-a-zA-Z0-9]{0,127}$',
    },
    'Scope',
  );
  t.parameter(
    'SsmParameterPath',
    {
      Type: 'String',
      Description: 'Path of the SSM parameters the account fills for the platform (certificate ARNs, prefix list, DR region); the read-only role reads only these.',
      Default: `/${PLATFORM.namePrefix}/`,
      AllowedPattern: '^/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$',
    },
    'Scope',
  );
  t.parameter(
    'ArtifactBucketName',
    {
      Type: 'String',
      Description: 'Artifact bucket holding the packaged templates (may end in *).',
      Default: 'payment-cfn-artifacts-*',
      AllowedPattern: '^[a-z0-9*][a-z0-9.*-]{1,62}$',
    },
    'Scope',
  );
  t.parameter(
    'TruststoreBucketName',
    {
      Type: 'String',
      Description: "Bucket of the mutual-TLS truststores (may end in *): API Gateway reads them with the caller's permissions.",
      Default: 'payment-pki-*',
      AllowedPattern: '^[a-z0-9*][a-z0-9.*-]{1,62}$',
    },
    'Scope',
  );
  t.parameter('TargetRegions', { Type: 'CommaDelimitedList', Description: 'Regions the stack sets deploy to in this account; regional API calls elsewhere are refused.' }, 'Scope');
}

const boundaryArn = Sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${PermissionsBoundaryName}');
const platformStacks = Sub('arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/StackSet-${StackSetNamePrefix}*/*');
const stackRoles = Sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/StackSet-${StackSetNamePrefix}*');
const stackPolicies = Sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/StackSet-${StackSetNamePrefix}*');
const templateObjects = Sub('arn:${AWS::Partition}:s3:::${ArtifactBucketName}/templates/*');
const inTargetRegions = { StringEquals: { 'aws:RequestedRegion': Ref('TargetRegions') } };
/** CloudFormation tags every resource it creates with the stack's name; nobody can set aws: tags by hand. */
const ofTheseStacks = { StringLike: { 'aws:ResourceTag/aws:cloudformation:stack-name': Sub('StackSet-${StackSetNamePrefix}*') } };

/** Statement with NotAction (the boundary); the shared PolicyStatement type has Action only. */
type BoundaryStatement = Omit<PolicyStatement, 'Action'> & { readonly Action?: PolicyStatement['Action']; readonly NotAction?: readonly IamAction[] };

/** Findings a statement makes scanners report, each with the reason: written beside the policy that holds it. */
interface StatementFindings {
  readonly parliament?: Readonly<Record<string, string>>;
  readonly checkov?: Readonly<Record<string, string>>;
}

/** A policy statement and the scanner findings it causes. */
interface ScopedStatement {
  readonly statement: PolicyStatement;
  readonly findings?: StatementFindings;
}

const plain = (...statements: PolicyStatement[]): ScopedStatement[] => statements.map((statement) => ({ statement }));

/**
 * One service's actions as statements: on the ARNs of the platform's names where every platform
 * resource type an action reaches is named (stackset-role-scopes.ts), on "*" where the action has
 * no resource-level permissions, and on "*" with the reason where the ARNs cannot be known.
 */
function serviceStatements(service: string, actions: readonly string[], config: StackSetRoleConfig, suffix = ''): ScopedStatement[] {
  const Sid = `${sidOf(service)}${suffix}`;
  const global = GLOBAL_SERVICES.has(service);
  const condition = global ? {} : { Condition: inTargetRegions };
  const accountLevel: string[] = [];
  const named = new Map<string, string[]>();
  const unnamed: string[] = [];
  const reasons = new Set<string>();
  for (const action of actions) {
    const types = config.resourceTypes[action];
    if (types === undefined)
      throw new Error(`${action}: its resource types are unknown; run npx tsx scripts/lib/stackset/gen-permissions.ts (stacksets/handler-permissions.json resourceTypes)`);
    if (types.length === 0) {
      accountLevel.push(action);
      continue;
    }
    if (ASSIGNED_IDS[service] !== undefined) {
      unnamed.push(action);
      reasons.add(ASSIGNED_IDS[service]);
      continue;
    }
    const scopes = types.map((type) => ({ type, scope: typeScope(`${service}:${type}`, config.resources) })).filter((s) => s.scope.kind !== 'absent');
    if (scopes.length === 0) {
      const why = NO_PLATFORM_RESOURCE[action];
      if (!why) {
        throw new Error(
          `${action} acts on ${types.join(', ')}, none of which the platform creates: name the type in RESOURCE_ARNS or AWS_OWNED, or the action in NO_PLATFORM_RESOURCE (templates-src/stackset-role-scopes.ts), or leave it out with a reason (EXCLUDED, scripts/lib/stackset/gen-permissions.ts)`,
        );
      }
      unnamed.push(action);
      reasons.add(`${action} ${why}`);
      continue;
    }
    const unknown = scopes.filter((s) => s.scope.kind === 'unknown');
    if (unknown.length > 0) {
      unnamed.push(action);
      for (const u of unknown) reasons.add(`${u.type}: ${(u.scope as { why: string }).why}`);
      continue;
    }
    named.set(
      action,
      scopes.flatMap((s) => (s.scope as { arns: readonly string[] }).arns),
    );
  }
  const out: ScopedStatement[] = [];
  if (named.size > 0) {
    const arns = [...new Set([...named.values()].flat())].sort();
    const gap = PARLIAMENT_RESOURCE_GAPS[service];
    out.push({
      statement: { Sid: `${Sid}OnThePlatformsNames`, Effect: 'Allow', Action: sorted(named.keys()), Resource: arns.map((a) => Sub(a)), ...condition },
      ...(gap ? { findings: { parliament: { RESOURCE_MISMATCH: gap } } } : {}),
    });
  }
  if (accountLevel.length > 0) {
    // No resource-level permissions: AWS documents only "*" for these.
    out.push({ statement: { Sid: `${Sid}WithoutResourceLevelPermissions`, Effect: 'Allow', Action: sorted(accountLevel), Resource: '*', ...condition } });
  }
  if (unnamed.length > 0) {
    const where = global ? '' : '; limited to the target regions (aws:RequestedRegion)';
    const reason = `CloudFormation creates these resources, and their ARNs cannot be written before: ${[...reasons].sort().join('; ')}${where}`;
    const checkov = global && UNCONDITIONED_GLOBAL_WRITES[service] ? { checkov: { CKV_AWS_111: UNCONDITIONED_GLOBAL_WRITES[service] } } : {};
    out.push({
      statement: { Sid: `${Sid}OnResourcesNamedByAws`, Effect: 'Allow', Action: sorted(unnamed), Resource: '*', ...condition },
      findings: { parliament: { RESOURCE_STAR: reason }, ...checkov },
    });
  }
  return out;
}

/** ARNs of the platform's own secrets (the names its templates give them), without the RDS-managed ones. */
const platformSecretArns = (config: StackSetRoleConfig): string[] => {
  const scope = typeScope(
    'secretsmanager:Secret',
    config.resources.filter((r) => r.type === 'AWS::SecretsManager::Secret'),
  );
  return scope.kind === 'named' ? [...scope.arns] : [];
};

/** IAM reads: the stack sets' roles and policies, the service-linked roles the handlers look for, the boundary. */
function iamReadStatements(actions: readonly string[], config: StackSetRoleConfig, suffix: string): ScopedStatement[] {
  const of = (type: string) => actions.filter((a) => (config.resourceTypes[a] ?? []).includes(type));
  const roles = of('role');
  const policies = of('policy').filter((a) => !roles.includes(a));
  const rest = actions.filter((a) => !roles.includes(a) && !policies.includes(a));
  const other = rest.filter((a) => (config.resourceTypes[a] ?? []).length > 0);
  if (other.length > 0)
    throw new Error(`${other.join(', ')}: IAM reads of resources the platform has none of (users, groups …); leave them out (EXCLUDED, scripts/lib/stackset/gen-permissions.ts)`);
  return plain(
    ...(roles.length > 0
      ? [
          {
            Sid: `IamRoles${suffix}`,
            Effect: 'Allow' as const,
            Action: sorted(roles),
            Resource: [stackRoles, Sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/*')],
          },
        ]
      : []),
    ...(policies.length > 0 ? [{ Sid: `IamPolicies${suffix}`, Effect: 'Allow' as const, Action: sorted(policies), Resource: [stackPolicies, boundaryArn] }] : []),
    ...(rest.length > 0 ? [{ Sid: `Iam${suffix}WithoutResourceLevelPermissions`, Effect: 'Allow' as const, Action: sorted(rest), Resource: '*' }] : []),
  );
}

/** What StackSets needs in a target account: the execution role's policy statements. */
function executionStatements(config: StackSetRoleConfig): ScopedStatement[] {
  const all = [...new Set(Object.values(config.actionsByType).flat())].sort();
  const cfnFromHandlers = all.filter((a) => serviceOf(a) === 'cloudformation') as IamAction[];
  const onStacks = cfnFromHandlers.filter((a) => (config.resourceTypes[a] ?? ['stack']).length > 0 && !ACCOUNT_LEVEL_CFN_ACTIONS.includes(a));
  const cfnAccountLevel = [...ACCOUNT_LEVEL_CFN_ACTIONS, ...cfnFromHandlers.filter((a) => !onStacks.includes(a))];
  const iam = all.filter((a) => serviceOf(a) === 'iam' && !NEVER.has(a));
  const iamReads = iam.filter((a) => isMetadataRead(a) || /^iam:Get/.test(a));
  const iamWrites = iam.filter((a) => !isMetadataRead(a) && !/^iam:Get/.test(a) && a !== 'iam:PassRole' && a !== 'iam:CreateServiceLinkedRole');
  // The boundary's ARN is an ARN-typed condition key: ArnEquals (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html#awsidentityandaccessmanagementiam-policy-keys).
  const withTheBoundary = { ArnEquals: { 'iam:PermissionsBoundary': boundaryArn } };

  const statements: ScopedStatement[] = [
    ...plain({ Sid: 'PlatformStacks', Effect: 'Allow', Action: sorted([...STACK_ACTIONS, ...onStacks]), Resource: platformStacks }),
    { statement: { Sid: 'CloudFormationAccountLevel', Effect: 'Allow', Action: sorted(cfnAccountLevel), Resource: '*' }, findings: CFN_ACCOUNT_LEVEL_REASON },
  ];
  statements.push(
    ...plain(
      // Object reads, the only ones: the packaged templates, and the mutual-TLS truststores API Gateway reads as the caller.
      {
        Sid: 'ReadPackagedTemplatesAndTruststores',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: [templateObjects, Sub('arn:${AWS::Partition}:s3:::${TruststoreBucketName}/truststores/*')],
      },
      {
        Sid: 'PlatformRolesOnlyWithTheBoundary',
        Effect: 'Allow',
        Action: sorted(iamWrites.filter((a) => BOUNDED_ROLE_ACTIONS.has(a))),
        Resource: stackRoles,
        Condition: withTheBoundary,
      },
      { Sid: 'PlatformRolesAndPolicies', Effect: 'Allow', Action: sorted(iamWrites.filter((a) => !BOUNDED_ROLE_ACTIONS.has(a))), Resource: [stackRoles, stackPolicies] },
      {
        Sid: 'PassPlatformRolesToTheirServices',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: stackRoles,
        Condition: { StringEquals: { 'iam:PassedToService': [...config.passRoleServices].sort() } },
      },
      {
        Sid: 'ServiceLinkedRolesOfThePlatformsServices',
        Effect: 'Allow',
        Action: 'iam:CreateServiceLinkedRole',
        Resource: Sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/*'),
        Condition: { StringEquals: { 'iam:AWSServiceName': [...config.serviceLinkedRoles].sort() } },
      },
    ),
  );
  statements.push(...iamReadStatements(iamReads, config, 'Read'));
  statements.push(
    ...plain(
      // Explicit denies: whatever another policy of the role allows, the boundary stays.
      { Sid: 'NoBoundaryRemoval', Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary'], Resource: '*' },
      {
        Sid: 'NoOtherBoundary',
        Effect: 'Deny',
        Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
        Resource: '*',
        Condition: { ArnNotEquals: { 'iam:PermissionsBoundary': boundaryArn } },
      },
      {
        Sid: 'NoChangeToTheBoundaryPolicy',
        Effect: 'Deny',
        Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
        Resource: boundaryArn,
      },
    ),
  );

  const byService = new Map<string, string[]>();
  for (const action of all) {
    const service = serviceOf(action);
    if (service === 'cloudformation' || service === 'iam') continue;
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  for (const [service, actions] of [...byService].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let rest = actions;
    if (service === 'kms') {
      const crypto = rest.filter((a) => KMS_CRYPTO.has(a));
      const control = rest.filter((a) => KMS_KEY_CONTROL.has(a));
      rest = rest.filter((a) => !KMS_CRYPTO.has(a) && !KMS_KEY_CONTROL.has(a));
      if (crypto.length > 0) {
        const via = config.kmsViaServices.map((s) => Sub(`${s}.\${AWS::Region}.amazonaws.com`));
        statements.push({
          statement: {
            Sid: 'KmsOnlyThroughTheServicesThatNeedIt',
            Effect: 'Allow',
            Action: sorted(crypto),
            Resource: '*',
            Condition: { StringEquals: { 'aws:RequestedRegion': Ref('TargetRegions'), 'kms:ViaService': via } },
          },
          findings: {
            parliament: {
              RESOURCE_STAR: `KMS assigns key IDs when CloudFormation creates the keys; data keys only through ${config.kmsViaServices.join(', ')} (kms:ViaService), in the target regions`,
            },
          },
        });
      }
      if (control.length > 0) {
        statements.push({
          statement: { Sid: 'KmsKeyControlOnlyOnTheseStacksKeys', Effect: 'Allow', Action: sorted(control), Resource: '*', Condition: { ...inTargetRegions, ...ofTheseStacks } },
          findings: {
            parliament: {
              RESOURCE_STAR:
                "KMS assigns key IDs; only keys that CloudFormation tagged with these stacks' names (aws:ResourceTag/aws:cloudformation:stack-name, a tag nobody can set by hand), in the target regions",
            },
          },
        });
      }
    }
    if (service === 's3') rest = rest.filter((a) => !S3_OBJECT_READS.has(a)); // object reads: the packaged templates only (ReadPackagedTemplatesAndTruststores)
    if (service === 'secretsmanager' && rest.includes('secretsmanager:GetSecretValue')) {
      rest = rest.filter((a) => a !== 'secretsmanager:GetSecretValue');
      // The Secret handler's read and update call it; only CloudFormation itself, only on the platform's secrets.
      statements.push(
        ...plain({
          Sid: 'SecretValuesOnlyForCloudFormationsSecretHandler',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: platformSecretArns(config).map((a) => Sub(a)),
          Condition: { ...inTargetRegions, 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } },
        }),
      );
    }
    statements.push(...serviceStatements(service, rest, config));
  }
  return statements;
}

/** Read verbs: what the read-only role may call of the handlers' read permissions (some schemas list writes there). */
const READ_ACTION = /^[a-z0-9-]+:(Describe|List|Get|BatchGet)|^apigateway:GET$/;

/** The read-only role's statements: read CloudFormation and what drift detection calls; previews as change sets that are never executed. */
function readStatements(config: StackSetRoleConfig): ScopedStatement[] {
  const reads = [...new Set(Object.values(config.readActionsByType).flat())]
    .filter((a) => READ_ACTION.test(a) && !['secretsmanager:GetSecretValue', 's3:GetObject', 's3:GetObjectVersion', 'kms:Decrypt'].includes(a) && serviceOf(a) !== 'cloudformation')
    .sort();
  const statements: ScopedStatement[] = [
    ...plain(
      {
        Sid: 'ReadThePlatformStacks',
        Effect: 'Allow',
        Action: sorted([
          'cloudformation:DescribeStacks',
          'cloudformation:DescribeStackEvents',
          'cloudformation:DescribeStackResource',
          'cloudformation:DescribeStackResources',
          'cloudformation:ListStackResources',
          'cloudformation:GetTemplate',
          'cloudformation:DetectStackDrift',
          'cloudformation:DetectStackResourceDrift',
          'cloudformation:DescribeStackResourceDrifts',
          'cloudformation:DescribeChangeSet',
          'cloudformation:ListChangeSets',
          'cloudformation:DeleteChangeSet',
        ]),
        Resource: platformStacks,
      },
      {
        Sid: 'PreviewChangeSetsOnly',
        Effect: 'Allow',
        Action: 'cloudformation:CreateChangeSet',
        Resource: platformStacks,
        Condition: { StringLike: { 'cloudformation:ChangeSetName': `${PREVIEW_CHANGE_SET_PREFIX}*` } },
      },
      {
        Sid: 'NeverExecute',
        Effect: 'Deny',
        Action: ['cloudformation:ExecuteChangeSet', 'cloudformation:UpdateStack', 'cloudformation:DeleteStack', 'cloudformation:CreateStack'],
        Resource: '*',
      },
    ),
    { statement: { Sid: 'CloudFormationAccountLevel', Effect: 'Allow', Action: ACCOUNT_LEVEL_CFN_ACTIONS, Resource: '*' }, findings: CFN_ACCOUNT_LEVEL_REASON },
    ...plain(
      // A change set reads the packaged templates with the caller's credentials; the preflight checks they are readable.
      { Sid: 'ReadPackagedTemplates', Effect: 'Allow', Action: ['s3:GetObject'], Resource: templateObjects },
      // SSM-typed parameters (certificate ARN, DR region, …) are resolved with the caller's credentials; preflight reads them.
      {
        Sid: 'ReadThePlatformsParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameters', 'ssm:GetParameter'],
        Resource: Sub('arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:parameter${SsmParameterPath}*'),
      },
    ),
  ];
  for (const action of PREFLIGHT_ACTIONS) statements.push(...serviceStatements(serviceOf(action), [action], config, 'Preflight'));
  const byService = new Map<string, string[]>();
  for (const a of reads) byService.set(serviceOf(a), [...(byService.get(serviceOf(a)) ?? []), a]);
  for (const [service, actions] of [...byService].sort(([a], [b]) => (a < b ? -1 : 1))) {
    statements.push(...(service === 'iam' ? iamReadStatements(actions, config, 'DriftRead') : serviceStatements(service, actions, config, 'DriftRead')));
  }
  return statements;
}

/**
 * The permissions boundary of every role the platform creates: whatever their own policies say,
 * none of them can change IAM, the organization or the account (reading them, which AWS Config
 * records, stays), assume another role, turn the audit trail or AWS Config off, or rewrite a key
 * policy. It is a ceiling, not a grant: the roles' own policies stay least privilege
 * (test/stackset-boundary.test.ts checks that it covers what they grant).
 */
export function boundaryStatements(): BoundaryStatement[] {
  return [
    { Sid: 'EverythingButIdentityAndOrganization', Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*', 'sts:*'] as IamAction[], Resource: '*' },
    // Reads only: AWS Config's recorder (AWS_ConfigRole) records IAM, the organization's structure and the account's contacts.
    {
      Sid: 'ReadIdentityAndOrganization',
      Effect: 'Allow',
      Action: [
        'iam:Get*',
        'iam:List*',
        'iam:GenerateCredentialReport',
        'iam:GenerateServiceLastAccessedDetails',
        'organizations:Describe*',
        'organizations:List*',
        'account:GetAlternateContact',
        'sts:GetCallerIdentity',
      ] as IamAction[],
      Resource: '*',
    },
    {
      Sid: 'NoTamperingWithAudit',
      Effect: 'Deny',
      Action: [
        'cloudtrail:StopLogging',
        'cloudtrail:DeleteTrail',
        'cloudtrail:UpdateTrail',
        'cloudtrail:PutEventSelectors',
        'config:StopConfigurationRecorder',
        'config:DeleteConfigurationRecorder',
        'config:DeleteDeliveryChannel',
        'kms:PutKeyPolicy',
        'kms:ScheduleKeyDeletion',
      ],
      Resource: '*',
    },
  ];
}

/** The scanners' findings of one managed policy: what its statements cause, with their reasons, and the actions parliament does not know. */
function policySuppressions(
  chunk: readonly ScopedStatement[],
  config: StackSetRoleConfig,
  always: Record<string, Exception> = {},
): { parliament?: Record<string, Exception>; checkov?: Record<string, Exception> } {
  const merged = (scanner: 'parliament' | 'checkov'): Record<string, Exception> => {
    const byId = new Map<string, string[]>();
    for (const { statement, findings } of chunk)
      for (const [id, reason] of Object.entries(findings?.[scanner] ?? {})) byId.set(id, [...(byId.get(id) ?? []), `${statement.Sid}: ${reason}`]);
    return Object.fromEntries(
      [...byId].map(([id, reasons]) => [
        id,
        {
          reason: reasons.join(' | '),
          requirement: '7.2.1',
          compensatingControl:
            "The statements are limited to the target regions and to the platform's names wherever AWS allows it; test/stackset-roles.test.ts checks every named resource is covered and nothing else is granted.",
        },
      ]),
    );
  };
  const parliament: Record<string, Exception> = { ...always, ...merged('parliament') };
  const actions = new Set(chunk.flatMap(({ statement }) => [statement.Action].flat() as string[]));
  const unknown = config.unknownToParliament.filter((a) => actions.has(a));
  if (unknown.length > 0) {
    const pages = [...new Set(unknown.map((a) => serviceReference(a.slice(0, a.indexOf(':')))))];
    parliament.UNKNOWN_ACTION = {
      reason: `parliament's IAM action data predates ${unknown.join(', ')}: AWS documents them in the Service Authorization Reference (${pages.join(', ')}) and the platform's resource handlers call them (stacksets/handler-permissions.json)`,
      requirement: '7.2.1',
      compensatingControl: 'cfn-lint checks every action name against its current IAM data (W3037); stacksets/handler-permissions.json lists each action with its resource types.',
    };
  }
  const checkov = merged('checkov');
  return { ...(Object.keys(parliament).length > 0 ? { parliament } : {}), ...(Object.keys(checkov).length > 0 ? { checkov } : {}) };
}

const ESCALATION: Record<string, Exception> = {
  PRIVILEGE_ESCALATION: {
    reason:
      "CloudFormation needs iam:PassRole, cloudformation:CreateStack and lambda:CreateFunction/InvokeFunction for the platform; PassRole is limited to the stack set's roles and to the services they trust (not cloudformation), every such role carries the permissions boundary, and Lambda writes only reach the platform's functions (by name)",
    requirement: '7.2.2',
    compensatingControl:
      'Only the administration role may assume this role; every role it creates must carry the permissions boundary it cannot remove (test/stackset-roles.test.ts).',
  },
  PERMISSIONS_MANAGEMENT_ACTIONS: {
    reason: "the platform's roles are created by CloudFormation; only roles named StackSet-<prefix>* and only with the permissions boundary",
    requirement: '7.2.2',
    compensatingControl: 'IAM writes are limited by name and by the iam:PermissionsBoundary condition; boundary removal is denied.',
  },
};

function targetRoleResources(t: Template, config: StackSetRoleConfig, executionRole: { logicalId: string; ref: unknown }): void {
  const statementOf = (s: ScopedStatement) => s.statement;
  chunkStatements(executionStatements(config), undefined, statementOf).forEach((chunk, i) => {
    t.resource(
      `ExecutionPolicy${i + 1}`,
      'AWS::IAM::ManagedPolicy',
      {
        Description: `StackSet execution permissions for the payment platform (part ${i + 1})`,
        PolicyDocument: policyDocument(...chunk.map(statementOf)),
        Roles: [executionRole.ref as never],
      },
      { suppress: policySuppressions(chunk, config, ESCALATION) },
    );
  });
  const readRole = t.resource('ReadRole', 'AWS::IAM::Role', {
    RoleName: Ref('ReadRoleName'),
    Description:
      'Assumed by make stackset in the administration account to read the platform stacks below their root: drift of every layer, failure reasons, previews (change sets never executed), preflight.',
    AssumeRolePolicyDocument: policyDocument({ Effect: 'Allow', Principal: { AWS: Sub('arn:${AWS::Partition}:iam::${AdministrationAccountId}:root') }, Action: 'sts:AssumeRole' }),
  });
  chunkStatements(readStatements(config), undefined, statementOf).forEach((chunk, i) => {
    t.resource(
      `ReadPolicy${i + 1}`,
      'AWS::IAM::ManagedPolicy',
      { Description: `Read-only access to the payment platform stacks (part ${i + 1})`, PolicyDocument: policyDocument(...chunk.map(statementOf)), Roles: [readRole.ref as never] },
      { suppress: policySuppressions(chunk, config) },
    );
  });
  t.resource(
    'PermissionsBoundary',
    'AWS::IAM::ManagedPolicy',
    {
      ManagedPolicyName: Ref('PermissionsBoundaryName'),
      Description: 'Permissions boundary of every role of the payment platform: no IAM, organization or account changes, no turning audit off.',
      PolicyDocument: policyDocument(...(boundaryStatements() as unknown as PolicyStatement[])),
    },
    {
      suppress: {
        parliament: {
          RESOURCE_STAR: {
            reason: "a permissions boundary is a ceiling over every resource; the roles' own policies name their resources",
            requirement: '7.2.1',
            compensatingControl: 'The boundary only limits; what a role may do is what its own policy grants (PCI-IAM-001/002 check those).',
          },
        },
        checkov: Object.fromEntries(
          (['CKV_AWS_107', 'CKV_AWS_108', 'CKV_AWS_109', 'CKV_AWS_110', 'CKV_AWS_111'] as const).map((id) => [
            id,
            {
              reason:
                "checkov reads this managed policy as a grant; it is the permissions boundary of the platform's roles, which grants nothing: a role may do what its own policy allows and the boundary does not exclude (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html)",
              requirement: '7.2.1',
              compensatingControl:
                'No role or user has this policy attached as a permissions policy (only as PermissionsBoundary); test/stackset-boundary.test.ts checks what it excludes.',
            },
          ]),
        ),
        guard: {
          IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_ACTION: {
            reason:
              'Allow with NotAction is how a permissions boundary says "everything but identity, organization and account changes"; as a boundary it grants nothing (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).',
            requirement: '7.2.1',
            compensatingControl:
              'Attached only as PermissionsBoundary (AWS-IAM-001 checks every role carries it); test/stackset-boundary.test.ts checks what it excludes and that it covers every platform policy.',
          },
        },
      },
    },
  );
  t.output('ReadRoleArn', { Value: readRole.getAtt('Arn'), Description: 'The read-only role make stackset assumes in this account.' });
  t.output('PermissionsBoundaryArn', { Value: boundaryArn, Description: "The boundary every platform role must carry (the templates' PermissionsBoundaryName)." });
}

function buildExecutionRoleTemplate(config: StackSetRoleConfig): Template {
  const t = roleTemplate(
    'stackset-execution-role',
    'PCI payment platform - StackSet execution role, read-only role and permissions boundary (every target account, SELF_MANAGED).',
  );
  scopeParameters(t);
  t.parameter(
    'AdministrationRoleName',
    { Type: 'String', Description: 'Name of the administration role in that account.', Default: ADMINISTRATION_ROLE_NAME, AllowedPattern: ROLE_NAME_PATTERN },
    'Roles',
  );
  const roleName = t.parameter(
    'ExecutionRoleName',
    { Type: 'String', Description: "Name of this role (the manifest's permissions.executionRoleName).", Default: EXECUTION_ROLE_NAME, AllowedPattern: ROLE_NAME_PATTERN },
    'Roles',
  );
  const role = t.resource('ExecutionRole', 'AWS::IAM::Role', {
    RoleName: roleName.ref,
    Description: 'Assumed by the StackSet administration role to deploy the payment platform stacks in this account.',
    AssumeRolePolicyDocument: policyDocument({
      Effect: 'Allow',
      Principal: { AWS: Sub('arn:${AWS::Partition}:iam::${AdministrationAccountId}:role/${AdministrationRoleName}') },
      Action: 'sts:AssumeRole',
    }),
  });
  targetRoleResources(t, config, role);
  t.output('ExecutionRoleArn', { Value: role.getAtt('Arn'), Description: 'The execution role StackSets assume in this account.' });
  return t;
}

/**
 * The custom execution role template of SERVICE_MANAGED stack sets. StackSets deploys it as a
 * stack in each target account before the first instance there; the role must have the stack
 * set's ExecutionRoleName, which must begin with stacksets-exec-custom-. make stackset fills the
 * parameters' defaults from the manifest before it sends the body (StackSets passes no values).
 */
function buildCustomExecutionRoleTemplate(config: StackSetRoleConfig): Template {
  const t = roleTemplate(
    'stackset-custom-execution-role',
    'PCI payment platform - custom execution role template for SERVICE_MANAGED stack sets (sent by make stackset), read-only role and permissions boundary.',
  );
  scopeParameters(t);
  t.parameter(
    'ManagementAccountId',
    {
      Type: 'String',
      Description: "The organization's management account (its StackSets service-linked role may assume this role too).",
      AllowedPattern: '^[0-9]{12}$',
      ConstraintDescription: 'must be a 12-digit account ID',
    },
    'Roles',
  );
  const roleName = t.parameter(
    'ExecutionRoleName',
    {
      Type: 'String',
      Description: "Name of this role: the stack set's ExecutionRoleName, beginning with stacksets-exec-custom-.",
      Default: CUSTOM_EXECUTION_ROLE_NAME,
      AllowedPattern: '^stacksets-exec-custom-[\\w+=,.@-]{1,42}$',
    },
    'Roles',
  );
  const stackSetsServiceRole = (account: string) =>
    Sub(`arn:\${AWS::Partition}:iam::\${${account}}:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin`);
  const role = t.resource('ExecutionRole', 'AWS::IAM::Role', {
    RoleName: roleName.ref,
    Description: "Assumed by CloudFormation StackSets (the organization's service-linked role) to deploy the payment platform stacks in this account.",
    AssumeRolePolicyDocument: policyDocument({
      Effect: 'Allow',
      Principal: { AWS: [Sub('arn:${AWS::Partition}:iam::${ManagementAccountId}:root'), Sub('arn:${AWS::Partition}:iam::${AdministrationAccountId}:root')] },
      Action: 'sts:AssumeRole',
      // Only the StackSets service-linked role of those accounts, not any principal there.
      Condition: { ArnLike: { 'aws:PrincipalArn': [stackSetsServiceRole('ManagementAccountId'), stackSetsServiceRole('AdministrationAccountId')] } },
    }),
  });
  targetRoleResources(t, config, role);
  t.output('ExecutionRoleArn', { Value: role.getAtt('Arn'), Description: 'The custom execution role StackSets use in this account.' });
  return t;
}

export function buildStackSetRoleTemplates(config: StackSetRoleConfig): Template[] {
  return [buildAdministrationRoleTemplate(), buildExecutionRoleTemplate(config), buildCustomExecutionRoleTemplate(config)];
}
