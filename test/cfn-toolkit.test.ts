// The CloudFormation toolkit (scripts/lib/cfn): the one Fn::Sub parser, the one reference walker,
// the loader, nested stacks and did-you-mean — the behaviours every tool relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GetAtt, If, Ref, Sub } from '../templates-src/core/intrinsics.js';
import {
  closestMatch,
  didYouMean,
  formatPath,
  intrinsicOf,
  loadTemplate,
  nestedStacks,
  parseSub,
  references,
  substitute,
  subVariables,
  TemplateShapeError,
  wholeVariable,
} from '../scripts/lib/cfn/index.js';

test('Fn::Sub: ${Name}, ${Name.Attr} (attributes with dots), ${AWS::X}; ${!Literal} is text; whitespace ignored; ${} no variable', () => {
  assert.deepEqual(
    subVariables('arn:${AWS::Partition}:s3:::${Bucket}/${Stack.Outputs.Key}/${ Spaced }'),
    [
      { name: 'AWS::Partition', target: 'AWS::Partition', source: '${AWS::Partition}' },
      { name: 'Bucket', target: 'Bucket', source: '${Bucket}' },
      { name: 'Stack.Outputs.Key', target: 'Stack', attribute: 'Outputs.Key', source: '${Stack.Outputs.Key}' },
      { name: 'Spaced', target: 'Spaced', source: '${ Spaced }' },
    ],
    'every kind of variable',
  );
  assert.deepEqual(parseSub('${!aws:username} and ${} and $x'), [{ text: '${aws:username} and ${} and $x' }], 'literals only');
  assert.equal(wholeVariable('${Api}')?.name, 'Api', 'a whole-string variable');
  assert.equal(wholeVariable('x${Api}'), undefined, 'not a whole-string variable');
});

test('substitute: complete gives the plain string; incomplete keeps a Sub string, literals escaped again', () => {
  assert.deepEqual(
    substitute('${Env}-${!Literal}', (v) => (v.name === 'Env' ? 'dev' : undefined)),
    { text: 'dev-${Literal}', complete: true },
    'all known',
  );
  assert.deepEqual(
    substitute('${Env}-${!Literal}-${Other}', (v) => (v.name === 'Env' ? 'a${b' : undefined)),
    { text: 'a${!b-${!Literal}-${Other}', complete: false },
    'still a Sub',
  );
});

test("the walker: every kind of reference with its path, in long form and on the model's Intrinsic objects alike", () => {
  const longForm = {
    A: { Ref: 'P' },
    B: { 'Fn::GetAtt': 'Res.Arn' },
    C: { 'Fn::Sub': ['${Res}/${Local}/${Res.Arn}', { Local: { Ref: 'Q' } }] },
    D: { 'Fn::If': ['IsProd', { 'Fn::FindInMap': ['Map', 'Top', { Ref: 'AWS::Region' }] }, { Ref: 'AWS::NoValue' }] },
    E: { Condition: 'NotAReferenceOutsideConditions' },
  };
  const seen = references(longForm).map((r) => `${r.kind} ${r.target}${r.attribute ? `.${r.attribute}` : ''} @${formatPath(r.path)}`);
  assert.deepEqual(
    seen,
    [
      'Ref P @A',
      'GetAtt Res.Arn @B',
      'Sub Res @C',
      'Sub Res.Arn @C',
      'Ref Q @C.Fn::Sub[1].Local',
      'Condition IsProd @D.Fn::If[0]',
      'FindInMap Map @D.Fn::If[1]',
      'Ref AWS::Region @D.Fn::If[1].Fn::FindInMap[2]',
      'Ref AWS::NoValue @D.Fn::If[2]',
    ],
    'long form',
  );
  assert.deepEqual(
    references({ Condition: 'Other' }, { inConditions: true }).map((r) => r.kind),
    ['Condition'],
    '{Condition: X} inside Conditions',
  );
  const model = { A: Ref('P'), B: GetAtt('Res', 'Arn'), C: Sub('${Res}'), D: If('IsProd', 1, 2) };
  assert.deepEqual(
    references(model).map((r) => `${r.kind} ${r.target}`),
    ['Ref P', 'GetAtt Res', 'Sub Res', 'Condition IsProd'],
    'Intrinsic objects',
  );
  assert.equal(intrinsicOf({ 'Fn::Unknown': 1 })?.fn, 'Fn::Unknown', 'an unknown Fn:: is a call (CloudFormation rejects it)');
  assert.equal(intrinsicOf({ Ref: 'A', Other: 1 }), undefined, 'two keys are data');
});

test('the loader: a template needs Resources and every resource a Type, named in the error with the file', () => {
  assert.throws(
    () => loadTemplate('Resources:\n  Broken: { Properties: {} }\n', 'root.yaml'),
    (e: unknown) => e instanceof TemplateShapeError && /^root\.yaml: Resources\.Broken: a resource needs a Type/.test((e as Error).message),
    'no Type',
  );
  assert.throws(() => loadTemplate('Parameters: {}\n', 'x.yaml'), /x\.yaml: Resources: a template needs a Resources section/, 'no Resources');
  assert.throws(() => loadTemplate('Resources: [\n', 'y.yaml'), /y\.yaml: unexpected end/, 'not YAML: the file is named');
  const template = loadTemplate(
    'Resources:\n  Net: { Type: AWS::CloudFormation::Stack, Properties: { TemplateURL: network.yaml } }\n  Far: { Type: AWS::CloudFormation::Stack, Properties: { TemplateURL: "https://b.s3.amazonaws.com/k" } }\n',
    'root.yaml',
  );
  assert.deepEqual(
    nestedStacks(template).map((s) => [s.logicalId, s.localFile]),
    [
      ['Net', 'network.yaml'],
      ['Far', undefined],
    ],
    'nested stacks, local or packaged',
  );
});

test('did you mean: the nearest name within a third of its length, any letter case; nothing when far', () => {
  assert.equal(closestMatch('EnableDnsHostname', ['EnableDnsSupport', 'EnableDnsHostnames']), 'EnableDnsHostnames', 'one edit');
  assert.equal(closestMatch('eu-wst-1', ['eu-west-1', 'us-west-2']), 'eu-west-1', 'a region');
  assert.equal(closestMatch('vpc', ['VPC', 'Subnet']), 'VPC', 'letter case does not count');
  assert.equal(didYouMean('Database', ['Storage', 'Logs']), '', 'too far to be a typo');
});
