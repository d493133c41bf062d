// make validate: each class of error has a fixture with exactly that mistake (test/fixtures/validate/<case>/),
// and the validator must report it with the right path; the real generated/ validates clean,
// cfn-lint included (exit code 0), and cfn-lint's exit code does fail on a broken template.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from '../scripts/lib/paths.js';
import { findCfnLint, MissingInstallError } from '../scripts/lib/validate/cfn-lint-install.js';
import { balance, deploymentRegions, runCfnLint } from '../scripts/lib/validate/cfnlint.js';
import { describeCycle, findCycles } from '../scripts/lib/validate/cycles.js';
import { formatFinding, type Finding } from '../scripts/lib/validate/findings.js';
import { literalVariants } from '../scripts/lib/validate/literal-values.js';
import { prepareSchema } from '../scripts/lib/validate/prepare-schema.js';
import { validateAll } from '../scripts/lib/validate/run.js';
import { validateTemplateSchemas } from '../scripts/lib/validate/schema.js';
import { ValidatorCache } from '../scripts/lib/validate/validators.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'validate');

async function findingsOf(fixture: string): Promise<Finding[]> {
  const result = await validateAll({ dir: join(FIXTURES, fixture), cfnLint: false });
  return [...result.findings];
}

/** The fixture yields exactly one finding, of this check, at this logical ID and path, matching the rule. */
async function assertOnlyFinding(
  fixture: string,
  expected: { check: Finding['check']; file?: string; logicalId: string; path: string; rule: RegExp; allowed?: RegExp; severity?: Finding['severity'] },
) {
  const findings = await findingsOf(fixture);
  assert.equal(findings.length, 1, `${fixture}: expected exactly one finding, got:\n${findings.map(formatFinding).join('\n')}`);
  const [f] = findings;
  assert.equal(f.severity, expected.severity ?? 'error');
  assert.equal(f.check, expected.check);
  assert.equal(f.file, expected.file ?? 'template.yaml');
  assert.equal(f.logicalId, expected.logicalId);
  assert.equal(f.path, expected.path);
  assert.match(f.rule, expected.rule);
  if (expected.allowed) assert.match(f.allowed ?? '', expected.allowed);
}

