// Plain-language lines for gate findings and warnings, shared by the text and markdown renderings.
import type { Cause, PolicyWeakening, Verdict } from './analyze.js';
import type { GateFinding, GateResult } from './gate.js';
import type { ParameterUse } from './parameter-impact.js';
import type { ValueChange } from './parameter-values.js';

/** What CloudFormation does with the old resource when it is replaced or deleted. */
function oldCopyFate(policy: string | undefined): string {
  if (policy === 'Retain' || policy === 'RetainExceptOnCreate') return `the old one is kept, outside the stack (${policy})`;
  if (policy === 'Snapshot') return 'the old one is deleted after a final snapshot (Snapshot)';
  return `the old one is deleted${policy ? ` (${policy})` : ' (no policy: Delete)'}`;
}

/** One sentence: what happens to the resource. */
export function headline(v: Verdict): string {
  const what = `${v.logicalId} (${v.type})`;
  switch (v.fate) {
    case 'replace':
      return `${what} will be REPLACED: a new, empty resource is created; ${oldCopyFate(v.updateReplacePolicy)}`;
    case 'may-replace':
      return `${what} MAY BE REPLACED (depending on the values): a new, empty resource; ${oldCopyFate(v.updateReplacePolicy)}`;
    case 'type-change':
      return `${what} changes type to ${v.newType}: a new resource is created; ${oldCopyFate(v.deletionPolicy)}`;
    case 'rename':
      return `${what} logical ID renamed ${v.logicalId} -> ${v.renamedTo}: ${v.renamedTo} is created new and empty; ${oldCopyFate(v.deletionPolicy)}`;
    case 'destroy':
      return `${what} is removed and DELETED (DeletionPolicy ${v.deletionPolicy ?? 'not set: Delete'})`;
    case 'snapshot':
      return `${what} is removed and DELETED after a final snapshot (DeletionPolicy Snapshot)`;
    case 'retain':
      return `${what} is removed from the stack but RETAINED by DeletionPolicy ${v.deletionPolicy}: the data stays in the account, unmanaged (delete or re-import it by hand)`;
    case 'conditional':
      return `${what} exists only when condition ${v.condition} is true, and what decides it changed: where it turns false, CloudFormation deletes it (DeletionPolicy ${v.deletionPolicy ?? 'not set: Delete'})`;
  }
}

const quoted = (value: string | undefined): string => (value === undefined ? '(unset)' : JSON.stringify(value));

export function valueChangeText(change: ValueChange): string {
  return `${change.env}: ${change.name} ${quoted(change.from)} -> ${quoted(change.to)}`;
}

export function causeLine(c: Cause): string {
  const force =
    c.replacement === 'yes' ? ': requires replacement per the resource specification' : c.replacement === 'maybe' ? ': may require replacement per the resource specification' : '';
  const via = c.via ? ` (unchanged, but it refers to ${c.via}, which is replaced)` : '';
  const parameter = c.parameter ? ` (parameter value ${valueChangeText(c.parameter)})` : '';
  const input = c.input ? ` (unchanged, but its input changes: ${c.input})` : '';
  return `${c.path}${force}${via}${parameter}${input}`;
}

/** Where a parameter value lands, in a few words. */
export function useText(use: ParameterUse): string {
  const where = `${use.template}:${use.logicalId}`;
  if (use.condition) return `${where} exists only when condition ${use.condition} is true`;
  const effect = use.replacement === 'yes' ? 'requires replacement' : use.replacement === 'maybe' ? 'may require replacement' : 'in place';
  return `${where} ${use.path} (${effect})`;
}

export function findingTag(f: GateFinding): string {
  if (f.allowedBy) return `ALLOWED by ${f.allowedBy}`;
  return f.blocking ? 'BLOCKED' : 'RETAINED';
}

/** template:LogicalId entries that would accept every blocked finding. */
export function allowHint(gate: GateResult): string {
  return [...new Set(gate.blocked.map((f) => `${f.verdict.template}:${f.verdict.logicalId}`))].join(',');
}

export function gateSummary(gate: GateResult): string {
  const allowed = gate.findings.filter((f) => f.allowedBy).length;
  const retained = gate.findings.filter((f) => !f.blocking).length;
  const extras = [allowed > 0 ? `${allowed} allowed` : '', retained > 0 ? `${retained} retained` : ''].filter(Boolean).join(', ');
  if (gate.blocked.length > 0) {
    return `DATA-LOSS GATE: BLOCKED - ${gate.blocked.length} change(s) would replace or delete a stateful resource${extras ? ` (${extras})` : ''}`;
  }
  return `DATA-LOSS GATE: passed - no stateful resource is replaced or deleted without an allowance${extras ? ` (${extras})` : ''}`;
}

export function weakeningLine(w: PolicyWeakening): string {
  return `${w.logicalId} (${w.type}): ${w.attribute} ${w.from} -> ${w.to}; a later replacement or removal will delete its data`;
}
