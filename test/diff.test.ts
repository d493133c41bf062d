// make diff: semantic diff, data-loss gate, security warnings, sources (directories, git, deployed
// stacks). Fixture pairs live in test/fixtures/diff/<case>/{before,after}; smaller variations are
// built here from parsed fixtures, so each test names exactly what it changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_TEMPLATES, ROOT } from '../scripts/lib/paths.js';
import { runDiff, type Environment } from '../scripts/lib/diff/cli.js';
import { buildReport, exitCodeOf } from '../scripts/lib/diff/report.js';
import { renderText } from '../scripts/lib/diff/render-text.js';
import { renderMarkdown } from '../scripts/lib/diff/render-markdown.js';
import { parseTemplateText, templatesFromDir } from '../scripts/lib/diff/source-dir.js';
import { templatesFromStack, type StackReader } from '../scripts/lib/diff/source-stack.js';
import { parseAllowList } from '../scripts/lib/diff/allow.js';
import { changedPaths, formatPath } from '../scripts/lib/diff/value-paths.js';
import { referencesIn } from '../scripts/lib/diff/references.js';
import { replacementOf } from '../scripts/lib/diff/replacement.js';
import { findRenames } from '../scripts/lib/diff/renames.js';
import type { CfnResource, CfnTemplate, TemplateSet } from '../scripts/lib/diff/types.js';
import { CreateStackCommand, DeleteStackCommand, waitUntilStackCreateComplete } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { awsClients, resolveTarget } from '../scripts/lib/aws.js';

// Asked before any test is registered: the tests that follow keep the event loop busy.
const EMULATOR = `http://${process.env.EMULATOR_HOST ?? '127.0.0.1'}:${process.env.EMULATOR_PORT ?? '5000'}`;
const emulatorUp = await fetch(`${EMULATOR}/moto-api/`, { signal: AbortSignal.timeout(1000) }).then(
  () => true,
  () => false,
);

const FIXTURES = join(ROOT, 'test', 'fixtures', 'diff');
const fixture = (name: string, side: 'before' | 'after') => join(FIXTURES, name, side);

function environment(templatesDir: string, env: NodeJS.ProcessEnv = {}, extra: Partial<Environment> = {}): Environment {
  return { repo: ROOT, templatesDir, env, ...extra };
}

/** Runs the CLI logic on a fixture pair, as `tsx scripts/diff.ts --before-dir … --after-dir …` would. */
function diffCase(name: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return runDiff(['--before-dir', fixture(name, 'before'), '--after-dir', fixture(name, 'after'), ...args], environment(fixture(name, 'after'), env));
}

const lines = (output: string) => output.split('\n');
const lastLine = (output: string) => output.trimEnd().split('\n').at(-1)!;
const GATE_PASSED = /^DATA-LOSS GATE: passed/;
const GATE_BLOCKED = /^DATA-LOSS GATE: BLOCKED/;

/** A template from a fixture, parsed, safe to change. */
const load = (name: string, side: 'before' | 'after', file: string): CfnTemplate =>
  parseTemplateText(readFileSync(join(fixture(name, side), file), 'utf8'), `${name}/${side}/${file}`);
const set = (label: string, templates: Record<string, CfnTemplate>): TemplateSet => ({ label, templates: new Map(Object.entries(templates)) });

/** Text report and exit code for two in-memory sides. */
function compare(before: Record<string, CfnTemplate>, after: Record<string, CfnTemplate>, allow = '') {
  const report = buildReport(set('before', before), set('after', after), parseAllowList(allow, 'ALLOW_REPLACE'));
  return { exitCode: exitCodeOf(report), output: renderText(report, { color: false }), report };
}

// ---- the cases -------------------------------------------------------------------------

test('an added resource is listed, and the gate passes', async () => {
  const { exitCode, output } = await diffCase('added-resource');
  assert.equal(exitCode, 0);
  assert.ok(lines(output).includes('[+] AWS::SNS::Topic AlarmTopic'), output);
  assert.ok(
    lines(output).some((l) => l.startsWith('[+] Output AlarmTopicArn')),
    output,
  );
  // The terminal shows the compliance delta too, right after the gate: the new topic has no CMK.
  assert.match(output, /Compliance delta \(PCI DSS rules, base -> head\):\n {2}NOW FAILING PCI-ENC-007 /, 'the text report names the PCI rule the change turns to failing');
  assert.match(lastLine(output), GATE_PASSED);
});

test('a property that updates in place is shown with its path and does not trip the gate', async () => {
  const { exitCode, output } = await diffCase('update-in-place');
  assert.equal(exitCode, 0);
  assert.ok(lines(output).includes('[~] AWS::Logs::LogGroup AuditLogGroup'), output);
  assert.ok(lines(output).includes(' └─ [~] RetentionInDays'), output);
  const body = output.slice(output.indexOf('---- root.yaml'));
  assert.doesNotMatch(body.slice(0, body.lastIndexOf('DATA-LOSS GATE')), /replace/i);
  assert.match(lastLine(output), GATE_PASSED);
});

test('a property that forces replacement of an RDS instance fires the gate and names the property', async () => {
  const { exitCode, output } = await diffCase('rds-replace');
  assert.equal(exitCode, 1);
  assert.ok(
    lines(output).some((l) => l.startsWith('  [BLOCKED] database.yaml: Database (AWS::RDS::DBInstance) will be REPLACED') && l.includes('deleted after a final snapshot')),
    output,
  );
  assert.ok(lines(output).includes('      - DBName: requires replacement per the resource specification'), output);
  assert.doesNotMatch(output, /- AllocatedStorage: /, 'an in-place property is not a cause');
  assert.ok(lines(output).includes('[~] AWS::RDS::DBInstance Database replace'), output);
  assert.ok(lines(output).includes(' └─ [~] DBName (requires replacement)'), output);
  assert.match(output, /ALLOW_REPLACE=database\.yaml:Database make diff/);
  assert.match(lastLine(output), GATE_BLOCKED);
});