describe('value pass (ajv on RE2 against the provider schemas: enum, pattern, length, range)', () => {
  test('enum violation lists the allowed values', () =>
    assertOnlyFinding('schema-enum', { check: 'schema', logicalId: 'Logs', path: 'Properties.RetentionInDays', rule: /value 366 is not allowed/, allowed: /365, 400/ }));

  test('pattern violation shows the pattern', () =>
    assertOnlyFinding('schema-pattern', {
      check: 'schema',
      logicalId: 'Stream',
      path: 'Properties.Name',
      rule: /"payment events" does not match/,
      allowed: /pattern \^\[a-zA-Z0-9_/,
    }));

  test('minimum violation', () =>
    assertOnlyFinding('schema-min-max', { check: 'schema', logicalId: 'Key', path: 'Properties.PendingWindowInDays', rule: /value 3 is too small/, allowed: />= 7/ }));

  test('error three levels down names the full path', () =>
    assertOnlyFinding('schema-nested-property', {
      check: 'schema',
      logicalId: 'Bucket',
      path: 'Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm',
      rule: /"AES257" is not allowed/,
      allowed: /AES256/,
    }));

  test('intrinsics where strings, numbers and lists are expected pass (Ref, Sub, GetAtt, Join, Select, Cidr, GetAZs, If, NoValue, List parameter)', async () => {
    assert.deepEqual((await findingsOf('schema-intrinsics-accepted')).map(formatFinding), []);
  });

  test('Fn::If: only the bad branch fails, with the branch in the path', () =>
    assertOnlyFinding('schema-if-bad-branch', { check: 'schema', logicalId: 'Logs', path: 'Properties.RetentionInDays.Fn::If[2]', rule: /value 10 is not allowed/ }));

  test('literal values only: intrinsics are left out, Fn::If gives an all-true and an all-false variant, NoValue removes the key', () => {
    const properties = { A: { 'Fn::If': ['C1', 1, { Ref: 'AWS::NoValue' }] }, B: [{ 'Fn::If': ['C2', 'x', 'y'] }, { Ref: 'P' }, 'z'], C: { 'Fn::Sub': '${X}' } };
    const variants = literalVariants(properties);
    assert.deepEqual(
      variants.map((v) => v.value),
      [{ A: 1, B: ['x', 'z'] }, { B: ['y', 'z'] }],
    );
    assert.deepEqual(variants[1].origins.get('/B/0'), ['B', 0, 'Fn::If', 2], 'a branch keeps its path');
    assert.deepEqual(variants[1].origins.get('/B/1'), ['B', 2], 'items after a left-out intrinsic keep their index');
  });

  test('patterns run on RE2; one RE2 cannot compile is left to cfn-lint, named', () => {
    const prepared = prepareSchema('Test::Only::Type', {
      properties: { Name: { type: 'string', pattern: '^[a-z]+$' }, Path: { type: 'string', pattern: '^[.a-z]{1,512}\\Z' }, Label: { type: 'string', pattern: '^(?!aws:).+$' } },
    });
    assert.deepEqual(Object.keys(prepared.schema.properties as object), ['Name'], 'only what is checked stays in the schema');
    assert.equal((prepared.schema.properties as Record<string, { pattern?: string }>).Name.pattern, '^[a-z]+$', 'RE2 runs it');
    assert.deepEqual(
      prepared.notEnforced,
      ['#/properties/Path: pattern "^[.a-z]{1,512}\\\\Z"', '#/properties/Label: pattern "^(?!aws:).+$"'],
      "Java's \\Z and a lookahead are cfn-lint's",
    );
    const cache = new ValidatorCache(findCfnLint());
    const found = validateTemplateSchemas('inline.yaml', { Resources: { Stream: { Type: 'AWS::Kinesis::Stream', Properties: { Name: 'a'.repeat(30) + ' x' } } } }, cache);
    assert.deepEqual(
      found.map((f) => f.rule),
      [`value "${'a'.repeat(30)} x" does not match the pattern`],
    );
  });
  test('compiled validators cached on disk (ajv standalone code, RE2 included) give the same answers as freshly compiled ones', () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'validate-cache-'));
    try {
      const install = findCfnLint();
      const properties = { Name: 'payment events', ShardCount: 0 };
      const fresh = new ValidatorCache(install, { cacheRoot });
      const first = fresh.get('AWS::Kinesis::Stream').validate(structuredClone(properties));
      assert.deepEqual(fresh.stats, { compiled: 1, loadedFromDisk: 0 });
      const again = new ValidatorCache(install, { cacheRoot });
      const second = again.get('AWS::Kinesis::Stream').validate(structuredClone(properties));
      assert.deepEqual(again.stats, { compiled: 0, loadedFromDisk: 1 });
      assert.deepEqual(second, first);
      assert.deepEqual(first.map((e) => e.keyword).sort(), ['minimum', 'pattern'], 'the pattern (on RE2) and the minimum');
    } finally {
      rmSync(cacheRoot, { recursive: true, force: true });
    }
  });
});

describe('left to cfn-lint (and, for the platform, tsc): names, types, required properties, intrinsic kinds, resource types', () => {
  const CASES: [string, string, string, RegExp][] = [
    ['schema-misspelt-property', 'Vpc', 'Properties.EnableDnsHostname', /^E3002 .*EnableDnsHostname/],
    ['schema-wrong-type', 'Logs', 'Properties.RetentionInDays', /^E3012 'forever' is not of type 'integer'/],
    ['schema-missing-required', 'AppSecurityGroup', 'Properties', /^E3003 'GroupDescription' is a required property/],
    ['cfn-lint-intrinsic-kinds', 'Vpc', 'Properties.CidrBlock', /^E1015 .*is not of type 'string'/],
    ['cfn-lint-intrinsic-kinds', 'OtherVpc', 'Properties.EnableDnsSupport', /^E3012 .*Fn::Equals.* is not of type 'boolean'/],
    ['cfn-lint-intrinsic-kinds', 'Endpoint', 'Properties.SubnetIds', /^E1020 .*is not of type 'array'/],
    ['cfn-lint-intrinsic-kinds', 'Thing', 'Type', /^E3006 Resource type 'AWS::EC2::Vpcc' does not exist/],
  ];
  const dirs = [...new Set(CASES.map(([dir]) => dir))];

  test('the value pass reports none of them', async () => {
    for (const dir of dirs) assert.deepEqual((await findingsOf(dir)).filter((f) => f.check === 'schema').map(formatFinding), [], `${dir}: no value-pass finding`);
  });

  test('cfn-lint reports each at its resource and path (one cfn-lint run)', async () => {
    const run = await runCfnLint(
      findCfnLint(),
      FIXTURES,
      dirs.map((dir) => `${dir}/template.yaml`),
    );
    assert.equal(run.exitCode & 2, 2, "cfn-lint's exit code fails them");
    const misspelt = run.findings.find((f) => f.file === 'schema-misspelt-property/template.yaml' && f.rule.startsWith('E3002'));
    assert.equal(misspelt?.line, 8, 'with the line of the mistake');
    for (const [dir, logicalId, path, rule] of CASES) {
      assert.ok(
        run.findings.some((f) => f.file === `${dir}/template.yaml` && f.logicalId === logicalId && f.path === path && rule.test(f.rule)),
        `${dir}: ${logicalId} ${path} ${rule}; cfn-lint said:\n${run.findings
          .filter((f) => f.file.startsWith(dir))
          .map(formatFinding)
          .join('\n')}`,
      );
    }
  });
});

