// make stackset held to what AWS documents, in process, against recorded AWS responses
// (test/lib/stackset-aws.ts answers as the API Reference describes; nothing here is the emulator's
// model). Each test names the page it encodes.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CloudFormationClient, CreateStackSetCommand } from '@aws-sdk/client-cloudformation';
import { Readable } from 'node:stream';
import { StackSetApi, customExecutionRoleFields, outputBucketPathOf, type DescribedStackSet } from '../scripts/lib/stackset/api.js';
import { grantTemplateReaders, readerSid } from '../scripts/lib/stackset/artifact-readers.js';
import { loadManifest } from '../scripts/lib/stackset/manifest.js';
import { OperationLog, OperationTimeout, waitForOperation } from '../scripts/lib/stackset/operations.js';
import { settleActiveOperations } from '../scripts/lib/stackset/phases.js';
import { typeProblems } from '../scripts/lib/stackset/preflight.js';
import { PreviewError, formatPreview, previewRollout } from '../scripts/lib/stackset/preview.js';
import { desiredStackSet, planInstances, stackSetDifferences, type ActualInstance } from '../scripts/lib/stackset/reconcile.js';
import { applyRollout, minutesPerStack, operationTimeoutMs, planRollout, readInstances } from '../scripts/lib/stackset/rollout.js';
import { awsError, formFields, recordedAws } from './lib/recorded-aws.js';
import { ADMIN_ACCOUNT, fakeStackSetAws, healthyAccount } from './lib/stackset-aws.js';

const small = loadManifest('test/fixtures/stackset/three-accounts-two-regions.yaml');
const orgSpec = loadManifest('stacksets/example-service-managed.yaml');
const deployedOf = (spec: typeof small): DescribedStackSet & Record<string, any> =>
  ({
    StackSetName: spec.manifest.stackSetName,
    Status: 'ACTIVE',
    Description: spec.manifest.description,
    TemplateBody: spec.templateText,
    Parameters: Object.entries(spec.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    Tags: Object.entries(spec.manifest.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    AdministrationRoleARN: `arn:aws:iam::${ADMIN_ACCOUNT}:role/payment-stackset-administration`,
    ExecutionRoleName: 'payment-stackset-execution',
    PermissionModel: 'SELF_MANAGED',
    ManagedExecution: { Active: false },
  }) as never;
const current = (spec: typeof small) =>
  spec.instances.map((i) => ({
    Account: i.unit.id,
    Region: i.region,
    Status: 'CURRENT',
    StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' },
    StackId: `arn:aws:cloudformation:${i.region}:${i.unit.id}:stack/StackSet-x-${i.unit.id}/1`,
    ParameterOverrides: Object.entries(i.overrides).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
  }));
const organization = {
  organizations: {
    DescribeOrganization: { Organization: { Id: 'o-a1b2c3d4e5', MasterAccountId: '999900001111', FeatureSet: 'ALL' } },
    ListAccountsForParent: (input: { ParentId: string }) => ({
      Accounts:
        input.ParentId === 'ou-ab12-90ab12cd'
          ? [
              { Id: '555566667777', Status: 'ACTIVE' },
              { Id: '555566668888', Status: 'SUSPENDED' },
            ]
          : input.ParentId === 'ou-ab12-78ef90ab'
            ? [{ Id: '444455556666', Status: 'ACTIVE' }]
            : [],
    }),
    ListOrganizationalUnitsForParent: { OrganizationalUnits: [] },
  },
};

describe('the SDK seam: members the SDK lacks, pages', () => {
  test('ExecutionRoleTemplateBody, ExecutionRoleTemplateUrl and StackSetOutputBucket are appended to the AWS Query form, after the SDK serialized the rest (API_CreateStackSet)', async () => {
    let body = '';
    let signed = '';
    const client = new CloudFormationClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: {
        handle: async (request: { body: string; headers: Record<string, string> }) => {
          body = request.body;
          signed = request.headers.authorization ?? '';
          return {
            response: {
              statusCode: 200,
              headers: {},
              body: Readable.from([Buffer.from('<CreateStackSetResponse><CreateStackSetResult><StackSetId>x:1</StackSetId></CreateStackSetResult></CreateStackSetResponse>')]),
            },
          };
        },
      } as never,
    });
    const api = new StackSetApi({ cloudformation: () => client } as never);
    const template = 'Resources:\n  Role: {Type: AWS::IAM::Role}\n# 100% & more=(yes)';
    await api.createStackSet(
      { StackSetName: 'payment-x', TemplateURL: 'https://b.s3.amazonaws.com/k.yaml', PermissionModel: 'SERVICE_MANAGED' },
      { ExecutionRoleTemplateBody: template, StackSetOutputBucket: 'payment-cfn-artifacts-1' },
    );
    const fields = formFields(body);
    assert.equal(fields.Action, 'CreateStackSet');
    assert.equal(fields.ExecutionRoleTemplateBody, template, 'the body, form-encoded (RFC 3986)');
    assert.equal(fields.StackSetOutputBucket, 'payment-cfn-artifacts-1');
    assert.equal(fields.PermissionModel, 'SERVICE_MANAGED', 'the members the SDK knows are still there');
    assert.match(body, /&ExecutionRoleTemplateBody=Resources%3A%0A%20%20Role%3A%20%7BType%3A%20AWS%3A%3AIAM%3A%3ARole%7D%0A%23%20100%25%20%26%20more%3D%28yes%29/);
    assert.match(signed, /^AWS4-HMAC-SHA256 /, 'signed after the members were added (the signature covers the body)');
    assert.equal(customExecutionRoleFields({}), '', 'nothing added when there is no custom role');
    await new CloudFormationClient({ region: 'us-east-1' }).config.region(); // the plain client is untouched
    const plain = new CreateStackSetCommand({ StackSetName: 'x' });
    assert.equal(
      (plain.middlewareStack as unknown as { identify(): string[] }).identify().some((m) => /stacksetCustomExecutionRoleMembers/.test(m)),
      false,
      'the middleware goes on those commands only',
    );
  });

  test('StackSetOutputBucketPath, which the SDK drops, is read from the raw DescribeStackSet XML (API_StackSet)', async () => {
    const aws = recordedAws({
      cloudformation: { DescribeStackSet: { StackSet: { StackSetName: 'x', Status: 'ACTIVE', StackSetOutputBucketPath: 'payment-cfn-artifacts-1/stacksets/x/role.json' } } },
    });
    const described = await new StackSetApi(aws.clients.admin).describeStackSet('x');
    assert.equal(described?.StackSetOutputBucketPath, 'payment-cfn-artifacts-1/stacksets/x/role.json');
    assert.equal(outputBucketPathOf('<StackSet><StackSetOutputBucketPath>b/a&amp;b</StackSetOutputBucketPath></StackSet>'), 'b/a&b');
  });

  test('every list call reads every page: ListStackInstances, ListStackSetOperationResults, ListStackInstanceResourceDrifts (NextToken)', async () => {
    const page = (n: number, more: boolean) => ({ Summaries: [{ Account: `${n}`.repeat(12), Region: 'eu-west-1', Status: 'CURRENT' }], ...(more ? { NextToken: `t${n}` } : {}) });
    const aws = recordedAws({
      cloudformation: {
        ListStackInstances: [page(1, true), page(2, true), page(3, false)],
        ListStackSetOperationResults: [page(4, true), page(5, false)],
        ListStackInstanceResourceDrifts: [
          { Summaries: [{ LogicalResourceId: 'A', ResourceType: 'AWS::SNS::Topic', StackResourceDriftStatus: 'MODIFIED', StackId: 's', Timestamp: new Date() }], NextToken: 'n' },
          { Summaries: [{ LogicalResourceId: 'B', ResourceType: 'AWS::SNS::Topic', StackResourceDriftStatus: 'DELETED', StackId: 's', Timestamp: new Date() }] },
        ],
      },
    });
    const api = new StackSetApi(aws.clients.admin);
    assert.equal((await api.listStackInstances('x')).length, 3);
    assert.deepEqual(
      aws.callsOf('ListStackInstances').map((c) => c.input.NextToken),
      [undefined, 't1', 't2'],
    );
    assert.equal((await api.listOperationResults('x', 'op')).length, 2);
    assert.deepEqual(
      (await api.listInstanceResourceDrifts('x', '111111111111', 'eu-west-1', 'op')).map((d) => d.LogicalResourceId),
      ['A', 'B'],
    );
  });
});

