// The data-loss gate: a change that replaces or deletes a stateful resource blocks (exit 1) unless
// a reviewer allowed it by name. Removing a resource whose DeletionPolicy is Retain does not block:
// nothing is deleted, CloudFormation only stops managing it (it is reported as retained). A rename
// blocks even with Retain: the stack moves to a new, empty resource.
import { allows, type AllowEntry } from './allow.js';
import type { Fate, Verdict } from './analyze.js';

export interface GateFinding {
  readonly verdict: Verdict;
  readonly blocking: boolean;
  /** The ALLOW_REPLACE entry that accepted it. */
  readonly allowedBy?: string;
}

export interface GateResult {
  readonly findings: readonly GateFinding[];
  /** Blocking findings nobody allowed. */
  readonly blocked: readonly GateFinding[];
  /** Allowances that matched nothing (a typo, or a change that went away). */
  readonly unusedAllowances: readonly string[];
}

const NON_BLOCKING: ReadonlySet<Fate> = new Set(['retain']);

export function evaluateGate(verdicts: readonly Verdict[], allowances: readonly AllowEntry[]): GateResult {
  const used = new Set<string>();
  const findings: GateFinding[] = [];
  for (const verdict of verdicts) {
    if (!verdict.stateful) continue;
    const blocking = !NON_BLOCKING.has(verdict.fate);
    const ids = verdict.renamedTo ? [verdict.logicalId, verdict.renamedTo] : [verdict.logicalId];
    const allowance = blocking ? allowances.find((entry) => allows(entry, verdict.template, ids)) : undefined;
    if (allowance) used.add(allowance.raw);
    findings.push({ verdict, blocking, allowedBy: allowance?.raw });
  }
  return {
    findings,
    blocked: findings.filter((f) => f.blocking && !f.allowedBy),
    unusedAllowances: allowances.map((a) => a.raw).filter((raw) => !used.has(raw)),
  };
}
