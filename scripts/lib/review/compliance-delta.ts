// The compliance delta of a change: which PCI DSS rules (and so which requirements) change status
// between the base and the head, per evaluation context (defaults, dev, staging, prod). "This
// change turns off flow logs" is what a security reviewer must see first. Both sides are run
// through the project's own check (scripts/lib/check/run.ts, the same path as make check); this
// module only reads its results.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecks, type CheckRun } from '../check/run.js';
import type { Status } from '../check/types.js';

export interface CheckSide {
  readonly templates: string;
  /** A directory of <env>.json parameter files, when the side has one. */
  readonly parameters?: string;
}

type DeltaKind = 'now failing' | 'now passing' | 'changed';

interface StatusChange {
  readonly ruleId: string;
  readonly title: string;
  readonly requirements: readonly string[];
  readonly context: string;
  readonly before: Status | 'absent';
  readonly after: Status | 'absent';
  readonly kind: DeltaKind;
  /** The failing resources on the side that fails (layer/LogicalId: message). */
  readonly resources: readonly string[];
}

export interface ComplianceDelta {
  readonly changes: readonly StatusChange[];
  /** Rule × context results compared. */
  readonly compared: number;
  readonly before: { readonly pass: number; readonly fail: number };
  readonly after: { readonly pass: number; readonly fail: number };
}

function kindOf(before: Status | 'absent', after: Status | 'absent'): DeltaKind {
  if (after === 'fail') return 'now failing';
  if (before === 'fail') return 'now passing';
  return 'changed';
}

const counts = (run: CheckRun): { pass: number; fail: number } => ({
  pass: run.results.filter((r) => r.status === 'pass').length,
  fail: run.results.filter((r) => r.status === 'fail').length,
});

/** Compares two check runs rule × context; what turned to failing comes first. */
function compareRuns(before: CheckRun, after: CheckRun): ComplianceDelta {
  const key = (ruleId: string, context: string): string => `${ruleId}\u0000${context}`;
  const old = new Map(before.results.map((r) => [key(r.ruleId, r.context), r]));
  const fresh = new Map(after.results.map((r) => [key(r.ruleId, r.context), r]));
  const rules = new Map([...before.rules, ...after.rules].map((r) => [r.id, r]));
  const changes: StatusChange[] = [];
  for (const k of new Set([...old.keys(), ...fresh.keys()])) {
    const a = old.get(k);
    const b = fresh.get(k);
    const was = a?.status ?? 'absent';
    const now = b?.status ?? 'absent';
    if (was === now) continue;
    const result = b ?? a!;
    const rule = rules.get(result.ruleId);
    const failing = (now === 'fail' ? b : was === 'fail' ? a : undefined)?.resources.filter((r) => r.status === 'fail').map((r) => `${r.layer}/${r.logicalId}: ${r.message}`) ?? [];
    changes.push({
      ruleId: result.ruleId,
      title: rule?.title ?? '',
      requirements: rule?.requirements ?? [],
      context: result.context,
      before: was,
      after: now,
      kind: kindOf(was, now),
      resources: failing,
    });
  }
  const order: Record<DeltaKind, number> = { 'now failing': 0, 'now passing': 1, changed: 2 };
  changes.sort((x, y) => order[x.kind] - order[y.kind] || x.ruleId.localeCompare(y.ruleId) || x.context.localeCompare(y.context));
  return { changes, compared: new Set([...old.keys(), ...fresh.keys()]).size, before: counts(before), after: counts(after) };
}

export function complianceDelta(before: CheckSide, after: CheckSide): ComplianceDelta {
  const run = (side: CheckSide): CheckRun => runChecks({ templates: side.templates, parameters: side.parameters && existsSync(side.parameters) ? side.parameters : undefined });
  return compareRuns(run(before), run(after));
}

/**
 * generated/templates and generated/parameters as committed at `commit`, written to a temporary
 * directory (git archive: the committed bytes) for the check to read.
 */
export function checkSideAtCommit(repo: string, commit: string, templatesInRepo: string, parametersInRepo: string): CheckSide {
  const dir = mkdtempSync(join(tmpdir(), 'compliance-base-'));
  const extract = (path: string): boolean => {
    const archive = spawnSync('git', ['-C', repo, 'archive', '--format=tar', commit, path], { maxBuffer: 256 * 1024 * 1024 });
    if (archive.status !== 0) return false; // not there at that commit
    mkdirSync(dir, { recursive: true });
    return spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout }).status === 0;
  };
  extract(templatesInRepo);
  const hasParameters = extract(parametersInRepo);
  return { templates: join(dir, templatesInRepo), parameters: hasParameters ? join(dir, parametersInRepo) : undefined };
}

const arrow = (change: StatusChange): string => `${change.before} → ${change.after}`;

/** Markdown for the pull-request comment: what turned to failing first. */
export function renderDeltaMarkdown(delta: ComplianceDelta): string {
  const lines = ['### Compliance delta (PCI DSS v4.0 rules, base → head)', ''];
  if (delta.changes.length === 0) {
    lines.push(`> [!NOTE]`, `> **No PCI rule changes status** (${delta.compared} rule × context results compared; ${delta.after.fail} failing on both sides).`, '');
    return lines.join('\n');
  }
  const failing = delta.changes.filter((c) => c.kind === 'now failing');
  lines.push(
    failing.length > 0 ? '> [!CAUTION]' : '> [!NOTE]',
    `> **${failing.length} rule result(s) now FAIL, ${delta.changes.filter((c) => c.kind === 'now passing').length} now pass, ${delta.changes.filter((c) => c.kind === 'changed').length} otherwise changed** (failing: ${delta.before.fail} → ${delta.after.fail})`,
    '',
    '| | rule | requirements | context | status | resources |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  const icon: Record<DeltaKind, string> = { 'now failing': '🔴', 'now passing': '🟢', changed: '⚪' };
  const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
  for (const c of delta.changes) {
    lines.push(`| ${icon[c.kind]} | ${cell(`${c.ruleId} ${c.title}`)} | ${c.requirements.join(', ')} | ${c.context} | ${arrow(c)} | ${cell(c.resources.join('\n'))} |`);
  }
  lines.push('');
  return lines.join('\n');
}

export function renderDeltaText(delta: ComplianceDelta): string[] {
  if (delta.changes.length === 0) return ['Compliance delta: no PCI rule changes status'];
  return [
    'Compliance delta (PCI DSS rules, base -> head):',
    ...delta.changes.map(
      (c) => `  ${c.kind.toUpperCase().padEnd(11)} ${c.ruleId} ${c.title} [${c.context}] ${c.before} -> ${c.after}${c.resources.length ? `: ${c.resources.join('; ')}` : ''}`,
    ),
  ];
}