describe('16.1 SERVICE_MANAGED with nested stacks: the custom execution role template', () => {
  test("CreateStackSet carries the project's execution role template (ExecutionRoleTemplateUrl), the stacksets-exec-custom- name, CAPABILITY_NAMED_IAM and CAPABILITY_AUTO_EXPAND, and an output bucket (stacksets-custom-execution-role.html, API_CreateStackSet)", async () => {
    const fake = fakeStackSetAws(orgSpec, { extra: organization });
    const result = await applyRollout(orgSpec, fake.ctx);
    assert.deepEqual(result.failures, [], fake.logLines.join('\n'));
    const [vaultCreate, create] = fake.aws.callsOf('CreateStackSet');
    assert.equal(vaultCreate.input.StackSetName, 'payment-platform-staging-org-dr-vault', 'the DR vault stack set first');
    assert.equal(formFields(vaultCreate.body).ExecutionRoleName, undefined, "no nested stacks: StackSets' default execution role");
    assert.equal(create.input.StackSetName, 'payment-platform-staging-org');
    const fields = formFields(create.body);
    assert.equal(fields.PermissionModel, 'SERVICE_MANAGED');
    assert.equal(fields.CallAs, 'DELEGATED_ADMIN');
    assert.equal(fields.ExecutionRoleName, 'stacksets-exec-custom-payment');
    assert.deepEqual([fields['Capabilities.member.2'], fields['Capabilities.member.3']], ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']);
    assert.equal(fields.StackSetOutputBucket, 'payment-cfn-artifacts-123456789012-us-east-1');
    // Over ExecutionRoleTemplateBody's 51,200 bytes: uploaded to the artifact bucket, content-addressed, and sent as ExecutionRoleTemplateUrl.
    assert.equal(fields.ExecutionRoleTemplateBody, undefined, 'not inline');
    const [upload] = fake.aws.callsOf('PutObject', 's3').filter((c) => c.account === undefined);
    assert.match(upload.input.Key, /^stackset-roles\/[0-9a-f]{16}\.json$/);
    assert.equal(fields.ExecutionRoleTemplateUrl, `https://payment-cfn-artifacts-123456789012-us-east-1.s3.us-east-1.amazonaws.com/${upload.input.Key}`);
    assert.ok(Buffer.byteLength(upload.input.Body) > 51_200 && Buffer.byteLength(upload.input.Body) < 1_000_000, 'too big to send inline, within the 1 MB of a template in S3');
    const role = JSON.parse(upload.input.Body);
    assert.equal(role.Parameters.ExecutionRoleName.Default, 'stacksets-exec-custom-payment', "the role StackSets creates has the stack set's ExecutionRoleName");
    assert.equal(role.Parameters.ManagementAccountId.Default, '999900001111', "trusts the management account's StackSets role (from AWS Organizations)");
    assert.equal(role.Parameters.AdministrationAccountId.Default, ADMIN_ACCOUNT, "and the delegated administrator's");
    assert.equal(role.Parameters.StackSetNamePrefix.Default, 'payment-platform-staging-org-', "serves this stack set's stacks only");
    const creates = fake.aws.callsOf('CreateStackInstances').filter((c) => c.input.StackSetName === 'payment-platform-staging-org');
    assert.deepEqual(
      creates[0].input.DeploymentTargets,
      { OrganizationalUnitIds: ['ou-ab12-90ab12cd'], Accounts: ['555566667777'], AccountFilterType: 'INTERSECTION' },
      'the canary: one account of its OU (API_DeploymentTargets)',
    );
    assert.deepEqual(creates[1].input.DeploymentTargets, { OrganizationalUnitIds: ['ou-ab12-78ef90ab'] }, 'then the other OU in one operation');
  });

  test('the plan compares the role template with the copy CloudFormation keeps at StackSetOutputBucketPath', async () => {
    const base = fakeStackSetAws(orgSpec, { extra: organization });
    await applyRollout(orgSpec, base.ctx);
    const sent = base.aws.callsOf('PutObject', 's3').find((c) => c.account === undefined)!.input.Body as string;
    const stackSet = {
      ...deployedOf(orgSpec),
      PermissionModel: 'SERVICE_MANAGED',
      ExecutionRoleName: 'stacksets-exec-custom-payment',
      AdministrationRoleARN: undefined,
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      StackSetOutputBucketPath: 'payment-cfn-artifacts-123456789012-us-east-1/stackset-role/template.json',
    };
    for (const [body, expected] of [
      [sent, []],
      [
        sent.replace('payment-stackset-read', 'someone-else'),
        ['template: execution role template: differs from the deployed one (payment-cfn-artifacts-123456789012-us-east-1/stackset-role/template.json)'],
      ],
    ] as const) {
      const fake = fakeStackSetAws(orgSpec, { stackSet, extra: { ...organization, s3: { GetObject: { Body: body } } } });
      const { plan } = await planRollout(orgSpec, fake.ctx);
      assert.deepEqual(
        plan.stackSetChanges.filter((c) => c.includes('execution role template')),
        expected,
      );
      assert.deepEqual(
        fake.aws.callsOf('GetObject', 's3').map((c) => [c.input.Bucket, c.input.Key]),
        [['payment-cfn-artifacts-123456789012-us-east-1', 'stackset-role/template.json']],
      );
    }
  });
});

describe('16.2 ManagedExecution never in the UpdateStackSet that changes the template or parameters (API_UpdateStackSet, API_ManagedExecution)', () => {
  test('managed execution switched on together with a parameter change: two updates, the first with UsePreviousTemplate and every parameter UsePreviousValue, the second without ManagedExecution', async () => {
    const spec = small;
    const stackSet = { ...deployedOf(spec), Parameters: deployedOf(spec).Parameters!.map((p) => (p.ParameterKey === 'Environment' ? { ...p, ParameterValue: 'dev' } : p)) };
    const withManaged = { ...spec, manifest: { ...spec.manifest, managedExecution: true } };
    const fake = fakeStackSetAws(withManaged, { stackSet, instances: current(spec) });
    const result = await applyRollout(withManaged, fake.ctx);
    assert.deepEqual(result.failures, [], fake.logLines.join('\n'));
    const [first, second] = fake.updates();
    assert.equal(first['ManagedExecution.Active'], 'true');
    assert.equal(first.UsePreviousTemplate, 'true');
    assert.equal(first.TemplateBody ?? first.TemplateURL, undefined);
    assert.ok(
      Object.keys(first)
        .filter((k) => /^Parameters\.member\.\d+\.UsePreviousValue$/.test(k))
        .every((k) => first[k] === 'true'),
      'parameters kept as they are',
    );
    assert.equal(
      Object.keys(first).some((k) => /ParameterValue$/.test(k)),
      false,
    );
    assert.equal(second['ManagedExecution.Active'], undefined, 'the template update does not touch managed execution');
    assert.equal(second.TemplateBody, spec.templateText);
    assert.match(fake.logLines.join('\n'), /managed execution false → true: an update of its own/);
  });
});

describe('16.4 throttling, busy stack sets, instances in progress', () => {
  test("a poll still throttled after the SDK's retries is waited out; the run does not end while the operation goes on in AWS", async () => {
    const throttled = awsError('Throttling', 'Rate exceeded');
    const fake = fakeStackSetAws(small, { pollErrors: [throttled, throttled] });
    const result = await applyRollout(small, fake.ctx);
    assert.deepEqual(result.failures, [], fake.logLines.join('\n'));
    assert.equal(fake.logLines.filter((l) => /Throttling while polling; the operation goes on in AWS, polling again in/.test(l)).length, 2);
  });

  test('an operation already running (auto-deployment, the console, a timed-out run) is waited for before anything is read or planned', async () => {
    const fake = fakeStackSetAws(small, {
      stackSet: deployedOf(small),
      instances: current(small),
      operations: [{ OperationId: 'console-op', Action: 'UPDATE', Status: 'RUNNING' }],
    });
    await applyRollout(small, fake.ctx);
    const order = fake.aws.calls.map((c) => `${c.command}${c.input.OperationId ? `:${c.input.OperationId}` : ''}`);
    assert.ok(order.indexOf('DescribeStackSetOperation:console-op') < order.indexOf('ListStackInstances'), order.join(' '));
    assert.match(fake.logLines.join('\n'), /operation console-op is RUNNING, UPDATE operation not started by this tool .*: waiting for it before planning/);
  });

  test('an instance PENDING or RUNNING is being worked on: not planned as something to repair (API_StackInstanceComprehensiveStatus)', () => {
    const actual: ActualInstance[] = small.instances.map((d, i) => ({
      unit: d.unit,
      region: d.region,
      overrides: d.overrides,
      status: 'OUTDATED',
      detailedStatus: i === 0 ? 'RUNNING' : i === 1 ? 'PENDING' : 'SUCCEEDED',
      accounts: [d.unit.id],
    }));
    const plan = planInstances(small.instances, actual);
    assert.equal(plan.update.length, 4, 'only the OUTDATED instances no operation works on');
    assert.equal(plan.notes.filter((n) => /an operation is working on it; not planned again/.test(n)).length, 2);
  });
});

describe('16.5 long runs: queued time, timeouts from the estimate, operation IDs kept, stop', () => {
  test('queued time does not count; a running operation past the timeout ends the wait with what to do, and its ID stays in the log for the next run', async () => {
    let polls = 0;
    const aws = recordedAws({
      cloudformation: {
        DescribeStackSetOperation: () => ({ StackSetOperation: { OperationId: 'op', Status: ++polls <= 3 ? 'QUEUED' : 'RUNNING' } }),
        ListStackSetOperationResults: { Summaries: [] },
      },
    });
    let now = 0;
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const wait = { pollMs: 1, timeoutMs: 10, log: () => undefined, sleep: async () => void (now += 8) };
      await assert.rejects(
        waitForOperation(new StackSetApi(aws.clients.admin), 'x', 'op', 'CREATE', wait),
        (e: unknown) =>
          e instanceof OperationTimeout &&
          /still RUNNING after .* of running; it goes on in AWS — run again to resume waiting on it, or make stackset-stop/.test((e as Error).message),
      );
      assert.ok(polls >= 5, `the QUEUED polls (3, 24 ms) were not counted against 10 ms: ${polls} polls`);
    } finally {
      Date.now = realNow;
    }
  });

  test('the next run resumes waiting on an operation an earlier run logged and did not see end; the log is emptied', async () => {
    const log = new OperationLog(join(mkdtempSync(join(tmpdir(), 'stackset-log-')), 'ops.json'));
    log.add({ operationId: 'earlier-op', label: 'CREATE', startedAt: '2026-12-01T00:00:00.000Z' });
    const fake = fakeStackSetAws(small, {
      stackSet: deployedOf(small),
      instances: current(small),
      operations: [{ OperationId: 'earlier-op', Action: 'CREATE', Status: 'RUNNING' }],
    });
    const lines: string[] = [];
    assert.equal(
      await settleActiveOperations(fake.ctx.api, small.manifest.stackSetName, { pollMs: 0, timeoutMs: 60_000, log: (l) => lines.push(l), sleep: async () => undefined }, log),
      1,
    );
    assert.match(lines.join('\n'), /operation earlier-op is RUNNING, started by an earlier run \(CREATE, 2026-12-01T00:00:00\.000Z\)/);
    assert.deepEqual(log.list(), []);
  });

  test('the timeout comes from the estimate: twice the waves × minutes per stack, at least 30 minutes', () => {
    const spec = small; // 2 at a time, tolerance 1, 2 minutes per stack (estimate.minutesPerStack)
    assert.equal(operationTimeoutMs(spec, { units: 100, regions: ['eu-west-1', 'us-east-1'] }, 45), 2 * 100 * 45 * 60_000, '50 waves per region × 2 regions × 45 min, twice');
    assert.equal(operationTimeoutMs(spec, { units: 1, regions: ['eu-west-1'] }, 2), 30 * 60_000);
  });

  test('make stackset-stop: StopStackSetOperation on every running or queued operation (API_StopStackSetOperation)', async (t) => {
    const { stopCommand } = await import('../scripts/stackset.js');
    const fake = fakeStackSetAws(small, {
      stackSet: deployedOf(small),
      operations: [
        { OperationId: 'a', Action: 'CREATE', Status: 'RUNNING' },
        { OperationId: 'b', Action: 'UPDATE', Status: 'QUEUED' },
        { OperationId: 'c', Action: 'CREATE', Status: 'SUCCEEDED' },
      ],
    });
    const out: string[] = [];
    const log = (t.mock.method as any)(console, 'log', (...args: unknown[]) => out.push(args.join(' ')));
    assert.equal(await stopCommand(small, fake.ctx), 0);
    log.mock.restore();
    assert.deepEqual(
      fake.aws.callsOf('StopStackSetOperation').map((c) => c.input.OperationId),
      ['a', 'b'],
      'the running and the queued one, not the one that ended',
    );
    assert.match(out.join('\n'), /operation a: stop requested \(StackSets cancels the instances not started and lets those in progress finish\)/);
  });
});

