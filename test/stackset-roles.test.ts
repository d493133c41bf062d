// The StackSet role templates in generated/stacksets: least privilege that can be checked —
// no `*` action, the administration role can only assume the execution role, the execution role
// trusts only the administration role and covers every action the platform's resource types need,
// policies fit IAM's size limits, and cfn-lint accepts them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GENERATED, ROOT } from '../scripts/lib/paths.js';
import { PERMISSIONS_FILE, renderPermissionsFile } from '../scripts/lib/stackset/gen-permissions.js';
import { parseTemplate } from '../templates-src/core/yaml.js';
import { MANAGED_POLICY_LIMIT } from '../templates-src/stackset-roles.js';
import { generated, passesAndCatches, type CfnTemplate } from './lib/templates.js';

const roleTemplate = (name: string): CfnTemplate =>
  parseTemplate(readFileSync(join(GENERATED, 'stacksets', `${name}.yaml`), 'utf8'), `${name}.yaml`) as unknown as CfnTemplate;
const admin = roleTemplate('stackset-administration-role');
const execution = roleTemplate('stackset-execution-role');

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: unknown; Condition?: any; Principal?: any };
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function statementsOf(t: CfnTemplate): Statement[] {
  const out: Statement[] = [];
  for (const r of Object.values(t.Resources)) {
    if (r.Type === 'AWS::IAM::ManagedPolicy') out.push(...r.Properties.PolicyDocument.Statement);
    if (r.Type === 'AWS::IAM::Role') for (const p of r.Properties.Policies ?? []) out.push(...p.PolicyDocument.Statement);
  }
  return out;
}

/** Fails on an Allow of "*" or "service:*" anywhere. */
function assertNoWildcardAction(t: CfnTemplate): void {
  for (const s of statementsOf(t)) {
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

describe('execution role', () => {
  const statements = statementsOf(execution);
  const policies = Object.values(execution.Resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');

  test('no * action (and the check catches one)', () => {
    passesAndCatches(assertNoWildcardAction, execution, (t) => (t.Resources.ExecutionPolicy1.Properties.PolicyDocument.Statement[0].Action = ['ec2:*']));
  });

  test('trusted only by the administration role of the administration account', () => {
    const trust = execution.Resources.ExecutionRole.Properties.AssumeRolePolicyDocument.Statement;
    assert.equal(trust.length, 1);
    assert.deepEqual(trust[0].Principal, { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AdministrationAccountId}:role/${AdministrationRoleName}' } });
  });

  test('every managed policy fits IAM limits (6,144 characters, 10 policies per role)', () => {
    assert.ok(policies.length >= 1 && policies.length <= 10, `${policies.length} policies`);
    for (const p of policies) {
      const size = JSON.stringify(p.Properties.PolicyDocument).length;
      assert.ok(size < MANAGED_POLICY_LIMIT, `a policy of ${size} characters`);
      assert.deepEqual(p.Properties.Roles, [{ Ref: 'ExecutionRole' }]);
    }
  });

  test('covers every action the handlers of the platform\'s resource types need', () => {
    const { permissions } = JSON.parse(readFileSync(PERMISSIONS_FILE, 'utf8')) as { permissions: Record<string, string[]> };
    const granted = new Set(statements.flatMap((s) => asList(s.Action)));
    const covers = (action: string): boolean =>
      granted.has(action) || [...granted].some((g) => g.endsWith('*') && action.startsWith(g.slice(0, -1)));
    const layers = ['root', 'kms', 'network', 'secrets', 'database', 'cache', 'storage', 'streaming', 'backup', 'compute', 'api', 'observability', 'audit'].filter((n) =>
      existsSync(join(GENERATED, 'templates', `${n}.yaml`)),
    );
    const types = new Set(layers.flatMap((n) => Object.values(generated(n).Resources).map((r) => r.Type)));
    for (const type of types) {
      assert.ok(type in permissions, `${type} has no handler permissions`);
      for (const action of permissions[type]) assert.ok(covers(action), `${type} needs ${action}`);
    }
  });

  test('Describe*/List* are the only wildcards; Get… actions (they can read data) stay by name', () => {
    for (const action of statements.flatMap((s) => asList(s.Action))) {
      if (action.includes('*')) assert.match(action, /^[a-z0-9-]+:(Describe|List)\*$/, action);
      assert.ok(!/:Get\*$/.test(action), action);
    }
  });

  test('iam:PassRole only to the services the platform\'s roles trust; IAM writes only on the stack set\'s roles', () => {
    const pass = statements.find((s) => asList(s.Action).includes('iam:PassRole'))!;
    const services = pass.Condition.StringEquals['iam:PassedToService'] as string[];
    for (const s of ['ecs-tasks.amazonaws.com', 'monitoring.rds.amazonaws.com', 'vpc-flow-logs.amazonaws.com']) assert.ok(services.includes(s), s);
    assert.deepEqual(pass.Resource, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/StackSet-${StackSetNamePrefix}*' });
    const writes = statements.find((s) => s.Sid === 'PlatformRolesAndPolicies')!;
    assert.ok(asList(writes.Action).includes('iam:CreateRole'), 'the execution role may create roles');
    assert.equal(JSON.stringify(writes.Resource).includes('"*"'), false);
  });

  test('regional services only in the rollout\'s regions; stacks only those of the platform\'s stack sets', () => {
    for (const s of statements.filter((s) => /ForPlatformResources$/.test(s.Sid ?? ''))) {
      if (/^(Organizations)/.test(s.Sid!)) continue;
      assert.deepEqual(s.Condition, { StringEquals: { 'aws:RequestedRegion': { Ref: 'TargetRegions' } } }, s.Sid);
    }
    const stacks = statements.find((s) => s.Sid === 'PlatformStacks')!;
    assert.deepEqual(stacks.Resource, { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/StackSet-${StackSetNamePrefix}*/*' });
  });
});

describe('sources of the role templates', () => {
  test('stacksets/handler-permissions.json is what the script generates from cfn-lint\'s schemas', () => {
    const { types } = JSON.parse(readFileSync(join(ROOT, 'templates-src', 'resource-types.json'), 'utf8')) as { types: string[] };
    assert.equal(readFileSync(PERMISSIONS_FILE, 'utf8'), renderPermissionsFile(types), 'stale: run npx tsx scripts/lib/stackset/gen-permissions.ts');
  });

  test('cfn-lint accepts both templates (IAM action names included)', () => {
    const result = spawnSync(join(ROOT, '.venv', 'bin', 'cfn-lint'), [join(GENERATED, 'stacksets', '*.yaml')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});
