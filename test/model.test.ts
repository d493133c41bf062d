// The template model and the YAML emitter: short-form rendering of every intrinsic, fixed key
// order, byte-stable output, dangling-reference and limit errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fn from '../templates-src/core/intrinsics.js';
import { Template, TemplateError, LIMITS } from '../templates-src/core/template.js';
import { toYaml, parseTemplate } from '../templates-src/core/yaml.js';
import { renderTemplate } from '../scripts/lib/render.js';

function sample(): Template {
  const t = new Template({ name: 'sample', description: 'sample', tags: { Environment: fn.Ref('Env') } });
  const env = t.parameter('Env', { Type: 'String', Description: 'e', AllowedValues: ['dev', 'prod'] });
  t.mapping('Sizes', { dev: { Class: 'small' }, prod: { Class: 'large' } });
  const isProd = t.condition('IsProd', fn.Equals(env.ref, 'prod'));
  t.condition('NotProd', fn.Not(fn.ConditionRef(isProd)));
  const key = t.resource(
    'Key',
    'AWS::KMS::Key',
    { EnableKeyRotation: true, Description: fn.FindInMap('Sizes', env.ref, 'Class') },
    { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Condition: isProd, DependsOn: ['Vpc'], Metadata: { Note: 'n' } },
  );
  t.resource('Vpc', 'AWS::EC2::VPC', { CidrBlock: fn.Select(0, fn.Cidr('10.0.0.0/16', 2, 8)), EnableDnsSupport: fn.If(isProd, true, fn.AWS.NoValue) });
  t.resource('Topic', 'AWS::SNS::Topic', {
    DisplayName: fn.Join('-', [fn.AWS.StackName, fn.Select(0, fn.Split(',', 'a,b')), fn.Select(0, fn.GetAZs(''))]),
    TopicName: fn.Sub('t-${Env}-${Thing}', { Thing: fn.ImportValue('shared-thing') }),
    KmsMasterKeyId: fn.GetAtt(key, 'Arn'),
  });
  t.output('Encoded', { Value: fn.Base64(fn.Sub('${AWS::Region}')), Description: 'b64', Condition: isProd, Export: fn.Sub('${AWS::StackName}-enc') });
  t.output('Either', { Value: fn.If('IsProd', fn.And(fn.Equals(1, 1), fn.Or(fn.Equals(2, 2))), 'x'), Description: 'e' });
  return t;
}

test('every intrinsic renders in short form', () => {
  const yaml = toYaml(sample().render());
  for (const expected of [
    'IsProd: !Equals\n    - !Ref Env\n    - prod',
    'NotProd: !Not\n    - !Condition IsProd',
    'Description: !FindInMap\n        - Sizes\n        - !Ref Env\n        - Class',
    'CidrBlock: !Select\n        - 0\n        - !Cidr\n          - 10.0.0.0/16\n          - 2\n          - 8',
    'EnableDnsSupport: !If\n        - IsProd\n        - true\n        - !Ref AWS::NoValue',
    "- !Select\n            - 0\n            - !Split\n              - ','\n              - a,b",
    "- !GetAZs ''",
    'TopicName: !Sub\n        - t-${Env}-${Thing}\n        - Thing: !ImportValue shared-thing',
    'KmsMasterKeyId: !GetAtt Key.Arn',
    'Fn::Base64: !Sub ${AWS::Region}',
    '- !And\n        - !Equals',
    '- !Or\n          - !Equals',
    "DisplayName: !Join\n        - '-'\n        - - !Ref AWS::StackName",
  ]) {
    assert.ok(yaml.includes(expected), `missing:\n${expected}\n--- in ---\n${yaml}`);
  }
  assert.doesNotMatch(yaml, / +$/m, 'no trailing spaces');
});