test('a renamed logical ID of a bucket fires the gate, naming both IDs, even with DeletionPolicy Retain', async () => {
  const { exitCode, output } = await diffCase('bucket-rename');
  assert.equal(exitCode, 1);
  assert.ok(
    lines(output).some((l) =>
      l.startsWith('  [BLOCKED] storage.yaml: DataBucket (AWS::S3::Bucket) logical ID renamed DataBucket -> PaymentDataBucket: PaymentDataBucket is created new and empty'),
    ),
    output,
  );
  // The TLS-only Deny moved to the new bucket: following a rename broadens nothing.
  assert.doesNotMatch(output, /IAM PERMISSIONS BROADENED/);
});

test('an IAM broadening prints a warning block, without failing', async () => {
  const { exitCode, output } = await diffCase('iam-broadening');
  assert.equal(exitCode, 0);
  const at = lines(output).indexOf('!!! WARNING: IAM PERMISSIONS BROADENED - compute.yaml');
  assert.ok(at > 0, output);
  assert.equal(lines(output)[at + 1], '!!!   + Allow s3:* on * to AWS:${TaskRole}');
  assert.match(lines(output)[at - 1]!, /^!{78}$/, 'the block is fenced');
  assert.ok(at < lines(output).findIndex((l) => l.startsWith('---- compute.yaml')), 'the warning comes before the template sections');
  assert.match(lastLine(output), /1 security warning\(s\) above/);
});

test('ALLOW_REPLACE accepts the replacement by logical ID or template:LogicalId, and only that', async () => {
  const byEnv = await diffCase('rds-replace', [], { ALLOW_REPLACE: 'Database' });
  assert.equal(byEnv.exitCode, 0);
  assert.ok(
    lines(byEnv.output).some((l) => l.startsWith('  [ALLOWED by Database] database.yaml: Database (AWS::RDS::DBInstance) will be REPLACED')),
    byEnv.output,
  );
  assert.match(lastLine(byEnv.output), /^DATA-LOSS GATE: passed .*\(1 allowed\)/);

  const byFlag = await diffCase('rds-replace', ['--allow-replace', 'database:Database']);
  assert.equal(byFlag.exitCode, 0);

  const wrongTemplate = await diffCase('rds-replace', [], { ALLOW_REPLACE: 'cache.yaml:Database' });
  assert.equal(wrongTemplate.exitCode, 1);
  assert.ok(lines(wrongTemplate.output).includes('  note: allowance "cache.yaml:Database" matched no replacement or deletion'), wrongTemplate.output);

  const renamed = await diffCase('bucket-rename', [], { ALLOW_REPLACE: 'PaymentDataBucket' });
  assert.equal(renamed.exitCode, 0, 'a rename can be allowed by its new ID too');
});

// ---- more cases --------------------------------------------------------------------------------

test('a deleted log group with DeletionPolicy Retain is reported as retained and does not block', async () => {
  const { exitCode, output } = await diffCase('retained-log-group');
  assert.equal(exitCode, 0);
  assert.ok(
    lines(output).some((l) =>
      l.startsWith('  [RETAINED] observability.yaml: LegacyAuditLogGroup (AWS::Logs::LogGroup) is removed from the stack but RETAINED by DeletionPolicy Retain'),
    ),
    output,
  );
  assert.match(lastLine(output), /^DATA-LOSS GATE: passed .*\(1 retained\)/);
});

test('the same log group deleted without a Retain policy blocks', () => {
  const before = load('retained-log-group', 'before', 'observability.yaml');
  delete before.Resources!.LegacyAuditLogGroup!.DeletionPolicy;
  const { exitCode, output } = compare({ 'observability.yaml': before }, { 'observability.yaml': load('retained-log-group', 'after', 'observability.yaml') });
  assert.equal(exitCode, 1);
  assert.match(output, /\[BLOCKED\] observability\.yaml: LegacyAuditLogGroup \(AWS::Logs::LogGroup\) is removed and DELETED \(DeletionPolicy not set: Delete\)/);

  before.Resources!.LegacyAuditLogGroup!.DeletionPolicy = 'Snapshot';
  assert.match(compare({ 'observability.yaml': before }, { 'observability.yaml': {} }).output, /is removed and DELETED after a final snapshot/);
});

test('a security group opened to 0.0.0.0/0 prints the internet warning block', async () => {
  const { exitCode, output } = await diffCase('sg-open-world');
  assert.equal(exitCode, 0);
  const at = lines(output).indexOf('!!! WARNING: SECURITY GROUP OPENED TO THE INTERNET - network.yaml');
  assert.ok(at > 0, output);
  assert.equal(lines(output)[at + 1], '!!!   + In  TCP 443 from 0.0.0.0/0 to ${NlbSecurityGroup.GroupId}');
});

