// Security changes that must not scroll by: IAM broadened (statements or managed policies added,
// Deny statements removed) and security-group rules added, loudest when ingress opens to the
// internet (0.0.0.0/0, ::/0, or a parameter whose default is one of them).
import type { TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { wholeVariable } from '../cfn/index.js';
import type { Rename } from './renames.js';
import type { CfnTemplate } from './types.js';

export type SecurityKind = 'internet-ingress' | 'iam-broadened' | 'sg-rules-added';

export interface SecurityWarning {
  readonly template: string;
  readonly kind: SecurityKind;
  readonly lines: readonly string[];
}

export const SECURITY_TITLES: Record<SecurityKind, string> = {
  'internet-ingress': 'SECURITY GROUP OPENED TO THE INTERNET',
  'iam-broadened': 'IAM PERMISSIONS BROADENED',
  'sg-rules-added': 'SECURITY GROUP RULES ADDED',
};

const WORLD = new Set(['0.0.0.0/0', '::/0']);
const oneLine = (text: string): string =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(', ');

type Rule = TemplateDiff['securityGroupChanges']['ingress']['additions'][number];
type Statement = TemplateDiff['iamChanges']['statements']['additions'][number];

/** The CIDR a rule opens, resolving a parameter reference ("${AppEgressCidr}") to its default. */
function worldSource(rule: Rule, template: CfnTemplate | undefined): string | undefined {
  if (rule.peer?.kind !== 'cidr-ip') return undefined;
  if (WORLD.has(rule.peer.ip)) return rule.peer.ip;
  // cloudformation-diff shows a Ref as "${Name}".
  const variable = wholeVariable(rule.peer.ip);
  const parameter = variable?.attribute === undefined ? variable?.name : undefined;
  const fallback = parameter ? template?.Parameters?.[parameter]?.Default : undefined;
  return typeof fallback === 'string' && WORLD.has(fallback) ? `${rule.peer.ip} (parameter ${parameter}, default ${fallback})` : undefined;
}

function describeRule(direction: 'In' | 'Out', rule: Rule, peer = rule.describePeer()): string {
  return direction === 'In' ? `+ In  ${rule.describeProtocol()} from ${peer} to ${rule.groupId}` : `+ Out ${rule.describeProtocol()} from ${rule.groupId} to ${peer}`;
}

function describeStatement(sign: '+' | '-', statement: Statement): string {
  const s = statement.render();
  const condition = statement.condition ? ` when ${JSON.stringify(statement.condition)}` : '';
  return `${sign} ${s.effect} ${oneLine(s.action)} on ${oneLine(s.resource)} to ${oneLine(s.principal) || '(the attached identity)'}${condition}`;
}

/** A statement as text with renamed logical IDs mapped to their new names, to compare across a rename. */
function renamedKey(statement: Statement, renames: readonly Rename[]): string {
  let text = JSON.stringify(statement.render());
  for (const { from, to } of renames) text = text.replace(new RegExp(`\\b${from}\\b`, 'g'), to);
  return text;
}

/**
 * Statements added (or, for Deny, removed) for real: a statement that only follows a renamed
 * resource (the same statement on the old ID removed, on the new ID added) broadens nothing.
 */
function broadening(diff: TemplateDiff, renames: readonly Rename[]): { added: Statement[]; removedDenies: Statement[] } {
  const { additions, removals } = diff.iamChanges.statements;
  const removedKeys = new Set(removals.map((s) => renamedKey(s, renames)));
  const addedKeys = new Set(additions.map((s) => renamedKey(s, renames)));
  return {
    added: additions.filter((s) => !s.isNegativeStatement && !removedKeys.has(renamedKey(s, renames))),
    removedDenies: removals.filter((s) => s.isNegativeStatement && !addedKeys.has(renamedKey(s, renames))),
  };
}

export function securityWarnings(template: string, diff: TemplateDiff, after: CfnTemplate | undefined, renames: readonly Rename[] = []): SecurityWarning[] {
  const warnings: SecurityWarning[] = [];
  const { ingress, egress } = diff.securityGroupChanges;
  const internet = ingress.additions.flatMap((rule) => {
    const source = worldSource(rule, after);
    return source ? [describeRule('In', rule, source)] : [];
  });
  if (internet.length > 0) warnings.push({ template, kind: 'internet-ingress', lines: internet });

  const iam = diff.iamChanges;
  const { added, removedDenies } = broadening(diff, renames);
  const iamLines = [
    ...added.map((s) => describeStatement('+', s)),
    ...removedDenies.map((s) => describeStatement('-', s)),
    ...iam.managedPolicies.additions.map((p) => `+ managed policy ${p.managedPolicyArn} attached to ${p.identityArn}`),
    ...(iam.ssoPermissionSets.hasAdditions || iam.ssoAssignments.hasAdditions || iam.ssoInstanceACAConfigs.hasAdditions
      ? ['+ IAM Identity Center permission sets or assignments']
      : []),
  ];
  if (iamLines.length > 0) warnings.push({ template, kind: 'iam-broadened', lines: iamLines });

  const otherRules = [
    ...ingress.additions.filter((rule) => !worldSource(rule, after)).map((rule) => describeRule('In', rule)),
    ...egress.additions.map((rule) => describeRule('Out', rule)),
  ];
  if (otherRules.length > 0) warnings.push({ template, kind: 'sg-rules-added', lines: otherRules });
  return warnings;
}
