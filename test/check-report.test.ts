// Evidence report: byte-stable, self-contained HTML with both diagrams inline, requirement →
// rule → resource tables, suppression reasons and the flow table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { renderReport } from '../scripts/lib/check/report.js';
import { runChecks } from '../scripts/lib/check/run.js';
import { RULES } from '../scripts/lib/check/rule-registry.js';
import { GENERATED_PARAMETERS, GENERATED_TEMPLATES, ROOT } from '../scripts/lib/paths.js';

const real = () => renderReport(runChecks({ templates: GENERATED_TEMPLATES, parameters: GENERATED_PARAMETERS }));

test('the report is byte-stable: two runs give identical files', () => {
  assert.deepEqual(real(), real());
});

test('the HTML is self-contained and carries both diagrams inline', () => {
  const files = real();
  const html = files['report.html'];
  assert.equal(html.match(/<svg /g)?.length, 2, 'network and data-flow SVGs inline');
  assert.ok(html.includes(files['network.svg'].trim()) && html.includes(files['data-flow.svg'].trim()), 'the report inlines both SVG files as they are written');
  assert.doesNotMatch(html, /<script|<link |<img |src=|href="https?:|url\(http/i, 'no external resources or scripts');
  assert.doesNotMatch(html, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, 'no timestamps');
  for (const rule of RULES) assert.ok(html.includes(`id="${rule.id}"`), `${rule.id} has a section`);
});

test('the Markdown lists requirement → rules → resources per context and the allowed flows', () => {
  const md = real()['report.md'];
  assert.match(md, /\| PCI DSS v4\.0 \| what \| rules \| defaults \| dev \| staging \| prod \|/);
  assert.match(md, /\| 3\.5\.1 \| Stored account data rendered unreadable[^|]*\| [^|]*PCI-ENC-001/);
  assert.match(md, /### Allowed flows \(prod\)\n\n\| source \| destination \| port \| protocol \| via \|/);
  assert.match(md, /\| database\/Database \| AWS::RDS::DBInstance \|/);
  assert.match(md, /Inputs sha256 `[0-9a-f]{64}`/);
});

test('the diagrams are drawn from the templates: subnets, tiers, data stores and their keys', () => {
  const files = real();
  for (const text of ['PublicSubnet1', 'IsolatedSubnet3', 'Isolated tier', 'RDS Database :5432', 'NAT NatGateway1', 'API Gateway RestApi']) assert.ok(files['network.svg'].includes(text), `network.svg shows ${text}`);
  assert.match(files['data-flow.svg'], /at rest: Database CMK/);
  assert.match(files['data-flow.svg'], /TLS \(rds\.force_ssl\)/);
});

test('a suppressed finding shows its reason in the report', () => {
  const rule = RULES.filter((r) => r.id === 'PCI-ENC-004');
  const md = renderReport(runChecks({ templates: join(ROOT, 'test', 'fixtures', 'check', 'rules', 'PCI-ENC-004.yaml'), rules: rule }))['report.md'];
  assert.match(md, /SuppressedBucket[^\n]*⚠️ suppressed[^\n]*suppressed: S3 server access logging delivers only into SSE-S3 buckets\./);
});
