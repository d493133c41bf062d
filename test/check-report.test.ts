// Evidence report: byte-stable, self-contained HTML with both diagrams inline, requirement →
// rule → resource tables, suppression reasons and the flow table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport } from '../scripts/lib/check/report.js';
import { runChecks, type CheckOptions } from '../scripts/lib/check/run.js';
import { provenanceOf } from '../scripts/lib/evidence/provenance.js';
import { evidenceResults } from '../scripts/lib/evidence/results.js';
import { RULES } from '../scripts/lib/check/rule-registry.js';
import { GENERATED_PARAMETERS, GENERATED_TEMPLATES, ROOT } from '../scripts/lib/paths.js';

const report = (options: CheckOptions) => {
  const run = runChecks(options);
  return renderReport(run, evidenceResults(run, provenanceOf(options.templates, options.parameters)));
};
const real = () => report({ templates: GENERATED_TEMPLATES, parameters: GENERATED_PARAMETERS });

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
  assert.match(md, /\| PCI DSS v4\.0\.1 \| what \| rules \| defaults \| dev \| staging \| prod \|/);
  assert.match(md, /\| 3\.5\.1 \| Stored PAN rendered unreadable[^|]*\| [^|]*PCI-ENC-001/);
  assert.match(md, /### Allowed flows \(prod\)\n\n\| source \| destination \| port \| protocol \| via \|/);
  assert.match(md, /\| database\/Database \| AWS::RDS::DBInstance \|/);
  assert.match(md, /Inputs digest `[0-9a-f]{64}`/);
});

test('the diagrams are drawn from the templates: subnets, tiers, data stores and their keys', () => {
  const files = real();
  for (const text of ['PublicSubnet1', 'IsolatedSubnet3', '>Isolated<', 'RDS Database :5432', 'NAT NatGateway1', 'API Gateway RestApi'])
    assert.ok(files['network.svg'].includes(text), `network.svg shows ${text}`);
  assert.match(files['data-flow.svg'], /at rest: Database CMK/);
  assert.match(files['data-flow.svg'], /TLS \(rds\.force_ssl\)/);
});

test('a suppressed finding shows its reason in the report', () => {
  const rule = RULES.filter((r) => r.id === 'PCI-ENC-004');
  const md = report({ templates: join(ROOT, 'test', 'fixtures', 'check', 'rules', 'PCI-ENC-004.yaml'), rules: rule })['report.md'];
  assert.match(md, /SuppressedBucket[^\n]*SUPPRESSED[^\n]*suppressed: S3 server access logging delivers only into SSE-S3 buckets\./);
});

test('the diagrams draw the real paths: gateway endpoints, every AZ, the VPC link outside the VPC, the DR copy, the real TLS policy', () => {
  const files = real();
  const net = files['network.svg'];
  // S3/DynamoDB traffic goes to the gateway endpoints each route table names, in every AZ: three dashed arrows, none into a NAT.
  assert.equal(net.match(/gateway endpoints: s3, dynamodb/g)?.length, 3, 'the gateway endpoints of the private route tables, one per AZ');
  assert.equal(net.match(/stroke-dasharray="4 3"/g)?.length, 3, 'one egress arrow per AZ');
  // Every flow inside the VPC is drawn in each of the three AZs (its numbered badge three times).
  const badges = (n: number) => net.match(new RegExp(`<circle [^>]*r="6"[^>]*/><text [^>]*>${n}</text>`, 'g'))?.length ?? 0;
  for (const n of [2, 3, 4]) assert.equal(badges(n), 3, `flow ${n} in every AZ`);
  // The VPC link path leaves the band to the right of the VPC, not through the public tier.
  const vpcRight = Number(/<rect x="20" y="110" width="(\d+)"/.exec(net)![1]) + 20;
  const at = net.indexOf(' PrivateLink</text>');
  const link = /<path d="M[\d.]+,[\d.]+ H([\d.]+) V/.exec(net.slice(net.lastIndexOf('<path', at)));
  assert.ok(link && Number(link[1]) > vpcRight, `the VPC link runs outside the VPC (x ${link?.[1]} > ${vpcRight})`);
  // What the front door accepts comes from the API's security policy, not a fixed claim.
  const tls = /SecurityPolicy: (TLS_1_2|SecurityPolicy_TLS1[23]_\S+)/.test(readFileSync(join(ROOT, 'generated', 'templates', 'api.yaml'), 'utf8'));
  assert.ok(net.includes(tls ? 'HTTPS 443 (TLS 1.2+)' : 'HTTPS 443 (TLS 1.0+ accepted)'), 'front-door TLS label follows the template');
  // The data-flow diagram includes the copy of every recovery point to the DR region, and fits the report.
  assert.match(
    files['data-flow.svg'],
    />DR vault \(region in<\/text>\n<text [^>]*>SSM<\/text>/,
    'the DR copy is drawn, its region named by where it is kept (SSM in the target account)',
  );
  assert.ok(Number(/width="(\d+)"/.exec(files['data-flow.svg'])![1]) <= 1330, 'data-flow.svg fits the report at its own size');
  assert.doesNotMatch(files['report.html'], /[\u{1F300}-\u{1FAFF}\u2705\u274C\u26A0\u2796]/u, 'no emoji status glyphs');
});
