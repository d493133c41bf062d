// The pure parts of the StackSet rollout: the diff between the manifest and what AWS reports,
// the batching of instances into operations, the wave/duration estimate, the final table and
// the failure tolerance, the template comparison used by the plan.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StackSetApi, type DescribedStackSet, type StackInstanceSummary } from '../scripts/lib/stackset/api.js';
import { concurrencyFor, estimateOperations, estimateRollout, formatDuration } from '../scripts/lib/stackset/estimate.js';
import { recordedAws } from './lib/recorded-aws.js';
import { loadManifest, type DesiredInstance } from '../scripts/lib/stackset/manifest.js';
import { actualInstances, batches, desiredStackSet, planInstances, recordDifferences, stackSetDifferences, type ActualInstance } from '../scripts/lib/stackset/reconcile.js';
import { finalRows, formatPlan, formatTable } from '../scripts/lib/stackset/report.js';
import { PhaseRunner } from '../scripts/lib/stackset/phases.js';
import { toleranceFailures } from '../scripts/lib/stackset/rollout.js';
import { s3Location, templateDifferences } from '../scripts/lib/stackset/template-source.js';

const spec = loadManifest('test/fixtures/stackset/three-accounts-two-regions.yaml');
const account = (id: string) => ({ kind: 'account' as const, id });
const actualOf = (d: DesiredInstance, overrides = d.overrides, status = 'CURRENT'): ActualInstance => ({
  unit: d.unit,
  region: d.region,
  overrides,
  status,
  accounts: [d.unit.id],
});

describe('instance plan', () => {
  test('nothing deployed: every target × region is added', () => {
    const plan = planInstances(spec.instances, []);
    assert.equal(plan.add.length, 6);
    assert.deepEqual([plan.update.length, plan.remove.length, plan.unchanged.length], [0, 0, 0]);
  });

  test('everything as in the manifest: nothing to do', () => {
    const plan = planInstances(
      spec.instances,
      spec.instances.map((d) => actualOf(d)),
    );
    assert.deepEqual([plan.add.length, plan.update.length, plan.remove.length, plan.unchanged.length], [0, 0, 0, 6]);
  });

  test('one changed override updates only that instance, with the difference as the reason', () => {
    const actual = spec.instances.map((d) => (d.unit.id === '111111111111' && d.region === 'us-east-1' ? actualOf(d, { VpcCidr: '10.39.0.0/16' }) : actualOf(d)));
    const plan = planInstances(spec.instances, actual);
    assert.equal(plan.update.length, 1);
    assert.deepEqual(plan.update[0].reasons, ['VpcCidr: 10.39.0.0/16 → 10.31.0.0/16']);
    assert.equal(plan.unchanged.length, 5);
  });

  test('an instance not in the manifest is removed; an OUTDATED one is updated again; INOPERABLE needs a person', () => {
    const extra: ActualInstance = { unit: account('999999999999'), region: 'us-east-1', overrides: {}, status: 'CURRENT', accounts: ['999999999999'] };
    const actual = spec.instances.map((d, i) => actualOf(d, d.overrides, i === 0 ? 'OUTDATED' : i === 1 ? 'INOPERABLE' : 'CURRENT'));
    const plan = planInstances(spec.instances, [...actual, extra]);
    assert.deepEqual(
      plan.remove.map((r) => r.unit.id),
      ['999999999999'],
    );
    assert.deepEqual(
      plan.update.map((u) => u.reasons),
      [['status OUTDATED']],
    );
    assert.equal(plan.notes.length, 1);
    assert.match(plan.notes[0], /222222222222 eu-west-1 is INOPERABLE/);
  });

  test('recordDifferences names added, changed and dropped keys', () => {
    assert.deepEqual(recordDifferences({ A: '1', B: '2' }, { B: '3', C: '4' }), ['A: 1 → (none)', 'B: 2 → 3', 'C: (none) → 4']);
  });

  test('OU members reported by list-stack-instances group into one instance per OU and region', () => {
    const grouped = actualInstances(
      [
        { Account: '111111111111', Region: 'eu-west-1', OrganizationalUnitId: 'ou-ab12-34cd56ef' },
        { Account: '222222222222', Region: 'eu-west-1', OrganizationalUnitId: 'ou-ab12-34cd56ef' },
      ],
      'SERVICE_MANAGED',
    );
    assert.deepEqual(
      grouped.map((g) => [g.unit, g.accounts]),
      [[{ kind: 'ou', id: 'ou-ab12-34cd56ef' }, ['111111111111', '222222222222']]],
    );
  });
});

