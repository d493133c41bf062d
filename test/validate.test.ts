// make validate: each class of error has a fixture with exactly that mistake (test/fixtures/validate/<case>/),
// and the validator must report it with the right path; the real generated/ validates clean,
// cfn-lint included (exit code 0), and cfn-lint's exit code does fail on a broken template.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from '../scripts/lib/paths.js';
import { findCfnLint, MissingInstallError } from '../scripts/lib/validate/cfn-lint-install.js';
import { balance, runCfnLint } from '../scripts/lib/validate/cfnlint.js';
import { describeCycle, findCycles } from '../scripts/lib/validate/cycles.js';
import { formatFinding, type Finding } from '../scripts/lib/validate/findings.js';
import { propertyVariants } from '../scripts/lib/validate/property-variants.js';
import { translatePattern } from '../scripts/lib/validate/regex.js';
import { validateAll } from '../scripts/lib/validate/run.js';
import { validateTemplateSchemas } from '../scripts/lib/validate/schema.js';
import { ValidatorCache } from '../scripts/lib/validate/validators.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'validate');

async function findingsOf(fixture: string): Promise<Finding[]> {
  const result = await validateAll({ dir: join(FIXTURES, fixture), cfnLint: false });
  return [...result.findings];
}

/** The fixture yields exactly one finding, of this check, at this logical ID and path, matching the rule. */
async function assertOnlyFinding(fixture: string, expected: { check: Finding['check']; file?: string; logicalId: string; path: string; rule: RegExp; allowed?: RegExp; severity?: Finding['severity'] }) {
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

describe('schema validation (ajv against the provider schemas)', () => {
  test('misspelt property: names it, suggests the real one', () =>
    assertOnlyFinding('schema-misspelt-property', { check: 'schema', logicalId: 'Vpc', path: 'Properties.EnableDnsHostname', rule: /unknown property/, allowed: /did you mean EnableDnsHostnames\?/ }));

  test('wrong type', () => assertOnlyFinding('schema-wrong-type', { check: 'schema', logicalId: 'Logs', path: 'Properties.RetentionInDays', rule: /wrong type: "forever"/, allowed: /^integer$/ }));

  test('missing required property', () =>
    assertOnlyFinding('schema-missing-required', { check: 'schema', logicalId: 'AppSecurityGroup', path: 'Properties.GroupDescription', rule: /missing required property/ }));

  test('enum violation lists the allowed values', () =>
    assertOnlyFinding('schema-enum', { check: 'schema', logicalId: 'Logs', path: 'Properties.RetentionInDays', rule: /value 366 is not allowed/, allowed: /365, 400/ }));

  test('pattern violation shows the pattern', () =>
    assertOnlyFinding('schema-pattern', { check: 'schema', logicalId: 'Stream', path: 'Properties.Name', rule: /"payment events" does not match/, allowed: /pattern \^\[a-zA-Z0-9_/ }));

  test('minimum violation', () => assertOnlyFinding('schema-min-max', { check: 'schema', logicalId: 'Key', path: 'Properties.PendingWindowInDays', rule: /value 3 is too small/, allowed: />= 7/ }));

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

  test('an intrinsic whose result cannot fit is still an error (list for a string, single value for a list)', () => {
    const cache = new ValidatorCache(findCfnLint());
    const template = {
      Parameters: { Name: { Type: 'String' } },
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: { 'Fn::GetAZs': '' } } },
        Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'Vpc' }, ServiceName: 'x', SubnetIds: { Ref: 'Name' } } },
      },
    };
    const found = validateTemplateSchemas('inline.yaml', template, cache).map((f) => `${f.logicalId} ${f.path}: ${f.rule}`);
    assert.deepEqual(found, ['Vpc Properties.CidrBlock: wrong type: the intrinsic returns a list', 'Endpoint Properties.SubnetIds: wrong type: the intrinsic returns a single value, not a list']);
  });

  test('a condition function in Properties is an error, an unknown resource type too', () => {
    const cache = new ValidatorCache(findCfnLint());
    const template = {
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: { 'Fn::Equals': ['a', 'a'] } } },
        Thing: { Type: 'AWS::EC2::Vpcc', Properties: {} },
      },
    };
    const found = validateTemplateSchemas('inline.yaml', template, cache).map((f) => `${f.logicalId} ${f.path}: ${f.rule}`);
    assert.deepEqual(found, ['Vpc Properties.EnableDnsSupport: Fn::Equals is a condition function', 'Thing Type: unknown resource type AWS::EC2::Vpcc']);
  });

  test('compiled validators cached on disk give the same answers as freshly compiled ones', () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'validate-cache-'));
    try {
      const install = findCfnLint();
      const properties = { CidrBlock: '10.0.0.0/33', EnableDnsHostname: true };
      const fresh = new ValidatorCache(install, { cacheRoot });
      const first = fresh.get('AWS::EC2::VPC').validate(structuredClone(properties));
      assert.deepEqual(fresh.stats, { compiled: 1, loadedFromDisk: 0 });
      const again = new ValidatorCache(install, { cacheRoot });
      const second = again.get('AWS::EC2::VPC').validate(structuredClone(properties));
      assert.deepEqual(again.stats, { compiled: 0, loadedFromDisk: 1 });
      assert.deepEqual(second, first);
      assert.equal(first.length, 2);
    } finally {
      rmSync(cacheRoot, { recursive: true, force: true });
    }
  });
});

