// checkov (PyPI, pinned in requirements-checkov.txt, in its own venv .venv-checkov because it pins
// an older boto3 than the project) over generated/ (CloudFormation framework, offline). Checkov
// reads the skips the template model writes into Metadata.checkov (suppress: { checkov: … }).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../paths.js';
import type { ScanFinding } from './parliament.js';

const CHECKOV = join(ROOT, '.venv-checkov', 'bin', 'checkov');

interface CheckovResult {
  readonly check_id: string;
  readonly check_name: string;
  readonly file_path: string;
  readonly resource: string;
  readonly severity?: string | null;
  readonly suppress_comment?: string;
}

export interface CheckovRun {
  readonly failed: ScanFinding[];
  readonly skipped: ScanFinding[];
  readonly passed: number;
}

export function runCheckov(dirs: readonly string[]): CheckovRun {
  if (!existsSync(CHECKOV)) throw new Error(`checkov is not installed in .venv-checkov: run make install`);
  const failed: ScanFinding[] = [];
  const skipped: ScanFinding[] = [];
  let passed = 0;
  for (const dir of dirs) {
    const run = spawnSync(CHECKOV, ['-d', dir, '--framework', 'cloudformation', '-o', 'json', '--compact', '--skip-download'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' },
    });
    if (run.status !== 0 && run.status !== 1) throw new Error(`checkov failed on ${dir}: ${run.stderr || run.error?.message}`);
    const reports = [JSON.parse(run.stdout) as unknown].flat() as {
      results?: { failed_checks?: CheckovResult[]; skipped_checks?: CheckovResult[] };
      summary?: { passed?: number };
    }[];
    for (const report of reports) {
      passed += report.summary?.passed ?? 0;
      const toFinding = (r: CheckovResult): ScanFinding => ({
        scanner: 'checkov',
        id: r.check_id,
        severity: r.severity ?? '-',
        file: relative(ROOT, join(dir, r.file_path)),
        logicalId: r.resource.split('.').pop() ?? r.resource,
        where: r.resource,
        message: r.check_name,
        suppressedBecause: r.suppress_comment,
      });
      failed.push(...(report.results?.failed_checks ?? []).map(toFinding));
      skipped.push(...(report.results?.skipped_checks ?? []).map(toFinding));
    }
  }
  return { failed, skipped, passed };
}