describe('batches: as few operations as the overrides allow', () => {
  test('identical overrides and regions share one call; regions keep rollout order', () => {
    const instances = ['1', '2', '3'].flatMap((n) => ['us-east-1', 'eu-west-1'].map((region) => ({ unit: account(n.repeat(12)), region, overrides: { A: 'x' } })));
    assert.deepEqual(batches(instances, ['eu-west-1', 'us-east-1']), [
      { units: [account('111111111111'), account('222222222222'), account('333333333333')], regions: ['eu-west-1', 'us-east-1'], overrides: { A: 'x' } },
    ]);
  });

  test('the fixture (region and account overrides) needs one call per distinct override set', () => {
    const result = batches(spec.instances, spec.regionOrder);
    assert.equal(result.length, 6);
    for (const b of result) assert.equal(b.units.length * b.regions.length, 1);
  });

  test('a unit with a different region set gets its own call', () => {
    const result = batches(
      [
        { unit: account('111111111111'), region: 'eu-west-1', overrides: {} },
        { unit: account('111111111111'), region: 'us-east-1', overrides: {} },
        { unit: account('222222222222'), region: 'eu-west-1', overrides: {} },
      ],
      ['eu-west-1', 'us-east-1'],
    );
    assert.deepEqual(
      result.map((b) => [b.units.map((u) => u.id), b.regions]),
      [
        [['111111111111'], ['eu-west-1', 'us-east-1']],
        [['222222222222'], ['eu-west-1']],
      ],
    );
  });
});

