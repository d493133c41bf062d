// The DR vault of a StackSet fleet (scripts/lib/stackset/dr-vault.ts), against recorded AWS
// responses. AWS Backup copies a recovery point only to a vault that exists in the destination
// region (https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html), and the
// platform's root cannot create one in another region: make stackset manages the companion stack
// set <name>-dr-vault of generated/standalone/dr-backup-vault.yaml in every target × region of the
// manifest and its drRegions, first; the preflight checks the DR region each account names in SSM
// against the vault stack set's regions; the ownership check covers the vault stacks.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from '../scripts/lib/paths.js';
import { DR_VAULT_FILE, drRegionProblem, drVaultSpec } from '../scripts/lib/stackset/dr-vault.js';
import { ownedResources, sourcedInstances } from '../scripts/lib/stackset/instance-checks.js';
import { ManifestError, loadManifest } from '../scripts/lib/stackset/manifest.js';
import { previewRollout } from '../scripts/lib/stackset/preview.js';
import { applyRollout, planRollout } from '../scripts/lib/stackset/rollout.js';
import { formFields } from './lib/recorded-aws.js';
import { fakeStackSetAws, healthyAccount } from './lib/stackset-aws.js';

const prod = loadManifest('stacksets/payments-prod.yaml');
const prodText = readFileSync(join(ROOT, 'stacksets', 'payments-prod.yaml'), 'utf8');
const VAULT = 'payment-platform-prod-dr-vault';
const dir = mkdtempSync(join(tmpdir(), 'stackset-dr-vault-'));
const manifestOf = (text: string) => {
  const file = join(dir, `m-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return loadManifest(file);
};
const withDrRegions = manifestOf(prodText.replace('regions: [eu-west-1, eu-central-1]\n', 'regions: [eu-west-1, eu-central-1]\ndrRegions: [eu-north-1]\n'));
/** Every target account names this DR region in SSM in every region. */
const namingDr = (dr: (region: string) => string) => (_account: string, region: string) => {
  const healthy = healthyAccount(region);
  return {
    ...healthy,
    ssm: {
      GetParameters: (input: { Names: string[] }) => ({
        Parameters: input.Names.map((Name) => ({
          Name,
          Type: 'String',
          Value: Name.includes('dr-region') ? dr(region) : Name.includes('certificate') ? 'arn:aws:acm:eu-west-1:111111111111:certificate/abc' : 'value',
        })),
        InvalidParameters: [],
      }),
    },
  };
};

describe('the DR vault stack set of a platform manifest', () => {
  test("its spec: <name>-dr-vault, the vault template inline, every target × every region of the manifest, the platform's parameters of the same name, no overrides", () => {
    const vault = drVaultSpec(prod)!;
    assert.equal(vault.manifest.stackSetName, VAULT);
    assert.equal(vault.template, DR_VAULT_FILE);
    assert.equal(vault.hasNestedStacks, false, 'no nested stacks: an inline template, no packaging');
    assert.equal(vault.templateText, readFileSync(join(ROOT, DR_VAULT_FILE), 'utf8'));
    assert.deepEqual(vault.parameters, { EnableVaultLock: prod.parameters.EnableVaultLock, Environment: 'prod' }, "the vault template's parameters, from the platform's");
    assert.deepEqual(
      vault.instances.map((i) => `${i.unit.id} ${i.region}`),
      ['210987654321 eu-west-1', '321098765432 eu-west-1', '210987654321 eu-central-1', '321098765432 eu-central-1'],
    );
    assert.ok(
      vault.instances.every((i) => Object.keys(i.overrides).length === 0),
      'one operation per phase',
    );
    assert.deepEqual(vault.manifest.permissions, prod.manifest.permissions, 'the same administration and execution roles');
    assert.deepEqual(vault.manifest.canary, prod.manifest.canary);
    assert.deepEqual(drVaultSpec(withDrRegions)!.regionOrder, ['eu-west-1', 'eu-central-1', 'eu-north-1'], 'drRegions add regions');
    const org = drVaultSpec(loadManifest('stacksets/example-service-managed.yaml'))!;
    assert.equal(org.manifest.permissions.model, 'SERVICE_MANAGED');
    assert.equal(
      (org.manifest.permissions as { executionRoleName?: string }).executionRoleName,
      undefined,
      "SERVICE_MANAGED without nested stacks: StackSets' default execution role (no custom role template)",
    );
    assert.equal(drVaultSpec(loadManifest('test/fixtures/stackset/three-accounts-two-regions.yaml')), undefined, 'a template that copies no backups has none');
  });

  test("make stackset creates the vault stack set first (inline template, canary, one operation for the rest), then the platform's", async () => {
    const fake = fakeStackSetAws(prod);
    const result = await applyRollout(prod, fake.ctx);
    assert.deepEqual(result.failures, [], fake.logLines.join('\n'));
    const sets = fake.aws.callsOf('CreateStackSet');
    assert.deepEqual(
      sets.map((c) => c.input.StackSetName),
      [VAULT, 'payment-platform-prod'],
    );
    assert.equal(formFields(sets[0].body).TemplateBody, readFileSync(join(ROOT, DR_VAULT_FILE), 'utf8'));
    const calls = fake.aws.callsOf('CreateStackInstances').map((c) => `${c.input.StackSetName}: ${c.input.Accounts.join('+')} @ ${c.input.Regions.join('+')}`);
    assert.deepEqual(
      calls,
      [
        `${VAULT}: 210987654321 @ eu-west-1+eu-central-1`,
        `${VAULT}: 321098765432 @ eu-west-1+eu-central-1`,
        'payment-platform-prod: 210987654321 @ eu-west-1+eu-central-1',
        'payment-platform-prod: 321098765432 @ eu-west-1+eu-central-1',
      ],
      "the vaults exist before the platform's first copy job",
    );
    assert.equal(result.drVault?.rows.length, 4, "the vault stack set's own table");
    assert.ok(
      result.drVault!.rows.every((r) => r.status === 'CURRENT/SUCCEEDED'),
      'every vault instance CURRENT',
    );
    assert.match(
      fake.logLines.join('\n'),
      new RegExp(
        `^DR vault stack set ${VAULT}: the vault the daily backup copies of payment-platform-prod go to, in every target and region eu-west-1, eu-central-1 \\(first\\)`,
        'm',
      ),
    );
  });

  test('a vault rollout that fails starts nothing of the platform', async () => {
    // Both accounts in eu-central-1: over the failure tolerance of 1.
    const fake = fakeStackSetAws(prod, {
      failing: (_account, region, name) =>
        name === VAULT && region === 'eu-central-1' ? 'Resource handler returned message: "Access denied for operation \'CreateBackupVault\'"' : undefined,
    });
    const result = await applyRollout(prod, fake.ctx);
    assert.match(result.failures[0], new RegExp(`^DR vault stack set ${VAULT}: nothing of payment-platform-prod started:`));
    assert.deepEqual(
      fake.aws.callsOf('CreateStackSet').map((c) => c.input.StackSetName),
      [VAULT],
    );
  });

  test("the preflight: each account's SSM DR region must be a region of the vault stack set, and not the instance's own (cross-region-backup.html)", async () => {
    for (const [label, spec, dr, expected] of [
      ['the other EU region', prod, (r: string) => (r === 'eu-west-1' ? 'eu-central-1' : 'eu-west-1'), []],
      ['none (no copy)', prod, () => 'none', []],
      [
        'a region outside the vault stack set',
        prod,
        () => 'eu-north-1',
        [
          /210987654321 eu-west-1: SSM parameter \/payment\/backup\/dr-region names DR region eu-north-1: the DR vault stack set payment-platform-prod-dr-vault has no instance in eu-north-1 \(its regions: eu-west-1, eu-central-1\), so every daily copy job would fail; allowed: one of its regions, none, or eu-north-1 added to drRegions/,
        ],
      ],
      ['the same region outside the vault, with drRegions', withDrRegions, () => 'eu-north-1', []],
      [
        "the instance's own region",
        prod,
        (r: string) => r,
        [
          /321098765432 eu-central-1: SSM parameter \/payment\/backup\/dr-region names DR region eu-central-1: the DR region is the instance's own region eu-central-1: the copy would not leave it/,
        ],
      ],
    ] as const) {
      const fake = fakeStackSetAws(spec, { inAccount: namingDr(dr) });
      const { problems } = await planRollout(spec, fake.ctx);
      if (expected.length === 0) assert.deepEqual(problems, [], `${label}: ${problems.join('\n')}`);
      for (const pattern of expected)
        assert.ok(
          problems.some((p) => pattern.test(p)),
          `${label}: ${problems.join('\n')}`,
        );
      assert.equal(fake.aws.callsOf('CreateStackSet').length, 0, 'a plan starts nothing');
    }
    assert.equal(drRegionProblem('none', 'eu-west-1', prod.manifest), undefined);
  });

  test('make stackset with a DR region outside the vault stack set: refused in the preflight, no operation started', async () => {
    const fake = fakeStackSetAws(prod, { inAccount: namingDr(() => 'ap-south-1') });
    const result = await applyRollout(prod, fake.ctx);
    assert.ok(
      result.failures.some((f) => /names DR region ap-south-1: the DR vault stack set/.test(f)),
      result.failures.join('\n'),
    );
    assert.deepEqual(
      fake.aws.callsOf('CreateStackInstances').filter((c) => c.input.StackSetName === 'payment-platform-prod'),
      [],
      'the platform is not started',
    );
  });

  test('PREVIEW: the vault stack set is previewed with its template inline (TemplateBody), a change set per deployed instance, deleted after reading (API_CreateChangeSet)', async () => {
    const vault = drVaultSpec(prod)!;
    const inAccount = (account: string, region: string) => ({
      ...healthyAccount(region),
      cloudformation: {
        ...healthyAccount(region).cloudformation,
        CreateChangeSet: (input: { ChangeSetName: string }) => ({ Id: `arn:aws:cloudformation:eu-west-1:${account}:changeSet/${input.ChangeSetName}/0`, StackId: 's' }),
        DescribeChangeSet: {
          Status: 'CREATE_COMPLETE',
          Changes: [{ Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'DrBackupVault', ResourceType: 'AWS::Backup::BackupVault', Replacement: 'False' } }],
        },
        DeleteChangeSet: {},
      },
    });
    const fake = fakeStackSetAws(prod, { inAccount });
    await applyRollout(prod, fake.ctx);
    const previews = await previewRollout(vault, { body: vault.templateText }, { api: fake.ctx.api, clients: fake.ctx.clients, pollMs: 0 });
    const creates = fake.aws.callsOf('CreateChangeSet');
    assert.equal(creates.length, 4, 'every vault instance');
    for (const c of creates) {
      assert.equal(c.input.TemplateBody, vault.templateText, 'the vault template, inline');
      assert.equal(c.input.TemplateURL, undefined);
      assert.match(c.input.StackName, new RegExp(`stack/StackSet-${VAULT}-`), "the vault instance's stack");
    }
    assert.equal(fake.aws.callsOf('DeleteChangeSet').length, 4);
    assert.ok(
      previews.every((p) => p.changes.length === 1 && p.blocked.length === 0),
      'modified in place: not blocked by the data-loss gate',
    );
  });

  test('run again unchanged: neither stack set starts an operation', async () => {
    const fake = fakeStackSetAws(prod);
    await applyRollout(prod, fake.ctx);
    const before = fake.aws.calls.length;
    const again = await applyRollout(prod, fake.ctx);
    assert.deepEqual(again.failures, []);
    assert.equal(again.operations, 0, fake.logLines.slice(fake.logLines.lastIndexOf('') - 40).join('\n'));
    const started = fake.aws.calls.slice(before).filter((c) => /^(Create|Update|Delete)Stack(Set|Instances)$/.test(c.command));
    assert.deepEqual(
      started.map((c) => c.command),
      [],
    );
  });

  test('ownership: every account × vault region has exactly one vault stack, named by its environment (the DR vault is checked now that the DR region comes from SSM)', () => {
    const instances = sourcedInstances(withDrRegions, withDrRegions.regionOrder, new Set(Object.keys(withDrRegions.parameters)));
    const { owned, notes } = ownedResources(withDrRegions, instances);
    const vaults = owned.filter((r) => r.type === 'AWS::Backup::BackupVault' && r.name === 'payment-backup-dr-prod');
    assert.deepEqual(vaults.map((v) => `${v.account} ${v.region} ${v.owner.where}`).sort(), [
      `210987654321 eu-central-1 ${VAULT} 210987654321 eu-central-1`,
      `210987654321 eu-north-1 ${VAULT} 210987654321 eu-north-1`,
      `210987654321 eu-west-1 ${VAULT} 210987654321 eu-west-1`,
      `321098765432 eu-central-1 ${VAULT} 321098765432 eu-central-1`,
      `321098765432 eu-north-1 ${VAULT} 321098765432 eu-north-1`,
      `321098765432 eu-west-1 ${VAULT} 321098765432 eu-west-1`,
    ]);
    assert.ok(!notes.some((n) => /DR vault stacks are not checked/.test(n)), notes.join('\n'));
  });

  test('drRegions: only with a template that copies to a DR vault, and outside regions; the manifest names the path', () => {
    const refused = (text: string, pattern: RegExp) =>
      assert.throws(
        () => manifestOf(text),
        (e: unknown) => e instanceof ManifestError && pattern.test(e.message),
        pattern.source,
      );
    refused(
      prodText.replace('regions: [eu-west-1, eu-central-1]\n', 'regions: [eu-west-1, eu-central-1]\ndrRegions: [eu-central-1]\n'),
      /: drRegions\[0\]: eu-central-1 is in regions, whose every region holds a vault already; allowed: a region outside regions/,
    );
    const small = readFileSync(join(ROOT, 'test', 'fixtures', 'stackset', 'three-accounts-two-regions.yaml'), 'utf8').replace(
      'regions: [us-east-1, eu-west-1]\n',
      'regions: [us-east-1, eu-west-1]\ndrRegions: [eu-north-1]\n',
    );
    refused(small, /: drRegions: test\/fixtures\/stackset\/small-template\.yaml copies no backups to a DR vault/);
    refused(
      prodText.replace('regions: [eu-west-1, eu-central-1]\n', 'regions: [eu-west-1, eu-central-1]\ndrRegions: [eu-nowhere-1]\n'),
      /: drRegions\[0\]: "eu-nowhere-1" is not allowed/,
    );
  });
});