describe('16.6 the artifact bucket policy is merged by statement, never rewritten per manifest', () => {
  test("a second stack set adds its readers and keeps the first one's; an organization is granted by aws:PrincipalOrgID", async () => {
    let policy: string | undefined = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
    const aws = recordedAws({ s3: { GetBucketPolicy: () => ({ Policy: policy }), PutBucketPolicy: (input: { Policy: string }) => ((policy = input.Policy), {}) } });
    const s3 = aws.clients.admin.s3();
    assert.equal(await grantTemplateReaders(s3, 'b', 'templates/', 'payment-platform-prod', { accounts: ['210987654321', '321098765432'] }), true);
    assert.equal(await grantTemplateReaders(s3, 'b', 'templates/', 'payment-platform-staging-org', { organizationId: 'o-a1b2c3d4e5' }), true);
    assert.equal(await grantTemplateReaders(s3, 'b', 'templates/', 'payment-platform-prod', { accounts: ['321098765432', '210987654321'] }), false, 'unchanged: not written again');
    const statements = JSON.parse(policy!).Statement as { Sid: string; Principal: unknown; Condition?: unknown }[];
    assert.deepEqual(
      statements.map((s) => s.Sid),
      ['DenyInsecureTransport', readerSid('payment-platform-prod'), readerSid('payment-platform-staging-org')],
    );
    assert.deepEqual(statements[1].Principal, { AWS: ['arn:aws:iam::210987654321:root', 'arn:aws:iam::321098765432:root'] });
    assert.deepEqual(statements[2].Condition, { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } });
  });
});

