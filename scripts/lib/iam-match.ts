// IAM's matching of actions and resources: its wildcards (* any run of characters, ? one
// character), actions case-insensitively, resources case-sensitively
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
// Shared by the StackSet role evaluation (stackset/iam-policy.ts) and the PCI rules.

/** The strings of a policy element; an intrinsic (unresolved) reads as *. */
export const listOf = (value: unknown): readonly string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : '*'));

const globCache = new Map<string, RegExp>();
/** IAM's wildcard match (* and ?), whole string. */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}|${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      ignoreCase ? 'is' : 's',
    );
    globCache.set(key, re);
  }
  return re.test(value);
}

/** Whether a statement's Action (or, without one, its NotAction) covers `action`. */
export const matchesAction = (s: { readonly Action?: unknown; readonly NotAction?: unknown }, action: string): boolean =>
  s.Action !== undefined ? listOf(s.Action).some((p) => globMatches(p, action, true)) : !listOf(s.NotAction).some((p) => globMatches(p, action, true));
