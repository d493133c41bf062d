// make validate (scanners): parliament over every IAM policy document of generated/ per
// environment, and checkov over generated/. Every finding is fixed or suppressed beside its
// resource with a written reason (suppress: { parliament | checkov: { ID: reason } }); an
// unsuppressed finding, or any parliament HIGH/CRITICAL finding, fails.
//
//   tsx scripts/scan.ts [--only parliament|checkov]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildContexts } from './lib/check/evaluated-platform.js';
import { loadInputs } from './lib/check/inputs.js';
import { GENERATED } from './lib/paths.js';
import { runCheckov } from './lib/scan/checkov.js';
import { runParliament, type ScanFinding } from './lib/scan/parliament.js';
import { policyDocuments } from './lib/scan/policy-documents.js';

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const DIRS = ['templates', 'standalone', 'stacksets'].map((d) => join(GENERATED, d));
const show = (f: ScanFinding) =>
  `  ${f.scanner} ${f.id} [${f.severity}] ${f.file}: ${f.logicalId}: ${f.where}: ${f.message}${f.suppressedBecause ? `\n      suppressed: ${f.suppressedBecause}` : ''}`;

let failing = 0;
if (values.only !== 'checkov') {
  const documents = DIRS.flatMap((dir) => policyDocuments(buildContexts(loadInputs(dir, dir.endsWith('templates') ? join(GENERATED, 'parameters') : undefined))));
  const findings = runParliament(documents);
  const open = findings.filter((f) => !f.suppressedBecause);
  const high = findings.filter((f) => /^(HIGH|CRITICAL)$/.test(f.severity));
  console.log(
    `parliament: ${documents.length} policy documents (all environments), ${findings.length} finding(s): ${findings.length - open.length} suppressed with a reason, ${open.length} open, ${high.length} HIGH/CRITICAL`,
  );
  for (const f of [...open, ...high.filter((h) => h.suppressedBecause)]) console.log(show(f));
  failing += open.length + high.filter((h) => h.suppressedBecause).length;
  if (process.env.SCAN_VERBOSE) for (const f of findings.filter((x) => x.suppressedBecause)) console.log(show(f));
}
if (values.only !== 'parliament') {
  const checkov = runCheckov(DIRS);
  console.log(`checkov: ${checkov.passed} passed, ${checkov.failed.length} failed, ${checkov.skipped.length} skipped with a reason`);
  for (const f of checkov.failed) console.log(show(f));
  failing += checkov.failed.length;
}
console.log(failing === 0 ? 'scan: OK' : `scan: FAILED (${failing} finding(s) to fix or suppress with a reason)`);
process.exitCode = failing === 0 ? 0 : 1;