describe('16.7 OU targets: every account described, mixed OUs reported, suspended accounts left out', () => {
  test('DescribeStackInstance for every member account; an account enrolled later without the OU\'s overrides is "mixed" and planned (API_UpdateStackInstances: DeploymentTargets)', async () => {
    const spec = loadManifest('stacksets/example-service-managed.yaml');
    const member = (Account: string, ou: string, overrides: Record<string, string>) => ({
      Account,
      Region: 'eu-west-1',
      OrganizationalUnitId: ou,
      Status: 'CURRENT',
      StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' },
      ParameterOverrides: Object.entries(overrides).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    });
    const instances = [
      member('111100000001', 'ou-ab12-90ab12cd', { DesiredCount: '2' }),
      member('111100000002', 'ou-ab12-90ab12cd', { DesiredCount: '2' }),
      member('111100000003', 'ou-ab12-90ab12cd', {}),
      member('111100000004', 'ou-ab12-78ef90ab', {}),
    ];
    const fake = fakeStackSetAws(spec, { instances });
    const { actual, notes } = await readInstances(fake.ctx.api, spec, await fake.ctx.api.listStackInstances(spec.manifest.stackSetName));
    assert.equal(fake.aws.callsOf('DescribeStackInstance').length, 4, 'every account, not the first of each OU');
    const ou = actual.find((a) => a.unit.id === 'ou-ab12-90ab12cd')!;
    assert.deepEqual(ou.overrides, { DesiredCount: '2' });
    assert.deepEqual(ou.mixed, { '111100000003': {} });
    assert.match(
      notes.join('\n'),
      /ou-ab12-90ab12cd eu-west-1 is mixed: 111100000003 has no overrides \(AWS applies OU overrides only to the accounts in the OU at the time of the call\)/,
    );
    const plan = planInstances(spec.instances, actual);
    assert.deepEqual(
      plan.update.map((u) => [u.desired.unit.id, u.reasons]),
      [['ou-ab12-90ab12cd', ['DesiredCount: 2 → (none)']]],
    );
  });

  test('a suspended account (AWS Organizations) is left out: its instance is never "repaired" on every run', async () => {
    const spec = orgSpec;
    const summaries = [{ Account: '555566668888', Region: 'eu-west-1', OrganizationalUnitId: 'ou-ab12-90ab12cd', Status: 'OUTDATED' as const }];
    const fake = fakeStackSetAws(spec, { instances: summaries as never });
    const { actual, notes } = await readInstances(fake.ctx.api, spec, summaries, new Set(['555566668888']));
    assert.deepEqual(actual, []);
    assert.match(notes[0], /555566668888 eu-west-1: the account is suspended in AWS Organizations/);
    assert.equal(fake.aws.callsOf('DescribeStackInstance').length, 0);
  });
});

