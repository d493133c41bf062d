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
async function runWith(t: { mock: { method: (...args: never[]) => unknown } }, text: string, command = 'apply') {
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
    text: () => edit("  - account: '333333333333'\n", '  - organizationalUnit: ou-ab12-34cd56ef\n'),
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
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(stderr, /CountingServer|counted/);
    assert.ok(made >= 1, 'the first call (the caller identity) reached the endpoint');
  });
});

describe('the manifests in stacksets/ are valid', () => {
  test('payments-prod (SELF_MANAGED): 2 accounts × 2 regions, no per-instance value, a canary', () => {
    const spec = loadManifest('stacksets/payments-prod.yaml');
    assert.equal(spec.instances.length, 4);
    assert.equal(spec.hasNestedStacks, true, 'the platform root: packaged before the rollout');
    assert.ok(
      spec.instances.every((i) => Object.keys(i.overrides).length === 0),
      'one operation can cover every instance',
    );
    assert.deepEqual(spec.manifest.canary, { account: '210987654321' });
    assert.equal(spec.parameters.Environment, 'prod');
    assert.equal(spec.parameters.KeyRotationPeriodDays, '365', 'defaults fill in what the parameter file leaves out');
    for (const name of ['CertificateArnParameter', 'S3PrefixListIdParameter', 'DrRegionParameter'])
      assert.ok(spec.ssmParameters.includes(name), `${name}: resolved in the target account`);
    assert.equal(spec.parameters.PermissionsBoundaryName, 'payment-platform-boundary', 'every platform role carries the boundary the execution role requires');
  });

  test('payments-prod-control-tower: stack set parameters (for every instance), no overrides', () => {
    const spec = loadManifest('stacksets/payments-prod-control-tower.yaml');
    assert.equal(spec.parameters.CreateConfigRecorder, 'false');
    assert.equal(spec.parameters.EnableCloudTrail, 'false');
    assert.ok(
      spec.instances.every((i) => Object.keys(i.overrides).length === 0),
      'no instance carries an override',
    );
  });

  test('example-service-managed: OU targets, the custom execution role, no overrides', () => {
    const spec = loadManifest('stacksets/example-service-managed.yaml');
    assert.deepEqual(
      spec.instances.map((i) => i.unit),
      [
        { kind: 'ou', id: 'ou-ab12-78ef90ab' },
        { kind: 'ou', id: 'ou-ab12-90ab12cd' },
      ],
    );
    assert.equal(spec.manifest.permissions.executionRoleName, 'stacksets-exec-custom-payment');
  });

  test('an account target in a SERVICE_MANAGED manifest is refused', () => {
    const text = readFileSync(join(ROOT, 'stacksets', 'example-service-managed.yaml'), 'utf8').replace('- organizationalUnit: ou-ab12-78ef90ab', "- account: '123456789012'");
    const file = join(dir, 'svc.yaml');
    writeFileSync(file, text);
    assert.throws(
      () => loadManifest(file),
      (e: unknown) => e instanceof ManifestError && /targets\[0\]\.account: not allowed with permissions\.model SERVICE_MANAGED/.test(e.message),
    );
  });

  test('make validate: stackset check --all passes the committed manifests', async (t) => {
    const out: string[] = [];
    (t.mock.method as any)(console, 'log', (...args: unknown[]) => out.push(args.join(' ')));
    assert.equal(await main(['check', '--all']), EXIT.ok);
    assert.match(out.join('\n'), /stackset check: \d+ manifests valid \(.*stacksets\/payments-prod\.yaml/);
  });
});

describe('what AWS binds to a region or an account, and what must have one owner: refused before any call', () => {
  const manifest = (lines: string[]): string => lines.join('\n');
  const SELF = 'permissions: {model: SELF_MANAGED, administrationRoleName: payment-stackset-administration, executionRoleName: payment-stackset-execution}';
  const bound = (extra: string[]) =>
    manifest([
      'stackSetName: payment-bound-test',
      'template: test/fixtures/stackset/bound-values-template.yaml',
      'parameterFile: test/fixtures/stackset/bound-values-parameters.json',
      SELF,
      "targets: [{account: '111111111111'}, {account: '222222222222'}]",
      'regions: [eu-west-1, eu-central-1]',
      ...extra,
    ]);

  test("a certificate of another region (ELB and API Gateway take only their own region's): the override's path", async (t) => {
    const text = bound(["regionParameters: {eu-central-1: {CertificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/6a1f0c55-0d3e-4b8a-9a43-2f5c1e7d9b10'}}"]);
    const { code, stderr, requests, file } = await runWith(t, text, 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.ok(
      stderr.includes(
        `${file}: regionParameters.eu-central-1.CertificateArn: arn:aws:acm:eu-west-1:111111111111:certificate/6a1f0c55-0d3e-4b8a-9a43-2f5c1e7d9b10 is bound to a region or account`,
      ),
      stderr,
    );
    assert.match(stderr, /\(111111111111 eu-central-1, 222222222222 eu-central-1: the certificate is in eu-west-1, the instance in eu-central-1/, 'every instance it reaches');
    assert.match(stderr, /allowed: a value the template resolves per instance \(an AWS::SSM::Parameter::Value parameter the target account fills/);
    assert.equal(requests, 0);
  });

  test('a certificate of another account: refused for the account it does not belong to', async (t) => {
    const text = bound([
      "targets: [{account: '111111111111', regionParameters: {eu-west-1: {CertificateArn: 'arn:aws:acm:eu-west-1:999999999999:certificate/6a1f0c55-0d3e-4b8a-9a43-2f5c1e7d9b10'}}}, {account: '222222222222'}]",
    ]).replace("targets: [{account: '111111111111'}, {account: '222222222222'}]\n", '');
    const { code, stderr } = await runWith(t, text, 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(
      stderr,
      /targets\[0\]\.regionParameters\.eu-west-1\.CertificateArn: \S+ is bound .*the certificate belongs to account 999999999999, the instance is in 111111111111/,
    );
  });

  test("a prefix list ID in the parameter file (prefix lists are regional): the parameter file's entry", async (t) => {
    const { code, stderr } = await runWith(t, bound([]), 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(
      stderr,
      /test\/fixtures\/stackset\/bound-values-parameters\.json: S3PrefixListId: pl-63a5400a is bound to a region or account \(111111111111 eu-west-1, 222222222222 eu-west-1, 111111111111 eu-central-1, 222222222222 eu-central-1: a prefix list exists in one region only/,
    );
  });

  test('a private ECR image of another region; an SSM-typed parameter (a name the account resolves) is fine', async (t) => {
    const text = bound([
      "parameters: {S3PrefixListId: '', ContainerImage: '111122223333.dkr.ecr.us-east-1.amazonaws.com/payment-app@sha256:0000000000000000000000000000000000000000000000000000000000000000', CertificateArnParameter: /payment/other-name}",
    ]);
    const { code, stderr } = await runWith(t, text, 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(
      stderr,
      /: parameters\.ContainerImage: 111122223333\.dkr\.ecr\.us-east-1\.amazonaws\.com\/\S+ is bound .*the image is in ECR of us-east-1; the instance in eu-west-1 pulls through its own region's ECR endpoints/,
    );
    assert.doesNotMatch(stderr, /CertificateArnParameter/);
  });

  test("a certificate of the instance's own account and region, per target and region: accepted", () => {
    const text = bound(["parameters: {S3PrefixListId: ''}"]).replace(
      "targets: [{account: '111111111111'}, {account: '222222222222'}]",
      "targets: [{account: '111111111111', regionParameters: {eu-west-1: {CertificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/6a1f0c55-0d3e-4b8a-9a43-2f5c1e7d9b10'}, eu-central-1: {CertificateArn: 'arn:aws:acm:eu-central-1:111111111111:certificate/0c7e2b4d-8f1a-4e6b-b2d9-5a3c8e1f7d42'}}}]",
    );
    const file = join(dir, 'own-certificates.yaml');
    writeFileSync(file, text);
    assert.equal(loadManifest(file).instances.length, 2);
  });

  const singletons = (extra: string[], targets = "[{account: '111111111111'}]") =>
    manifest([
      'stackSetName: payment-singletons-test',
      'template: test/fixtures/stackset/singletons-template.yaml',
      'parameterFile: test/fixtures/stackset/singletons-parameters.json',
      SELF,
      `targets: ${targets}`,
      'regions: [eu-west-1, eu-central-1]',
      ...extra,
    ]);

  test('a CloudWatch dashboard name in two regions of one account (dashboards are account-wide): two owners, make stackset-plan refuses', async (t) => {
    const { code, stderr, requests, file } = await runWith(t, singletons([]), 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.ok(
      stderr.includes(
        `${file}: targets/regions: AWS::CloudWatch::Dashboard named payment-prod would have 2 owners in account 111111111111 (its name is account-wide): 111111111111 eu-west-1 singletons-template/Dashboard, 111111111111 eu-central-1 singletons-template/Dashboard`,
      ),
      stderr,
    );
    assert.equal(requests, 0);
  });

  test('the same S3 bucket name in two accounts (bucket names are shared by every account): two owners', async (t) => {
    const text = singletons(["parameters: {RegionalNames: 'true', BucketName: payment-shared-bucket}"], "[{account: '111111111111'}, {account: '222222222222'}]");
    const { code, stderr } = await runWith(t, text, 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(stderr, /AWS::S3::Bucket named payment-shared-bucket would have 4 owners in every account \(S3 bucket names are global\)/);
    assert.doesNotMatch(stderr, /Dashboard/, 'a dashboard name with its region is unique');
  });

  test("API Gateway's account settings switched off in one region: no owner there, where the stage's logging needs one", async (t) => {
    const text = singletons(["parameters: {RegionalNames: 'true'}", "regionParameters: {eu-central-1: {ManageApiGatewayAccountRole: 'false'}}"]);
    const { code, stderr } = await runWith(t, text, 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(
      stderr,
      /targets\/regions: 111111111111 eu-central-1 has no AWS::ApiGateway::Account: a REST API stage's CloudWatch logging needs API Gateway's CloudWatch role set in its account and region; allowed: exactly one instance per account and region owns it \(https:\/\/docs\.aws\.amazon\.com\/apigateway\//,
    );
  });

  test('one owner everywhere: accepted', () => {
    const file = join(dir, 'singletons-ok.yaml');
    writeFileSync(file, singletons(["parameters: {RegionalNames: 'true'}"]));
    assert.equal(loadManifest(file).instances.length, 2);
  });

  test('a canary that is not one of the targets, or in a region not rolled out', async (t) => {
    const { code, stderr } = await runWith(
      t,
      edit('regions: [us-east-1, eu-west-1]', "regions: [us-east-1, eu-west-1]\ncanary: {account: '444444444444', region: ap-south-1}"),
      'plan',
    );
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(stderr, /: canary\.account: 444444444444 is not a target; allowed: one of targets\[\]\.account \(111111111111, 222222222222, 333333333333\)/);
    assert.match(stderr, /: canary\.region: "ap-south-1" is not in regions; allowed: one of regions \(us-east-1, eu-west-1\)/);
  });

  const serviceManaged = readFileSync(join(ROOT, 'stacksets', 'example-service-managed.yaml'), 'utf8');

  test('SERVICE_MANAGED with nested stacks and no custom execution role: it would fall back to the default role, which cannot provision nested stacks', async (t) => {
    const { code, stderr } = await runWith(t, serviceManaged.replace('  executionRoleName: stacksets-exec-custom-payment\n', ''), 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(
      stderr,
      /: permissions\.executionRoleName: missing: the template nests stacks, which the default SERVICE_MANAGED execution role cannot provision; allowed: a name beginning with stacksets-exec-custom-/,
    );
  });

  test('a platform rollout without PermissionsBoundaryName: the execution role creates no role without the boundary (access_policies_boundaries)', async (t) => {
    const prod = readFileSync(join(ROOT, 'stacksets', 'payments-prod.yaml'), 'utf8');
    const without = prod.replace(/^parameters:\n {2}PermissionsBoundaryName: payment-platform-boundary\n/m, '');
    assert.notEqual(without, prod, 'payments-prod.yaml sets the boundary as a stack set parameter');
    const { code, stderr, requests } = await runWith(t, without, 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(
      stderr,
      /generated\/templates\/root\.yaml: Parameters\.PermissionsBoundaryName\.Default: empty for 210987654321 eu-west-1, 321098765432 eu-west-1, 210987654321 eu-central-1, 321098765432 eu-central-1: the StackSet execution role creates no IAM role without the permissions boundary/,
    );
    assert.match(
      stderr,
      /allowed: the name of the boundary policy the execution role templates create in each target account \(\S+: parameters\.PermissionsBoundaryName: payment-platform-boundary\)/,
    );
    assert.equal(requests, 0);
    const overridden = prod.replace("  - account: '321098765432' # cards UK", "  - account: '321098765432' # cards UK\n    parameters: {PermissionsBoundaryName: ''}");
    const one = await runWith(t, overridden, 'plan');
    assert.match(one.stderr, /: targets\[1\]\.parameters\.PermissionsBoundaryName: empty for 321098765432 eu-west-1, 321098765432 eu-central-1:/, 'an override names its own path');
  });

  test('a custom execution role name without the stacksets-exec-custom- prefix AWS requires', async (t) => {
    const { code, stderr } = await runWith(t, serviceManaged.replace('executionRoleName: stacksets-exec-custom-payment', 'executionRoleName: payment-execution'), 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(
      stderr,
      /: permissions\.executionRoleName: "payment-execution" is not allowed; allowed: the custom execution role's name: it must begin with stacksets-exec-custom-/,
    );
  });

  test('OU overrides with automatic deployment: AWS never applies them to accounts enrolled later (API_UpdateStackInstances, DeploymentTargets)', async (t) => {
    const text = serviceManaged.replace(
      '  - organizationalUnit: ou-ab12-90ab12cd # workloads/staging\n',
      "  - organizationalUnit: ou-ab12-90ab12cd # workloads/staging\n    parameters:\n      CreateConfigRecorder: 'false'\n",
    );
    const { code, stderr } = await runWith(t, text, 'plan');
    assert.equal(code, EXIT.invalid, stderr);
    assert.match(
      stderr,
      /: targets\[1\]\.parameters: overrides on OU ou-ab12-90ab12cd with autoDeployment\.enabled: AWS applies OU overrides only to the accounts in the OU at the time of the call; accounts auto-deployed later get the stack set's values\. Allowed: stack set parameters \(parameters:/,
    );
  });
});
