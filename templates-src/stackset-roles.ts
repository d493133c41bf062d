// The IAM roles of a SELF_MANAGED StackSet rollout (make stackset), rendered into
// generated/stacksets/:
//
//  - stackset-administration-role (the administration account): trusted by CloudFormation
//    for this account's stack sets only; may do one thing: sts:AssumeRole the execution role
//    (by name) in the target accounts. The target's trust policy is what admits it.
//  - stackset-execution-role (every target account): trusted by that administration role only;
//    may manage the stacks of the platform's stack sets, read the packaged templates, and call
//    exactly the IAM actions CloudFormation's resource handlers need for the resource types the
//    platform uses (stacksets/handler-permissions.json, from the AWS provider schemas) —
//    no `*` action, IAM writes limited to roles CloudFormation names for these stacks,
//    iam:PassRole only to the services the platform's roles trust, regional services only in
//    the rollout's regions. Where the resource stays `*` and why: docs/stacksets.md.
import { ENVIRONMENT_PARAMETER, policyDocument, type IamAction, type PolicyStatement } from './layers/common.js';
import { AWS, Ref, Sub } from './core/intrinsics.js';
import { Template } from './core/template.js';

export interface StackSetRoleConfig {
  /** IAM actions per resource type the platform uses (CloudFormation handler permissions). */
  readonly actionsByType: Readonly<Record<string, readonly string[]>>;
  /** Service principals the platform's own roles trust: the only services iam:PassRole may hand a role to. */
  readonly passRoleServices: readonly string[];
}

export const ADMINISTRATION_ROLE_NAME = 'payment-stackset-administration';
export const EXECUTION_ROLE_NAME = 'payment-stackset-execution';

/** IAM's limit for one managed policy document (characters, whitespace excluded); kept with a margin. */
export const MANAGED_POLICY_LIMIT = 6_144;
const POLICY_BUDGET = 5_600;

