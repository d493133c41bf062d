// Deployability checks (scripts/lib/validate/aws-rules/): each one fails on its fixture — a template
// with the defect, test/fixtures/aws-rules/<ID>/ — and passes on every generated template.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { awsRuleInput, loadAwsRules, runAwsRules } from '../scripts/lib/validate/aws-rules.js';
import { GENERATED, ROOT } from '../scripts/lib/paths.js';

const rules = await loadAwsRules();
const FIXTURES = join(ROOT, 'test', 'fixtures', 'aws-rules');
const GENERATED_DIRS = ['templates', 'standalone', 'stacksets'].map((d) => join(GENERATED, d));

test('every check names AWS documentation and has a fixture', () => {
  assert.ok(rules.length > 0, 'no checks found');
  for (const rule of rules) {
    assert.ok(
      rule.docs.every((url) => url.startsWith('https://')),
      `${rule.id}: docs must be URLs`,
    );
    assert.ok(existsSync(join(FIXTURES, rule.id)), `${rule.id}: no fixture test/fixtures/aws-rules/${rule.id}/`);
  }
});

for (const rule of rules) {
  test(`${rule.id} fails its fixture and passes the generated templates`, () => {
    const broken = runAwsRules([rule], awsRuleInput(join(FIXTURES, rule.id)));
    assert.ok(broken.length > 0, `${rule.id} found nothing in its fixture: the check cannot fail`);
    assert.ok(
      broken.every((f) => f.rule.startsWith(rule.id) && !f.rule.includes('crashed')),
      `${rule.id}: ${broken.map((f) => f.rule).join('\n')}`,
    );
    for (const dir of GENERATED_DIRS) {
      const found = runAwsRules([rule], awsRuleInput(dir));
      assert.deepEqual(
        found.map((f) => `${f.file}: ${f.logicalId}: ${f.path}: ${f.rule}`),
        [],
        `${rule.id} fails on ${dir}`,
      );
    }
  });
}