describe('integrity (references, nested stacks, cycles)', () => {
  test('nested stack missing a required parameter', () =>
    assertOnlyFinding('stack-missing-parameter', { check: 'integrity', file: 'root.yaml', logicalId: 'ChildStack', path: 'Properties.Parameters.KeyArn', rule: /missing parameter KeyArn: child\.yaml requires it/ }));

  test('nested stack passing an undeclared parameter', () =>
    assertOnlyFinding('stack-undeclared-parameter', { check: 'integrity', file: 'root.yaml', logicalId: 'ChildStack', path: 'Properties.Parameters.Retention', rule: /child\.yaml declares no parameter Retention/, allowed: /Environment/ }));

  test('GetAtt Outputs.X the child does not have', () =>
    assertOnlyFinding('stack-missing-output', { check: 'integrity', file: 'root.yaml', logicalId: 'Logs', path: 'Outputs.Logs.Value', rule: /child\.yaml has no output LogGroupArn/, allowed: /did you mean LogGroupName\?/ }));

  test('GetAtt with an attribute the type does not have', () =>
    assertOnlyFinding('getatt-unknown-attribute', { check: 'integrity', logicalId: 'Subnet', path: 'Properties.CidrBlock.Fn::Select[1].Fn::Cidr[0]', rule: /AWS::EC2::VPC has no attribute CidrBlocks/, allowed: /did you mean CidrBlock\?/ }));

  test('Ref to nothing', () =>
    assertOnlyFinding('ref-to-nothing', { check: 'integrity', logicalId: 'Subnet', path: 'Properties.VpcId', rule: /Ref to VPC, which is not a parameter, resource or pseudo parameter/, allowed: /did you mean Vpc\?/ }));

  test('DependsOn cycle names the loop', () =>
    assertOnlyFinding('dependson-cycle', { check: 'integrity', logicalId: 'Subnet', path: 'Properties.VpcId', rule: /circular dependency: Subnet → Vpc \[Ref at Properties\.VpcId\] → Subnet \[DependsOn\]/ }));

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
  test('AWS (Java/Python) patterns mean the same in JavaScript', () => {
    const cases: [string, string[], string[]][] = [
      ['^[.\\-_/#A-Za-z0-9]{1,512}\\Z', ['/aws/payment-app_1'], ['a b', 'x\n']],
      ['^\\p{Print}+$', ['hello world'], ['a\u0001']],
      ['^[a-zA-Z0-9\\-\\_\\.]{1,50}$', ['a-b_c.d'], ['a b']],
      ['^(?! )[\\p{L}\\p{N}\\p{Z}-_]*(?<! )$', ['ab-c_d'], [' a']],
      ['(?s)^.+$', ['a\nb'], ['']],
      ['^(?i)[a-f]+$', ['abCF'], ['g']],
      ['^\\{[\\w\\s:]*}$', ['{a: b}'], ['a']],
    ];
    for (const [pattern, good, bad] of cases) {
      const translated = translatePattern(pattern);
      assert.ok(translated.ok, `${pattern}: ${translated.ok ? '' : translated.error}`);
      const re = new RegExp(translated.source, 'u');
      for (const g of good) assert.ok(re.test(g), `${pattern} must match ${JSON.stringify(g)}`);
      for (const b of bad) assert.ok(!re.test(b), `${pattern} must not match ${JSON.stringify(b)}`);
    }
    assert.equal(translatePattern('[\\p{Print}&&[^|]]').ok, false);
  });

  test('Fn::If variants: n+1 of them, NoValue removes the key', () => {
    const properties = { A: { 'Fn::If': ['C1', 1, { Ref: 'AWS::NoValue' }] }, B: [{ 'Fn::If': ['C2', 'x', 'y'] }] };
    const variants = propertyVariants(properties);
    assert.deepEqual(variants.map((v) => v.value), [{ A: 1, B: ['x'] }, { B: ['x'] }, { A: 1, B: ['y'] }]);
    assert.deepEqual(variants[2].origins.get('/B/0'), ['B', 0, 'Fn::If', 2]);
  });

  test('cfn-lint work is split by size across processes', () => {
    const sizes: Record<string, number> = { a: 10, b: 9, c: 2, d: 1 };
    assert.deepEqual(balance(Object.keys(sizes), 2, (f) => sizes[f]), [['a', 'd'], ['b', 'c']]);
    assert.deepEqual(balance(['a'], 2, () => 1), [['a']]);
  });

  test('no venv: a clear error that says to run make install', () => {
    assert.throws(() => findCfnLint(join(tmpdir(), 'no-such-project')), (e: unknown) => e instanceof MissingInstallError && /run make install/.test((e as Error).message));
  });
});