describe('stack set differences', () => {
  const desired = desiredStackSet(spec, '123456789012');
  const deployed: DescribedStackSet = {
    StackSetName: spec.manifest.stackSetName,
    Description: spec.manifest.description,
    Parameters: Object.entries(spec.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    Tags: [{ Key: 'CostCenter', Value: 'payments-test' }],
    AdministrationRoleARN: 'arn:aws:iam::123456789012:role/payment-stackset-administration',
    ExecutionRoleName: 'payment-stackset-execution',
    ManagedExecution: { Active: false },
  };
  const all = { managedExecution: true, autoDeployment: true };

  test('the same stack set: no change', () => {
    assert.deepEqual(stackSetDifferences(deployed, desired, [], all).changes, []);
  });

  test('parameters, tags, roles and template changes are all named', () => {
    const changed: DescribedStackSet = {
      ...deployed,
      Parameters: [...deployed.Parameters!.filter((p) => p.ParameterKey !== 'VpcCidr'), { ParameterKey: 'VpcCidr', ParameterValue: '10.99.0.0/16' }],
      Tags: [],
      ExecutionRoleName: 'other',
    };
    assert.deepEqual(stackSetDifferences(changed, desired, ['network.yaml changed'], all).changes, [
      'template: network.yaml changed',
      'parameter VpcCidr: 10.99.0.0/16 → 10.20.0.0/16',
      'tag CostCenter: (none) → payments-test',
      'execution role: other → payment-stackset-execution',
    ]);
  });

  test('managed execution is a change of its own, never among the template and parameter changes; compared only where the target stores it', () => {
    const withManaged = { ...desired, managedExecution: true };
    const differences = stackSetDifferences(deployed, withManaged, [], all);
    assert.deepEqual(differences.changes, [], 'not part of the UpdateStackSet that carries the template');
    assert.deepEqual(differences.managedExecution, { from: false, to: true });
    assert.equal(stackSetDifferences(deployed, withManaged, [], { managedExecution: false, autoDeployment: false }).managedExecution, undefined);
  });
});

describe('estimate: waves and duration', () => {
  test('100 accounts × 3 regions, 10 at a time, tolerance 9, sequential: 30 waves', () => {
    const e = estimateRollout(
      { maxConcurrentCount: 10, failureToleranceCount: 9 },
      ['a', 'b', 'c'].map((region) => ({ region, targets: 100 })),
      45,
    );
    assert.equal(e.waves, 30);
    assert.equal(e.minutes, 30 * 45);
    assert.equal(formatDuration(e.minutes), '22 h 30 min');
  });

  test('STRICT_FAILURE_TOLERANCE caps concurrency at tolerance + 1; SOFT does not', () => {
    assert.deepEqual(concurrencyFor({ maxConcurrentCount: 10, failureToleranceCount: 1 }, 100), { concurrency: 2, limitedByTolerance: true });
    assert.deepEqual(concurrencyFor({ maxConcurrentCount: 10, failureToleranceCount: 1, concurrencyMode: 'SOFT_FAILURE_TOLERANCE' }, 100), {
      concurrency: 10,
      limitedByTolerance: false,
    });
  });

  test('percentages round down per region, at least one account at a time; AWS default is one', () => {
    assert.equal(concurrencyFor({ maxConcurrentPercentage: 25, failureTolerancePercentage: 100 }, 10).concurrency, 2);
    assert.equal(concurrencyFor({ maxConcurrentPercentage: 1, failureTolerancePercentage: 100 }, 10).concurrency, 1);
    assert.equal(concurrencyFor({}, 10).concurrency, 1);
  });

  test('PARALLEL regions take as long as the slowest region', () => {
    const e = estimateRollout(
      { regionConcurrency: 'PARALLEL', maxConcurrentCount: 25, concurrencyMode: 'SOFT_FAILURE_TOLERANCE' },
      ['a', 'b', 'c'].map((region) => ({ region, targets: 100 })),
      45,
    );
    assert.equal(e.waves, 4);
  });

  test('operations add up whether or not the stack set has managed execution: AWS queues every operation that arrives while one runs (API_ManagedExecution)', () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ManagedExecution.html:
    // "If there are already running or queued operations, StackSets queues all incoming operations even if they are non-conflicting."
    const shapes = ['1', '2', '3', '4'].map((n) => ({ label: n, units: 1, regions: ['eu-west-1'] }));
    const prefs = { maxConcurrentCount: 2, failureToleranceCount: 1 };
    assert.equal(estimateOperations(prefs, shapes, 45).waves, 4);
    const fleet = ['a', 'b', 'c'].flatMap((region) => Array.from({ length: 100 }, (_, i) => ({ label: `${i}`, units: 1, regions: [region] })));
    assert.equal(estimateOperations({ maxConcurrentCount: 10, failureToleranceCount: 9 }, fleet, 45).waves, 300, '300 per-instance operations: 300 waves');
    assert.equal(
      estimateOperations({ maxConcurrentCount: 10, failureToleranceCount: 9 }, [{ label: 'one', units: 100, regions: ['a', 'b', 'c'] }], 45).waves,
      30,
      'one operation for the fleet: 30 waves',
    );
  });
});

