// parliament (PyPI, pinned in requirements.txt) over every IAM policy document of the platform,
// per environment. Each finding is fixed or suppressed beside its resource
// (suppress: { parliament: { ISSUE: reason } }); an unsuppressed finding fails make validate.
// parliament's action data predates some 2025–2026 actions and it stops checking a statement at an
// action it does not know: UNKNOWN_ACTION findings name the action so the suppression can say why.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../paths.js';
import type { PolicyDocument } from './policy-documents.js';

export interface ScanFinding {
  readonly scanner: 'parliament' | 'checkov';
  readonly id: string;
  readonly severity: string;
  readonly file: string;
  readonly logicalId: string;
  readonly where: string;
  readonly message: string;
  /** The written reason when the resource suppresses this finding. */
  readonly suppressedBecause?: string;
}

const ANALYZER = String.raw`
import json, sys
from parliament import analyze_policy_string, enhance_finding
out = []
for doc in json.load(sys.stdin):
    policy = analyze_policy_string(json.dumps(doc["document"]), include_community_auditors=False, ignore_private_auditors=True)
    found = []
    for f in policy.findings:
        f = enhance_finding(f)
        found.append({"issue": f.issue, "severity": f.severity, "title": f.title, "detail": str(f.detail), "location": str(f.location)})
    out.append(found)
print(json.dumps(out))
`;

/** parliament's findings for the documents (identical documents are analysed once). */
export function runParliament(documents: readonly PolicyDocument[], python = join(ROOT, '.venv', 'bin', 'python')): ScanFinding[] {
  const unique = [...new Map(documents.map((d) => [JSON.stringify(d.document), d])).values()];
  const run = spawnSync(python, ['-c', ANALYZER], { input: JSON.stringify(unique.map((d) => ({ document: d.document }))), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`parliament could not run (make install): ${run.stderr || run.error?.message}`);
  const results = JSON.parse(run.stdout) as { issue: string; severity: string; title: string; detail: string; location: string }[][];
  const byDocument = new Map(unique.map((d, i) => [JSON.stringify(d.document), results[i]]));
  const findings = new Map<string, ScanFinding>();
  for (const doc of documents) {
    for (const f of byDocument.get(JSON.stringify(doc.document)) ?? []) {
      const key = `${doc.file}|${doc.logicalId}|${doc.path}|${f.issue}|${f.detail}`;
      if (findings.has(key)) continue;
      findings.set(key, {
        scanner: 'parliament',
        id: f.issue,
        severity: f.severity,
        file: doc.file,
        logicalId: doc.logicalId,
        where: `${doc.path} (${doc.kind} policy; first in ${doc.context})`,
        message: `${f.title}: ${f.detail}`,
        suppressedBecause: doc.suppressed[f.issue],
      });
    }
  }
  return [...findings.values()];
}
