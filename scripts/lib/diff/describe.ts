// Plain-language lines for gate findings and warnings, shared by the text and markdown renderings.
import type { Cause, PolicyWeakening, Verdict } from './analyze.js';
import type { GateFinding, GateResult } from './gate.js';

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
      return `${what} is now created only when condition ${v.condition} is true: wherever it is false, CloudFormation deletes it (DeletionPolicy ${v.deletionPolicy ?? 'not set: Delete'})`;
  }
}

export function causeLine(c: Cause): string {
  const force = c.replacement === 'yes' ? 'requires replacement' : 'may require replacement';
  const via = c.via ? ` (unchanged, but it refers to ${c.via}, which is replaced)` : '';
  return `${c.path}: ${force} per the resource specification${via}`;
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
