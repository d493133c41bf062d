// IAM's evaluation of identity policies, as far as the StackSet role tests need it: does a set of
// statements allow an action on a resource? Explicit Deny wins over Allow; no Allow is an implicit
// deny. Matching is IAM's (../iam-match.ts).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
//
// Conditions are not evaluated: callers that pass statements with conditions learn what the
// statements allow when every condition holds (`conditional` says which statement decided).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globMatches, listOf, matchesAction } from '../iam-match.js';
import { cfnLintSchemas } from './gen-permissions.js';

export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny' | string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  /** ARNs; an intrinsic (unresolved) reads as *. */
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

const matchesResource = (s: IamStatement, resource: string): boolean =>
  s.Resource !== undefined
    ? listOf(s.Resource).some((p) => globMatches(p, resource))
    : s.NotResource !== undefined
      ? !listOf(s.NotResource).some((p) => globMatches(p, resource))
      : true;

export interface Decision {
  readonly allowed: boolean;
  /** The statement that decided (the Deny, or the first Allow); undefined for an implicit deny. */
  readonly by?: IamStatement;
  /** The deciding statement has a Condition (the answer holds when it is met). */
  readonly conditional: boolean;
}

/** What the statements decide for one action on one resource ARN. */
export function decide(statements: readonly IamStatement[], action: string, resource = '*'): Decision {
  const applies = statements.filter((s) => matchesAction(s, action) && matchesResource(s, resource));
  const deny = applies.find((s) => s.Effect === 'Deny' && s.Condition === undefined) ?? applies.find((s) => s.Effect === 'Deny');
  if (deny) return { allowed: false, by: deny, conditional: deny.Condition !== undefined };
  const allow = applies.find((s) => s.Effect === 'Allow' && s.Condition === undefined) ?? applies.find((s) => s.Effect === 'Allow');
  return allow ? { allowed: true, by: allow, conditional: allow.Condition !== undefined } : { allowed: false, conditional: false };
}

let universe: readonly string[] | undefined;
/** Every IAM action AWS documents (the Service Authorization Reference as cfn-lint bundles it), lower case. */
function iamActions(): readonly string[] {
  if (!universe) {
    const file = join(cfnLintSchemas().dir, '..', 'AdditionalSpecs', 'Policies.json');
    const services = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { Actions?: Record<string, unknown> }>;
    universe = Object.entries(services).flatMap(([service, { Actions }]) => Object.keys(Actions ?? {}).map((a) => `${service}:${a}`));
  }
  return universe;
}

/** The documented actions an action pattern (service:Prefix*) stands for; an unknown name stands for itself. */
function expandAction(pattern: string): string[] {
  if (!/[*?]/.test(pattern)) return [pattern.toLowerCase()];
  const found = iamActions().filter((a) => globMatches(pattern, a, true));
  return found.length > 0 ? found : [pattern.toLowerCase()];
}

/** Actions an identity policy's Allow statements grant, expanded and lower case, each with the statements' resources (an intrinsic reads as *). */
export function allowedActions(statements: readonly IamStatement[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of statements) {
    if (s.Effect !== 'Allow' || s.Action === undefined) continue;
    const resources = s.Resource !== undefined ? listOf(s.Resource) : ['*'];
    for (const pattern of listOf(s.Action)) for (const action of expandAction(pattern)) out.set(action, [...new Set([...(out.get(action) ?? []), ...resources])]);
  }
  return out;
}