describe('final table and failure tolerance', () => {
  const instances: StackInstanceSummary[] = [
    { Account: '111111111111', Region: 'eu-west-1', Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } },
    {
      Account: '222222222222',
      Region: 'eu-west-1',
      Status: 'OUTDATED',
      StatusReason: 'ResourceLogicalId:Db, ResourceType:AWS::RDS::DBInstance, ResourceStatusReason:quota',
      StackInstanceStatus: { DetailedStatus: 'FAILED' },
    },
    { Account: '111111111111', Region: 'us-east-1', Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } },
    { Account: '222222222222', Region: 'us-east-1', Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } },
  ];
  const rows = finalRows(instances, []);

  test('account × region matrix, then the reasons', () => {
    const table = formatTable(rows, ['eu-west-1', 'us-east-1']);
    assert.match(table[0], /^account\s+eu-west-1\s+us-east-1$/);
    assert.match(table[3], /^222222222222\s+OUTDATED\/FAILED\s+CURRENT\/SUCCEEDED$/);
    assert.equal(table[4], 'reasons:');
    assert.match(table[5], /222222222222 eu-west-1: ResourceLogicalId:Db/);
  });

  test('one failure passes a tolerance of 1 and fails a tolerance of 0', () => {
    assert.deepEqual(toleranceFailures(rows, { failureToleranceCount: 1 }), []);
    assert.deepEqual(toleranceFailures(rows, { failureToleranceCount: 0 }), ['eu-west-1: 1 failed instance, over the failure tolerance of 0']);
    assert.deepEqual(toleranceFailures(rows, { failureTolerancePercentage: 50 }), []);
  });

  test('the plan text lists adds, updates and removals with the retention choice', () => {
    const plan = planInstances(spec.instances.slice(1), [actualOf(spec.instances[0])]);
    const text = formatPlan({ stackSet: 'none', stackSetChanges: [], ...plan }, { stackSetName: 'x', deleteStacks: false }).join('\n');
    assert.match(text, /instances: 5 to add, 0 to update, 1 to remove, 0 unchanged/);
    assert.match(text, /- 111111111111\s+eu-west-1\s+stack kept \(retained; --delete-stacks or DELETE_STACKS=1 deletes it\)/);
  });
});

describe('template comparison for the plan', () => {
  test('S3 URLs in both virtual-hosted and path style', () => {
    assert.deepEqual(s3Location('https://b.s3.amazonaws.com/templates/network-ab.yaml'), { bucket: 'b', key: 'templates/network-ab.yaml' });
    assert.deepEqual(s3Location('https://b.s3.eu-west-1.amazonaws.com/k.yaml'), { bucket: 'b', key: 'k.yaml' });
    assert.deepEqual(s3Location('https://s3.eu-west-1.amazonaws.com/b/k.yaml'), { bucket: 'b', key: 'k.yaml' });
    assert.equal(s3Location('network.yaml'), undefined);
  });

  test('the platform root: unchanged when every deployed layer matches generated/, changed layer named otherwise', async () => {
    const prod = loadManifest('stacksets/payments-prod.yaml');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { GENERATED_TEMPLATES } = await import('../scripts/lib/paths.js');
    // The deployed root: the local one with TemplateURLs pointing at S3 keys named after the layer files.
    const deployedRoot = prod.templateText.replace(/TemplateURL: (\S+)\.yaml/g, 'TemplateURL: https://bucket.s3.amazonaws.com/templates/$1-0123abcd.yaml');
    const layer = (key: string) => readFileSync(join(GENERATED_TEMPLATES, key.replace(/^templates\/(.+)-0123abcd\.yaml$/, '$1.yaml')), 'utf8');
    assert.deepEqual(await templateDifferences(prod, deployedRoot, async (_b, key) => layer(key)), []);
    const changed = await templateDifferences(prod, deployedRoot, async (_b, key) =>
      key.includes('network') ? layer(key).replace("Description: '", "Description: 'old ") : layer(key),
    );
    assert.deepEqual(changed, ['network.yaml changed']);
    const rootChanged = await templateDifferences(prod, deployedRoot.replace(/^Description: .*$/m, "Description: 'old root'"), async (_b, key) => layer(key));
    assert.deepEqual(rootChanged, ["generated/templates/root.yaml (outside the nested stacks' TemplateURLs)"]);
  });
});

