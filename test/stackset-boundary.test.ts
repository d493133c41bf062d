// The permissions boundary (payment-platform-boundary, templates-src/stackset-roles.ts) caps every
// role of the platform: a role's effective permissions are the intersection of its own policies
// and its boundary (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html),
// so an action a role's policy grants but the boundary does not is silently lost and the service
// fails at run time. Checked here: every action of every platform role's own policies (every
// layer and the standalone templates) is allowed by the boundary; of the AWS managed policies the
// roles attach (their current documents, from moto's copy of AWS's managed policies in .venv),
// what the boundary withholds is exactly the list below, each with the reason it is not needed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED, ROOT } from '../scripts/lib/paths.js';
import { allowedActions, decide, type IamStatement } from '../scripts/lib/stackset/iam-policy.js';
import { parseTemplate } from '../templates-src/core/yaml.js';
import { boundaryStatements } from '../templates-src/stackset-roles.js';

type Resource = { Type: string; Properties?: Record<string, any> };
interface RolePolicy {
  readonly where: string;
  readonly statements: IamStatement[];
}

const boundary = boundaryStatements() as unknown as IamStatement[];

/** Every role of the platform's templates: its inline policies, and the names of the AWS managed policies it attaches. */
function platformRoles(): { own: RolePolicy[]; managed: Map<string, string[]> } {
  const own: RolePolicy[] = [];
  const managed = new Map<string, string[]>();
  for (const dir of ['templates', 'standalone']) {
    for (const file of readdirSync(join(GENERATED, dir)).filter((f) => f.endsWith('.yaml'))) {
      const resources = (parseTemplate(readFileSync(join(GENERATED, dir, file), 'utf8'), file).Resources ?? {}) as Record<string, Resource>;
      for (const [id, r] of Object.entries(resources)) {
        if (r.Type === 'AWS::IAM::Role') {
          for (const p of r.Properties?.Policies ?? []) own.push({ where: `${file} ${id} ${p.PolicyName}`, statements: p.PolicyDocument.Statement });
          for (const arn of r.Properties?.ManagedPolicyArns ?? []) {
            const text = typeof arn === 'string' ? arn : String(arn['Fn::Sub']);
            const name = /:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(text)?.[1];
            assert.ok(name, `${file} ${id}: ${text} is not an AWS managed policy; check it here like the inline policies`);
            managed.set(name, [...(managed.get(name) ?? []), `${file} ${id}`]);
          }
        }
        if (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') own.push({ where: `${file} ${id}`, statements: r.Properties?.PolicyDocument.Statement });
      }
    }
  }
  return { own, managed };
}

/** The actions a policy grants that the boundary does not allow (on the resources the policy names). */
function outsideBoundary(statements: readonly IamStatement[], ceiling: readonly IamStatement[] = boundary): string[] {
  const lost: string[] = [];
  for (const [action, resources] of allowedActions(statements)) {
    if (resources.some((arn) => !decide(ceiling, action, arn).allowed)) lost.push(action);
  }
  return lost.sort();
}

/**
 * What the boundary withholds from the AWS managed policies the platform attaches, on purpose.
 * A new entry means AWS changed a managed policy or a role attached another: decide, then list it.
 */
const WITHHELD: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  AWSBackupServiceRolePolicyForBackup: {
    'iam:passrole': 'passes a role to GuardDuty Malware Protection for scans of EC2/EBS backups; the platform backs up RDS and EFS only (backup.yaml BackupSelection)',
  },
  AWSBackupServiceRolePolicyForRestores: {
    'iam:passrole': 'passes roles to EC2, EKS and AWS Backup when restoring instances, clusters and restore tests; the platform restores RDS and EFS, which need no role',
  },
};

function awsManagedPolicies(names: readonly string[]): Record<string, { Statement: IamStatement[] }> {
  const script = [
    'import json, sys',
    'from moto.iam.aws_managed_policies import aws_managed_policies_data',
    'data = json.loads(aws_managed_policies_data)',
    'print(json.dumps({n: data[n]["Document"] for n in json.load(sys.stdin) if n in data}))',
  ].join('\n');
  const run = spawnSync(join(ROOT, '.venv', 'bin', 'python'), ['-c', script], { input: JSON.stringify(names), encoding: 'utf8' });
  assert.equal(run.status, 0, `moto's managed policies could not be read (make install): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const { own, managed } = platformRoles();

test('every platform role found, every one with a policy of its own or an AWS managed policy', () => {
  assert.ok(own.length >= 7, `${own.length} role policies`);
  assert.ok(managed.size >= 5, `${managed.size} managed policies`);
});

test("the boundary allows every action of every platform role's own policies (and the check catches one outside it)", () => {
  for (const policy of own) assert.deepEqual(outsideBoundary(policy.statements), [], `${policy.where}: the boundary withholds these, so the role cannot use them`);
  const broken = [...own[0].statements, { Effect: 'Allow', Action: ['iam:CreateUser', 'sts:AssumeRole', 'cloudtrail:StopLogging'], Resource: '*' }];
  assert.deepEqual(outsideBoundary(broken), ['cloudtrail:stoplogging', 'iam:createuser', 'sts:assumerole'], 'the check must see actions the boundary withholds');
});

test('of the AWS managed policies the roles attach, the boundary withholds only what is listed, each with its reason', () => {
  const documents = awsManagedPolicies([...managed.keys()]);
  for (const [name, users] of managed) {
    const document = documents[name];
    assert.ok(document, `${name} (${users.join(', ')}) is not in moto's copy of AWS's managed policies`);
    const withheld = outsideBoundary(document.Statement);
    assert.deepEqual(
      withheld,
      Object.keys(WITHHELD[name] ?? {}).sort(),
      `${name} (${users.join(', ')}): the boundary withholds ${withheld.join(', ') || 'nothing'}; allow it in boundaryStatements() or list it in WITHHELD with why the role does not need it`,
    );
  }
});

test('the boundary itself: no IAM, organization or account changes, no role assumption, the audit trail and AWS Config stay on', () => {
  for (const action of [
    'iam:CreateRole',
    'iam:PutRolePolicy',
    'organizations:LeaveOrganization',
    'account:PutAlternateContact',
    'sts:AssumeRole',
    'cloudtrail:StopLogging',
    'config:StopConfigurationRecorder',
    'kms:PutKeyPolicy',
  ]) {
    assert.equal(decide(boundary, action).allowed, false, `${action} must be outside the boundary`);
  }
  for (const action of ['iam:GetRole', 'organizations:DescribeOrganization', 's3:PutObject', 'kms:Decrypt', 'logs:PutLogEvents'])
    assert.equal(decide(boundary, action).allowed, true, `${action} is within the boundary`);
});
