// Rules find themselves: every file of a rules folder is a rule (no index); a duplicate ID, a
// file that is no rule, or one not named after its rule fails discovery with the file named; a
// rule that crashes fails with the error as its finding while the other rules still run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RuleDiscoveryError } from '../scripts/lib/discover-rules.js';
import { loadPciRules, RULES, RULES_DIR } from '../scripts/lib/check/rule-registry.js';
import { runChecks } from '../scripts/lib/check/run.js';
import type { Rule } from '../scripts/lib/check/types.js';
import { ROOT } from '../scripts/lib/paths.js';
import { loadAwsRules } from '../scripts/lib/validate/aws-rules.js';
import { formatFinding } from '../scripts/lib/validate/findings.js';
import { validateAll } from '../scripts/lib/validate/run.js';

const FOLDERS = join(ROOT, 'test', 'fixtures', 'rule-folders');

const rejects = async (folder: string, message: RegExp) => {
  await assert.rejects(
    loadPciRules(join(FOLDERS, folder)),
    (e: unknown) => e instanceof RuleDiscoveryError && message.test((e as Error).message),
    `${folder}: expected ${message}`,
  );
};

test('every file of scripts/lib/check/rules is a rule, found without an index, in ID order', () => {
  const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts'));
  assert.equal(RULES.length, files.length, 'one rule per file');
  assert.deepEqual(
    RULES.map((r) => r.id),
    [...RULES.map((r) => r.id)].sort(),
    'ID order',
  );
  assert.ok(!files.includes('index.ts'), 'no index file');
});

test('a folder of rules: helpers (_name.ts) are skipped, rules sorted by ID', async () => {
  assert.deepEqual(
    (await loadPciRules(join(FOLDERS, 'good'))).map((r) => r.id),
    ['PCI-ABC-001', 'PCI-ABC-002'],
  );
  assert.deepEqual(await loadPciRules(join(FOLDERS, 'no-such-folder')), [], 'a missing folder has no rules');
});

test('a duplicate rule ID fails discovery, naming both files', () => rejects('duplicate', /PCI-ABC-001-first\.ts: rule ID PCI-ABC-001 is already used by .*PCI-ABC-001-again\.ts/));

test('a file that exports no rule, or a rule without requirements, fails discovery', async () => {
  await rejects('not-a-rule', /PCI-ABC-003-helper\.ts: has no default export of a rule object/);
  await rejects('not-a-rule', /PCI-ABC-004-incomplete\.ts: requirements: PCI DSS v4\.0 requirement numbers/);
});

test('a rule file must be named after its rule', () => rejects('misnamed', /PCI-ABC-005-other\.ts: is named PCI-ABC-005-other\.ts, but its rule is PCI-ABC-009/));

test('a rule that throws fails with the error as its finding; the other rules still run', () => {
  const crashing: Rule = {
    id: 'PCI-TST-001',
    title: 'crashes',
    requirements: ['1.2.1'],
    references: { securityHub: [], configRules: [] },
    resourceTypes: ['*'],
    notChecked: 'anything: it only crashes',
    check: () => {
      throw new TypeError('boom');
    },
  };
  const other = RULES.find((r) => r.id === 'PCI-ENC-001')!;
  const run = runChecks({ templates: join(ROOT, 'test', 'fixtures', 'check', 'rules', 'PCI-ENC-001.yaml'), rules: [crashing, other] });
  const crashed = run.results.find((r) => r.ruleId === 'PCI-TST-001');
  assert.equal(crashed?.status, 'fail', 'the crashing rule fails');
  assert.match(crashed?.resources[0]?.message ?? '', /rule PCI-TST-001 crashed on defaults: boom/, 'its finding says why');
  assert.equal(run.results.find((r) => r.ruleId === 'PCI-ENC-001')?.status, 'fail', 'the other rule ran (its fixture fails it)');
});

test('make validate discovers the deployability checks the same way and reports their findings; a crash is a finding', async () => {
  const dir = join(FOLDERS, 'aws');
  assert.deepEqual(
    (await loadAwsRules(dir)).map((r) => r.id),
    ['AWS-TST-001', 'AWS-TST-002'],
  );
  const result = await validateAll({ dir: join(ROOT, 'test', 'fixtures', 'validate', 'schema-nested-property'), cfnLint: false, awsRulesDir: dir });
  const aws = result.findings.filter((f) => f.check === 'aws').map(formatFinding);
  assert.deepEqual(
    aws,
    [
      '-: -: -: AWS-TST-002 crashed: kaput: a check that runs to completion (crashes)',
      'template.yaml: Bucket: Properties.BucketName: AWS-TST-001 no bucket name: see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html',
    ],
    'both checks ran',
  );
  assert.equal(result.ok, false, 'their errors fail validation');
  await assert.rejects(loadAwsRules(join(FOLDERS, 'aws-no-docs')), /AWS-TST-003-undocumented\.ts: docs: the AWS documentation URLs/, 'a check must cite the AWS documentation');
});