describe('phases: operations one after the other, against recorded AWS responses', () => {
  /**
   * CloudFormation answering a phase: each operation RUNNING on its first poll, then SUCCEEDED
   * (FAILED for the IDs in `failing`); a second operation while one runs is refused with
   * OperationInProgressException unless `managed` (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackInstances.html).
   */
  function recorded(options: { failing?: Set<number>; busyFirst?: boolean } = {}) {
    const started: string[] = [];
    const polls = new Map<string, number>();
    let running: string | undefined;
    let busy = options.busyFirst ?? false;
    const aws = recordedAws({
      cloudformation: {
        CreateStackInstances: (input: { OperationId: string }) => {
          if (busy || running) return { $error: { code: 'OperationInProgressException', message: 'Another Operation on StackSet [x] is in progress: other-op' } };
          started.push(input.OperationId);
          running = input.OperationId;
          return { OperationId: input.OperationId };
        },
        ListStackSetOperations: () => {
          const wasBusy = busy;
          busy = false; // the other operation ends while we wait for it
          return { Summaries: wasBusy ? [{ OperationId: 'other-op', Action: 'CREATE', Status: 'RUNNING' }] : [] };
        },
        DescribeStackSetOperation: (input: { OperationId: string }) => {
          if (input.OperationId === 'other-op') return { StackSetOperation: { OperationId: 'other-op', Action: 'CREATE', Status: 'SUCCEEDED' } };
          const n = (polls.get(input.OperationId) ?? 0) + 1;
          polls.set(input.OperationId, n);
          if (n < 2) return { StackSetOperation: { OperationId: input.OperationId, Status: 'RUNNING' } };
          running = undefined;
          const failed = options.failing?.has(started.indexOf(input.OperationId));
          return {
            StackSetOperation: { OperationId: input.OperationId, Status: failed ? 'FAILED' : 'SUCCEEDED', StatusReason: failed ? 'eu-west-1: 1 of 1 instances failed' : undefined },
          };
        },
        ListStackSetOperationResults: (input: { OperationId: string }) => ({
          Summaries: [
            {
              Account: `acct-${started.indexOf(input.OperationId)}`,
              Region: 'eu-west-1',
              Status: options.failing?.has(started.indexOf(input.OperationId)) ? 'FAILED' : 'SUCCEEDED',
            },
          ],
        }),
      },
    });
    return { api: new StackSetApi(aws.clients.admin), started, aws };
  }
  const calls = (api: StackSetApi, n: number) =>
    Array.from({ length: n }, () => ({
      regions: ['eu-west-1'],
      start: (OperationId: string) => api.createStackInstances({ StackSetName: 'x', Accounts: ['111111111111'], Regions: ['eu-west-1'], OperationId }),
    }));
  const wait = { pollMs: 0, timeoutMs: 10_000, log: () => undefined, sleep: () => new Promise<void>((r) => setImmediate(r)) };
  const targets = new Map([['eu-west-1', 6]]);

  test('one after the other, each started under the OperationId the run chose (and logged first)', async () => {
    const { api, started, aws } = recorded();
    const runner = new PhaseRunner(api, 'x', { maxConcurrentCount: 3, failureToleranceCount: 2 }, targets, wait);
    assert.equal(await runner.run('CREATE', calls(api, 3)), true);
    assert.equal(runner.operations, 3);
    assert.deepEqual(
      aws.callsOf('CreateStackInstances').map((c) => c.input.OperationId),
      started,
      'the ID sent is the ID waited on',
    );
    for (const id of started) assert.match(id, /^[0-9a-f-]{36}$/);
  });

  test('OperationInProgressException (another operation holds the stack set): waits for it, then starts again with the same OperationId', async () => {
    const { api, started, aws } = recorded({ busyFirst: true });
    const runner = new PhaseRunner(api, 'x', undefined, targets, wait);
    assert.equal(await runner.run('CREATE', calls(api, 1)), true);
    const attempts = aws.callsOf('CreateStackInstances').map((c) => c.input.OperationId);
    assert.equal(attempts.length, 2, 'refused once, then started');
    assert.equal(attempts[0], attempts[1], 'the same idempotency token both times');
    assert.deepEqual(started, [attempts[0]]);
    assert.ok(
      aws.callsOf('DescribeStackSetOperation').some((c) => c.input.OperationId === 'other-op'),
      'the other operation was waited for',
    );
  });

  test('a failed operation ends the phase: no further operation is started', async () => {
    const { api, started } = recorded({ failing: new Set([0]) });
    const runner = new PhaseRunner(api, 'x', { failureToleranceCount: 0 }, targets, wait);
    assert.equal(await runner.run('CREATE', calls(api, 3)), false);
    assert.equal(started.length, 1);
    assert.match(runner.failures[0], /CREATE operation \S+ ended FAILED: eu-west-1: 1 of 1 instances failed/);
  });
});