describe('16.8 plans that converge', () => {
  const desired = desiredStackSet(small, ADMIN_ACCOUNT);
  const deployed = deployedOf(small);
  const all = { managedExecution: true, autoDeployment: true };

  test('a NoEcho parameter comes back as **** (parameters-section-structure.html): not a change on every run', () => {
    const secretSpec = { ...small, templateParameters: { ...small.templateParameters, VpcCidr: { ...small.templateParameters.VpcCidr, NoEcho: true } } };
    const masked = { ...deployed, Parameters: deployed.Parameters!.map((p) => (p.ParameterKey === 'VpcCidr' ? { ...p, ParameterValue: '****' } : p)) };
    const differences = stackSetDifferences(masked, desiredStackSet(secretSpec as typeof small, ADMIN_ACCOUNT), [], all);
    assert.deepEqual(differences.changes, []);
    assert.match(differences.notes.join('\n'), /NoEcho parameter VpcCidr: AWS reports \*\*\*\*, not compared/);
  });

  test('a description removed from the manifest: AWS keeps the old one (UpdateStackSet cannot clear it), so it is not a change', () => {
    const differences = stackSetDifferences(deployed, { ...desired, description: undefined }, [], all);
    assert.deepEqual(differences.changes, []);
    assert.match(differences.notes.join('\n'), /description: the manifest has none; the stack set keeps "StackSet reconcile test/);
  });

  test("a suspended account's instance is not planned (AWS cannot deploy there)", () => {
    const plan = planInstances(small.instances, [], { suspended: new Set(['222222222222']) });
    assert.equal(plan.add.length, 4);
    assert.equal(plan.notes.filter((n) => /222222222222 .*suspended/.test(n)).length, 2);
  });
});

describe('16.9 below the root: failure reasons from the nested stacks, previews', () => {
  test('a failed instance: the first failed resource inside its nested stacks, read in its account, printed under the table', async () => {
    const nested = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/StackSet-payment-stackset-test-111111111111-DatabaseStack-X/2';
    const inAccount = (account: string, region: string) => {
      if (account !== '111111111111' || region !== 'eu-west-1') return healthyAccount();
      return {
        ...healthyAccount(),
        cloudformation: {
          DescribeStacks: (input: { StackName: string }) => ({
            Stacks: [
              {
                StackId: input.StackName,
                StackName: input.StackName === nested ? 'StackSet-payment-stackset-test-111111111111-DatabaseStack-X' : 'StackSet-payment-stackset-test-111111111111',
                StackStatus: 'ROLLBACK_COMPLETE',
                CreationTime: '2026-11-20T10:00:00.000Z',
              },
            ],
          }),
          ListStackResources: (input: { StackName: string }) => ({
            StackResourceSummaries:
              input.StackName === nested
                ? []
                : [
                    {
                      LogicalResourceId: 'DatabaseStack',
                      PhysicalResourceId: nested,
                      ResourceType: 'AWS::CloudFormation::Stack',
                      ResourceStatus: 'CREATE_FAILED',
                      LastUpdatedTimestamp: '2026-11-20T10:10:00.000Z',
                    },
                  ],
          }),
          DescribeStackEvents: (input: { StackName: string }) => ({
            StackEvents:
              input.StackName === nested
                ? [
                    {
                      StackId: nested,
                      EventId: '3',
                      StackName: 'StackSet-payment-stackset-test-111111111111-DatabaseStack-X',
                      LogicalResourceId: 'Database',
                      ResourceType: 'AWS::RDS::DBInstance',
                      ResourceStatus: 'CREATE_FAILED',
                      ResourceStatusReason: 'Resource handler returned message: "The specified DB Instance is a member of a cluster"',
                      Timestamp: '2026-11-20T10:09:00.000Z',
                    },
                    {
                      StackId: nested,
                      EventId: '2',
                      StackName: 'StackSet-payment-stackset-test-111111111111-DatabaseStack-X',
                      LogicalResourceId: 'StackSet-payment-stackset-test-111111111111-DatabaseStack-X',
                      ResourceType: 'AWS::CloudFormation::Stack',
                      ResourceStatus: 'CREATE_IN_PROGRESS',
                      Timestamp: '2026-11-20T10:01:00.000Z',
                    },
                  ]
                : [
                    {
                      StackId: input.StackName,
                      EventId: '9',
                      StackName: 'StackSet-payment-stackset-test-111111111111',
                      LogicalResourceId: 'DatabaseStack',
                      ResourceType: 'AWS::CloudFormation::Stack',
                      ResourceStatus: 'CREATE_FAILED',
                      ResourceStatusReason: 'Embedded stack was not successfully created',
                      Timestamp: '2026-11-20T10:10:00.000Z',
                    },
                    {
                      StackId: input.StackName,
                      EventId: '1',
                      StackName: 'StackSet-payment-stackset-test-111111111111',
                      LogicalResourceId: 'StackSet-payment-stackset-test-111111111111',
                      ResourceType: 'AWS::CloudFormation::Stack',
                      ResourceStatus: 'CREATE_IN_PROGRESS',
                      Timestamp: '2026-11-20T10:00:00.000Z',
                    },
                  ],
          }),
        },
      };
    };
    const fake = fakeStackSetAws(small, {
      failing: (a, r) =>
        a === '111111111111' && r === 'eu-west-1'
          ? 'ResourceLogicalId:DatabaseStack, ResourceType:AWS::CloudFormation::Stack, ResourceStatusReason:Embedded stack was not successfully created'
          : undefined,
      inAccount,
    });
    await applyRollout(small, fake.ctx);
    const output = fake.logLines.join('\n');
    assert.match(
      output,
      /why \(first failed resource inside the nested stacks\):\n\s+111111111111 eu-west-1 DatabaseStack: Database \(AWS::RDS::DBInstance\): Resource handler returned message: "The specified DB Instance is a member of a cluster"/,
    );
  });

  test('PREVIEW: a change set with IncludeNestedStacks per deployed instance, its nested change sets read, the data-loss gate per account, every change set deleted (API_CreateChangeSet)', async () => {
    const nestedId = 'arn:aws:cloudformation:eu-west-1:111111111111:changeSet/payment-preview-x-DatabaseStack/1';
    const inAccount = (account: string) => ({
      ...healthyAccount(),
      cloudformation: {
        CreateChangeSet: (input: { ChangeSetName: string }) => ({ Id: `arn:aws:cloudformation:eu-west-1:${account}:changeSet/${input.ChangeSetName}/0`, StackId: 's' }),
        DescribeChangeSet: (input: { ChangeSetName: string; NextToken?: string }) => {
          if (account !== '111111111111')
            return { Status: 'FAILED', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set.", Changes: [] };
          if (input.ChangeSetName === nestedId)
            return {
              Status: 'CREATE_COMPLETE',
              Changes: [{ Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'Database', ResourceType: 'AWS::RDS::DBInstance', Replacement: 'True' } }],
            };
          return input.NextToken
            ? { Status: 'CREATE_COMPLETE', Changes: [{ Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'Topic', ResourceType: 'AWS::SNS::Topic' } }] }
            : {
                Status: 'CREATE_COMPLETE',
                NextToken: 'page2',
                Changes: [
                  {
                    Type: 'Resource',
                    ResourceChange: {
                      Action: 'Modify',
                      LogicalResourceId: 'DatabaseStack',
                      ResourceType: 'AWS::CloudFormation::Stack',
                      ChangeSetId: nestedId,
                      Replacement: 'False',
                    },
                  },
                ],
              };
        },
        DeleteChangeSet: {},
      },
    });
    const fake = fakeStackSetAws(small, { stackSet: deployedOf(small), instances: current(small), inAccount });
    const previews = await previewRollout(small, 'https://b.s3.amazonaws.com/templates/root.yaml', { api: fake.ctx.api, clients: fake.ctx.clients, pollMs: 0 });
    const creates = fake.aws.callsOf('CreateChangeSet');
    assert.equal(creates.length, 6);
    for (const c of creates) {
      assert.equal(c.input.IncludeNestedStacks, true);
      assert.equal(c.input.ChangeSetType, 'UPDATE');
      assert.match(c.input.ChangeSetName, /^payment-preview-/, 'the read-only role may create only these');
    }
    assert.equal(fake.aws.callsOf('DeleteChangeSet').length, 6, 'every root change set deleted (its nested ones with it)');
    const one = previews.find((p) => p.account === '111111111111')!;
    assert.deepEqual(
      one.changes.map((c) => `${c.layer} ${c.action} ${c.logicalId} ${c.replacement ?? ''}`.trim()),
      ['DatabaseStack Modify Database True', '(root) Add Topic'],
    );
    assert.deepEqual(
      one.blocked.map((b) => b.logicalId),
      ['Database'],
      'the data-loss gate: a database replaced',
    );
    const text = formatPreview(previews, []).join('\n');
    assert.match(text, /! replace\s+DatabaseStack\s+Database \(AWS::RDS::DBInstance\)\s+\[data\]/);
    assert.match(text, /data-loss gate: 111111111111 eu-west-1 DatabaseStack Database \(AWS::RDS::DBInstance\) would be replaced; ALLOW_REPLACE=DatabaseStack:Database accepts it/);
    assert.match(text, /222222222222 eu-west-1: no changes/);
    const allowed = await previewRollout(small, 'https://b/x', { api: fake.ctx.api, clients: fake.ctx.clients, pollMs: 0, allowReplace: 'DatabaseStack:Database' });
    assert.deepEqual(
      allowed.flatMap((p) => p.blocked),
      [],
    );
  });

  test('PREVIEW on a stack set that does not exist: an error naming the manifest, no change set created', async () => {
    const fake = fakeStackSetAws(small);
    await assert.rejects(
      previewRollout(small, 'https://b/x', { api: fake.ctx.api, clients: fake.ctx.clients, pollMs: 0 }),
      (e: unknown) =>
        e instanceof PreviewError &&
        /^test\/fixtures\/stackset\/three-accounts-two-regions\.yaml: stackSetName: stack set payment-stackset-test does not exist/.test((e as Error).message),
    );
    assert.equal(fake.aws.callsOf('CreateChangeSet').length, 0);
  });
});