describe('cfn-lint and the real templates', () => {
  test('cfn-lint exit code fails on a broken template', async () => {
    const run = await runCfnLint(findCfnLint(), join(FIXTURES, 'schema-misspelt-property'), ['template.yaml']);
    assert.equal(run.exitCode & 2, 2);
    assert.ok(run.findings.some((f) => f.rule.startsWith('E3002') && f.logicalId === 'Vpc' && f.path === 'Properties.EnableDnsHostname' && f.line === 8), run.findings.map(formatFinding).join('\n'));
  });

  test('generated/ validates clean: ajv, integrity and cfn-lint (exit code 0)', async () => {
    const result = await validateAll();
    assert.deepEqual(result.findings.map(formatFinding), []);
    assert.equal(result.cfnLint?.exitCode, 0);
    assert.ok(result.templates.includes('root.yaml') && result.templates.length > 1);
    assert.equal(result.ok, true);
  });

  test('the CLI exits 1 with the precise line on a broken fixture, 0 on a clean one', () => {
    const run = (dir: string) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'validate.ts'), '--no-cfn-lint', '--dir', join(FIXTURES, dir)], { cwd: ROOT, encoding: 'utf8' });
    const broken = run('schema-enum');
    assert.equal(broken.status, 1, broken.stderr);
    assert.match(broken.stdout, /template\.yaml: Logs: Properties\.RetentionInDays: value 366 is not allowed: one of 1, 3/);
    assert.match(broken.stdout, /validate: FAILED/);
    const clean = run('schema-intrinsics-accepted');
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /template\.yaml: OK/);
  });
});
