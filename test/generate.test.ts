// make generate: every generated artifact comes from its sources, and a fresh generation changes
// nothing in the repository (spec types, generated/, handler permissions, the compliance report,
// the emulator coverage table, the counts and tables of README.md and docs/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, generate } from '../scripts/lib/generate/artifacts.js';
import { renderDoc, replaceBlock } from '../scripts/lib/generate/docs.js';

test('a fresh generation changes nothing (run make generate and commit)', async () => {
  const stale = await generate({ write: false });
  assert.deepEqual(
    stale.map((s) => `${s.action} ${s.path} (${s.artifact}; or ${ARTIFACTS.find((a) => a.name === s.artifact)?.alone})`),
    [],
    'stale generated files',
  );
});

test('facts and tables are written between their markers; an unknown one is an error naming the file', () => {
  const text = 'We have <!-- fact:rules -->3<!-- /fact --> rules.\n<!-- table:rules -->\nold\n<!-- /table:rules -->\n';
  assert.equal(
    renderDoc('x.md', text, { rules: '74' }, { rules: '| a |' }),
    'We have <!-- fact:rules -->74<!-- /fact --> rules.\n<!-- table:rules -->\n| a |\n<!-- /table:rules -->\n',
  );
  assert.throws(() => renderDoc('docs/x.md', '<!-- fact:nope -->1<!-- /fact -->', { rules: '1' }, {}), /docs\/x\.md: unknown generated fact:nope; known facts: rules/);
  assert.throws(() => replaceBlock('docs/emulator.md', 'no markers', '<!-- coverage:begin', '<!-- coverage:end -->', 'x'), /docs\/emulator\.md: no generated block/);
});
