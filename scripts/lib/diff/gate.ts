// The data-loss gate: a change that replaces or deletes a stateful resource blocks (exit 1) unless
// a reviewer allowed it by name. Removing a resource whose DeletionPolicy is Retain does not block:
// nothing is deleted, CloudFormation only stops managing it (it is reported as retained). A rename
// blocks even with Retain: the stack moves to a new, empty resource. A resource made conditional
// blocks unless its DeletionPolicy retains it.
import { allows, type AllowEntry } from './allow.js';
import { RETAINING, type Verdict } from './analyze.js';

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

/** Retained (removed with Retain) never blocks; made conditional blocks unless Retain keeps it when the condition turns false. */
function isBlocking(verdict: Verdict): boolean {
  if (verdict.fate === 'retain') return false;
  return !(verdict.fate === 'conditional' && verdict.deletionPolicy !== undefined && RETAINING.has(verdict.deletionPolicy));
}

export function evaluateGate(verdicts: readonly Verdict[], allowances: readonly AllowEntry[]): GateResult {
  const used = new Set<string>();
  const findings: GateFinding[] = [];
  for (const verdict of verdicts) {
    if (!verdict.stateful) continue;
    const blocking = isBlocking(verdict);
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