test('sections and resource keys come in the fixed order', () => {
  const yaml = toYaml(sample().render());
  const sections = [...yaml.matchAll(/^([A-Za-z]+):/gm)].map((m) => m[1]);
  assert.deepEqual(sections, ['AWSTemplateFormatVersion', 'Description', 'Parameters', 'Mappings', 'Conditions', 'Resources', 'Outputs']);
  const key = yaml.slice(yaml.indexOf('  Key:\n'), yaml.indexOf('  Vpc:\n'));
  const keys = [...key.matchAll(/^ {4}([A-Za-z]+):/gm)].map((m) => m[1]);
  assert.deepEqual(keys, ['Type', 'Condition', 'DependsOn', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'Properties']);
});

test('output is byte-identical across builds', () => {
  assert.equal(toYaml(sample().render()), toYaml(sample().render()));
});

test('YAML round-trips to long form', () => {
  const parsed = parseTemplate(toYaml(sample().render())) as any;
  assert.deepEqual(parsed.Resources.Topic.Properties.KmsMasterKeyId, { 'Fn::GetAtt': ['Key', 'Arn'] });
  assert.deepEqual(parsed.Conditions.IsProd, { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] });
  assert.deepEqual(parsed.Outputs.Encoded.Value, { 'Fn::Base64': { 'Fn::Sub': '${AWS::Region}' } });
  assert.deepEqual(parsed.Resources.Topic.Properties.DisplayName['Fn::Join'][1][2], { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
});

test('taggable resources get the template tags; others do not', () => {
  const parsed = parseTemplate(toYaml(sample().render())) as any;
  assert.deepEqual(parsed.Resources.Vpc.Properties.Tags, [{ Key: 'Environment', Value: { Ref: 'Env' } }]);
  const t = new Template({ name: 'tags', description: 'tags', tags: { A: 'a' } });
  t.resource('Vault', 'AWS::Backup::BackupVault', { BackupVaultName: 'v' });
  t.resource('Alias', 'AWS::KMS::Alias', { AliasName: 'alias/x', TargetKeyId: 'k' });
  const out = parseTemplate(toYaml(t.render())) as any;
  assert.deepEqual(out.Resources.Vault.Properties.BackupVaultTags, { A: 'a' }, 'map-style tags');
  assert.equal(out.Resources.Alias.Properties.Tags, undefined, 'KMS aliases are not taggable');
});

const dangling: [string, (t: Template) => void, RegExp][] = [
  ['Ref', (t) => t.resource('Vpc', 'AWS::EC2::VPC', { CidrBlock: fn.Ref('Missing') }), /Resources\.Vpc\.Properties\.CidrBlock: Ref to "Missing"/],
  ['GetAtt', (t) => t.resource('Vpc', 'AWS::EC2::VPC', { CidrBlock: fn.GetAtt('Ghost', 'CidrBlock') }), /Fn::GetAtt on "Ghost"/],
  [
    'GetAtt attribute',
    (t) => {
      t.resource('Other', 'AWS::EC2::VPC', {});
      t.resource('Vpc', 'AWS::EC2::VPC', { CidrBlock: fn.GetAtt('Other', 'Nope') });
    },
    /AWS::EC2::VPC has no attribute "Nope"/,
  ],
  ['Sub variable', (t) => t.resource('Vpc', 'AWS::EC2::VPC', { CidrBlock: fn.Sub('${Nowhere}') }), /Fn::Sub \$\{Nowhere\}.*Ref to "Nowhere"/],
  ['DependsOn', (t) => t.resource('Vpc', 'AWS::EC2::VPC', {}, { DependsOn: ['Ghost'] }), /Resources\.Vpc\.DependsOn: "Ghost" is not a resource/],
  ['Condition', (t) => t.resource('Vpc', 'AWS::EC2::VPC', {}, { Condition: 'NoSuchCondition' }), /Resources\.Vpc\.Condition: condition "NoSuchCondition" is not declared/],
  ['Fn::If condition', (t) => t.resource('Vpc', 'AWS::EC2::VPC', { EnableDnsSupport: fn.If('Nope', true, false) }), /condition "Nope" is not declared/],
  ['output Ref', (t) => t.output('O', { Value: fn.Ref('Gone'), Description: 'o' }), /Outputs\.O\.Value: Ref to "Gone"/],
];
for (const [what, mistake, message] of dangling) {
  test(`a dangling ${what} is a build error naming the template and the logical ID`, () => {
    const t = new Template({ name: 'broken', description: 'broken' });
    mistake(t);
    assert.throws(
      () => t.render(),
      (e: Error) => e instanceof TemplateError && /template "broken"/.test(e.message) && message.test(e.message),
    );
  });
}

test('pseudo parameters, Sub literals and Sub variables are not dangling', () => {
  const t = new Template({ name: 'ok', description: 'ok' });
  t.resource('Vpc', 'AWS::EC2::VPC', { CidrBlock: fn.Sub('${!Literal}-${AWS::Region}-${Var}', { Var: 'x' }) });
  t.render();
});

test('duplicate and invalid logical IDs are rejected', () => {
  const t = new Template({ name: 'dup', description: 'dup' });
  t.resource('Vpc', 'AWS::EC2::VPC', {});
  assert.throws(() => t.parameter('Vpc', { Type: 'String', Description: 'x' }), /declared twice/);
  assert.throws(() => t.resource('my-vpc', 'AWS::EC2::VPC', {}), /not a valid logical ID/);
});

test('more than 500 resources fails the build with the figure', () => {
  const t = new Template({ name: 'huge', description: 'huge' });
  for (let i = 0; i <= LIMITS.resources; i++) t.resource(`Topic${i}`, 'AWS::SNS::Topic', {});
  assert.throws(() => t.render(), /template "huge": 501 resources, over the CloudFormation limit of 500/);
});

test('more than 200 parameters or outputs fails the build with the figure', () => {
  const p = new Template({ name: 'params', description: 'p' });
  for (let i = 0; i <= LIMITS.parameters; i++) p.parameter(`P${i}`, { Type: 'String', Description: 'p' });
  assert.throws(() => p.render(), /201 parameters, over the CloudFormation limit of 200/);
  const o = new Template({ name: 'outs', description: 'o' });
  for (let i = 0; i <= LIMITS.outputs; i++) o.output(`O${i}`, { Value: 'v', Description: 'o' });
  assert.throws(() => o.render(), /201 outputs, over the CloudFormation limit of 200/);
});

test('a template body over 1 MB fails the build with its size', () => {
  const t = new Template({ name: 'fat', description: 'fat' });
  for (let i = 0; i < 300; i++) t.resource(`Dash${i}`, 'AWS::CloudWatch::Dashboard', { DashboardBody: 'x'.repeat(4000) });
  assert.throws(() => renderTemplate(t), /template "fat": \d+ bytes, over the CloudFormation template body limit of 1000000 bytes/);
});

test('non-template data is refused by the emitter, not dumped as a map', () => {
  assert.throws(() => toYaml({ Resources: { X: { Type: 'T', Properties: { When: new Date(0) } } } }), /Date object is not template data/);
  assert.throws(() => toYaml({ A: undefined }), /undefined is not template data/);
});

test('YAML 1.1 non-strings are quoted (CloudFormation reads YAML 1.1): on/off/yes/no/y/n in any case, sexagesimal, octal, underscores', () => {
  const values = ['on', 'Off', 'YES', 'no', 'y', 'N', '~', '1:20', '0777', '1_000', '=', '<<', 'TRUE'];
  const yaml = toYaml({ values, plain: ['payment', 'eu-west-1', 'TLS_1_2', 'x1:20'] });
  for (const v of values) assert.ok(yaml.includes(`'${v}'`), `${v} must be quoted in:\n${yaml}`);
  for (const v of ['payment', 'eu-west-1', 'TLS_1_2']) assert.ok(yaml.includes(`- ${v}\n`), `${v} stays plain`);
  assert.deepEqual((parseTemplate(yaml) as { values: string[] }).values, values, 'and reads back as the same strings');
  assert.throws(() => toYaml({ n: 1e21 }), /YAML 1\.1 reads as a string/);
});
