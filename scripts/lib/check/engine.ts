// Runs the rules over every evaluation context and turns findings into results: a failing
// resource whose Metadata.Suppressions.pci names the rule with a written reason is suppressed;
// the variants of one context (enumerated parameters) are merged, failing if any variant fails.
import { CheckContext, resourceKey, type EvaluatedResource } from './rule-context.js';
import { crashDescription } from '../discover-rules.js';
import type { ContextSpec } from './evaluated-platform.js';
import type { ResourceResult, Rule, RuleFinding, RuleResult, Status } from './types.js';

/** The governance rule that checks suppressions themselves; it cannot be suppressed. */
const SUPPRESSION_RULE_ID = 'PCI-GOV-001';
/** A written reason: at least this many characters. */
export const MIN_REASON_LENGTH = 10;

function suppressionOf(resource: EvaluatedResource | undefined, ruleId: string): { present: boolean; reason?: string } {
  const pci = (resource?.metadata.Suppressions as Record<string, unknown> | undefined)?.pci as Record<string, unknown> | undefined;
  if (!pci || typeof pci !== 'object' || !(ruleId in pci)) return { present: false };
  // The register holds { reason, requirement, compensatingControl, expires }; a bare string is a reason.
  const entry = pci[ruleId];
  const reason = typeof entry === 'string' ? entry : (entry as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' && reason.trim().length >= MIN_REASON_LENGTH ? { present: true, reason: reason.trim() } : { present: true };
}

/**
 * A rule that throws fails, in that context, with the error as its one finding, and every other
 * rule still runs (cfn-lint's E0002): a broken rule can never pass silently, nor hide the others.
 */
function runOne(rule: Rule, ctx: CheckContext): RuleFinding[] | { readonly crash: string } {
  try {
    return rule.check(ctx);
  } catch (error) {
    return { crash: `rule ${rule.id} crashed on ${ctx.variant}: ${crashDescription(error)}` };
  }
}

/** Where a crash is shown: no resource is to blame, the rule is. */
const RULE_ERROR = { layer: '(rule)', type: 'rule error' } as const;

function applySuppression(rule: Rule, ctx: CheckContext, f: RuleFinding): ResourceResult {
  const base = { layer: f.layer, logicalId: f.logicalId, type: f.type };
  if (f.pass) return { ...base, status: 'pass', message: f.message };
  if (rule.id === SUPPRESSION_RULE_ID) return { ...base, status: 'fail', message: f.message };
  const s = suppressionOf(ctx.resource(f.layer, f.logicalId), rule.id);
  if (s.reason) return { ...base, status: 'suppressed', message: f.message, reason: s.reason };
  if (s.present)
    return {
      ...base,
      status: 'fail',
      message: `${f.message} (the suppression of ${rule.id} has no reason: write why in Metadata.Suppressions.pci, at least ${MIN_REASON_LENGTH} characters)`,
    };
  return { ...base, status: 'fail', message: f.message };
}

const RANK: Record<ResourceResult['status'], number> = { pass: 0, suppressed: 1, fail: 2 };

/** Evaluates one rule over the variants of one context. */
function evaluateRule(rule: Rule, variants: readonly CheckContext[]): RuleResult {
  const context = variants[0].name;
  const enforced = variants.filter((v) => rule.scope !== 'production' || v.production);
  if (enforced.length === 0) return { ruleId: rule.id, context, status: 'not-applicable', note: `production-only control: not enforced in ${context}`, resources: [] };
  const applicable = enforced.filter((v) => rule.resourceTypes.some((t) => (t === '*' ? v.allResources().length > 0 : v.has(t))));
  if (applicable.length === 0) return { ruleId: rule.id, context, status: 'not-applicable', note: `no ${rule.resourceTypes.join(', ')} in ${context}`, resources: [] };

  const merged = new Map<string, ResourceResult>();
  for (const ctx of applicable) {
    const found = runOne(rule, ctx);
    if ('crash' in found) {
      merged.set(`${RULE_ERROR.layer}/${rule.id}`, { ...RULE_ERROR, logicalId: rule.id, status: 'fail', message: found.crash });
      continue;
    }
    for (const f of found) {
      const result = applySuppression(rule, ctx, f);
      const labelled = applicable.length > 1 && result.status !== 'pass' ? { ...result, message: `[${ctx.variant}] ${result.message}` } : result;
      const key = resourceKey(f);
      const seen = merged.get(key);
      if (!seen || RANK[labelled.status] > RANK[seen.status]) merged.set(key, labelled);
    }
  }
  const resources = [...merged.values()].sort((a, b) => resourceKey(a).localeCompare(resourceKey(b)));
  const status: Status = resources.some((r) => r.status === 'fail')
    ? 'fail'
    : resources.some((r) => r.status === 'pass')
      ? 'pass'
      : resources.some((r) => r.status === 'suppressed')
        ? 'suppressed'
        : 'not-applicable';
  return { ruleId: rule.id, context, status, note: resources.length === 0 ? 'nothing to check' : undefined, resources };
}

/** Groups context specs by context name, in order, as CheckContexts. */
export function contextGroups(specs: readonly ContextSpec[], ruleIds: ReadonlySet<string>): CheckContext[][] {
  const groups = new Map<string, CheckContext[]>();
  for (const spec of specs) groups.set(spec.name, [...(groups.get(spec.name) ?? []), new CheckContext(spec, ruleIds)]);
  return [...groups.values()];
}

export function evaluateRules(rules: readonly Rule[], groups: readonly CheckContext[][]): RuleResult[] {
  return rules.flatMap((rule) => groups.map((variants) => evaluateRule(rule, variants)));
}