test('an ingress rule from a parameter whose default is 0.0.0.0/0 counts as opened to the internet', () => {
  const after = load('sg-open-world', 'after', 'network.yaml');
  after.Parameters!.IngressCidr = { Type: 'String', Default: '0.0.0.0/0' };
  after.Resources!.WorldToNlbIngress!.Properties!.CidrIp = { Ref: 'IngressCidr' };
  const { output } = compare({ 'network.yaml': load('sg-open-world', 'before', 'network.yaml') }, { 'network.yaml': after });
  assert.match(output, /!!! {3}\+ In {2}TCP 443 from \$\{IngressCidr\} \(parameter IngressCidr, default 0\.0\.0\.0\/0\) to \$\{NlbSecurityGroup\.GroupId\}/);

  after.Parameters!.IngressCidr!.Default = '10.0.0.0/16';
  const narrow = compare({ 'network.yaml': load('sg-open-world', 'before', 'network.yaml') }, { 'network.yaml': after }).output;
  assert.doesNotMatch(narrow, /OPENED TO THE INTERNET/);
  assert.match(narrow, /!!! WARNING: SECURITY GROUP RULES ADDED - network\.yaml/);
});

test('a nested layer added shows as a new template and a new nested stack, and passes', async () => {
  const { exitCode, output } = await diffCase('nested-layer-added');
  assert.equal(exitCode, 0);
  assert.equal(lines(output)[1], '3 templates: 1 changed (root.yaml), 1 added (storage.yaml), 0 removed, 1 unchanged');
  assert.ok(lines(output).includes('[+] AWS::CloudFormation::Stack StorageStack'), output);
  assert.ok(
    lines(output).some((l) => l.startsWith('---- storage.yaml (added template)')),
    output,
  );
  assert.ok(lines(output).includes('[+] AWS::S3::Bucket DataBucket'), output);
  assert.ok(lines(output).includes('Unchanged: kms.yaml'), output);
  const order = ['---- root.yaml', '---- storage.yaml'].map((p) => lines(output).findIndex((l) => l.startsWith(p)));
  assert.ok(order[0]! >= 0 && order[0]! < order[1]!, 'root first, then the layers');
});

test('a nested layer removed deletes what it holds: the layer file shows every resource, the gate sees the stack', () => {
  const before = { 'root.yaml': load('nested-layer-added', 'after', 'root.yaml'), 'storage.yaml': load('nested-layer-added', 'after', 'storage.yaml') };
  const { exitCode, output } = compare(before, { 'root.yaml': load('nested-layer-added', 'before', 'root.yaml') });
  assert.equal(exitCode, 1);
  assert.match(output, /\[BLOCKED\] root\.yaml: StorageStack \(AWS::CloudFormation::Stack\) is removed and DELETED/);
  assert.match(output, /\[RETAINED\] storage\.yaml: DataBucket \(AWS::S3::Bucket\) is removed from the stack but RETAINED/);
  assert.match(lines(output)[1]!, /1 removed \(storage\.yaml\)/);
});

test('a nested property path that forces replacement (per the specification) is named exactly', () => {
  const group = {
    Type: 'AWS::ElastiCache::ReplicationGroup',
    DeletionPolicy: 'Snapshot',
    Properties: { ReplicationGroupDescription: 'cache', Engine: 'redis', NodeGroupConfiguration: [{ NodeGroupId: '0001', ReplicaCount: 2 }] },
  };
  const after = structuredClone(group);
  after.Properties.NodeGroupConfiguration[0]!.ReplicaCount = 3;
  const { exitCode, output } = compare({ 'cache.yaml': { Resources: { Cache: group } } }, { 'cache.yaml': { Resources: { Cache: after } } });
  assert.equal(exitCode, 1);
  assert.ok(lines(output).includes('      - NodeGroupConfiguration[0].ReplicaCount: requires replacement per the resource specification'), output);
  assert.ok(lines(output).includes('[~] AWS::ElastiCache::ReplicationGroup Cache replace'), 'the printed diff agrees with the gate');
});

test('a resource replaced by reference: the database follows its replaced subnet group', () => {
  const before = load('rds-replace', 'before', 'database.yaml');
  const after = structuredClone(before);
  after.Resources!.DbSubnetGroup!.Properties!.DBSubnetGroupName = 'payment-db-subnets';
  const { exitCode, output } = compare({ 'database.yaml': before }, { 'database.yaml': after });
  assert.equal(exitCode, 1);
  assert.ok(
    lines(output).includes('      - DBSubnetGroupName: requires replacement per the resource specification (unchanged, but it refers to DbSubnetGroup, which is replaced)'),
    output,
  );
});

test('across layers: a re-created KMS key changes an output the root passes on, and the database that uses it is replaced', () => {
  const root = load('nested-layer-added', 'before', 'root.yaml');
  root.Resources!.DatabaseStack = {
    Type: 'AWS::CloudFormation::Stack',
    Properties: { TemplateURL: 'database.yaml', Parameters: { DbKeyArn: { 'Fn::GetAtt': ['KmsStack', 'Outputs.StorageKeyArn'] } } },
  };
  const database = load('rds-replace', 'before', 'database.yaml');
  database.Parameters!.DbKeyArn = { Type: 'String' };
  database.Resources!.Database!.Properties!.KmsKeyId = { Ref: 'DbKeyArn' };
  const kms = load('nested-layer-added', 'before', 'kms.yaml');
  const renamedKms = structuredClone(kms);
  renamedKms.Resources = { StorageKeyV2: kms.Resources!.StorageKey! };
  renamedKms.Outputs = { StorageKeyArn: { Value: { 'Fn::GetAtt': ['StorageKeyV2', 'Arn'] } } };
  const { exitCode, output } = compare({ 'root.yaml': root, 'kms.yaml': kms, 'database.yaml': database }, { 'root.yaml': root, 'kms.yaml': renamedKms, 'database.yaml': database });
  assert.equal(exitCode, 1);
  assert.match(output, /\[BLOCKED\] kms\.yaml: StorageKey \(AWS::KMS::Key\) logical ID renamed StorageKey -> StorageKeyV2/);
  assert.ok(
    lines(output).some((l) => l.startsWith('  [BLOCKED] database.yaml: Database (AWS::RDS::DBInstance) will be REPLACED')),
    output,
  );
  assert.ok(
    lines(output).includes('      - KmsKeyId: requires replacement per the resource specification (unchanged, but its input changes: DbKeyArn <- kms.yaml output StorageKeyArn)'),
    output,
  );
  assert.equal(lines(output)[1], '3 templates: 1 changed (kms.yaml), 0 added, 0 removed, 2 unchanged', 'the database template itself did not change');

  // Allowing the key alone does not let the database go.
  assert.equal(
    compare({ 'root.yaml': root, 'kms.yaml': kms, 'database.yaml': database }, { 'root.yaml': root, 'kms.yaml': renamedKms, 'database.yaml': database }, 'StorageKey').exitCode,
    1,
  );
});