describe('16.10 canary first', () => {
  const withCanary = (region?: string) => ({ ...small, manifest: { ...small.manifest, canary: { account: '111111111111', ...(region ? { region } : {}) } } });

  test('the canary alone first; the rest in one operation per distinct override set only after it and its nested stacks completed', async () => {
    const spec = withCanary('eu-west-1');
    const fake = fakeStackSetAws(spec);
    const result = await applyRollout(spec, fake.ctx);
    assert.deepEqual(result.failures, [], fake.logLines.join('\n'));
    const creates = fake.aws.callsOf('CreateStackInstances').map((c) => `${c.input.Accounts.join('+')}@${c.input.Regions.join('+')}`);
    assert.equal(creates[0], '111111111111@eu-west-1');
    assert.ok(!creates.slice(1).includes('111111111111@eu-west-1'), creates.join(' '));
    const readsBeforeRest = fake.aws.calls.findIndex((c) => c.account === '111111111111' && c.command === 'DescribeStacks');
    const secondCreate = fake.aws.calls.findIndex((c, i) => c.command === 'CreateStackInstances' && i > fake.aws.calls.findIndex((x) => x.command === 'CreateStackInstances'));
    assert.ok(readsBeforeRest > 0 && readsBeforeRest < secondCreate, 'its stacks were read in its account before the rest started');
  });

  test('a canary whose nested stack did not complete stops everything and says why', async () => {
    const spec = withCanary();
    const inAccount = (account: string) => ({
      ...healthyAccount(),
      cloudformation: {
        ...healthyAccount().cloudformation,
        DescribeStacks: (input: { StackName: string }) => ({
          Stacks: [
            {
              StackId: input.StackName,
              StackName: 'StackSet-x',
              StackStatus: account === '111111111111' ? 'UPDATE_ROLLBACK_COMPLETE' : 'CREATE_COMPLETE',
              CreationTime: '2026-11-20T10:00:00.000Z',
            },
          ],
        }),
      },
    });
    const fake = fakeStackSetAws(spec, { inAccount });
    const result = await applyRollout(spec, fake.ctx);
    assert.match(
      result.failures.join('\n'),
      /canary failed, nothing else started: the canary 111111111111 (eu-west-1|us-east-1) did not complete \(\(root\) UPDATE_ROLLBACK_COMPLETE\)/,
    );
    assert.deepEqual([...new Set(fake.aws.callsOf('CreateStackInstances').flatMap((c) => c.input.Accounts))], ['111111111111'], 'only the canary was started');
  });
});

