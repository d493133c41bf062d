// The StackSet role templates in generated/stacksets: sufficient and least privilege, checked on
// the rendered policies — no `*` action, the administration role can only assume the execution
// role, the execution role trusts only the administration role (SELF_MANAGED) or the
// organization's StackSets service-linked role (SERVICE_MANAGED, stacksets-exec-custom-…), covers
// every action the platform's resource types need (the handler schemas, and the dependent
// actions they miss), cannot escalate (every role it creates carries the permissions boundary,
// which it cannot remove or swap; PassRole only to the services the platform's roles trust; no
// rewriting other functions), reads no data; the read-only role never executes anything; policies
// fit IAM's size limits, cfn-lint accepts them, parliament finds no HIGH issue.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GENERATED, ROOT } from '../scripts/lib/paths.js';
import { DEPENDENT, PERMISSIONS_FILE, renderPermissionsFile } from '../scripts/lib/stackset/gen-permissions.js';
import { parseTemplate } from '../templates-src/core/yaml.js';
import { MANAGED_POLICY_LIMIT } from '../templates-src/stackset-roles.js';
import { RESOURCE_ARNS } from '../templates-src/stackset-role-scopes.js';
import { buildContexts } from '../scripts/lib/check/evaluated-platform.js';
import { loadInputs } from '../scripts/lib/check/inputs.js';
import { concreteName } from '../scripts/lib/stackset/instance-checks.js';
import { decide, type IamStatement } from '../scripts/lib/stackset/iam-policy.js';
import { generated, passesAndCatches, type CfnTemplate } from './lib/templates.js';

const roleTemplate = (name: string): CfnTemplate => parseTemplate(readFileSync(join(GENERATED, 'stacksets', `${name}.yaml`), 'utf8'), `${name}.yaml`) as unknown as CfnTemplate;
const admin = roleTemplate('stackset-administration-role');
const execution = roleTemplate('stackset-execution-role');
const custom = roleTemplate('stackset-custom-execution-role');

type Statement = { Sid?: string; Effect: string; Action?: string | string[]; NotAction?: string[]; Resource?: unknown; Condition?: any; Principal?: any };
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The statements of the managed policies whose logical IDs start with `prefix` (ExecutionPolicy, ReadPolicy, PermissionsBoundary), and the roles' inline ones. */
function statementsOf(t: CfnTemplate, prefix = 'ExecutionPolicy'): Statement[] {
  const out: Statement[] = [];
  for (const [id, r] of Object.entries(t.Resources)) {
    if (r.Type === 'AWS::IAM::ManagedPolicy' && id.startsWith(prefix)) out.push(...r.Properties.PolicyDocument.Statement);
    if (r.Type === 'AWS::IAM::Role') for (const p of r.Properties.Policies ?? []) out.push(...p.PolicyDocument.Statement);
  }
  return out;
}
const allows = (statements: Statement[]) => statements.filter((s) => s.Effect === 'Allow');
const withAction = (statements: Statement[], action: string) => allows(statements).filter((s) => asList(s.Action).includes(action));

/** Fails on an Allow of "*" or "service:*" anywhere. */
function assertNoWildcardAction(t: CfnTemplate): void {
  for (const s of allows(statementsOf(t))) {
    for (const action of asList(s.Action)) assert.ok(action !== '*' && !/^[a-z0-9-]+:\*$/.test(action), `${s.Sid}: action ${action}`);
  }
}