test('a property that may force replacement blocks as MAY BE REPLACED', () => {
  const before = load('rds-replace', 'before', 'database.yaml');
  const after = structuredClone(before);
  after.Resources!.Database!.Properties!.BackupRetentionPeriod = 14;
  const { exitCode, output } = compare({ 'database.yaml': before }, { 'database.yaml': after });
  assert.equal(exitCode, 1);
  assert.match(output, /\[BLOCKED\] database\.yaml: Database \(AWS::RDS::DBInstance\) MAY BE REPLACED/);
  assert.ok(lines(output).includes('      - BackupRetentionPeriod: may require replacement per the resource specification'), output);
});

test('a stateful resource made conditional blocks unless Retain keeps it; a weakened DeletionPolicy warns', () => {
  const before = load('bucket-rename', 'before', 'storage.yaml');
  const conditional = structuredClone(before);
  conditional.Conditions = { KeepData: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } };
  conditional.Resources!.DataBucket!.Condition = 'KeepData';
  const retained = compare({ 'storage.yaml': before }, { 'storage.yaml': conditional });
  assert.equal(retained.exitCode, 0, 'DeletionPolicy Retain keeps the bucket when the condition turns false');
  assert.match(retained.output, /\[RETAINED\] storage\.yaml: DataBucket \(AWS::S3::Bucket\) exists only when condition KeepData is true, and what decides it changed/);
  const unprotected = structuredClone(before);
  delete unprotected.Resources!.DataBucket!.DeletionPolicy;
  const unprotectedConditional = structuredClone(conditional);
  delete unprotectedConditional.Resources!.DataBucket!.DeletionPolicy;
  const made = compare({ 'storage.yaml': unprotected }, { 'storage.yaml': unprotectedConditional });
  assert.equal(made.exitCode, 1);
  assert.match(made.output, /\[BLOCKED\] storage\.yaml: DataBucket \(AWS::S3::Bucket\) exists only when condition KeepData is true/);

  const weakened = structuredClone(before);
  delete weakened.Resources!.DataBucket!.DeletionPolicy;
  const w = compare({ 'storage.yaml': before }, { 'storage.yaml': weakened });
  assert.equal(w.exitCode, 0);
  assert.ok(lines(w.output).includes('!!! WARNING: DELETION PROTECTION WEAKENED - storage.yaml'), w.output);
  assert.match(w.output, /DataBucket \(AWS::S3::Bucket\): DeletionPolicy Retain -> Delete \(default\)/);
});

test('a parameter value that forces replacement (through the root into a layer) fires the gate, templates unchanged', async () => {
  const { exitCode, output } = await diffCase('parameter-value');
  assert.equal(exitCode, 1);
  assert.equal(lines(output)[1], '2 templates: 0 changed, 0 added, 0 removed, 2 unchanged');
  assert.ok(
    lines(output).some((l) => l.startsWith('  [BLOCKED] database.yaml: Database (AWS::RDS::DBInstance) will be REPLACED')),
    output,
  );
  assert.ok(lines(output).includes('      - DBName: requires replacement per the resource specification (parameter value prod: DbName "payments" -> "payments_v2")'), output);
  const section = lines(output).indexOf('Parameter values (per environment file, else the root default):');
  assert.deepEqual(lines(output).slice(section + 1, section + 3), ['  prod: DbName "payments" -> "payments_v2"', '      -> database.yaml:Database DBName (requires replacement)']);
  assert.equal((await diffCase('parameter-value', ['--allow-replace', 'database.yaml:Database'])).exitCode, 0);
});

test('a changed root default reaches every environment that does not set the value; a condition flip is followed', () => {
  const root = load('parameter-value', 'before', 'root.yaml');
  const database = load('parameter-value', 'before', 'database.yaml');
  const values = new Map([
    ['dev', new Map([['Environment', 'dev']])],
    [
      'prod',
      new Map([
        ['Environment', 'prod'],
        ['DbName', 'payments'],
      ]),
    ],
  ]);
  const newRoot = structuredClone(root);
  newRoot.Parameters!.DbName!.Default = 'ledger';
  const before: TemplateSet = {
    label: 'before',
    templates: new Map([
      ['root.yaml', root],
      ['database.yaml', database],
    ]),
    parameters: values,
  };
  const after: TemplateSet = {
    label: 'after',
    templates: new Map([
      ['root.yaml', newRoot],
      ['database.yaml', database],
    ]),
    parameters: values,
  };
  const report = buildReport(before, after, []);
  assert.deepEqual(
    report.parameterChanges!.map((c) => `${c.change.env}:${c.change.name}:${c.change.to}`),
    ['dev:DbName:ledger'],
    'prod sets its own value',
  );
  assert.equal(exitCodeOf(report), 1);

  // A condition in the layer that depends on the parameter decides whether the database exists.
  const conditional = structuredClone(database);
  conditional.Conditions = { IsLedger: { 'Fn::Equals': [{ Ref: 'DbName' }, 'ledger'] } };
  conditional.Resources!.Database!.Condition = 'IsLedger';
  conditional.Resources!.Database!.Properties!.DBName = 'fixed';
  const flipped = buildReport(
    {
      ...before,
      templates: new Map([
        ['root.yaml', root],
        ['database.yaml', conditional],
      ]),
    },
    {
      ...after,
      templates: new Map([
        ['root.yaml', newRoot],
        ['database.yaml', conditional],
      ]),
    },
    [],
  );
  const text = renderText(flipped, { color: false });
  assert.match(text, /\[BLOCKED\] database\.yaml: Database \(AWS::RDS::DBInstance\) exists only when condition IsLedger is true/);
  assert.ok(lines(text).includes('      - Condition IsLedger (parameter value dev: DbName "payments" -> "ledger")'), text);
  assert.ok(lines(text).includes('      -> database.yaml: condition IsLedger decides whether 1 resource(s) exist: Database'), text);
});