describe('16.11 preflight before any operation', () => {
  test("a resource type the region does not offer: the manifest's regions entry, the types, what is allowed", () => {
    const { problems } = typeProblems(small, ['eu-west-1'], new Set(['AWS::SNS::Topic', 'AWS::Bedrock::Agent']), () => new Set(['AWS::SNS::Topic']));
    assert.deepEqual(problems, [
      'test/fixtures/stackset/three-accounts-two-regions.yaml: regions[1]: eu-west-1 does not offer AWS::Bedrock::Agent; allowed: a region where every resource type of test/fixtures/stackset/small-template.yaml is available',
    ]);
  });

  test('a target account that cannot read the packaged templates: make stackset stops before any operation', async () => {
    const spec = { ...small, hasNestedStacks: true, templateText: small.templateText };
    const inAccount = (account: string) => ({ ...healthyAccount(), s3: { HeadObject: account === '222222222222' ? awsError('AccessDenied', 'Forbidden', 403) : {} } });
    const fake = fakeStackSetAws(spec, { inAccount });
    const result = await applyRollout(spec, fake.ctx);
    assert.match(
      result.failures.join('\n'),
      /preflight failed, no operation started:\n\s+222222222222: cannot read s3:\/\/payment-cfn-artifacts-123456789012-us-east-1\/templates\/root-0123456789abcdef\.yaml \(AccessDenied\)/,
    );
    assert.equal(fake.aws.callsOf('CreateStackSet').length + fake.aws.callsOf('CreateStackInstances').length, 0);
  });
});

