// Every assert.ok / assert() in the tests carries a message. Without one, node:assert builds the
// message by reading and parsing the calling file again when the assertion fails, which under tsx
// cost one test 46 s of CPU (a mutation check that fails on purpose).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../scripts/lib/paths.js';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('no assert.ok or assert() without a message in test/', () => {
  const found: string[] = [];
  for (const file of testFiles(join(ROOT, 'test'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.arguments.length < 2 && ['assert', 'assert.ok'].includes(node.expression.getText(source))) {
        found.push(`${file.slice(ROOT.length + 1)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${node.getText(source).slice(0, 80)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  assert.deepEqual(found, [], 'give each assertion a message (second argument)');
});