test('a stateless resource may be replaced without tripping the gate; the diff still says replace', () => {
  const before = load('sg-open-world', 'before', 'network.yaml');
  const after = structuredClone(before);
  after.Resources!.AppSecurityGroup!.Properties!.GroupDescription = 'application tasks (Fargate)';
  const { exitCode, output } = compare({ 'network.yaml': before }, { 'network.yaml': after });
  assert.equal(exitCode, 0);
  assert.ok(lines(output).includes('[~] AWS::EC2::SecurityGroup AppSecurityGroup replace'), output);
});

test('a renamed nested stack in the root fires the gate (the whole layer is re-created)', () => {
  const before = load('nested-layer-added', 'before', 'root.yaml');
  const after = structuredClone(before);
  after.Resources = { KeysStack: before.Resources!.KmsStack! };
  const { exitCode, output } = compare({ 'root.yaml': before }, { 'root.yaml': after });
  assert.equal(exitCode, 1);
  assert.match(output, /\[BLOCKED\] root\.yaml: KmsStack \(AWS::CloudFormation::Stack\) logical ID renamed KmsStack -> KeysStack/);
});

test('--format markdown: gate result and security tables at the top, a collapsed section per template', async () => {
  const { exitCode, output } = await diffCase('bucket-rename', ['--format', 'markdown']);
  assert.equal(exitCode, 1);
  const details = lines(output).indexOf('<details>');
  const at = (text: string) => lines(output).findIndex((l) => l.startsWith(text));
  assert.ok(details > 0, output);
  assert.ok(at('> **DATA-LOSS GATE: BLOCKED') > 0 && at('> **DATA-LOSS GATE: BLOCKED') < details, output);
  assert.ok(at('| BLOCKED | storage.yaml | DataBucket (AWS::S3::Bucket) logical ID renamed DataBucket -&gt; PaymentDataBucket') < details, output);
  assert.ok(at('**IAM statement changes** in `storage.yaml`') < details, output);
  assert.ok(lines(output).includes('<summary><code>storage.yaml</code> - changed: 1 added, 1 updated, 1 removed resource(s)</summary>'), output);
  assert.ok(lines(output).includes('[-] AWS::S3::Bucket DataBucket orphan'), 'the semantic diff is inside the section');
  assert.doesNotMatch(output, /\x1b\[/, 'no colour codes in markdown');

  const security = (await diffCase('sg-open-world', [], { FORMAT: 'markdown' })).output;
  assert.ok(lines(security).includes('> **SECURITY GROUP OPENED TO THE INTERNET** in `network.yaml`'), security);
  assert.ok(lines(security).includes('| + | ${NlbSecurityGroup.GroupId} | In | TCP 443 | Everyone (IPv4) |'), security);
});

test('text output has no colour unless asked for', async () => {
  assert.doesNotMatch((await diffCase('rds-replace')).output, /\x1b\[/);
  assert.match((await diffCase('rds-replace', ['--color'])).output, /\x1b\[1;31mDATA-LOSS GATE: BLOCKED/);
});

test('bad input exits 2 with a message naming the input and what is allowed', async () => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['--frobnicate'], {}, /--frobnicate: unknown option/],
    [[], { ALLOW_REPLACE: 'Database;drop' }, /ALLOW_REPLACE: "Database;drop" is not an allowance; allowed: LogicalId or template:LogicalId/],
    [['--format', 'html'], {}, /--format: "html" is not a format; allowed: text, markdown/],
  ];
  for (const [args, env, message] of cases) {
    const run = await diffCase('added-resource', args, env);
    assert.equal(run.exitCode, 2, args.join(' '));
    assert.match(run.output, message);
  }
  const both = await runDiff(['--base', 'main'], environment(fixture('added-resource', 'after'), { STACK: 'payment-dev' }));
  assert.equal(both.exitCode, 2);
  assert.match(both.output, /BASE\/--base and STACK\/--stack: choose one thing to compare with/);
  const missing = await runDiff(['--before-dir', join(FIXTURES, 'nope')], environment(fixture('added-resource', 'after')));
  assert.equal(missing.exitCode, 2);
  assert.match(missing.output, /fixtures\/diff\/nope: no such directory/);

  const dir = mkdtempSync(join(tmpdir(), 'diff-bad-'));
  writeFileSync(join(dir, 'root.yaml'), 'Resources:\n  Broken:\n    Properties: {}\n');
  const bad = await runDiff(['--before-dir', dir], environment(fixture('added-resource', 'after')));
  assert.equal(bad.exitCode, 2);
  assert.match(bad.output, /root\.yaml: Resources\.Broken: a resource needs a Type/);
  rmSync(dir, { recursive: true });
});