describe("16.11 preflight: make validate's deployability checks over each instance's effective parameters", () => {
  test('an instance whose own parameters break one (no alarm subscriber in prod): refused, named, before any operation', async () => {
    const { preflight } = await import('../scripts/lib/stackset/preflight.js');
    const base = loadManifest('stacksets/payments-prod.yaml');
    const spec = { ...base, instances: base.instances.map((i) => (i.region === 'eu-central-1' && i.unit.id === '321098765432' ? { ...i, overrides: { AlarmEmail: '' } } : i)) };
    const fake = fakeStackSetAws(spec);
    const plan = { stackSet: 'create' as const, stackSetChanges: [], add: spec.instances, update: [], remove: [], unchanged: [], notes: [] };
    const { problems } = await preflight(spec, plan, {}, fake.ctx);
    assert.deepEqual(
      problems.map((p) => p.replace(/: see https.*$/, '')),
      [
        '321098765432 eu-central-1 (and every instance with its parameters): root.yaml: Rules.ObservabilityAlarmSubscriberOutsideDev: staging and prod need AlarmEmail: the alarm topic must have a subscriber (PCI DSS 10.7.2) (CloudFormation refuses the stack)',
        '321098765432 eu-central-1 (and every instance with its parameters): generated/templates/observability.yaml: AlarmTopic: prod: AWS-SNS-001 alarms notify this topic, but it has no subscriber in prod: security alarms would reach nobody (set AlarmEmail)',
      ],
    );
  });
});

describe('16.12 measured durations replace the assumption', () => {
  test("the longest last create/update from the instances' stack events, and the plan says which figure it used", async () => {
    const inAccount = (account: string) => ({
      ...healthyAccount(),
      cloudformation: {
        DescribeStacks: (input: { StackName: string }) => ({
          Stacks: [{ StackId: input.StackName, StackName: `StackSet-x-${account}`, StackStatus: 'UPDATE_COMPLETE', CreationTime: '2026-11-20T10:00:00.000Z' }],
        }),
        ListStackResources: { StackResourceSummaries: [] },
        DescribeStackEvents: {
          StackEvents: [
            {
              StackId: 's',
              EventId: '2',
              StackName: `StackSet-x-${account}`,
              LogicalResourceId: `StackSet-x-${account}`,
              ResourceType: 'AWS::CloudFormation::Stack',
              ResourceStatus: 'UPDATE_COMPLETE',
              Timestamp: account === '111111111111' ? '2026-11-20T10:41:00.000Z' : '2026-11-20T10:33:00.000Z',
            },
            {
              StackId: 's',
              EventId: '1',
              StackName: `StackSet-x-${account}`,
              LogicalResourceId: `StackSet-x-${account}`,
              ResourceType: 'AWS::CloudFormation::Stack',
              ResourceStatus: 'UPDATE_IN_PROGRESS',
              ResourceStatusReason: 'User Initiated',
              Timestamp: '2026-11-20T10:00:00.000Z',
            },
          ],
        },
      },
    });
    const fake = fakeStackSetAws(small, { stackSet: deployedOf(small), instances: current(small), inAccount });
    await planRollout(small, fake.ctx);
    assert.match(
      fake.logLines.join('\n'),
      /measured: 41 min per stack instance, the longest last create\/update of 6 instances \(their stack events\); estimate\.minutesPerStack 2 not used/,
    );
    assert.match(minutesPerStack(small).assumption, /assumed 2 min per stack instance \(estimate\.minutesPerStack/, "without measurements: the manifest's figure, said so");
  });
});
