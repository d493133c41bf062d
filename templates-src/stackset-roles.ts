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
import { ENVIRONMENT_PARAMETER, policyDocument, type IamAction, type PolicyStatement } from './layers/common.js';
import { AWS, Ref, Sub } from './core/intrinsics.js';
import { Template } from './core/template.js';

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
}

export const ADMINISTRATION_ROLE_NAME = 'payment-stackset-administration';
export const EXECUTION_ROLE_NAME = 'payment-stackset-execution';
export const CUSTOM_EXECUTION_ROLE_NAME = 'stacksets-exec-custom-payment';
export const READ_ROLE_NAME = 'payment-stackset-read';
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
  'cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:DeleteStack', 'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStackResource', 'cloudformation:DescribeStackResources',
  'cloudformation:ListStackResources', 'cloudformation:GetTemplate', 'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet',
  'cloudformation:ExecuteChangeSet', 'cloudformation:DeleteChangeSet', 'cloudformation:TagResource', 'cloudformation:UntagResource',
  'cloudformation:UpdateTerminationProtection', 'cloudformation:SetStackPolicy', 'cloudformation:DetectStackDrift',
  'cloudformation:DetectStackResourceDrift', 'cloudformation:DescribeStackResourceDrifts',
];
/** CloudFormation actions without resource-level permissions. */
const ACCOUNT_LEVEL_CFN_ACTIONS: IamAction[] = [
  'cloudformation:ValidateTemplate', 'cloudformation:GetTemplateSummary', 'cloudformation:DescribeStackDriftDetectionStatus', 'cloudformation:ListExports',
];

/**
 * Role actions that take the iam:PermissionsBoundary condition: allowed only when the role ends up
 * with the platform's boundary (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
 */
