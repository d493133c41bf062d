// A customer-managed key's data class is carried by the model (its DataClass tag), not by its
// logical ID: renaming keys — even swapping their names — cannot change a compliance verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecks } from '../scripts/lib/check/run.js';
import { RULES } from '../scripts/lib/check/rule-registry.js';
import { ROOT } from '../scripts/lib/paths.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'check', 'rules', 'PCI-ENC-001.yaml');
const rule = RULES.find((r) => r.id === 'PCI-ENC-001')!;

/** Resource → status and message of PCI-ENC-001 over a template text. */
function verdicts(text: string): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'data-class-'));
  try {
    writeFileSync(join(dir, 'template.yaml'), text);
    const run = runChecks({ templates: join(dir, 'template.yaml'), rules: [rule] });
    return new Map(
      run.results
        .flatMap((r) => r.resources)
        .filter((r) => r.type === 'AWS::RDS::DBInstance')
        .map((r) => [r.logicalId, r.status]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rename = (text: string, names: Record<string, string>): string => text.replace(new RegExp(`\\b(${Object.keys(names).join('|')})\\b`, 'g'), (name) => names[name]);

test('renamed keys keep their verdicts: the data class comes from the DataClass tag', () => {
  const original = readFileSync(FIXTURE, 'utf8');
  const before = verdicts(original);
  assert.equal(before.get('GoodDb'), 'pass', 'the fixture: GoodDb uses the Database key');
  assert.equal(before.get('WrongClassDb'), 'fail', 'the fixture: WrongClassDb uses the Logs key');
  // Swapped names: a name-based class would now pass WrongClassDb and fail GoodDb.
  assert.deepEqual(verdicts(rename(original, { DatabaseKey: 'LogsKey', LogsKey: 'DatabaseKey' })), before, 'swapping the key names changes no verdict');
  assert.deepEqual(verdicts(rename(original, { DatabaseKey: 'KeyOne', LogsKey: 'KeyTwo' })), before, 'neutral key names change no verdict');
});

test('a key without a DataClass tag proves no data class', () => {
  const run = runChecks({ templates: FIXTURE, rules: [rule] });
  const db = run.results.flatMap((r) => r.resources).find((r) => r.logicalId === 'UnclassifiedDb');
  assert.equal(db?.status, 'fail', 'UnclassifiedDb uses a key without a class');
  assert.match(db?.message ?? '', /declares no data class \(tag DataClass\)/, 'the message says what is missing');
});