test('cfn-lint I3011 gates: a nested stack without DeletionPolicy / UpdateReplacePolicy fails validate, a stated one passes', async () => {
  const run = await runCfnLint(findCfnLint(), FIXTURES, ['stateful-policy-unstated/template.yaml']);
  const unstated = run.findings.filter((f) => f.rule.startsWith('I3011'));
  assert.deepEqual(
    unstated.map((f) => `${f.severity} ${f.logicalId} ${f.rule.split(' (')[0]}`).sort(),
    ["error Layer I3011 'DeletionPolicy' is a required property", "error Layer I3011 'UpdateReplacePolicy' is a required property"],
    'the nested stack is named twice, as errors; the log group that states its policies is not',
  );
});

test("cfn-lint checks every region the platform is deployed to: us-east-1 and the manifests' regions and DR regions", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'regions-'));
  try {
    writeFileSync(join(dir, 'a.yaml'), 'regions: [eu-west-1, eu-central-1]\n');
    writeFileSync(join(dir, 'b.yaml'), 'regions: [eu-west-1]\ndrRegions: [eu-north-1]\n');
    assert.deepEqual(deploymentRegions(dir), ['eu-central-1', 'eu-north-1', 'eu-west-1', 'us-east-1'], 'the union, sorted');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const missing = (run: Awaited<ReturnType<typeof runCfnLint>>) => run.findings.filter((f) => f.rule.startsWith('E3006')).map((f) => f.rule);
  const file = ['type-missing-in-region/template.yaml'];
  assert.deepEqual(missing(await runCfnLint(findCfnLint(), FIXTURES, file, { regions: ['us-east-1'] })), [], 'us-east-1 has the type');
  const inEu = missing(await runCfnLint(findCfnLint(), FIXTURES, file, { regions: ['us-east-1', 'eu-central-1'] }));
  assert.ok(
    inEu.some((rule) => rule.includes('eu-central-1')),
    `E3006 names eu-central-1, got: ${inEu.join('; ') || 'nothing'}`,
  );
});

