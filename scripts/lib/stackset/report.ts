// Text output: the plan (what would change and why) and the final account × region table.
import type { StackInstanceSummary, StackSetOperationResultSummary } from './api.js';
import type { Plan } from './reconcile.js';

const overridesText = (overrides: Readonly<Record<string, string>>): string => {
  const entries = Object.entries(overrides);
  return entries.length === 0 ? 'no overrides' : `overrides ${entries.map(([k, v]) => `${k}=${v}`).join(', ')}`;
};

const where = (i: { unit: { kind: string; id: string }; region: string }): string => `${i.unit.id.padEnd(12)}  ${i.region.padEnd(15)}`;

export function formatPlan(plan: Plan, options: { stackSetName: string; deleteStacks: boolean }): string[] {
  const lines: string[] = [];
  const verb = { create: 'create', update: 'update', none: 'unchanged' }[plan.stackSet];
  lines.push(`stack set ${options.stackSetName}: ${verb}`);
  for (const change of plan.stackSetChanges) lines.push(`  ~ ${change}`);
  if (plan.stackSet === 'update') lines.push('  (update-stack-set updates every remaining instance)');
  if (plan.managedExecution)
    lines.push(
      `  ~ managed execution: ${plan.managedExecution.from} → ${plan.managedExecution.to} (an update of its own: AWS refuses it together with a template or parameter change)`,
    );
  lines.push(`instances: ${plan.add.length} to add, ${plan.update.length} to update, ${plan.remove.length} to remove, ${plan.unchanged.length} unchanged`);
  for (const a of plan.add) lines.push(`  + ${where(a)} ${overridesText(a.overrides)}`);
  for (const u of plan.update) lines.push(`  ~ ${where(u.desired)} ${u.reasons.join('; ')}`);
  const removal = options.deleteStacks ? 'stack deleted (--delete-stacks)' : 'stack kept (retained; --delete-stacks or DELETE_STACKS=1 deletes it)';
  for (const r of plan.remove) lines.push(`  - ${where(r)} ${removal}`);
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  return lines;
}

export const isNoop = (plan: Plan): boolean => plan.stackSet === 'none' && !plan.managedExecution && plan.add.length === 0 && plan.update.length === 0 && plan.remove.length === 0;

/** Instance statuses that count against the failure tolerance. */
const FAILED_DETAIL = new Set(['FAILED', 'INOPERABLE', 'FAILED_IMPORT']);

export interface FinalRow {
  readonly account: string;
  readonly region: string;
  readonly status: string;
  readonly reason?: string;
  readonly failed: boolean;
}

/** The instances after the run, with the reason of this run's failed results where AWS gave one. */
export function finalRows(instances: readonly StackInstanceSummary[], results: readonly StackSetOperationResultSummary[]): FinalRow[] {
  const failedNow = new Map(results.filter((r) => r.Status === 'FAILED').map((r) => [`${r.Account}|${r.Region}`, r.StatusReason ?? 'failed']));
  return instances
    .map((i) => {
      const detail = i.StackInstanceStatus?.DetailedStatus;
      const failure = failedNow.get(`${i.Account}|${i.Region}`);
      const status = detail && detail !== i.Status ? `${i.Status ?? '?'}/${detail}` : (i.Status ?? '?');
      return {
        account: i.Account ?? '',
        region: i.Region ?? '',
        status,
        reason: i.StatusReason || failure,
        failed: failure !== undefined || (detail !== undefined && FAILED_DETAIL.has(detail)) || i.Status === 'INOPERABLE',
      };
    })
    .sort((a, b) => (a.account + a.region < b.account + b.region ? -1 : 1));
}

/** account × region matrix of statuses, then the reasons of every instance that has one. */
export function formatTable(rows: readonly FinalRow[], regionOrder: readonly string[]): string[] {
  if (rows.length === 0) return ['(no stack instances)'];
  const regions = [...new Set([...regionOrder.filter((r) => rows.some((row) => row.region === r)), ...rows.map((r) => r.region)])];
  const accounts = [...new Set(rows.map((r) => r.account))].sort();
  const cell = (account: string, region: string): string => rows.find((r) => r.account === account && r.region === region)?.status ?? '-';
  const widths = regions.map((region) => Math.max(region.length, ...accounts.map((a) => cell(a, region).length)));
  const line = (first: string, cells: string[]): string => `${first.padEnd(12)}  ${cells.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd();
  const out = [
    line('account', regions),
    line(
      '-'.repeat(12),
      widths.map((w) => '-'.repeat(w)),
    ),
  ];
  for (const account of accounts)
    out.push(
      line(
        account,
        regions.map((region) => cell(account, region)),
      ),
    );
  const reasons = rows.filter((r) => r.reason);
  if (reasons.length > 0) {
    out.push('reasons:');
    for (const r of reasons) out.push(`  ${r.account} ${r.region}: ${r.reason}`);
  }
  return out;
}
