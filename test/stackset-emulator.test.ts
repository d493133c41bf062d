// make stackset against the local emulator, which runs stack set operations as CloudFormation
// does (scripts/emulator/compat/stacksets/): asynchronous operations whose per-instance results
// and instance statuses come from the instance stacks' real outcome.
//
//  - 3 accounts × 2 regions of a small template: create → every instance CURRENT and its stack
//    CREATE_COMPLETE in the target account; unchanged → no operation; one account's override in
//    one region → one UPDATE operation that updates that stack only (LastUpdatedTime); an
//    account removed → its instances go, its stacks stay (RetainStacks) unless DELETE_STACKS;
//    drift → "not supported by the emulator";
//  - a failing instance: OUTDATED/FAILED with the stack's reason, the failed resource read from
//    the instance's stack events in the target account, the rest of the region CANCELLED
//    (failure tolerance 0), exit 1; the manifest fixed → both instances CURRENT;
//  - the full platform from stacksets/payments-prod.yaml (2 accounts × 2 regions, no per-instance
//    value: certificates, prefix list and DR region from each account's SSM parameters, set by the
//    emulator set-up): the canary first, then one operation for the other 3 instances → every
//    instance CURRENT with the root and every layer stack CREATE_COMPLETE, the DR vault stack set
//    first (a vault stack in every account × region, each region's DR region the other one);
//    unchanged → no operation; one account's NatGatewayCount in one region → only that instance's
//    stacks updated.
//
// Stack set names and account IDs are unique per run: the emulator keeps state between runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import { paginateDescribeStacks, paginateListStackResources, type Stack } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { parseTemplate } from '../templates-src/core/yaml.js';
import { resolveTarget, type AwsTarget } from '../scripts/lib/aws.js';
import { ensureEmulator } from '../scripts/lib/deploy/emulator.js';
import { packageTemplates } from '../scripts/lib/package.js';
import { GENERATED_TEMPLATES, ROOT } from '../scripts/lib/paths.js';
import { StackSetApi } from '../scripts/lib/stackset/api.js';
import { stackSetClients, type StackSetClients } from '../scripts/lib/stackset/clients.js';
import { loadManifest } from '../scripts/lib/stackset/manifest.js';
import { applyRollout, type ApplyResult } from '../scripts/lib/stackset/rollout.js';
import { EXIT, main } from '../scripts/stackset.js';

const RUN = Date.now().toString(36).slice(-6);
const fixture = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', 'stackset', name), 'utf8');
/** 12-digit account IDs of this run (the emulator creates accounts on first use). */
const accountIds = (n: number, salt: string): string[] =>
  Array.from({ length: n }, (_, i) => ((parseInt(createHash('sha256').update(`${RUN}${salt}${i}`).digest('hex').slice(0, 10), 16) % 9e11) + 1e11).toString());

let target: AwsTarget;
let clients: StackSetClients;
let api: StackSetApi;
let dir: string;
const saved = { ...process.env };

