// StackSet manifests: each kind of bad manifest gets its own error — file, path inside it, what
// is allowed — and makes no AWS call at all. The "AWS" here is a local HTTP server that counts
// requests; a valid manifest against it shows the counter does count.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT } from '../scripts/lib/paths.js';
import { ManifestError, loadManifest } from '../scripts/lib/stackset/manifest.js';
import { EXIT, main } from '../scripts/stackset.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'stackset', 'three-accounts-two-regions.yaml');
const GOOD = readFileSync(FIXTURE, 'utf8');

let server: Server;
let requests = 0;
let dir: string;
const saved = { ...process.env };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stackset-manifest-'));
  // Answers every request with a client error (no CLI retries) and counts it.
  server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(400, { 'content-type': 'text/xml' });
    res.end('<ErrorResponse><Error><Type>Sender</Type><Code>CountingServer</Code><Message>counted</Message></Error></ErrorResponse>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, { TARGET: 'local', EMULATOR_HOST: '127.0.0.1', EMULATOR_PORT: String((server.address() as AddressInfo).port) });
});

after(async () => {
  process.env = saved;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `stackset.ts <command> --manifest <text written to a file>`; returns exit code, stderr and the requests it made. */
async function runWith(t: { mock: { method: Function } }, text: string, command = 'apply') {
  const file = join(dir, `m-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const errors: string[] = [];
  (t.mock.method as any)(console, 'error', (...args: unknown[]) => errors.push(args.join(' ')));
  (t.mock.method as any)(console, 'log', () => undefined);
  const before = requests;
  const code = await main([command, '--manifest', file]);
  return { code, stderr: errors.join('\n'), requests: requests - before, file };
}

const edit = (from: string | RegExp, to: string): string => {
  const changed = GOOD.replace(from, to);
  assert.notEqual(changed, GOOD, `the edit ${from} did not apply to the fixture`);
  return changed;
};

const BAD: readonly { name: string; text: () => string; error: RegExp }[] = [
  {
    name: 'malformed account ID',
    text: () => edit("- account: '222222222222'", "- account: '22222222222'"),
    error: /: targets\[1\]\.account: "22222222222" is not allowed; allowed: a 12-digit AWS account ID in quotes/,
  },
  {
    name: 'account ID unquoted (YAML reads a number)',
    text: () => edit("- account: '222222222222'", '- account: 222222222222'),
    error: /: targets\[1\]\.account: number 222222222222 is not allowed; allowed: a 12-digit AWS account ID in quotes/,
  },
  {
    name: 'unknown region',
    text: () => edit('regions: [us-east-1, eu-west-1]', 'regions: [us-east-1, eu-wst-1]'),
    error: /: regions\[1\]: "eu-wst-1" is not allowed \(did you mean eu-west-1\?\); allowed: .*eu-central-1.*us-west-2/,
  },
  {
    name: 'duplicate target',
    text: () => edit("  - account: '333333333333'\n", "  - account: '333333333333'\n  - account: '111111111111'\n"),
    error: /: targets\[3\]\.account: duplicate target 111111111111 \(already targets\[0\]\); allowed: each account or organizational unit once/,
  },
  {
    name: 'duplicate region',
    text: () => edit('regions: [us-east-1, eu-west-1]', 'regions: [us-east-1, eu-west-1, us-east-1]'),
    error: /: regions: items 0 and 2 are the same; allowed: a list of distinct AWS regions/,
  },
  {
    name: 'override for a parameter the template does not have',
    text: () => edit('      VpcCidr: 10.32.0.0/16', '      VpcCidrBlock: 10.32.0.0/16'),
    error: /: targets\[1\]\.parameters\.VpcCidrBlock: unknown parameter; the template declares: Environment, NatGatewayCount, VpcCidr/,
  },
  {
    name: 'override value breaking AllowedPattern',
    text: () => edit('VpcCidr: 10.31.0.0/16', 'VpcCidr: 10.31.0.0/24'),
    error: /: targets\[0\]\.parameters\.VpcCidr: "10\.31\.0\.0\/24" does not match the pattern .* \(must be a private \/16, e\.g\. 10\.20\.0\.0\/16\)/,
  },
  {
    name: 'override value breaking AllowedValues',
    text: () => edit('    NatGatewayCount: 2\n', '    NatGatewayCount: 2\n    Environment: qa\n'),
    error: /: regionParameters\.eu-west-1\.Environment: "qa" is not allowed; allowed values: dev, staging, prod/,
  },
  {
    name: 'override value above MaxValue',
    text: () => edit('NatGatewayCount: 2', 'NatGatewayCount: 7'),
    error: /: regionParameters\.eu-west-1\.NatGatewayCount: 7 is above the maximum 3/,
  },
  {
    name: 'parameter file missing',
    text: () => edit('parameterFile: test/fixtures/stackset/parameters.json', 'parameterFile: test/fixtures/stackset/no-such-file.json'),
    error: /: parameterFile: test\/fixtures\/stackset\/no-such-file\.json does not exist; allowed: a parameter file/,
  },
  {
    name: 'organizational unit target in a SELF_MANAGED manifest',
    text: () => edit("  - account: '333333333333'\n", "  - organizationalUnit: ou-ab12-34cd56ef\n"),
    error: /: targets\[2\]\.organizationalUnit: not allowed with permissions\.model SELF_MANAGED; allowed: account/,
  },
  {
    name: 'misspelt key',
    text: () => edit('regionParameters:', 'regionParameter:'),
    error: /: regionParameter: unknown key \(did you mean regionParameters\?\); allowed keys: stackSetName, /,
  },
  {
    name: 'regionOrder naming a region not rolled out',
    text: () => edit('regionOrder: [eu-west-1, us-east-1]', 'regionOrder: [eu-west-2, us-east-1]'),
    error: /: operationPreferences\.regionOrder\[0\]: "eu-west-2" is not in regions; allowed: one of regions \(us-east-1, eu-west-1\)/,
  },
  {
    name: 'both maxConcurrentCount and maxConcurrentPercentage',
    text: () => edit('  maxConcurrentCount: 2\n', '  maxConcurrentCount: 2\n  maxConcurrentPercentage: 50\n'),
    error: /: operationPreferences: does not fit; allowed: give maxConcurrentCount or maxConcurrentPercentage, not both/,
  },
  {
    name: 'not YAML',
    text: () => 'stackSetName: [unclosed\n',
    error: /: not valid YAML: /,
  },
];

describe('bad manifests: one precise error each, no AWS call', () => {
  for (const bad of BAD) {
    test(bad.name, async (t) => {
      const { code, stderr, requests: made, file } = await runWith(t, bad.text());
      assert.equal(code, EXIT.invalid, stderr);
      assert.match(stderr, /invalid manifest, nothing was called/);
      assert.ok(stderr.includes(`${file}: `), `the error names the file:\n${stderr}`);
      assert.match(stderr, bad.error);
      assert.equal(made, 0, 'no request may reach AWS');
    });
  }

  test('a value in the parameter file that the template does not allow: that file, the entry, what is allowed', async (t) => {
    const parameters = join(dir, 'bad-parameters.json');
    writeFileSync(parameters, JSON.stringify([{ ParameterKey: 'Environment', ParameterValue: 'qa' }]));
    const { code, stderr, requests: made } = await runWith(t, edit('parameterFile: test/fixtures/stackset/parameters.json', `parameterFile: ${parameters}`));
    assert.equal(code, EXIT.invalid, stderr);
    assert.ok(stderr.includes(`${parameters}: [0] Environment: "qa" is not allowed; allowed values: dev, staging, prod`), stderr);
    assert.equal(made, 0);
  });

  test('make stackset without MANIFEST=: says so and lists the manifests', async (t) => {
    const errors: string[] = [];
    (t.mock.method as any)(console, 'error', (...args: unknown[]) => errors.push(args.join(' ')));
    const before = requests;
    assert.equal(await main(['apply', '--manifest']), EXIT.invalid);
    assert.match(errors.join('\n'), /MANIFEST is required, e\.g\. make stackset MANIFEST=stacksets\/payments-prod\.yaml; available: .*stacksets\/payments-prod\.yaml/);
    assert.equal(requests, before);
  });

  test('plan and drift check the manifest first as well', async (t) => {
    for (const command of ['plan', 'drift']) {
      const { code, requests: made } = await runWith(t, BAD[0].text(), command);
      assert.equal(code, EXIT.invalid);
      assert.equal(made, 0);
    }
  });

  test('a valid manifest does reach the (counting) endpoint: the counter works', async (t) => {
    const { code, stderr, requests: made } = await runWith(t, GOOD);
    assert.equal(code, EXIT.failed, stderr);
    assert.match(stderr, /CountingServer|counted/);
    assert.ok(made >= 1, 'at least one case was made');
  });
});

describe('the manifests in stacksets/ are valid', () => {
  test('payments-prod (SELF_MANAGED): 3 accounts × 2 regions, per-account and per-account-per-region overrides', () => {
    const spec = loadManifest('stacksets/payments-prod.yaml');
    assert.equal(spec.instances.length, 6);
    assert.equal(spec.hasNestedStacks, true, 'the platform root: packaged before the rollout');
    const acquiringCentral = spec.instances.find((i) => i.unit.id === '432109876543' && i.region === 'eu-central-1')!;
    assert.equal(acquiringCentral.overrides.DrRegion, 'eu-west-1', 'region override');
    assert.equal(acquiringCentral.overrides.CreateConfigRecorder, 'false', 'account override');
    assert.match(acquiringCentral.overrides.CertificateArn, /^arn:aws:acm:eu-central-1:432109876543:/, 'account-in-region override');
    assert.equal(spec.parameters.Environment, 'prod');
    assert.equal(spec.parameters.KeyRotationPeriodDays, '365', 'defaults fill in what the parameter file leaves out');
  });

  test('example-service-managed: OU targets', () => {
    const spec = loadManifest('stacksets/example-service-managed.yaml');
    assert.deepEqual(
      spec.instances.map((i) => i.unit),
      [
        { kind: 'ou', id: 'ou-ab12-34cd56ef' },
        { kind: 'ou', id: 'ou-ab12-78ef90ab' },
      ],
    );
  });

  test('an account target in a SERVICE_MANAGED manifest is refused', () => {
    const text = readFileSync(join(ROOT, 'stacksets', 'example-service-managed.yaml'), 'utf8').replace('- organizationalUnit: ou-ab12-78ef90ab', "- account: '123456789012'");
    const file = join(dir, 'svc.yaml');
    writeFileSync(file, text);
    assert.throws(() => loadManifest(file), (e: unknown) => e instanceof ManifestError && /targets\[1\]\.account: not allowed with permissions\.model SERVICE_MANAGED/.test(e.message));
  });
});