describe('administration role', () => {
  test('no * action (and the check catches one)', () => {
    passesAndCatches(assertNoWildcardAction, admin, (t) => (t.Resources.AdministrationRole.Properties.Policies[0].PolicyDocument.Statement[0].Action = '*'));
  });

  test('trusted by CloudFormation for this account only; allowed only sts:AssumeRole on the execution role', () => {
    const role = admin.Resources.AdministrationRole.Properties;
    const [trust] = role.AssumeRolePolicyDocument.Statement;
    assert.deepEqual(trust.Principal, { Service: 'cloudformation.amazonaws.com' });
    assert.deepEqual(trust.Condition.StringEquals, { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    const statements = statementsOf(admin);
    assert.equal(statements.length, 1);
    assert.equal(statements[0].Action, 'sts:AssumeRole');
    assert.deepEqual(statements[0].Resource, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}' });
  });
});

for (const [kind, template] of [
  ['SELF_MANAGED execution role', execution],
  ['SERVICE_MANAGED custom execution role', custom],
] as const) {
  describe(kind, () => {
    const statements = statementsOf(template);
    const policies = Object.entries(template.Resources).filter(([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && id.startsWith('ExecutionPolicy'));

    test('no * action (and the check catches one)', () => {
      passesAndCatches(assertNoWildcardAction, template, (t) => (t.Resources.ExecutionPolicy1.Properties.PolicyDocument.Statement[0].Action = ['ec2:*']));
    });

    test('every managed policy fits IAM limits (6,144 characters, 10 policies per role)', () => {
      assert.ok(policies.length >= 1 && policies.length <= 10, `${policies.length} policies`);
      for (const [, p] of policies) {
        const size = JSON.stringify(p.Properties.PolicyDocument).length;
        assert.ok(size < MANAGED_POLICY_LIMIT, `a policy of ${size} characters`);
        assert.deepEqual(p.Properties.Roles, [{ Ref: 'ExecutionRole' }]);
      }
    });

    test("covers every action the handlers of the platform's resource types need, and the dependent actions their schemas miss", () => {
      const { permissions } = JSON.parse(readFileSync(PERMISSIONS_FILE, 'utf8')) as { permissions: Record<string, string[]> };
      const granted = new Set(allows(statements).flatMap((s) => asList(s.Action)));
      const covers = (action: string): boolean => granted.has(action) || [...granted].some((g) => g.endsWith('*') && action.startsWith(g.slice(0, -1)));
      const layers = ['root', 'kms', 'network', 'secrets', 'database', 'cache', 'storage', 'streaming', 'backup', 'compute', 'api', 'observability', 'audit'].filter((n) =>
        existsSync(join(GENERATED, 'templates', `${n}.yaml`)),
      );
      const types = new Set(layers.flatMap((n) => Object.values(generated(n).Resources).map((r) => r.Type)));
      for (const type of types) {
        assert.ok(type in permissions, `${type} has no handler permissions`);
        // Withheld on purpose: reading secret values (kept only for CloudFormation's own Secret handler, below), and removing a
        // role's boundary (the Role handler calls it only when a template drops PermissionsBoundary, which the boundary rule forbids).
        const withheld = ['secretsmanager:GetSecretValue', 'iam:DeleteRolePermissionsBoundary'];
        for (const action of permissions[type].filter((a) => !withheld.includes(a))) assert.ok(covers(action), `${type} needs ${action}`);
        for (const d of DEPENDENT[type] ?? []) for (const action of d.actions) assert.ok(covers(action), `${type} needs ${action}: ${d.why} (${d.docs})`);
      }
      assert.ok(covers('route53:AssociateVPCWithHostedZone'), 'private DNS on interface endpoints');
    });

    test('every action by name: no wildcard (Describe*/List* would reach every resource type of a service, Get* data reads)', () => {
      for (const action of allows(statements).flatMap((s) => asList(s.Action))) assert.ok(!action.includes('*'), action);
    });

    test('every role it creates or changes carries the permissions boundary; it cannot remove the boundary, set another or change the boundary policy', () => {
      const boundary = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${PermissionsBoundaryName}' };
      const bounded = statements.find((s) => s.Sid === 'PlatformRolesOnlyWithTheBoundary')!;
      for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']) {
        const grants = withAction(statements, action);
        assert.equal(grants.length, 1, `${action} in one statement only`);
        assert.deepEqual(grants[0].Condition, { ArnEquals: { 'iam:PermissionsBoundary': boundary } }, `${action} only with the boundary (an ARN-typed key: ArnEquals)`);
      }
      assert.deepEqual(bounded.Resource, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/StackSet-${StackSetNamePrefix}*' });
      assert.equal(withAction(statements, 'iam:DeleteRolePermissionsBoundary').length, 0, 'never allowed');
      const denies = statements.filter((s) => s.Effect === 'Deny');
      assert.ok(
        denies.some((s) => asList(s.Action).includes('iam:DeleteRolePermissionsBoundary') && s.Resource === '*'),
        'denied outright',
      );
      assert.ok(
        denies.some((s) => asList(s.Action).includes('iam:PutRolePermissionsBoundary') && s.Condition?.ArnNotEquals?.['iam:PermissionsBoundary']),
        'no other boundary',
      );
      assert.ok(
        denies.some((s) => asList(s.Action).includes('iam:CreatePolicyVersion') && JSON.stringify(s.Resource) === JSON.stringify(boundary)),
        'the boundary policy stays as it is',
      );
    });

    test('the check of the boundary condition catches a CreateRole without it', () => {
      const check = (t: CfnTemplate) => {
        for (const s of withAction(statementsOf(t), 'iam:CreateRole')) assert.ok(s.Condition?.ArnEquals?.['iam:PermissionsBoundary'], `${s.Sid}: CreateRole without the boundary`);
      };
      passesAndCatches(check, template, (t) => {
        for (const [id, r] of Object.entries(t.Resources))
          if (id.startsWith('ExecutionPolicy')) for (const s of r.Properties.PolicyDocument.Statement) if (s.Sid === 'PlatformRolesOnlyWithTheBoundary') delete s.Condition;
      });
    });

    test("iam:PassRole only of the stack set's roles, only to the services they trust; service-linked roles only of the platform's services", () => {
      const [pass] = withAction(statements, 'iam:PassRole');
      const services = pass.Condition.StringEquals['iam:PassedToService'] as string[];
      for (const s of ['ecs-tasks.amazonaws.com', 'monitoring.rds.amazonaws.com', 'vpc-flow-logs.amazonaws.com']) assert.ok(services.includes(s), s);
      assert.ok(!services.includes('cloudformation.amazonaws.com') && !services.includes('ec2.amazonaws.com'), 'never to a service that would run it for anyone');
      assert.deepEqual(pass.Resource, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/StackSet-${StackSetNamePrefix}*' });
      const [slr] = withAction(statements, 'iam:CreateServiceLinkedRole');
      const named = slr.Condition.StringEquals['iam:AWSServiceName'] as string[];
      for (const s of ['ecs.amazonaws.com', 'elasticloadbalancing.amazonaws.com', 'rds.amazonaws.com', 'ops.apigateway.amazonaws.com']) assert.ok(named.includes(s), s);
    });

    test("no data reads: objects only of the packaged templates and truststores, KMS only through the service that needs it, secret values only for CloudFormation's Secret handler", () => {
      for (const s of withAction(statements, 's3:GetObject')) {
        assert.deepEqual(
          asList(s.Resource).map((r) => JSON.stringify(r)),
          [
            JSON.stringify({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${ArtifactBucketName}/templates/*' }),
            JSON.stringify({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${TruststoreBucketName}/truststores/*' }),
          ],
        );
      }
      for (const action of ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt']) {
        for (const s of withAction(statements, action)) assert.ok(s.Condition?.StringEquals?.['kms:ViaService'], `${s.Sid}: ${action} without kms:ViaService`);
      }
      for (const action of ['kms:PutKeyPolicy', 'kms:CreateGrant']) {
        for (const s of withAction(statements, action)) assert.ok(s.Condition?.StringLike?.['aws:ResourceTag/aws:cloudformation:stack-name'], `${s.Sid}: ${action} on any key`);
      }
      for (const s of withAction(statements, 'secretsmanager:GetSecretValue')) {
        assert.deepEqual(s.Condition['ForAnyValue:StringEquals'], { 'aws:CalledVia': 'cloudformation.amazonaws.com' });
        assert.deepEqual(
          asList(s.Resource).map((r: any) => r['Fn::Sub']),
          [
            'arn:${AWS::Partition}:secretsmanager:*:${AWS::AccountId}:secret:payment-app-signing-key-*-??????',
            'arn:${AWS::Partition}:secretsmanager:*:${AWS::AccountId}:secret:payment-cache-auth-token-*-??????',
          ],
          'the secrets the platform names, nothing else (not the RDS-managed master secret)',
        );
      }
    });

    test("Lambda writes and invocations only on the platform's functions, by the names its templates give them (no rewriting other code)", () => {
      for (const action of ['lambda:UpdateFunctionCode', 'lambda:CreateFunction', 'lambda:InvokeFunction']) {
        const grants = withAction(statements, action);
        assert.equal(grants.length, 1, action);
        for (const r of asList(grants[0].Resource)) assert.match((r as any)['Fn::Sub'], /:function:payment-secret-rotation-\*(:\*)?$/, `${action} in ${grants[0].Sid}`);
      }
    });

    test("regional services only in the rollout's regions; stacks only those of the platform's stack sets", () => {
      const global = /^(iam|cloudformation|route53|organizations):/;
      const regional = allows(statements).filter((x) => !asList(x.Action).every((a) => global.test(a)) && x.Sid !== 'ReadPackagedTemplatesAndTruststores');
      assert.ok(regional.length > 20, `${regional.length} statements of regional services`);
      for (const s of regional) assert.deepEqual(s.Condition?.StringEquals?.['aws:RequestedRegion'] ?? s.Condition?.StringEquals, { Ref: 'TargetRegions' }, s.Sid);
      const stacks = statements.find((s) => s.Sid === 'PlatformStacks')!;
      assert.deepEqual(stacks.Resource, { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/StackSet-${StackSetNamePrefix}*/*' });
    });

    // The names of every resource of the platform (every layer and the DR vault template, each environment), as ARNs of account 111111111111 in eu-west-1.
    const WHERE = { account: '111111111111', region: 'eu-west-1', partition: 'aws' };
    const platformArns = (): { key: string; type: string; arn: string; where: string }[] => {
      const out: { key: string; type: string; arn: string; where: string }[] = [];
      const contexts = [...buildContexts(loadInputs(join(GENERATED, 'templates'), join(GENERATED, 'parameters'))), ...buildContexts(loadInputs(join(GENERATED, 'standalone')))];
      for (const [key, sources] of Object.entries(RESOURCE_ARNS)) {
        for (const source of sources.filter((x) => x.name && x.arn)) {
          for (const layer of contexts.flatMap((c) => c.layers)) {
            for (const r of [...layer.resources.values()].filter((x) => x.type === source.type)) {
              const name = concreteName((r.properties as Record<string, unknown>)[source.name!], WHERE);
              if (name === undefined) continue;
              const arn = source
                .arn!.replace('{name}', name)
                .replace(/\$\{AWS::Partition\}/g, 'aws')
                .replace(/\$\{AWS::AccountId\}/g, WHERE.account)
                .replace(/:\*:/g, `:${WHERE.region}:`)
                .replace(/\*/g, 'x')
                .replace(/\?/g, 'a');
              out.push({ key, type: source.type, arn, where: `${layer.name}/${r.logicalId}` });
            }
          }
        }
      }
      return out;
    };
    const { resourceTypes } = JSON.parse(readFileSync(PERMISSIONS_FILE, 'utf8')) as { resourceTypes: Record<string, string[]> };
    const granted = (t: CfnTemplate): IamStatement[] => (concretePolicy({ Statement: statementsOf(t) }) as { Statement: IamStatement[] }).Statement;
    /** Every action of the role that acts on the IAM resource type `key` is allowed on `arn`: the scope reaches every resource the platform names. */
    const reachesEveryName = (t: CfnTemplate): void => {
      const concrete = granted(t);
      const actions = [...new Set(allows(statementsOf(t)).flatMap((s) => asList(s.Action)))];
      const named = platformArns();
      assert.ok(named.length > 40, `${named.length} named resources`);
      for (const { key, arn, where } of named) {
        const [service, type] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
        for (const action of actions.filter(
          (a) => a.startsWith(`${service}:`) && (resourceTypes[a] ?? []).includes(type) && !/^(secretsmanager:GetSecretValue|s3:GetObject(Version)?)$/.test(a),
        )) {
          assert.ok(decide(concrete, action, arn).allowed, `${action} on ${arn} (${where}): the role must reach every resource the platform names`);
        }
      }
    };

    // Withheld on purpose (tested above): object reads beyond the packaged templates, secret values outside CloudFormation's Secret handler.
    test("sufficient by name: every action reaches every resource the platform's templates name, in every environment (and the check catches a pattern that misses)", () => {
      passesAndCatches(reachesEveryName, template, (t) => {
        for (const [id, r] of Object.entries(t.Resources)) {
          if (!id.startsWith('ExecutionPolicy')) continue;
          for (const st of r.Properties.PolicyDocument.Statement)
            if (st.Sid === 'S3OnThePlatformsNames') st.Resource = [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::payment-data-*' }];
        }
      });
    });

    test('least privilege by name: bucket policies, secret policies and function code of other resources are out of reach, the artifact bucket included', () => {
      const concrete = granted(template);
      const denied: [string, string][] = [
        ['s3:PutBucketPolicy', 'arn:aws:s3:::payment-cfn-artifacts-111111111111-eu-west-1'],
        ['s3:DeleteBucket', 'arn:aws:s3:::someone-elses-bucket'],
        ['s3:PutObjectAcl', 'arn:aws:s3:::payment-cfn-artifacts-111111111111-eu-west-1/templates/root.yaml'],
        ['secretsmanager:PutResourcePolicy', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:other-team-secret-AbCdEf'],
        ['secretsmanager:DeleteSecret', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:payment-other-AbCdEf'],
        ['lambda:UpdateFunctionCode', 'arn:aws:lambda:eu-west-1:111111111111:function:other-function'],
        ['logs:DeleteLogGroup', 'arn:aws:logs:eu-west-1:111111111111:log-group:/other/app'],
        ['kinesis:DeleteStream', 'arn:aws:kinesis:eu-west-1:111111111111:stream/other-stream'],
        ['rds:DeleteDBInstance', 'arn:aws:rds:eu-west-1:111111111111:db:other-db'],
      ];
      for (const [action, arn] of denied) assert.equal(decide(concrete, action, arn).allowed, false, `${action} on ${arn} must be out of reach`);
      const allowed: [string, string][] = [
        ['s3:PutBucketPolicy', 'arn:aws:s3:::payment-data-111111111111-eu-west-1-prod'],
        ['secretsmanager:PutResourcePolicy', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:payment-cache-auth-token-prod-AbCdEf'],
        ['secretsmanager:CreateSecret', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d-AbCdEf'],
      ];
      for (const [action, arn] of allowed) assert.equal(decide(concrete, action, arn).allowed, true, `${action} on ${arn}`);
    });

    test('every statement on "*" over actions with resource-level permissions carries its reason beside the policy (parliament RESOURCE_STAR), and every action parliament does not know is named (UNKNOWN_ACTION)', () => {
      const { unknownToParliament } = JSON.parse(readFileSync(PERMISSIONS_FILE, 'utf8')) as { unknownToParliament: string[] };
      for (const [id, r] of Object.entries(template.Resources).filter(([, x]) => x.Type === 'AWS::IAM::ManagedPolicy' && x.Properties.PolicyDocument)) {
        if (id === 'PermissionsBoundary') continue;
        const reasons = r.Metadata?.Suppressions?.parliament ?? {};
        for (const st of r.Properties.PolicyDocument.Statement as Statement[]) {
          const typed = asList(st.Action).filter((a) => (resourceTypes[a] ?? []).length > 0);
          if (st.Effect !== 'Allow' || st.Resource !== '*' || typed.length === 0) continue;
          assert.ok(String(reasons.RESOURCE_STAR?.reason ?? '').includes(`${st.Sid}: `), `${id} ${st.Sid}: ${typed.join(', ')} on "*" without a reason`);
        }
        const unknown = (r.Properties.PolicyDocument.Statement as Statement[]).flatMap((st) => asList(st.Action)).filter((a) => unknownToParliament.includes(a));
        for (const action of unknown)
          assert.ok(String(reasons.UNKNOWN_ACTION?.reason ?? '').includes(action), `${id}: ${action} is unknown to parliament and not named in the reason`);
      }
    });

    test('the read-only role: trusted by the administration account only; reads, drift detection and preview change sets, never an execution or a data read', () => {
      const trust = template.Resources.ReadRole.Properties.AssumeRolePolicyDocument.Statement;
      assert.deepEqual(
        trust.map((s: Statement) => s.Principal),
        [{ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AdministrationAccountId}:root' } }],
      );
      const read = statementsOf(template, 'ReadPolicy');
      assert.equal(withAction(read, 'cloudformation:ExecuteChangeSet').length, 0);
      assert.ok(
        read.some((s) => s.Effect === 'Deny' && asList(s.Action).includes('cloudformation:ExecuteChangeSet')),
        'execution denied outright',
      );
      assert.deepEqual(withAction(read, 'cloudformation:CreateChangeSet')[0].Condition, { StringLike: { 'cloudformation:ChangeSetName': 'payment-preview-*' } });
      for (const action of ['secretsmanager:GetSecretValue', 'kms:Decrypt']) assert.equal(withAction(read, action).length, 0, action);
      assert.ok(withAction(read, 'cloudformation:DetectStackDrift').length > 0 && withAction(read, 'ec2:DescribeVpcs').length > 0, 'what drift detection calls');
      // Some schemas list writes among their read handler's permissions (the VPC link's endpoint service, WAF associations): never granted here.
      for (const action of allows(read).flatMap((s) => asList(s.Action))) {
        assert.match(
          action,
          /^[a-z0-9-]+:(Describe|List|Get|BatchGet)|^apigateway:GET$|^cloudformation:(CreateChangeSet|DeleteChangeSet|DetectStack(Resource)?Drift|ValidateTemplate)$/,
          `the read-only role may not ${action}`,
        );
      }
    });

    test('the permissions boundary: a managed policy of its own name, nothing of identity, organization or account, no turning audit off', () => {
      const boundary = template.Resources.PermissionsBoundary.Properties;
      assert.deepEqual(boundary.ManagedPolicyName, { Ref: 'PermissionsBoundaryName' });
      const [everything, ...rest] = boundary.PolicyDocument.Statement as Statement[];
      assert.deepEqual(everything.NotAction, ['iam:*', 'organizations:*', 'account:*', 'sts:*']);
      assert.ok(
        rest.some((s) => s.Effect === 'Deny' && asList(s.Action).includes('cloudtrail:StopLogging')),
        'the trail stays on',
      );
    });
  });
}

describe('SERVICE_MANAGED custom execution role template', () => {
  test("the role is the stack set's ExecutionRoleName (stacksets-exec-custom-…), trusted only by the StackSets service-linked role of the management or administrator account", () => {
    assert.match(custom.Parameters!.ExecutionRoleName.AllowedPattern, /^\^stacksets-exec-custom-/);
    const [trust] = custom.Resources.ExecutionRole.Properties.AssumeRolePolicyDocument.Statement;
    assert.deepEqual(trust.Condition.ArnLike['aws:PrincipalArn'], [
      {
        'Fn::Sub':
          'arn:${AWS::Partition}:iam::${ManagementAccountId}:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin',
      },
      {
        'Fn::Sub':
          'arn:${AWS::Partition}:iam::${AdministrationAccountId}:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin',
      },
    ]);
  });
});

describe('sources of the role templates', () => {
  test("stacksets/handler-permissions.json is what the script generates from cfn-lint's schemas", () => {
    const { types } = JSON.parse(readFileSync(join(ROOT, 'templates-src', 'resource-types.json'), 'utf8')) as { types: string[] };
    assert.equal(readFileSync(PERMISSIONS_FILE, 'utf8'), renderPermissionsFile(types), 'stale: run npx tsx scripts/lib/stackset/gen-permissions.ts');
  });

  test('cfn-lint accepts the role templates (IAM action names included)', () => {
    const result = spawnSync(join(ROOT, '.venv', 'bin', 'cfn-lint'), [join(GENERATED, 'stacksets', '*.yaml')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  const python = join(ROOT, '.venv', 'bin', 'python');
  const hasParliament = spawnSync(python, ['-c', 'import parliament'], { encoding: 'utf8' }).status === 0;
  test(
    'parliament (community auditors included) finds no HIGH issue in any policy of the role templates, beyond the suppressions written beside them',
    { skip: hasParliament ? false : 'parliament is not installed in .venv (requirements.txt; make install)' },
    () => {
      const script = [
        'import json, sys, parliament',
        'docs = json.load(sys.stdin)',
        'out = []',
        'for name, doc, allowed in docs:',
        '    for f in parliament.analyze_policy_string(json.dumps(doc), include_community_auditors=True).findings:',
        '        if f.issue not in allowed: out.append([name, f.issue])',
        'print(json.dumps(out))',
      ].join('\n');
      const docs: [string, unknown, string[]][] = [];
      for (const [file, t] of [
        ['administration', admin],
        ['execution', execution],
        ['custom', custom],
      ] as const) {
        for (const [id, r] of Object.entries(t.Resources)) {
          const allowed = Object.keys(r.Metadata?.Suppressions?.parliament ?? {});
          if (r.Type === 'AWS::IAM::ManagedPolicy') docs.push([`${file}/${id}`, concretePolicy(r.Properties.PolicyDocument), allowed]);
          if (r.Type === 'AWS::IAM::Role') for (const p of r.Properties.Policies ?? []) docs.push([`${file}/${id}/${p.PolicyName}`, concretePolicy(p.PolicyDocument), allowed]);
        }
      }
      const run = spawnSync(python, ['-c', script], { input: JSON.stringify(docs), encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      // HIGH and CRITICAL in parliament's config and its community auditors' (config.yaml, community_auditors/config_override.yaml).
      const findings = JSON.parse(run.stdout) as [string, string][];
      const high = findings.filter(([, issue]) => ['PRIVILEGE_ESCALATION', 'SENSITIVE_ACCESS', 'MALFORMED', 'DUPLICATE_SID', 'EXCEPTION', 'MALFORMED_JSON'].includes(issue));
      assert.deepEqual(high, [], JSON.stringify(findings));
    },
  );
});

/** A policy document with its intrinsics replaced by example values, as a scanner reads policies. */
function concretePolicy(document: unknown): unknown {
  const values: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::AccountId': '111111111111',
    'AWS::Region': 'eu-west-1',
    AdministrationAccountId: '123456789012',
    ManagementAccountId: '123456789012',
    ExecutionRoleName: 'payment-stackset-execution',
    AdministrationRoleName: 'payment-stackset-administration',
    StackSetNamePrefix: 'payment-',
    ArtifactBucketName: 'payment-cfn-artifacts-123456789012-eu-west-1',
    TruststoreBucketName: 'payment-pki-123456789012',
    SsmParameterPath: '/payment/',
    PermissionsBoundaryName: 'payment-platform-boundary',
    ReadRoleName: 'payment-stackset-read',
  };
  const walk = (v: any): any => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      if (typeof v['Fn::Sub'] === 'string') return v['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_: string, n: string) => values[n] ?? n);
      if (typeof v.Ref === 'string') return v.Ref === 'TargetRegions' ? ['eu-west-1', 'eu-central-1'] : (values[v.Ref] ?? v.Ref);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(document);
}