describe('integrity (references, nested stacks, cycles)', () => {
  test('nested stack missing a required parameter', () =>
    assertOnlyFinding('stack-missing-parameter', {
      check: 'integrity',
      file: 'root.yaml',
      logicalId: 'ChildStack',
      path: 'Properties.Parameters.KeyArn',
      rule: /missing parameter KeyArn: child\.yaml requires it/,
    }));

  test('nested stack passing an undeclared parameter', () =>
    assertOnlyFinding('stack-undeclared-parameter', {
      check: 'integrity',
      file: 'root.yaml',
      logicalId: 'ChildStack',
      path: 'Properties.Parameters.Retention',
      rule: /child\.yaml declares no parameter Retention/,
      allowed: /Environment/,
    }));

  test('GetAtt Outputs.X the child does not have', () =>
    assertOnlyFinding('stack-missing-output', {
      check: 'integrity',
      file: 'root.yaml',
      logicalId: 'Logs',
      path: 'Outputs.Logs.Value',
      rule: /child\.yaml has no output LogGroupArn/,
      allowed: /did you mean LogGroupName\?/,
    }));

  test('GetAtt with an attribute the type does not have', () =>
    assertOnlyFinding('getatt-unknown-attribute', {
      check: 'integrity',
      logicalId: 'Subnet',
      path: 'Properties.CidrBlock.Fn::Select[1].Fn::Cidr[0]',
      rule: /AWS::EC2::VPC has no attribute CidrBlocks/,
      allowed: /did you mean CidrBlock\?/,
    }));

  test('Ref to nothing', () =>
    assertOnlyFinding('ref-to-nothing', {
      check: 'integrity',
      logicalId: 'Subnet',
      path: 'Properties.VpcId',
      rule: /Ref to VPC, which is not a parameter, resource or pseudo parameter/,
      allowed: /did you mean Vpc\?/,
    }));

  test('DependsOn cycle names the loop', () =>
    assertOnlyFinding('dependson-cycle', {
      check: 'integrity',
      logicalId: 'Subnet',
      path: 'Properties.VpcId',
      rule: /circular dependency: Subnet → Vpc \[Ref at Properties\.VpcId\] → Subnet \[DependsOn\]/,
    }));

  test('unused parameter is a warning: passes, fails only with strict', async () => {
    await assertOnlyFinding('unused-parameter', { check: 'integrity', severity: 'warning', logicalId: 'Retention', path: 'Parameters.Retention', rule: /never used/ });
    assert.equal((await validateAll({ dir: join(FIXTURES, 'unused-parameter'), cfnLint: false })).ok, true);
    assert.equal((await validateAll({ dir: join(FIXTURES, 'unused-parameter'), cfnLint: false, strict: true })).ok, false);
  });

  test('cycle finder: self loop, three-cycle, and no false cycle on a diamond', () => {
    const edge = (from: string, to: string) => ({ from, to, via: 'DependsOn' });
    assert.deepEqual(findCycles(['A'], [edge('A', 'A')]).map(describeCycle), ['A → A [DependsOn]']);
    assert.deepEqual(findCycles(['A', 'B', 'C'], [edge('A', 'B'), edge('B', 'C'), edge('C', 'A')]).map(describeCycle), ['A → B [DependsOn] → C [DependsOn] → A [DependsOn]']);
    assert.deepEqual(findCycles(['A', 'B', 'C', 'D'], [edge('A', 'B'), edge('A', 'C'), edge('B', 'D'), edge('C', 'D')]), []);
  });
});

describe('pieces', () => {
  test('cfn-lint work is split by size across processes', () => {
    const sizes: Record<string, number> = { a: 10, b: 9, c: 2, d: 1 };
    assert.deepEqual(
      balance(Object.keys(sizes), 2, (f) => sizes[f]),
      [
        ['a', 'd'],
        ['b', 'c'],
      ],
    );
    assert.deepEqual(
      balance(['a'], 2, () => 1),
      [['a']],
    );
  });

  test('no venv: a clear error that says to run make install', () => {
    assert.throws(
      () => findCfnLint(join(tmpdir(), 'no-such-project')),
      (e: unknown) => e instanceof MissingInstallError && /run make install/.test((e as Error).message),
    );
  });
});

describe('cfn-lint and the real templates', () => {
  test('generated/ validates clean: ajv, integrity and cfn-lint (exit code 0)', async () => {
    const result = await validateAll();
    assert.deepEqual(result.findings.map(formatFinding), []);
    assert.equal(result.cfnLint?.exitCode, 0);
    assert.ok(result.templates.includes('root.yaml') && result.templates.length > 1, 'root.yaml and its layers were validated');
    assert.equal(result.ok, true);
  });

  test('the CLI exits 1 with the precise line on a broken fixture, 0 on a clean one', () => {
    const run = (dir: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'validate.ts'), '--no-cfn-lint', '--dir', join(FIXTURES, dir)], { cwd: ROOT, encoding: 'utf8' });
    const broken = run('schema-enum');
    assert.equal(broken.status, 1, broken.stderr);
    assert.match(broken.stdout, /template\.yaml: Logs: Properties\.RetentionInDays: value 366 is not allowed: one of 1, 3/);
    assert.match(broken.stdout, /validate: FAILED/);
    const clean = run('schema-intrinsics-accepted');
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /template\.yaml: OK/);
  });
});