before(() => {
  ensureEmulator();
  dir = mkdtempSync(join(tmpdir(), 'stackset-emulator-'));
  // The administration account's region; the instances go to the manifests' regions.
  Object.assign(process.env, { TARGET: 'local', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1', STACKSET_POLL_SECONDS: '0.1' });
  target = resolveTarget();
  clients = stackSetClients(target);
  api = new StackSetApi(clients.admin);
});

after(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs stackset.ts in this process (the code path of make stackset); returns exit code and output. */
async function stackset(t: { mock: { method: (...args: never[]) => unknown } }, command: string, manifestText: string, extra: string[] = []) {
  const file = join(dir, `${command}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, manifestText);
  const out: string[] = [];
  const err: string[] = [];
  const logMock = (t.mock.method as any)(console, 'log', (...args: unknown[]) => out.push(args.join(' ')));
  const errorMock = (t.mock.method as any)(console, 'error', (...args: unknown[]) => err.push(args.join(' ')));
  const code = await main([command, '--manifest', file, ...extra]);
  logMock.mock.restore();
  errorMock.mock.restore();
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const operations = (name: string) => api.listOperations(name);
const newOperations = async (name: string, before: readonly { OperationId?: string }[]) =>
  (await operations(name)).filter((o) => !before.some((b) => b.OperationId === o.OperationId));
const instances = (name: string) => api.listStackInstances(name);
const results = (name: string, operationId: string) => api.listOperationResults(name, operationId);
const overridesOf = async (name: string, account: string, region: string): Promise<Record<string, string>> =>
  Object.fromEntries(((await api.describeStackInstance(name, account, region))?.ParameterOverrides ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));

/** The emulator as a target account sees it in one region (assume-role of the execution role, as AWS does it). */
const inAccount = (account: string, region: string) => clients.inAccount(account, region, 'payment-stackset-execution');
async function stacksIn(account: string, region: string): Promise<Stack[]> {
  const out: Stack[] = [];
  for await (const page of paginateDescribeStacks({ client: inAccount(account, region).cloudformation }, {})) out.push(...(page.Stacks ?? []));
  return out;
}
/** Is this the stack of an instance of stack set `name`: StackSet-<name>-<UUID> (not <name>-dr-vault's, nor a nested stack)? */
const isInstanceStackOf =
  (name: string) =>
  (s: Stack): boolean =>
    !s.ParentId && new RegExp(`^StackSet-${name}-[0-9a-f]{8}-[0-9a-f]{4}-`).test(s.StackName!);
/** The stack set's own stack in a target account (not its nested stacks). */
const instanceStack = async (name: string, account: string, region: string): Promise<Stack | undefined> => (await stacksIn(account, region)).find(isInstanceStackOf(name));
const parametersOf = (stack: Stack): Record<string, string> => Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));

describe('make stackset on the emulator: 3 accounts × 2 regions', () => {
  const name = `payment-stackset-test-${RUN}`;
  const [a1, a2, a3] = accountIds(3, 'small');
  const manifest = fixture('three-accounts-two-regions.yaml')
    .replace('stackSetName: payment-stackset-test', `stackSetName: ${name}`)
    .replace(/111111111111/g, a1)
    .replace(/222222222222/g, a2)
    .replace(/333333333333/g, a3);
  const changed = manifest.replace(`      VpcCidr: 10.32.0.0/16\n`, `      VpcCidr: 10.32.0.0/16\n    regionParameters:\n      us-east-1:\n        VpcCidr: 10.42.0.0/16\n`);
  const withoutA3 = changed.replace(`  - account: '${a3}'\n`, '');
  const withoutA2A3 = withoutA3.replace(
    / {2}- account: '\d+'\n {4}parameters:\n {6}VpcCidr: 10\.32\.0\.0\/16\n {4}regionParameters:\n {6}us-east-1:\n {8}VpcCidr: 10\.42\.0\.0\/16\n/,
    '',
  );

  test('create: every instance CURRENT, its stack CREATE_COMPLETE in the target account with the stack set parameters and the overrides laid over them', async (t) => {
    const run = await stackset(t, 'apply', manifest);
    assert.equal(run.code, EXIT.ok, run.stdout + run.stderr);
    const all = await instances(name);
    assert.equal(all.length, 6);
    assert.ok(
      all.every((i) => i.Status === 'CURRENT' && i.StackInstanceStatus?.DetailedStatus === 'SUCCEEDED'),
      JSON.stringify(all),
    );
    assert.match(run.stdout, /^account\s+eu-west-1\s+us-east-1$/m, 'the final table, account × region');
    assert.match(run.stdout, new RegExp(`^\\s+CREATE\\s+${a1}\\s+eu-west-1\\s+SUCCEEDED`, 'm'), 'progress per account and region');
    for (const instance of all) {
      const stack = await instanceStack(name, instance.Account!, instance.Region!);
      assert.equal(stack?.StackStatus, 'CREATE_COMPLETE', `${instance.Account} ${instance.Region}`);
      assert.equal(stack.StackId, instance.StackId, 'the instance names its real stack');
      assert.match(stack.StackName!, new RegExp(`^StackSet-${name}-[0-9a-f-]{36}$`), "AWS's instance stack name");
    }
    const own = parametersOf((await instanceStack(name, a1, 'eu-west-1'))!);
    assert.equal(own.Environment, 'staging', "the stack set's parameter (parameter file)");
    assert.equal(own.VpcCidr, '10.31.0.0/16', 'account override');
    assert.equal(own.NatGatewayCount, '2', 'region override');
    assert.deepEqual(await overridesOf(name, a3, 'us-east-1'), {}, 'an instance without overrides reports none');
  });

  test('run again unchanged: no operation', async (t) => {
    const before = await operations(name);
    const run = await stackset(t, 'apply', manifest);
    assert.equal(run.code, EXIT.ok, run.stderr);
    assert.match(run.stdout, /nothing to change: no operation started/);
    assert.equal((await operations(name)).length, before.length);
  });

  test("one account's override changed (in one region): one operation that updates only that instance's stack", async (t) => {
    const plan = await stackset(t, 'plan', changed);
    assert.equal(plan.code, EXIT.ok, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /instances: 0 to add, 1 to update, 0 to remove, 5 unchanged/);
    assert.match(plan.stdout, new RegExp(`~ ${a2}\\s+us-east-1\\s+VpcCidr: 10\\.32\\.0\\.0/16 → 10\\.42\\.0\\.0/16`));

    const before = await operations(name);
    const run = await stackset(t, 'apply', changed);
    assert.equal(run.code, EXIT.ok, run.stderr);
    const added = await newOperations(name, before);
    assert.deepEqual(
      added.map((o) => [o.Action, o.Status]),
      [['UPDATE', 'SUCCEEDED']],
    );
    assert.deepEqual(
      (await results(name, added[0].OperationId!)).map((r) => [r.Account, r.Region, r.Status]),
      [[a2, 'us-east-1', 'SUCCEEDED']],
    );
    assert.deepEqual(await overridesOf(name, a2, 'us-east-1'), { VpcCidr: '10.42.0.0/16' });
    assert.deepEqual(await overridesOf(name, a2, 'eu-west-1'), { NatGatewayCount: '2', VpcCidr: '10.32.0.0/16' });

    const updated = (await instanceStack(name, a2, 'us-east-1'))!;
    assert.equal(updated.StackStatus, 'UPDATE_COMPLETE');
    assert.ok(updated.LastUpdatedTime, 'the stack was updated');
    assert.equal(parametersOf(updated).VpcCidr, '10.42.0.0/16');
    for (const [account, region] of [
      [a1, 'us-east-1'],
      [a1, 'eu-west-1'],
      [a2, 'eu-west-1'],
      [a3, 'us-east-1'],
      [a3, 'eu-west-1'],
    ]) {
      const other = (await instanceStack(name, account, region))!;
      assert.equal(other.StackStatus, 'CREATE_COMPLETE', `${account} ${region} untouched`);
      assert.equal(other.LastUpdatedTime, undefined, `${account} ${region} never updated`);
    }

    const again = await stackset(t, 'apply', changed);
    assert.match(again.stdout, /nothing to change: no operation started/);
  });

  test('an account removed: only its instances go, their stacks retained; then nothing to do', async (t) => {
    const before = await operations(name);
    const run = await stackset(t, 'apply', withoutA3);
    assert.equal(run.code, EXIT.ok, run.stderr);
    assert.match(run.stdout, /stack kept \(retained/);
    const added = await newOperations(name, before);
    assert.deepEqual(
      added.map((o) => [o.Action, o.Status]),
      [['DELETE', 'SUCCEEDED']],
    );
    assert.deepEqual((await results(name, added[0].OperationId!)).map((r) => `${r.Account} ${r.Region} ${r.Status}`).sort(), [
      `${a3} eu-west-1 SUCCEEDED`,
      `${a3} us-east-1 SUCCEEDED`,
    ]);
    const left = await instances(name);
    assert.equal(left.length, 4);
    assert.ok(
      left.every((i) => i.Account !== a3),
      `no instance left in account ${a3}`,
    );
    for (const region of ['us-east-1', 'eu-west-1'])
      assert.equal((await instanceStack(name, a3, region))?.StackStatus, 'CREATE_COMPLETE', `${a3} ${region}: the stack is retained`);
    assert.equal((await instanceStack(name, a1, 'us-east-1'))?.LastUpdatedTime, undefined, 'the other instances are untouched');

    const count = (await operations(name)).length;
    const again = await stackset(t, 'apply', withoutA3);
    assert.match(again.stdout, /nothing to change: no operation started/);
    assert.equal((await operations(name)).length, count);
  });

  test('an account removed with --delete-stacks: its stacks are deleted', async (t) => {
    const run = await stackset(t, 'apply', withoutA2A3, ['--delete-stacks']);
    assert.equal(run.code, EXIT.ok, run.stdout + run.stderr);
    assert.match(run.stdout, /stack deleted \(--delete-stacks\)/);
    assert.deepEqual(
      (await instances(name)).map((i) => i.Account),
      [a1, a1],
    );
    for (const region of ['us-east-1', 'eu-west-1']) assert.equal(await instanceStack(name, a2, region), undefined, `${a2} ${region}: the stack is deleted`);
  });

  test('drift: the emulator has no drift detection — a distinct exit code and message', async (t) => {
    const run = await stackset(t, 'drift', manifest);
    assert.equal(run.code, EXIT.driftUnsupported, run.stdout + run.stderr);
    assert.match(run.stderr, /stackset drift: not supported by the emulator: detect-stack-set-drift answered /);
  });
});

describe('make stackset on the emulator: an instance whose stack fails', () => {
  const name = `payment-stackset-fail-${RUN}`;
  const [b1, b2] = accountIds(2, 'fail');
  const prefix = `payment-stackset-taken-${RUN}`;
  // Both accounts share the override, so one operation deploys them, one account at a time; the bucket is <prefix>-<account>.
  const manifest = (bucketOverride: boolean): string =>
    [
      `stackSetName: ${name}`,
      'template: test/fixtures/stackset/bucket-template.yaml',
      'parameterFile: test/fixtures/stackset/bucket-parameters.json',
      'permissions: {model: SELF_MANAGED, administrationRoleName: payment-stackset-administration, executionRoleName: payment-stackset-execution}',
      `targets: [{account: '${b1}'}, {account: '${b2}'}]`,
      'regions: [eu-west-1]',
      ...(bucketOverride ? [`regionParameters: {eu-west-1: {BucketName: ${prefix}}}`] : []),
      'operationPreferences: {maxConcurrentCount: 1, failureToleranceCount: 0}',
    ].join('\n');

  test("create: the failing instance OUTDATED/FAILED with its stack's reason, the rest CANCELLED, exit 1; fixed manifest → both CURRENT", async (t) => {
    // S3 names are global: b1's bucket exists already, so b1's stack cannot create it.
    await clients.admin.s3().send(new CreateBucketCommand({ Bucket: `${prefix}-${b1}` }));
    const run = await stackset(t, 'apply', manifest(true));
    assert.equal(run.code, EXIT.failed, run.stdout + run.stderr);
    const byAccount = new Map((await instances(name)).map((i) => [i.Account, i]));
    assert.equal(byAccount.get(b1)?.Status, 'OUTDATED');
    assert.equal(byAccount.get(b1)?.StackInstanceStatus?.DetailedStatus, 'FAILED');
    assert.match(byAccount.get(b1)?.StatusReason ?? '', /ResourceLogicalId:Bucket, ResourceType:AWS::S3::Bucket, ResourceStatusReason:BucketAlreadyExists/);
    assert.equal(byAccount.get(b2)?.StackInstanceStatus?.DetailedStatus, 'CANCELLED', 'failure tolerance 0: the next account is not started');
    assert.equal((await instanceStack(name, b1, 'eu-west-1'))?.StackStatus, 'ROLLBACK_COMPLETE');
    assert.equal(await instanceStack(name, b2, 'eu-west-1'), undefined);
    assert.match(run.stdout, new RegExp(`^${b1}\\s+OUTDATED/FAILED$`, 'm'));
    assert.match(run.stdout, new RegExp(`^${b2}\\s+OUTDATED/CANCELLED$`, 'm'));
    assert.match(run.stdout, new RegExp(`^\\s+${b1} eu-west-1: ResourceLogicalId:Bucket.*BucketAlreadyExists`, 'm'), 'the reason under the table');
    assert.match(
      run.stdout,
      new RegExp(`^why \\(first failed resource inside the nested stacks\\):\\n\\s+${b1} eu-west-1 \\(root\\): Bucket \\(AWS::S3::Bucket\\): BucketAlreadyExists`, 'm'),
      "the failed resource from the instance stack's events, read in the target account",
    );
    assert.match(run.stderr, /CREATE operation \S+ ended FAILED: eu-west-1: 1 of 2 instances failed, over the failure tolerance of 0/);

    const fixed = await stackset(t, 'apply', manifest(false));
    assert.equal(fixed.code, EXIT.ok, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /instances: 0 to add, 2 to update, 0 to remove, 0 unchanged/);
    const after = await instances(name);
    assert.ok(
      after.every((i) => i.Status === 'CURRENT'),
      JSON.stringify(after),
    );
    for (const account of [b1, b2]) assert.equal((await instanceStack(name, account, 'eu-west-1'))?.StackStatus, 'CREATE_COMPLETE', account);
  });
});

describe('make stackset on the emulator: the full platform (stacksets/payments-prod.yaml)', () => {
  const name = `payment-platform-test-${RUN}`;
  const [p1, p2] = accountIds(2, 'platform');
  const manifest = readFileSync(join(ROOT, 'stacksets', 'payments-prod.yaml'), 'utf8')
    .replace('stackSetName: payment-platform-prod', `stackSetName: ${name}`)
    .replace(/210987654321/g, p1)
    .replace(/321098765432/g, p2);
  const regions = ['eu-west-1', 'eu-central-1'];
  const root = parseTemplate(readFileSync(join(GENERATED_TEMPLATES, 'root.yaml'), 'utf8'), 'root.yaml') as { Resources: Record<string, { Type: string }> };
  const layers = Object.values(root.Resources).filter((r) => r.Type === 'AWS::CloudFormation::Stack').length;
  const ssmParameters = loadManifest('stacksets/payments-prod.yaml').ssmParameters;
  const lines: string[] = [];

  /** applyRollout as make stackset runs it, packaging into this file's own directory (tests run side by side). */
  async function rollout(text: string): Promise<ApplyResult> {
    const file = join(dir, `platform-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    lines.length = 0;
    return applyRollout(loadManifest(file), {
      api,
      clients,
      target,
      log: (line) => lines.push(line),
      deleteStacks: false,
      wait: { pollMs: 100, timeoutMs: 300_000 },
      packager: (options) => packageTemplates({ ...options, outDir: join(dir, 'packaged') }),
    });
  }

  test("plan first: the target accounts' SSM parameters announced, nothing set or created", async (t) => {
    const run = await stackset(t, 'plan', manifest);
    assert.equal(run.code, EXIT.ok, run.stdout + run.stderr);
    assert.match(run.stdout, /instances: 4 to add, 0 to update, 0 to remove, 0 unchanged/);
    assert.match(run.stdout, new RegExp(`^emulator: ${4 * ssmParameters.length} SSM parameters the instances resolve not set yet in their target accounts`, 'm'));
    assert.deepEqual((await inAccount(p1, 'eu-west-1').acm.send(new ListCertificatesCommand({}))).CertificateSummaryList, [], 'plan issues no certificate');
    assert.match(run.stdout, /stack set \S+: create/);
    assert.ok(ssmParameters.length >= 3, `the certificates, prefix list and DR region come from the accounts: ${ssmParameters.join(', ')}`);
    assert.match(run.stdout, /this run: 2 operations that deploy stacks/, 'the canary, then the rest in one operation');
  });

  test(`create 2 accounts × 2 regions: the canary first, then one operation for the rest; every instance CURRENT, its root and ${layers} layer stacks CREATE_COMPLETE`, async () => {
    const before = await operations(name).catch(() => []);
    const result = await rollout(manifest);
    const output = lines.join('\n');
    assert.deepEqual(result.failures, [], output);
    assert.equal(result.rows.length, 4);
    assert.ok(
      result.rows.every((r) => r.status === 'CURRENT/SUCCEEDED'),
      output,
    );
    const created = (await newOperations(name, before)).filter((o) => o.Action === 'CREATE');
    assert.equal(created.length, 2, 'one operation per phase, after the canary');
    const byOperation = await Promise.all(created.map(async (o) => (await results(name, o.OperationId!)).map((r) => `${r.Account} ${r.Region}`).sort()));
    byOperation.sort((a, b) => Number(b[0].startsWith(p1)) - Number(a[0].startsWith(p1)));
    assert.deepEqual(
      byOperation,
      [
        [`${p1} eu-central-1`, `${p1} eu-west-1`],
        [`${p2} eu-central-1`, `${p2} eu-west-1`],
      ],
      'the canary account first, then every other account in one operation',
    );
    assert.match(output, new RegExp(`CREATE: canary ${p1} eu-west-1, eu-central-1 and its nested stacks completed; the rest starts`));
    for (const account of [p1, p2]) {
      for (const region of regions) {
        const stacks = await stacksIn(account, region);
        const own = stacks.find(isInstanceStackOf(name));
        assert.equal(own?.StackStatus, 'CREATE_COMPLETE', `${account} ${region}`);
        const nested = stacks.filter((s) => s.ParentId === own.StackId);
        assert.equal(nested.length, layers, `${account} ${region}: every layer`);
        assert.ok(
          nested.every((s) => s.StackStatus === 'CREATE_COMPLETE'),
          `${account} ${region}: ${nested.map((s) => `${s.StackName} ${s.StackStatus}`).join(', ')}`,
        );
        assert.deepEqual(await overridesOf(name, account, region), {}, `${account} ${region}: no per-instance override`);
        // The certificate comes from the account's SSM parameter, which the emulator set to its own certificate there.
        const certificate = (await inAccount(account, region).ssm.send(new GetParameterCommand({ Name: '/payment/front-door/nlb-certificate-arn' }))).Parameter?.Value;
        assert.match(certificate ?? '', new RegExp(`^arn:aws:acm:${region}:${account}:certificate/`));
        const held = ((await inAccount(account, region).acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? []).map((c) => c.CertificateArn);
        assert.ok(held.includes(certificate), `${account} ${region}: the certificate is in that account's ACM`);
      }
    }
    assert.match(output, /^emulator: \d+ SSM parameters the instances resolve set in their target accounts/m);
    // The DR vault stack set went first: a vault in every account × region, where the other region's copies go.
    const vaultName = `${name}-dr-vault`;
    assert.ok(
      (result as { drVault?: ApplyResult }).drVault?.rows.every((r) => r.status === 'CURRENT/SUCCEEDED'),
      output,
    );
    for (const account of [p1, p2]) {
      for (const region of regions) {
        const vaultStack = await instanceStack(vaultName, account, region);
        assert.equal(vaultStack?.StackStatus, 'CREATE_COMPLETE', `${account} ${region}: the DR vault stack`);
        const vaults: string[] = [];
        for await (const page of paginateListStackResources({ client: inAccount(account, region).cloudformation }, { StackName: vaultStack!.StackId }))
          vaults.push(...(page.StackResourceSummaries ?? []).filter((r) => r.ResourceType === 'AWS::Backup::BackupVault').map((r) => r.PhysicalResourceId!));
        assert.deepEqual(vaults, ['payment-backup-dr-prod'], `${account} ${region}: the vault the other region copies to`);
        const dr = (await inAccount(account, region).ssm.send(new GetParameterCommand({ Name: '/payment/backup/dr-region' }))).Parameter?.Value;
        assert.equal(
          dr,
          regions.find((r) => r !== region),
          `${account} ${region}: the emulator's DR region is the other region of the vault stack set`,
        );
      }
    }
    assert.ok(output.indexOf(`stack set ${vaultName} created`) < output.indexOf(`stack set ${name} created`), 'the vault stack set before the platform');
    assert.equal(parametersOf((await instanceStack(name, p2, 'eu-central-1'))!).Environment, 'prod', "the stack set's parameter file");
    // moto's /moto-api/data.json fails once a Lambda function exists; the emulator's health check must not.
    assert.equal(spawnSync('bash', [join(ROOT, 'scripts', 'emulator', 'emulator.sh'), 'status']).status, 0, 'emulator.sh status answers with Lambda functions deployed');
  });

  test('run again unchanged: no operation, and nothing said about the emulator set-up', async () => {
    const before = (await operations(name)).length;
    const result = await rollout(manifest);
    assert.deepEqual(result.failures, [], lines.join('\n'));
    assert.equal(result.operations, 0);
    assert.match(lines.join('\n'), /nothing to change: no operation started/);
    assert.doesNotMatch(lines.join('\n'), /^emulator:/m, 'no emulator line when nothing was set');
    assert.equal((await operations(name)).length, before);
  });

  test("one account's NatGatewayCount in one region: only that instance's stacks are updated", async () => {
    const changed = manifest.replace(
      `  - account: '${p2}' # cards UK\n`,
      `  - account: '${p2}' # cards UK\n    regionParameters:\n      eu-central-1:\n        NatGatewayCount: 2\n`,
    );
    assert.notEqual(changed, manifest);
    const before = await operations(name);
    const result = await rollout(changed);
    assert.deepEqual(result.failures, [], lines.join('\n'));
    const added = await newOperations(name, before);
    assert.deepEqual(
      added.map((o) => [o.Action, o.Status]),
      [['UPDATE', 'SUCCEEDED']],
    );
    assert.deepEqual(
      (await results(name, added[0].OperationId!)).map((r) => [r.Account, r.Region, r.Status]),
      [[p2, 'eu-central-1', 'SUCCEEDED']],
    );
    const updated = (await instanceStack(name, p2, 'eu-central-1'))!;
    assert.equal(updated.StackStatus, 'UPDATE_COMPLETE');
    assert.equal(parametersOf(updated).NatGatewayCount, '2');
    const network = (await stacksIn(p2, 'eu-central-1')).find((s) => s.ParentId === updated.StackId && /NetworkStack/.test(s.StackName!))!;
    const nat: string[] = [];
    for await (const page of paginateListStackResources({ client: inAccount(p2, 'eu-central-1').cloudformation }, { StackName: network.StackId })) {
      for (const r of page.StackResourceSummaries ?? []) if (r.ResourceType === 'AWS::EC2::NatGateway') nat.push(r.LogicalResourceId!);
    }
    assert.equal(nat.length, 2, 'the network layer in that account and region has 2 NAT gateways left');
    for (const account of [p1, p2]) {
      for (const region of regions) {
        if (account === p2 && region === 'eu-central-1') continue;
        assert.equal((await instanceStack(name, account, region))?.LastUpdatedTime, undefined, `${account} ${region} untouched`);
      }
    }
  });
});