const BOUNDED_ROLE_ACTIONS = new Set(['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary']);
/** Never allowed: removing a boundary is the way out of it. */
const NEVER: ReadonlySet<string> = new Set(['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary']);
/** Data reads of KMS: only through the service that needs them (kms:ViaService). */
const KMS_CRYPTO = new Set(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo']);
/** KMS writes that would hand a key's data to someone else: only on the stack set's keys. */
const KMS_KEY_CONTROL = new Set(['kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:RetireGrant', 'kms:RevokeGrant', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:EnableKey']);
/** Object reads of S3: only the packaged templates. */
const S3_OBJECT_READS = new Set(['s3:GetObject', 's3:GetObjectVersion']);
/** Lambda actions without resource-level permissions. */
const LAMBDA_ACCOUNT_LEVEL = /^lambda:(List|GetAccountSettings)/;

const serviceOf = (action: string): string => action.slice(0, action.indexOf(':'));
const isMetadataRead = (action: string): boolean => /^[a-z0-9-]+:(Describe|List)/.test(action);

/**
 * Per service: Describe…/List… collapse into `service:Describe*` / `service:List*` (metadata
 * reads; keeps the policy under IAM's size limit); every other action stays by name — Get…
 * included, since s3:GetObject or secretsmanager:GetSecretValue read data.
 */
export function compactActions(actions: readonly string[]): string[] {
  const out = new Set<string>();
  for (const action of actions) {
    if (isMetadataRead(action)) out.add(action.replace(/:(Describe|List).*$/, ':$1*'));
    else out.add(action);
  }
  return [...out].sort();
}

/** Chunks statements into policy documents that each stay under IAM's managed policy size limit. */
export function chunkStatements<S extends { Sid?: string }>(statements: readonly S[], budget = POLICY_BUDGET): S[][] {
  const size = (s: S): number => JSON.stringify(s).length;
  const chunks: S[][] = [];
  let current: S[] = [];
  let used = 0;
  for (const statement of statements) {
    const n = size(statement);
    if (n > budget) throw new Error(`policy statement ${statement.Sid} is ${n} characters, over the ${budget} budget of one managed policy`);
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
  const t = new Template({ name, description, tags: { PCICompliant: 'true', DataClassification: 'Internal', Environment: Ref('Environment') } });
  t.parameter('Environment', ENVIRONMENT_PARAMETER, 'Environment');
  return t;
}

const ROLE_NAME_PATTERN = '^[\\w+=,.@-]{1,64}$';

export function buildAdministrationRoleTemplate(): Template {
  const t = roleTemplate(
    'stackset-administration-role',
    'PCI payment platform - StackSet administration role (administration account): CloudFormation may only assume the execution role in target accounts.',
  );
  const roleName = t.parameter('AdministrationRoleName', { Type: 'String', Description: 'Name of this role (the manifest\'s permissions.administrationRoleName).', Default: ADMINISTRATION_ROLE_NAME, AllowedPattern: ROLE_NAME_PATTERN }, 'Roles');
  t.parameter('ExecutionRoleName', { Type: 'String', Description: 'Name of the execution role in the target accounts (the manifest\'s permissions.executionRoleName).', Default: EXECUTION_ROLE_NAME, AllowedPattern: ROLE_NAME_PATTERN }, 'Roles');
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
  t.output('AdministrationRoleArn', { Value: role.getAtt('Arn'), Description: 'ARN the execution role trusts (AdministrationAccountId + AdministrationRoleName of stackset-execution-role).' });
  return t;
}

// --- the target account's side: execution role, read-only role, permissions boundary -------------

/** The parameters every target-account role template has (names, scope). */
function scopeParameters(t: Template): void {
  t.parameter('AdministrationAccountId', { Type: 'String', Description: 'Account that runs make stackset (holds the stack sets: the administration account, or the delegated administrator).', AllowedPattern: '^[0-9]{12}$', ConstraintDescription: 'must be a 12-digit account ID' }, 'Roles');
  t.parameter('ReadRoleName', { Type: 'String', Description: 'Name of the read-only role (the manifest\'s permissions.readRoleName): drift of every layer, failure reasons, previews, preflight.', Default: READ_ROLE_NAME, AllowedPattern: ROLE_NAME_PATTERN }, 'Roles');
  t.parameter('PermissionsBoundaryName', { Type: 'String', Description: 'Name of the managed policy every role of the platform carries as its permissions boundary (the templates\' PermissionsBoundaryName).', Default: PERMISSIONS_BOUNDARY_NAME, AllowedPattern: '^[\\w+=,.@-]{1,128}$' }, 'Roles');
  t.parameter('StackSetNamePrefix', { Type: 'String', Description: 'Stack sets these roles serve: their names start with this (instance stacks are StackSet-<name>-<id>).', Default: 'payment-', AllowedPattern: '^[a-zA-Z][-a-zA-Z0-9]{0,127}$' }, 'Scope');
  t.parameter('ResourceNamePrefix', { Type: 'String', Description: 'Prefix of the names the platform gives its buckets, secrets and aliases (payment-<thing>-<env>).', Default: 'payment-', AllowedPattern: '^[a-z][a-z0-9-]{0,30}$' }, 'Scope');
  t.parameter('ArtifactBucketName', { Type: 'String', Description: 'Artifact bucket holding the packaged templates (may end in *).', Default: 'payment-cfn-artifacts-*', AllowedPattern: '^[a-z0-9*][a-z0-9.*-]{1,62}$' }, 'Scope');
  t.parameter('TruststoreBucketName', { Type: 'String', Description: 'Bucket of the mutual-TLS truststores (may end in *): API Gateway reads them with the caller\'s permissions.', Default: 'payment-pki-*', AllowedPattern: '^[a-z0-9*][a-z0-9.*-]{1,62}$' }, 'Scope');
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

/** What StackSets needs in a target account: the execution role's policy statements. */
export function executionStatements(config: StackSetRoleConfig): PolicyStatement[] {
  const all = [...new Set(Object.values(config.actionsByType).flat())].sort();
  const cfnFromHandlers = all.filter((a) => serviceOf(a) === 'cloudformation') as IamAction[];
  const iam = all.filter((a) => serviceOf(a) === 'iam' && !NEVER.has(a));
  const iamReads = compactActions(iam.filter((a) => isMetadataRead(a) || /^iam:Get/.test(a))) as IamAction[];
  const iamWrites = iam.filter((a) => !isMetadataRead(a) && !/^iam:Get/.test(a) && a !== 'iam:PassRole' && a !== 'iam:CreateServiceLinkedRole');

  const statements: PolicyStatement[] = [
    { Sid: 'PlatformStacks', Effect: 'Allow', Action: sorted([...STACK_ACTIONS, ...cfnFromHandlers.filter((a) => !ACCOUNT_LEVEL_CFN_ACTIONS.includes(a))]), Resource: platformStacks },
    { Sid: 'CloudFormationAccountLevel', Effect: 'Allow', Action: ACCOUNT_LEVEL_CFN_ACTIONS, Resource: '*' },
    // Object reads, the only ones: the packaged templates, and the mutual-TLS truststores API Gateway reads as the caller.
    { Sid: 'ReadPackagedTemplatesAndTruststores', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [templateObjects, Sub('arn:${AWS::Partition}:s3:::${TruststoreBucketName}/truststores/*')] },
    {
      Sid: 'PlatformRolesOnlyWithTheBoundary',
      Effect: 'Allow',
      Action: sorted(iamWrites.filter((a) => BOUNDED_ROLE_ACTIONS.has(a))),
      Resource: stackRoles,
      Condition: { StringEquals: { 'iam:PermissionsBoundary': boundaryArn } },
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
    { Sid: 'IamRead', Effect: 'Allow', Action: iamReads, Resource: '*' },
    // Explicit denies: whatever another policy of the role allows, the boundary stays.
    { Sid: 'NoBoundaryRemoval', Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary'], Resource: '*' },
    {
      Sid: 'NoOtherBoundary',
      Effect: 'Deny',
      Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
      Resource: '*',
      Condition: { StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } },
    },
    { Sid: 'NoChangeToTheBoundaryPolicy', Effect: 'Deny', Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'], Resource: boundaryArn },
  ];

  const byService = new Map<string, string[]>();
  for (const action of all) {
    const service = serviceOf(action);
    if (service === 'cloudformation' || service === 'iam') continue;
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  const regional = (service: string) => (GLOBAL_SERVICES.has(service) ? {} : { Condition: inTargetRegions });
  for (const [service, actions] of [...byService].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let rest = actions;
    const Sid = sidOf(service);
    if (service === 'kms') {
      const crypto = rest.filter((a) => KMS_CRYPTO.has(a));
      const control = rest.filter((a) => KMS_KEY_CONTROL.has(a));
      rest = rest.filter((a) => !KMS_CRYPTO.has(a) && !KMS_KEY_CONTROL.has(a));
      if (crypto.length > 0) {
        const via = config.kmsViaServices.map((s) => Sub(`${s}.\${AWS::Region}.amazonaws.com`));
        statements.push({ Sid: 'KmsOnlyThroughTheServicesThatNeedIt', Effect: 'Allow', Action: sorted(crypto), Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': Ref('TargetRegions'), 'kms:ViaService': via } } });
      }
      if (control.length > 0) statements.push({ Sid: 'KmsKeyControlOnlyOnTheseStacksKeys', Effect: 'Allow', Action: sorted(control), Resource: '*', Condition: { ...inTargetRegions, ...ofTheseStacks } });
    }
    if (service === 's3') rest = rest.filter((a) => !S3_OBJECT_READS.has(a)); // object reads: the packaged templates only (ReadPackagedTemplates)
    if (service === 'secretsmanager' && rest.includes('secretsmanager:GetSecretValue')) {
      rest = rest.filter((a) => a !== 'secretsmanager:GetSecretValue');
      // The Secret handler's read and update call it; only CloudFormation itself, only on the platform's secrets.
      statements.push({
        Sid: 'SecretValuesOnlyForCloudFormationsSecretHandler',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: Sub('arn:${AWS::Partition}:secretsmanager:*:${AWS::AccountId}:secret:${ResourceNamePrefix}*'),
        Condition: { ...inTargetRegions, 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } },
      });
    }
    if (service === 'lambda') {
      const functionLevel = rest.filter((a) => !LAMBDA_ACCOUNT_LEVEL.test(a));
      rest = rest.filter((a) => LAMBDA_ACCOUNT_LEVEL.test(a));
      statements.push({
        Sid: 'LambdaOnlyTheseStacksFunctions',
        Effect: 'Allow',
        Action: compactActions(functionLevel) as IamAction[],
        // CloudFormation names a function <stack name>-<logical ID>-<random>, truncated to 64 characters: the prefix survives.
        Resource: Sub('arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:StackSet-${StackSetNamePrefix}*'),
        Condition: inTargetRegions,
      });
    }
    if (rest.length === 0) continue;
    statements.push({
      Sid: `${Sid}ForPlatformResources`,
      Effect: 'Allow',
      Action: compactActions(rest) as IamAction[],
      // CloudFormation names these resources at create time: no ARN is known in advance (docs/stacksets.md).
      Resource: '*',
      ...regional(service),
    });
  }
  return statements;
}

/** The read-only role's statements: read CloudFormation and what drift detection calls; previews as change sets that are never executed. */
export function readStatements(config: StackSetRoleConfig): PolicyStatement[] {
  const reads = [...new Set(Object.values(config.readActionsByType).flat())]
    .filter((a) => !['secretsmanager:GetSecretValue', 's3:GetObject', 's3:GetObjectVersion', 'kms:Decrypt'].includes(a) && serviceOf(a) !== 'cloudformation')
    .sort();
  return [
    {
      Sid: 'ReadThePlatformStacks',
      Effect: 'Allow',
      Action: sorted([
        'cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStackResource', 'cloudformation:DescribeStackResources',
        'cloudformation:ListStackResources', 'cloudformation:GetTemplate', 'cloudformation:DetectStackDrift', 'cloudformation:DetectStackResourceDrift',
        'cloudformation:DescribeStackResourceDrifts', 'cloudformation:DescribeChangeSet', 'cloudformation:ListChangeSets', 'cloudformation:DeleteChangeSet',
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
    { Sid: 'NeverExecute', Effect: 'Deny', Action: ['cloudformation:ExecuteChangeSet', 'cloudformation:UpdateStack', 'cloudformation:DeleteStack', 'cloudformation:CreateStack'], Resource: '*' },
    { Sid: 'CloudFormationAccountLevel', Effect: 'Allow', Action: ACCOUNT_LEVEL_CFN_ACTIONS, Resource: '*' },
    // A change set reads the packaged templates with the caller's credentials; the preflight checks they are readable.
    { Sid: 'ReadPackagedTemplates', Effect: 'Allow', Action: ['s3:GetObject'], Resource: templateObjects },
    // SSM-typed parameters (certificate ARN, …) are resolved with the caller's credentials; preflight reads them.
    { Sid: 'ReadThePlatformsParameters', Effect: 'Allow', Action: ['ssm:GetParameters', 'ssm:GetParameter'], Resource: Sub('arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:parameter/${ResourceNamePrefix}*') },
    { Sid: 'PreflightLookups', Effect: 'Allow', Action: ['acm:DescribeCertificate', 'ec2:DescribeManagedPrefixLists'], Resource: '*', Condition: inTargetRegions },
    ...chunkByService(reads, 'DriftReads'),
  ];
}

function chunkByService(actions: readonly string[], suffix: string): PolicyStatement[] {
  const byService = new Map<string, string[]>();
  for (const a of actions) byService.set(serviceOf(a), [...(byService.get(serviceOf(a)) ?? []), a]);
  return [...byService]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([service, list]) => ({ Sid: `${sidOf(service)}${suffix}`, Effect: 'Allow' as const, Action: compactActions(list) as IamAction[], Resource: '*', ...(GLOBAL_SERVICES.has(service) ? {} : { Condition: inTargetRegions }) }));
}

/**
 * The permissions boundary of every role the platform creates: whatever their own policies say,
 * none of them can change IAM, the organization or the account (reading them, which AWS Config
 * records, stays), assume another role, turn the audit trail or AWS Config off, or rewrite a key
 * policy. test/stackset-boundary.test.ts checks that it covers every platform role's own policies. It is a ceiling,
 * not a grant: the roles' own policies stay least privilege.
 */
export function boundaryStatements(): BoundaryStatement[] {
  return [
    { Sid: 'EverythingButIdentityAndOrganization', Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*', 'sts:*'] as IamAction[], Resource: '*' },
    // Reads only: AWS Config's recorder (AWS_ConfigRole) records IAM, the organization's structure and the account's contacts.
    {
      Sid: 'ReadIdentityAndOrganization',
      Effect: 'Allow',
      Action: ['iam:Get*', 'iam:List*', 'iam:GenerateCredentialReport', 'iam:GenerateServiceLastAccessedDetails', 'organizations:Describe*', 'organizations:List*', 'account:GetAlternateContact', 'sts:GetCallerIdentity'] as IamAction[],
      Resource: '*',
    },
    {
      Sid: 'NoTamperingWithAudit',
      Effect: 'Deny',
      Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors', 'config:StopConfigurationRecorder', 'config:DeleteConfigurationRecorder', 'config:DeleteDeliveryChannel', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'],
      Resource: '*',
    },
  ];
}

function targetRoleResources(t: Template, config: StackSetRoleConfig, executionRole: { logicalId: string; ref: unknown }): void {
  chunkStatements(executionStatements(config)).forEach((chunk, i) => {
    t.resource(
      `ExecutionPolicy${i + 1}`,
      'AWS::IAM::ManagedPolicy',
      { Description: `StackSet execution permissions for the payment platform (part ${i + 1})`, PolicyDocument: policyDocument(...chunk), Roles: [executionRole.ref as never] },
      {
        suppress: {
          parliament: {
            PRIVILEGE_ESCALATION: {
              reason:
                'CloudFormation needs iam:PassRole, cloudformation:CreateStack and lambda:CreateFunction/InvokeFunction for the platform; PassRole is limited to the stack set\'s roles and to the services they trust (not cloudformation), every such role carries the permissions boundary, and Lambda writes only reach the stack set\'s functions',
              requirement: '7.2.2',
              compensatingControl: 'Only the administration role may assume this role; every role it creates must carry the permissions boundary it cannot remove (test/stackset-roles.test.ts).',
            },
            PERMISSIONS_MANAGEMENT_ACTIONS: {
              reason: 'the platform\'s roles are created by CloudFormation; only roles named StackSet-<prefix>* and only with the permissions boundary',
              requirement: '7.2.2',
              compensatingControl: 'IAM writes are limited by name and by the iam:PermissionsBoundary condition; boundary removal is denied.',
            },
          },
        },
      },
    );
  });
  const readRole = t.resource('ReadRole', 'AWS::IAM::Role', {
    RoleName: Ref('ReadRoleName'),
    Description: 'Assumed by make stackset in the administration account to read the platform stacks below their root: drift of every layer, failure reasons, previews (change sets never executed), preflight.',
    AssumeRolePolicyDocument: policyDocument({ Effect: 'Allow', Principal: { AWS: Sub('arn:${AWS::Partition}:iam::${AdministrationAccountId}:root') }, Action: 'sts:AssumeRole' }),
  });
  chunkStatements(readStatements(config)).forEach((chunk, i) => {
    t.resource(`ReadPolicy${i + 1}`, 'AWS::IAM::ManagedPolicy', { Description: `Read-only access to the payment platform stacks (part ${i + 1})`, PolicyDocument: policyDocument(...chunk), Roles: [readRole.ref as never] });
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
            reason: 'a permissions boundary is a ceiling over every resource; the roles\' own policies name their resources',
            requirement: '7.2.1',
            compensatingControl: 'The boundary only limits; what a role may do is what its own policy grants (PCI-IAM-001/002 check those).',
          },
        },
      },
    },
  );
  t.output('ReadRoleArn', { Value: readRole.getAtt('Arn'), Description: 'The read-only role make stackset assumes in this account.' });
  t.output('PermissionsBoundaryArn', { Value: boundaryArn, Description: 'The boundary every platform role must carry (the templates\' PermissionsBoundaryName).' });
}

export function buildExecutionRoleTemplate(config: StackSetRoleConfig): Template {
  const t = roleTemplate(
    'stackset-execution-role',
    'PCI payment platform - StackSet execution role, read-only role and permissions boundary (every target account, SELF_MANAGED).',
  );
  scopeParameters(t);
  t.parameter('AdministrationRoleName', { Type: 'String', Description: 'Name of the administration role in that account.', Default: ADMINISTRATION_ROLE_NAME, AllowedPattern: ROLE_NAME_PATTERN }, 'Roles');
  const roleName = t.parameter('ExecutionRoleName', { Type: 'String', Description: 'Name of this role (the manifest\'s permissions.executionRoleName).', Default: EXECUTION_ROLE_NAME, AllowedPattern: ROLE_NAME_PATTERN }, 'Roles');
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
export function buildCustomExecutionRoleTemplate(config: StackSetRoleConfig): Template {
  const t = roleTemplate(
    'stackset-custom-execution-role',
    'PCI payment platform - custom execution role template for SERVICE_MANAGED stack sets (sent by make stackset), read-only role and permissions boundary.',
  );
  scopeParameters(t);
  t.parameter('ManagementAccountId', { Type: 'String', Description: 'The organization\'s management account (its StackSets service-linked role may assume this role too).', AllowedPattern: '^[0-9]{12}$', ConstraintDescription: 'must be a 12-digit account ID' }, 'Roles');
  const roleName = t.parameter('ExecutionRoleName', { Type: 'String', Description: 'Name of this role: the stack set\'s ExecutionRoleName, beginning with stacksets-exec-custom-.', Default: CUSTOM_EXECUTION_ROLE_NAME, AllowedPattern: '^stacksets-exec-custom-[\\w+=,.@-]{1,42}$' }, 'Roles');
  const stackSetsServiceRole = (account: string) => Sub(`arn:\${AWS::Partition}:iam::\${${account}}:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin`);
  const role = t.resource('ExecutionRole', 'AWS::IAM::Role', {
    RoleName: roleName.ref,
    Description: 'Assumed by CloudFormation StackSets (the organization\'s service-linked role) to deploy the payment platform stacks in this account.',
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
