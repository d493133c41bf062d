// make refactor, in process: the plan (renames and moves of stateful resources), the User Guide's
// limits as checks, and the CreateStackRefactor -> DescribeStackRefactor -> ListStackRefactorActions
// -> ExecuteStackRefactor flow against recorded responses shaped on the API Reference
// (API_CreateStackRefactor, API_DescribeStackRefactor, API_ListStackRefactorActions,
// API_StackRefactorAction). The emulator (moto) has no stack refactors, so the flow is not run there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRefactor, runRefactor, type RefactorClient } from '../scripts/lib/deploy/refactor.js';
import type { CfnTemplate, TemplateSet } from '../scripts/lib/diff/types.js';
import { generated } from './lib/templates.js';

const set = (templates: Record<string, CfnTemplate>): TemplateSet => ({ label: 'x', templates: new Map(Object.entries(templates)) });
const database = (): CfnTemplate => structuredClone(generated('database') as CfnTemplate);

function renamed(template: CfnTemplate, from: string, to: string): CfnTemplate {
  const resources = Object.fromEntries(Object.entries(template.Resources!).map(([id, r]) => [id === from ? to : id, r]));
  return JSON.parse(
    JSON.stringify({ ...template, Resources: resources })
      .replaceAll(`"Ref":"${from}"`, `"Ref":"${to}"`)
      .replaceAll(`"Fn::GetAtt":["${from}"`, `"Fn::GetAtt":["${to}"`),
  );
}

test('a renamed database is a refactor within its layer; nothing else changes, so it can run', () => {
  const plan = planRefactor(set({ 'database.yaml': database() }), set({ 'database.yaml': renamed(database(), 'Database', 'PaymentsDatabase') }));
  assert.deepEqual(plan.moves, [
    { type: 'AWS::RDS::DBInstance', from: { template: 'database.yaml', logicalId: 'Database' }, to: { template: 'database.yaml', logicalId: 'PaymentsDatabase' } },
  ]);
  assert.deepEqual(plan.issues, []);
});

test('a log group moved from one layer to another is a move between stacks', () => {
  const group = { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain', Properties: { LogGroupName: '/payment/dev/audit', RetentionInDays: 365 } };
  const keep = { Type: 'AWS::SNS::Topic', Properties: { TopicName: 't' } };
  const plan = planRefactor(
    set({ 'a.yaml': { Resources: { AuditLogs: group, Topic: keep } }, 'b.yaml': { Resources: { Topic2: keep } } }),
    set({ 'a.yaml': { Resources: { Topic: keep } }, 'b.yaml': { Resources: { Topic2: keep, AuditLogGroup: group } } }),
  );
  assert.deepEqual(
    plan.moves.map((m) => `${m.from.template}:${m.from.logicalId}->${m.to.template}:${m.to.logicalId}`),
    ['a.yaml:AuditLogs->b.yaml:AuditLogGroup'],
  );
  assert.deepEqual(plan.templates, ['a.yaml', 'b.yaml']);
  assert.deepEqual(plan.issues, []);
});

test("the User Guide's limits: no other change, no new parameters, no empty stack, no per-stack pseudo parameter on a move", () => {
  const changed = renamed(database(), 'Database', 'PaymentsDatabase');
  (changed.Resources!.PaymentsDatabase!.Properties as Record<string, unknown>).AllocatedStorage = 500;
  changed.Parameters = { ...changed.Parameters, Extra: { Type: 'String' } };
  changed.Resources!.NewTopic = { Type: 'AWS::SNS::Topic' };
  const issues = planRefactor(set({ 'database.yaml': database() }), set({ 'database.yaml': changed })).issues;
  assert.ok(
    issues.some((i) => /PaymentsDatabase is changed as well as moved/.test(i)),
    issues.join('\n'),
  );
  assert.ok(
    issues.some((i) => /its Parameters change/.test(i)),
    issues.join('\n'),
  );
  assert.ok(
    issues.some((i) => /NewTopic is new; a refactor creates nothing/.test(i)),
    issues.join('\n'),
  );

  const group = { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/x/${AWS::StackName}' } } };
  const moved = planRefactor(
    set({ 'a.yaml': { Resources: { G: group } }, 'b.yaml': { Resources: { T: { Type: 'AWS::SNS::Topic' } } } }),
    set({ 'a.yaml': { Resources: {} }, 'b.yaml': { Resources: { T: { Type: 'AWS::SNS::Topic' }, G: group } } }),
  );
  assert.ok(
    moved.issues.some((i) => /a\.yaml: would be left without resources/.test(i)),
    moved.issues.join('\n'),
  );
  assert.ok(
    moved.issues.some((i) => /AWS::StackName\/AWS::StackId.*cannot move to another stack/.test(i)),
    moved.issues.join('\n'),
  );
});

/** A CloudFormation client answering from recorded responses, in order, recording each request. */
function recordedClient(answers: Record<string, object[]>): { client: RefactorClient; requests: { name: string; input: unknown }[] } {
  const requests: { name: string; input: unknown }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      requests.push({ name, input: command.input });
      const queue = answers[name];
      if (!queue || queue.length === 0) throw new Error(`no recorded ${name} response left`);
      return queue.length > 1 ? queue.shift() : queue[0];
    },
  } as unknown as RefactorClient;
  return { client, requests };
}

const ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stackRefactor/0a1b2c3d-0000-4000-8000-00000000abcd';
const STACK = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/payment-platform-dev-DatabaseStack-1ABC/11111111-0000-4000-8000-000000000000';

test('the refactor flow against recorded responses: mappings and templates sent, actions shown, executed', async () => {
  const plan = planRefactor(set({ 'database.yaml': database() }), set({ 'database.yaml': renamed(database(), 'Database', 'PaymentsDatabase') }));
  const { client, requests } = recordedClient({
    CreateStackRefactor: [{ StackRefactorId: ID }],
    DescribeStackRefactor: [
      { StackRefactorId: ID, StackIds: [STACK], Status: 'CREATE_IN_PROGRESS', ExecutionStatus: 'UNAVAILABLE' },
      { StackRefactorId: ID, StackIds: [STACK], Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE' },
      { StackRefactorId: ID, Status: 'CREATE_COMPLETE', ExecutionStatus: 'EXECUTE_IN_PROGRESS' },
      { StackRefactorId: ID, Status: 'CREATE_COMPLETE', ExecutionStatus: 'EXECUTE_COMPLETE' },
    ],
    ListStackRefactorActions: [
      {
        StackRefactorActions: [
          {
            Action: 'MOVE',
            Entity: 'RESOURCE',
            PhysicalResourceId: 'payment-db-dev',
            ResourceIdentifier: 'payment-db-dev',
            Description: 'rename',
            Detection: 'MANUAL',
            ResourceMapping: { Source: { StackName: STACK, LogicalResourceId: 'Database' }, Destination: { StackName: STACK, LogicalResourceId: 'PaymentsDatabase' } },
          },
        ],
      },
    ],
    ExecuteStackRefactor: [{}],
  });
  const lines: string[] = [];
  const run = await runRefactor(
    client,
    plan,
    () => STACK,
    () => 'https://artifacts.s3.eu-west-1.amazonaws.com/templates/database-0123456789abcdef.yaml',
    true,
    (l) => lines.push(l),
    0,
  );
  assert.deepEqual(run, { id: ID, actions: [`MOVE RESOURCE payment-db-dev ${STACK}:Database -> ${STACK}:PaymentsDatabase (MANUAL)`], status: 'EXECUTE_COMPLETE', executed: true });
  assert.deepEqual(requests[0], {
    name: 'CreateStackRefactor',
    input: {
      Description: 'make refactor: move stateful resources without replacing them',
      EnableStackCreation: false,
      ResourceMappings: [{ Source: { StackName: STACK, LogicalResourceId: 'Database' }, Destination: { StackName: STACK, LogicalResourceId: 'PaymentsDatabase' } }],
      StackDefinitions: [{ StackName: STACK, TemplateURL: 'https://artifacts.s3.eu-west-1.amazonaws.com/templates/database-0123456789abcdef.yaml' }],
    },
  });
  assert.deepEqual(
    requests.map((r) => r.name),
    ['CreateStackRefactor', 'DescribeStackRefactor', 'DescribeStackRefactor', 'ListStackRefactorActions', 'ExecuteStackRefactor', 'DescribeStackRefactor', 'DescribeStackRefactor'],
  );
  assert.ok(
    lines.some((l) => /CloudFormation's actions/.test(l)),
    "the plan prints CloudFormation's actions",
  );
});

test('a refactor CloudFormation refuses stops with its reason, before anything is executed; a plan with issues is not sent', async () => {
  const plan = planRefactor(set({ 'database.yaml': database() }), set({ 'database.yaml': renamed(database(), 'Database', 'PaymentsDatabase') }));
  const { client, requests } = recordedClient({
    CreateStackRefactor: [{ StackRefactorId: ID }],
    DescribeStackRefactor: [{ StackRefactorId: ID, Status: 'CREATE_FAILED', StatusReason: 'Resource PaymentsDatabase in stack ... has a different configuration' }],
  });
  await assert.rejects(
    runRefactor(
      client,
      plan,
      () => STACK,
      () => 'u',
      true,
      () => {},
      0,
    ),
    /refused the refactor \(CREATE_FAILED\): Resource PaymentsDatabase/,
  );
  assert.ok(!requests.some((r) => r.name === 'ExecuteStackRefactor'), 'nothing executed');
  await assert.rejects(
    runRefactor(
      client,
      { ...plan, issues: ['x'] },
      () => STACK,
      () => 'u',
      true,
      () => {},
      0,
    ),
    /cannot run: x/,
  );
});