/** Services whose API is global (requests are made to us-east-1 whatever the stack's region). */
const GLOBAL_SERVICES = new Set(['iam', 'organizations', 'sts']);

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
export function chunkStatements(statements: readonly PolicyStatement[], budget = POLICY_BUDGET): PolicyStatement[][] {
  const size = (s: PolicyStatement): number => JSON.stringify(s).length;
  const chunks: PolicyStatement[][] = [];
  let current: PolicyStatement[] = [];
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

export function buildExecutionRoleTemplate(config: StackSetRoleConfig): Template {
  const t = roleTemplate(
    'stackset-execution-role',
    'PCI payment platform - StackSet execution role (every target account): what CloudFormation needs to manage the platform stacks, nothing else.',
  );
  t.parameter('AdministrationAccountId', { Type: 'String', Description: 'Account that runs make stackset (holds the stack sets and the administration role).', AllowedPattern: '^[0-9]{12}$', ConstraintDescription: 'must be a 12-digit account ID' }, 'Roles');
  t.parameter('AdministrationRoleName', { Type: 'String', Description: 'Name of the administration role in that account.', Default: ADMINISTRATION_ROLE_NAME, AllowedPattern: ROLE_NAME_PATTERN }, 'Roles');
  const roleName = t.parameter('ExecutionRoleName', { Type: 'String', Description: 'Name of this role (the manifest\'s permissions.executionRoleName).', Default: EXECUTION_ROLE_NAME, AllowedPattern: ROLE_NAME_PATTERN }, 'Roles');
  t.parameter('StackSetNamePrefix', { Type: 'String', Description: 'Stack sets this role serves: their names start with this (instance stacks are StackSet-<name>-<id>).', Default: 'payment-', AllowedPattern: '^[a-zA-Z][-a-zA-Z0-9]{0,127}$' }, 'Scope');
  t.parameter('ArtifactBucketName', { Type: 'String', Description: 'Artifact bucket holding the packaged templates (may end in *).', Default: 'payment-cfn-artifacts-*', AllowedPattern: '^[a-z0-9*][a-z0-9.*-]{1,62}$' }, 'Scope');
  const regions = t.parameter('TargetRegions', { Type: 'CommaDelimitedList', Description: 'Regions the stack sets deploy to in this account; regional API calls elsewhere are refused.' }, 'Scope');

  const platformStacks = Sub('arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/StackSet-${StackSetNamePrefix}*/*');
  const stackRoles = Sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/StackSet-${StackSetNamePrefix}*');
  const stackPolicies = Sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/StackSet-${StackSetNamePrefix}*');
  const inTargetRegions = { StringEquals: { 'aws:RequestedRegion': regions.ref } };

  const all = [...new Set(Object.values(config.actionsByType).flat())].sort();
  const cfnFromHandlers = all.filter((a) => serviceOf(a) === 'cloudformation') as IamAction[];
  const iam = all.filter((a) => serviceOf(a) === 'iam');
  const iamWrites = iam.filter((a) => !isMetadataRead(a) && !/^iam:Get/.test(a) && a !== 'iam:PassRole' && a !== 'iam:CreateServiceLinkedRole') as IamAction[];
  const iamReads = compactActions(iam.filter((a) => isMetadataRead(a) || /^iam:Get/.test(a))) as IamAction[];

  const statements: PolicyStatement[] = [
    { Sid: 'PlatformStacks', Effect: 'Allow', Action: [...new Set([...STACK_ACTIONS, ...cfnFromHandlers.filter((a) => !ACCOUNT_LEVEL_CFN_ACTIONS.includes(a))])].sort() as IamAction[], Resource: platformStacks },
    { Sid: 'CloudFormationAccountLevel', Effect: 'Allow', Action: ACCOUNT_LEVEL_CFN_ACTIONS, Resource: '*' },
    { Sid: 'ReadPackagedTemplates', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: Sub('arn:${AWS::Partition}:s3:::${ArtifactBucketName}/*') },
    { Sid: 'PlatformRolesAndPolicies', Effect: 'Allow', Action: iamWrites, Resource: [stackRoles, stackPolicies] },
    {
      Sid: 'PassPlatformRolesToTheirServices',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: stackRoles,
      Condition: { StringEquals: { 'iam:PassedToService': [...config.passRoleServices].sort() } },
    },
    { Sid: 'ServiceLinkedRoles', Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: Sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/*') },
    { Sid: 'IamRead', Effect: 'Allow', Action: iamReads, Resource: '*' },
  ];
  const byService = new Map<string, string[]>();
  for (const action of all) {
    const service = serviceOf(action);
    if (service === 'cloudformation' || service === 'iam') continue;
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  for (const [service, actions] of [...byService].sort(([a], [b]) => (a < b ? -1 : 1))) {
    statements.push({
      Sid: `${sidOf(service)}ForPlatformResources`,
      Effect: 'Allow',
      Action: compactActions(actions) as IamAction[],
      // CloudFormation names these resources at create time: no ARN is known in advance (docs/stacksets.md).
      Resource: '*',
      ...(GLOBAL_SERVICES.has(service) ? {} : { Condition: inTargetRegions }),
    });
  }

  const role = t.resource('ExecutionRole', 'AWS::IAM::Role', {
    RoleName: roleName.ref,
    Description: 'Assumed by the StackSet administration role to deploy the payment platform stacks in this account.',
    AssumeRolePolicyDocument: policyDocument({
      Effect: 'Allow',
      Principal: { AWS: Sub('arn:${AWS::Partition}:iam::${AdministrationAccountId}:role/${AdministrationRoleName}') },
      Action: 'sts:AssumeRole',
    }),
  });
  chunkStatements(statements).forEach((chunk, i) => {
    t.resource(`ExecutionPolicy${i + 1}`, 'AWS::IAM::ManagedPolicy', {
      Description: `StackSet execution permissions for the payment platform (part ${i + 1})`,
      PolicyDocument: policyDocument(...chunk),
      Roles: [role.ref],
    });
  });
  t.output('ExecutionRoleArn', { Value: role.getAtt('Arn'), Description: 'The execution role StackSets assume in this account.' });
  return t;
}

export function buildStackSetRoleTemplates(config: StackSetRoleConfig): Template[] {
  return [buildAdministrationRoleTemplate(), buildExecutionRoleTemplate(config)];
}