// ---- sources -----------------------------------------------------------------------------------

function git(repo: string, ...args: string[]): string {
  const r = spawnSync('git', ['-C', repo, '-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('git: the default base is the merge base with main; the working tree is the new side; BASE picks a ref', async () => {
  const repo = mkdtempSync(join(tmpdir(), 'diff-git-'));
  const templates = join(repo, 'generated', 'templates');
  try {
    mkdirSync(templates, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    cpSync(fixture('rds-replace', 'before'), templates, { recursive: true });
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'before');
    git(repo, 'checkout', '-q', '-b', 'feature');
    cpSync(fixture('rds-replace', 'after'), templates, { recursive: true }); // uncommitted
    const env = environment(templates, {}, { repo });

    const run = await runDiff([], env);
    assert.equal(run.exitCode, 1, run.output);
    assert.match(lines(run.output)[0]!, /^Template diff: generated\/templates \(working tree\) against [0-9a-f]{10} \(merge base of HEAD and main\)$/);
    assert.match(run.output, /\[BLOCKED\] database\.yaml: Database \(AWS::RDS::DBInstance\) will be REPLACED/);

    git(repo, 'commit', '-q', '-am', 'after');
    assert.equal((await runDiff([], environment(templates, { BASE: 'HEAD' }, { repo }))).exitCode, 0, 'against HEAD: nothing changed');
    const previous = await runDiff([], environment(templates, { BASE: 'HEAD~1' }, { repo }));
    assert.equal(previous.exitCode, 1);
    assert.match(lines(previous.output)[0]!, /against HEAD~1@[0-9a-f]{10}$/);

    // Parameter files are read at the ref too (generated/parameters beside generated/templates).
    const parameters = join(repo, 'generated', 'parameters');
    cpSync(fixture('parameter-value', 'before'), templates, { recursive: true });
    rmSync(join(templates, 'parameters'), { recursive: true });
    cpSync(join(fixture('parameter-value', 'before'), 'parameters'), parameters, { recursive: true });
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'parameters');
    cpSync(join(fixture('parameter-value', 'after'), 'parameters'), parameters, { recursive: true }); // uncommitted
    const byValue = await runDiff([], environment(templates, { BASE: 'HEAD' }, { repo }));
    assert.equal(byValue.exitCode, 1, byValue.output);
    assert.ok(lines(byValue.output).includes('  prod: DbName "payments" -> "payments_v2"'), byValue.output);

    // generated/standalone (templates deployed on their own) is compared too, as standalone/<file>.
    const standalone = join(repo, 'generated', 'standalone');
    mkdirSync(standalone);
    writeFileSync(join(standalone, 'dr.yaml'), 'Resources:\n  DrVault:\n    Type: AWS::Backup::BackupVault\n    Properties:\n      BackupVaultName: payment-dr\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'dr vault, new parameter values');
    rmSync(join(standalone, 'dr.yaml'));
    const vault = await runDiff([], environment(templates, { BASE: 'HEAD' }, { repo }));
    assert.equal(vault.exitCode, 1, vault.output);
    assert.match(vault.output, /\[BLOCKED\] standalone\/dr\.yaml: DrVault \(AWS::Backup::BackupVault\) is removed and DELETED/);
    assert.equal((await runDiff([], environment(templates, { BASE: 'HEAD', ALLOW_REPLACE: 'standalone/dr.yaml:DrVault' }, { repo }))).exitCode, 0);

    const unknown = await runDiff(['--base', 'no-such-branch'], env);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.output, /BASE=no-such-branch: not a commit in .*; allowed: a branch, tag or commit/);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

/** A recorded AWS: a packaged root (S3 TemplateURL) and one nested stack, as GetTemplate and ListStackResources gave them. */
function fakeAws(rootBody: CfnTemplate, nestedBody: string): { reader: StackReader; calls: string[] } {
  const calls: string[] = [];
  const reader: StackReader = {
    template: async (stack) => {
      calls.push(`template ${stack}`);
      return stack === 'payment-dev' ? structuredClone(rootBody) : parseTemplateText(nestedBody, stack);
    },
    nestedStacks: async (stack) => {
      calls.push(`nested ${stack}`);
      return new Map([['KmsStack', 'arn:aws:cloudformation:us-east-1:111111111111:stack/payment-dev-KmsStack-1/abc']]);
    },
  };
  return { reader, calls };
}

test('STACK: the deployed root and its nested stacks, mapped to layer files by logical ID', async () => {
  const deployedRoot = load('nested-layer-added', 'before', 'root.yaml');
  deployedRoot.Resources!.KmsStack!.Properties!.TemplateURL = 'https://artifacts.s3.amazonaws.com/3f5c0e.yaml';
  const deployedKms = readFileSync(join(fixture('nested-layer-added', 'before'), 'kms.yaml'), 'utf8').replace(/^ *DeletionPolicy: Retain\n/m, '');
  const { reader, calls } = fakeAws(deployedRoot, deployedKms);
  const after = templatesFromDir(fixture('nested-layer-added', 'after'));
  const before = await templatesFromStack('payment-dev', after, reader);
  assert.deepEqual([...before.templates.keys()], ['root.yaml', 'kms.yaml']);
  assert.ok(calls.includes('template arn:aws:cloudformation:us-east-1:111111111111:stack/payment-dev-KmsStack-1/abc'), 'the nested stack is read by its physical ID');

  const run = await runDiff(['--stack', 'payment-dev', '--no-change-set'], environment(fixture('nested-layer-added', 'after'), {}, { stackReader: reader }));
  assert.equal(run.exitCode, 0, run.output);
  assert.match(lines(run.output)[0]!, /against deployed stack payment-dev$/);
  assert.doesNotMatch(run.output, /TemplateURL/, 'the packaged S3 URL is not reported as a change');
  assert.ok(lines(run.output).includes('[+] AWS::CloudFormation::Stack StorageStack'), run.output);
  assert.match(run.output, /---- kms\.yaml \(changed\)/, 'the deployed kms layer lacks the DeletionPolicy the new one has');
});

test(
  'STACK against the local emulator: a deployed root with a nested stack, read through the AWS CLI',
  { skip: emulatorUp ? false : `no emulator at ${EMULATOR} (make local-up)` },
  async () => {
    const target = resolveTarget({ ...process.env, TARGET: 'local' });
    const suffix = `${process.pid}-${Date.now()}`;
    const bucket = `diff-test-${suffix}`;
    const stack = `diff-test-${suffix}`;
    const dir = mkdtempSync(join(tmpdir(), 'diff-stack-'));
    try {
      // A fresh log group name per run: the group is retained when the stack goes.
      const layer = readFileSync(join(fixture('retained-log-group', 'before'), 'observability.yaml'), 'utf8').replace('/payment/legacy-audit', `/diff-test/${suffix}`);
      writeFileSync(join(dir, 'observability.yaml'), layer);
      writeFileSync(
        join(dir, 'root.yaml'),
        `Resources:\n  ObservabilityStack:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://${bucket}.s3.amazonaws.com/obs.yaml\n`,
      );
      const { s3, cloudformation } = { s3: awsClients(target).s3(), cloudformation: awsClients(target).cloudformation() };
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'obs.yaml', Body: readFileSync(join(dir, 'observability.yaml'), 'utf8') }));
      await cloudformation.send(new CreateStackCommand({ StackName: stack, TemplateBody: readFileSync(join(dir, 'root.yaml'), 'utf8') }));
      await waitUntilStackCreateComplete({ client: cloudformation, minDelay: 1, maxWaitTime: 60 }, { StackName: stack });

      // The new side: the same root with a local TemplateURL, the layer without the legacy log group.
      const after = join(dir, 'after');
      mkdirSync(after);
      writeFileSync(join(after, 'root.yaml'), 'Resources:\n  ObservabilityStack:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: observability.yaml\n');
      cpSync(join(fixture('retained-log-group', 'after'), 'observability.yaml'), join(after, 'observability.yaml'));
      const run = await runDiff(['--stack', stack, '--after-dir', after], environment(after, { ...process.env, TARGET: 'local' }));
      assert.equal(run.exitCode, 0, run.output);
      assert.match(lines(run.output)[0]!, new RegExp(`against deployed stack ${stack} \\(local emulator\\)$`));
      assert.match(run.output, /\[RETAINED\] observability\.yaml: LegacyAuditLogGroup/);
      assert.ok(lines(run.output).includes('Unchanged: root.yaml'), run.output);
      // CloudFormation's own change set (IncludeNestedStacks): the nested stack's removal keeps the group.
      assert.match(run.output, /---- CloudFormation's change set for diff-test-/, run.output);
      assert.match(run.output, /Remove +LegacyAuditLogGroup +AWS::Logs::LogGroup +retained \(no longer managed\) +\[Retain\]/, run.output);
      assert.match(run.output, /DATA-LOSS GATE \(CloudFormation's change set\): passed/, run.output);
    } finally {
      try {
        await awsClients(target)
          .cloudformation()
          .send(new DeleteStackCommand({ StackName: stack }));
      } catch {
        // best effort: the emulator state is throwaway
      }
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

// ---- the real templates ------------------------------------------------------------------------

test('generated/: every template parses; compared with itself nothing changes; removing the platform lists every stateful resource', () => {
  const generated = templatesFromDir(GENERATED_TEMPLATES, 'generated');
  const same = buildReport(generated, generated, []);
  assert.equal(exitCodeOf(same), 0);
  assert.ok(
    same.templates.every((t) => t.status === 'unchanged'),
    'every template of a set compared with itself is unchanged',
  );

  const gone = buildReport(generated, { label: 'nothing', templates: new Map() }, []);
  assert.equal(exitCodeOf(gone), 1);
  for (const [name, template] of generated.templates) {
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      if (['AWS::KMS::Key', 'AWS::RDS::DBInstance', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::CloudFormation::Stack'].includes(resource.Type)) {
        assert.ok(
          gone.gate.findings.some((f) => f.verdict.template === name && f.verdict.logicalId === id),
          `${name}: ${id} missing from the gate`,
        );
      }
    }
  }
  assert.match(renderMarkdown(gone), /<summary><code>root\.yaml<\/code> - removed/);
});

// ---- building blocks ---------------------------------------------------------------------------

test('changed paths reach the leaves; where shapes part, every leaf on both sides counts', () => {
  const paths = (a: unknown, b: unknown) => changedPaths(a, b).map(formatPath);
  assert.deepEqual(paths({ A: 1, B: { C: 'x', D: [1, 2] } }, { A: '1', B: { C: 'y', D: [1, 3] } }), ['B.C', 'B.D[1]']);
  assert.deepEqual(paths({ N: [{ R: 1 }] }, { N: [{ R: 1 }, { R: 2, S: 3 }] }), ['N[0].R', 'N[1].R', 'N[1].S']);
  assert.deepEqual(paths({ P: 'literal' }, { P: { Ref: 'Param' } }), ['P', 'P.Ref']);
});

test('references: Ref, GetAtt (both forms) and Fn::Sub variables, not pseudo parameters or local Sub names', () => {
  const refs = referencesIn({
    A: { Ref: 'Key' },
    B: [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, { 'Fn::GetAtt': 'Queue.Arn' }],
    C: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/${Other.Arn}/${!Literal}' },
    D: { 'Fn::Sub': ['${Local}-${Stream}', { Local: { Ref: 'Topic' } }] },
    E: { Ref: 'AWS::Region' },
  });
  assert.deepEqual(
    refs.map((r) => `${formatPath(r.path)}->${r.id}`),
    ['A->Key', 'B[0]->Bucket', 'B[1]->Queue', 'C->Bucket', 'C->Other', 'D->Stream', 'D->Topic'],
  );
});

test('replacement facts: RESOURCE_INFO for top-level properties, the specification for nested paths', () => {
  assert.equal(replacementOf('AWS::RDS::DBInstance', ['DBName']), 'yes');
  assert.equal(replacementOf('AWS::RDS::DBInstance', ['MultiAZ']), 'no', 'RDS switches to Multi-AZ in place (ModifyDBInstance), whatever the specification says');
  assert.equal(replacementOf('AWS::RDS::DBInstance', ['BackupRetentionPeriod']), 'maybe');
  assert.equal(replacementOf('AWS::RDS::DBInstance', ['AllocatedStorage']), 'no');
  assert.equal(replacementOf('AWS::RDS::DBInstance', ['Tags', 0, 'Value']), 'no');
  assert.equal(replacementOf('AWS::EFS::AccessPoint', ['CreationInfo', 'OwnerUid']), 'yes', 'an additional replacement path from the specification');
  assert.equal(replacementOf('AWS::ElastiCache::ReplicationGroup', ['NodeGroupConfiguration', 0, 'ReplicaCount']), 'yes');
  assert.equal(replacementOf('AWS::ElastiCache::ReplicationGroup', ['NodeGroupConfiguration', 0, 'NodeGroupId']), 'maybe');
  assert.equal(replacementOf('AWS::DynamoDB::Table', ['TableName']), 'yes', 'a type the platform does not use: the specification answers');
});

test('renames pair removed and added resources of one type by shared properties', () => {
  const bucket = (versioning: string, name: string): CfnResource => ({
    Type: 'AWS::S3::Bucket',
    Properties: { BucketName: name, VersioningConfiguration: { Status: versioning }, OwnershipControls: 'x' },
  });
  const renames = findRenames(
    new Map([
      ['Logs', bucket('Enabled', 'logs')],
      ['Data', bucket('Suspended', 'data')],
    ]),
    new Map<string, CfnResource>([
      ['DataV2', bucket('Suspended', 'data')],
      ['Topic', { Type: 'AWS::SNS::Topic', Properties: {} }],
    ]),
  );
  assert.deepEqual(
    renames.map((r) => `${r.from}->${r.to}`),
    ['Data->DataV2'],
  );
});

test('the CLI process exits 1 when the gate fires and 2 on a usage error', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'diff.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const blocked = cli('--before-dir', fixture('rds-replace', 'before'), '--after-dir', fixture('rds-replace', 'after'));
  assert.equal(blocked.status, 1, blocked.stderr);
  assert.match(blocked.stdout, /\[BLOCKED\] database\.yaml: Database \(AWS::RDS::DBInstance\) will be REPLACED/);
  const usage = cli('--nope');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--nope: unknown option/);
});

test('scripts/ci-diff.sh: gate on a branch, Allow-Replace commit trailers accept it, never fails on main', () => {
  const repo = mkdtempSync(join(tmpdir(), 'diff-ci-'));
  try {
    // A copy of the project's scripts and sources (the script runs on the repository it sits in).
    for (const dir of ['scripts', 'templates-src']) cpSync(join(ROOT, dir), join(repo, dir), { recursive: true });
    for (const file of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, file), join(repo, file));
    symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
    const templates = join(repo, 'generated', 'templates');
    cpSync(fixture('rds-replace', 'before'), templates, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'platform');
    const ci = (env: NodeJS.ProcessEnv = {}) => spawnSync('bash', [join(repo, 'scripts', 'ci-diff.sh')], { encoding: 'utf8', env: { ...process.env, ...env } });

    const onMain = ci();
    assert.equal(onMain.status, 0, onMain.stdout + onMain.stderr);
    assert.match(onMain.stdout, /1 templates: 0 changed/);

    git(repo, 'checkout', '-q', '-b', 'feature');
    cpSync(fixture('rds-replace', 'after'), templates, { recursive: true });
    git(repo, 'commit', '-q', '-am', 'rename the database');
    const blocked = ci();
    assert.equal(blocked.status, 1, blocked.stdout + blocked.stderr);
    assert.match(blocked.stdout, /ci-diff: generated\/ of this change against main/);
    assert.match(blocked.stdout, /\[BLOCKED\] database\.yaml: Database \(AWS::RDS::DBInstance\) will be REPLACED/);

    git(repo, 'commit', '-q', '--allow-empty', '-m', 'accept the new database name\n\nAllow-Replace: database.yaml:Database');
    const markdown = join(repo, 'diff.md');
    const allowed = ci({ DIFF_MARKDOWN: markdown });
    assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);
    assert.match(allowed.stdout, /ci-diff: allowed by commit trailers \/ ALLOW_REPLACE: database\.yaml:Database/);
    assert.match(allowed.stdout, /\[ALLOWED by database\.yaml:Database\]/);
    assert.match(readFileSync(markdown, 'utf8'), /<summary><code>database\.yaml<\/code>/);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
