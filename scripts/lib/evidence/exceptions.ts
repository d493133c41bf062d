// The register of exceptions: every suppression of a finding (PCI rules, cfn-lint, checkov,
// cfn_nag, parliament, guard), as the template model writes it beside its resource in
// Metadata.Suppressions (tool → finding ID → { reason, requirement, compensatingControl, expires }).
// One reader for the report, the exports and PCI-GOV-001.
import type { CheckContext } from '../check/rule-context.js';

export interface RegisteredException {
  readonly layer: string;
  readonly logicalId: string;
  readonly type: string;
  /** pci, cfn-lint, checkov, cfn_nag, parliament or guard. */
  readonly tool: string;
  readonly id: string;
  readonly reason: string;
  readonly requirement?: string;
  readonly compensatingControl?: string;
  /** Last day the exception holds (YYYY-MM-DD). */
  readonly expires?: string;
}

export const REGISTER_TOOLS = ['pci', 'cfn-lint', 'checkov', 'cfn_nag', 'parliament', 'guard'] as const;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Every exception declared in one context, in layer, resource, tool, ID order. */
export function exceptionsOf(ctx: CheckContext): RegisteredException[] {
  const out: RegisteredException[] = [];
  for (const r of ctx.allResources()) {
    const register = r.metadata.Suppressions;
    if (register === null || typeof register !== 'object' || Array.isArray(register)) continue;
    for (const [tool, entries] of Object.entries(register as Record<string, unknown>)) {
      if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) continue;
      for (const [id, raw] of Object.entries(entries as Record<string, unknown>)) {
        const e = (typeof raw === 'string' ? { reason: raw } : (raw ?? {})) as Record<string, unknown>;
        out.push({
          layer: r.layer,
          logicalId: r.logicalId,
          type: r.type,
          tool,
          id,
          reason: text(e.reason) ?? '',
          ...(text(e.requirement) ? { requirement: text(e.requirement) } : {}),
          ...(text(e.compensatingControl) ? { compensatingControl: text(e.compensatingControl) } : {}),
          ...(text(e.expires) ? { expires: text(e.expires) } : {}),
        });
      }
    }
  }
  return out.sort((a, b) => `${a.layer}/${a.logicalId}/${a.tool}/${a.id}`.localeCompare(`${b.layer}/${b.logicalId}/${b.tool}/${b.id}`));
}

/** Every exception of every context, each once (the same declaration seen in several contexts). */
export function registerOf(contexts: readonly CheckContext[]): RegisteredException[] {
  const seen = new Map<string, RegisteredException>();
  for (const ctx of contexts) for (const e of exceptionsOf(ctx)) seen.set(`${e.layer}/${e.logicalId}/${e.tool}/${e.id}`, e);
  return [...seen.values()].sort((a, b) => `${a.layer}/${a.logicalId}/${a.tool}/${a.id}`.localeCompare(`${b.layer}/${b.logicalId}/${b.tool}/${b.id}`));
}

/**
 * Today (UTC, YYYY-MM-DD): the one clock of the check, used only to tell whether an exception has
 * expired. CHECK_TODAY overrides it (tests; re-checking an old bundle as of its day).
 */
export function today(): string {
  const forced = process.env.CHECK_TODAY;
  if (forced !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(forced)) throw new Error(`CHECK_TODAY="${forced}": must be a date YYYY-MM-DD`);
    return forced;
  }
  return new Date().toISOString().slice(0, 10);
}

/** An exception holds through its expiry day and fails from the next day on. */
export const isExpired = (e: { expires?: string }, day: string): boolean => e.expires !== undefined && e.expires < day;
