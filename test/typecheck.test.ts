// A wrong property name, type, enum value, missing required property or GetAtt attribute in a
// layer, or a property a PCI rule reads that its resource type does not have, must fail the type
// check. The fixtures are compiled together, once, with the TypeScript compiler API; each is
// judged by the diagnostics in its own file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../scripts/lib/paths.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'typecheck');
const options: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  types: ['node'],
};

let program: ts.Program | undefined;
function diagnostics(file: string): { code: number; text: string }[] {
  program ??= ts.createProgram(
    readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(FIXTURES, f)),
    options,
  );
  const source = program.getSourceFile(join(FIXTURES, file));
  assert.ok(source, `${file} is a fixture of the program`);
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
    code: d.code,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

test('a valid layer fragment with intrinsics compiles', () => {
  assert.deepEqual(diagnostics('valid.ts'), []);
});

// TS2353/TS2561: excess property (2561 when TypeScript also suggests the right spelling).
const EXCESS = [2353, 2561];
const failing: [string, number[], RegExp][] = [
  ['misspelt-property.ts', EXCESS, /EnableKeyRotaton/],
  ['mistyped-property.ts', [2322], /boolean/],
  ['missing-required.ts', [2345], /VpcId/],
  ['nested-misspelt.ts', EXCESS, /BucketKeyEnabld/],
  // TS2339/TS2551: no such property (2551 when TypeScript also suggests the right spelling).
  ['rule-misspelt-property.ts', [2339, 2551], /StorageEncryptd/],
];
for (const [file, codes, message] of failing) {
  test(`type check rejects ${file}`, () => {
    const found = diagnostics(file);
    assert.ok(found.length > 0, `${file} compiled, but must not`);
    assert.ok(
      found.some((d) => codes.includes(d.code) && message.test(d.text)),
      `expected TS${codes.join('/')} matching ${message}, got:\n${found.map((d) => `TS${d.code} ${d.text}`).join('\n')}`,
    );
  });
}

test('type check rejects a bad enum value and an unknown GetAtt attribute', () => {
  const found = diagnostics('bad-enum-and-attribute.ts');
  assert.ok(
    found.some((d) => /"AES"/.test(d.text)),
    found.map((d) => d.text).join('\n'),
  );
  assert.ok(
    found.some((d) => /"Arnn"/.test(d.text)),
    found.map((d) => d.text).join('\n'),
  );
});
