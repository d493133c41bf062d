// Small helpers the rules share: findings, truthiness of CloudFormation values, key checks.
import type { CheckContext, EvaluatedResource, KeyRef } from './rule-context.js';
import { DATA_CLASS_TAG, resourceKey, show } from './rule-context.js';
import { textOf } from '../cfn/index.js';
import type { RuleFinding } from './types.js';

export { show, textOf };

export const finding = (resource: EvaluatedResource, pass: boolean, message: string): RuleFinding => ({
  layer: resource.layer,
  logicalId: resource.logicalId,
  type: resource.type,
  pass,
  message,
});

/**
 * The usual rule shape: for every resource of the types, `problems` lists what is wrong; none
 * means it passes with `evidence` as the message.
 */
export function eachResource<T extends string>(
  ctx: CheckContext,
  types: readonly T[],
  problems: (resource: EvaluatedResource<T>) => readonly (string | undefined | false)[],
  evidence: string | ((resource: EvaluatedResource<T>) => string),
): RuleFinding[] {
  return ctx.resources(...types).map((r) => {
    const found = problems(r).filter((p): p is string => typeof p === 'string' && p.length > 0);
    return finding(r, found.length === 0, found.length === 0 ? (typeof evidence === 'string' ? evidence : evidence(r)) : found.join('; '));
  });
}

/** CloudFormation booleans arrive as true or "true" (parameters are strings). */
export const isTrue = (v: unknown): boolean => v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
export const isFalse = (v: unknown): boolean => v === false || (typeof v === 'string' && v.toLowerCase() === 'false');

/** A number from a number or numeric string; undefined for anything else (unresolved intrinsics). */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

export const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export function describeKey(key: KeyRef): string {
  switch (key.kind) {
    case 'cmk':
      return `the ${key.keyClass} customer-managed key (${resourceKey(key.key)})`;
    case 'unclassified-cmk':
      return `the customer-managed key ${resourceKey(key.key)}, which declares no data class (tag ${DATA_CLASS_TAG})`;
    case 'aws-managed':
      return `an AWS-managed key (${key.text})`;
    case 'external':
      return `a key outside the platform (${key.text})`;
    case 'none':
      return 'no KMS key';
    case 'unknown':
      return `an unresolvable key reference (${key.text})`;
  }
}

/**
 * Checks that `value` names a platform customer-managed key of one of the data classes.
 * Returns the problem, or undefined when it holds.
 */
export function cmkProblem(ctx: CheckContext, resource: EvaluatedResource, value: unknown, classes: readonly string[], what: string): string | undefined {
  const key = ctx.key(resource, value);
  if (key.kind === 'cmk') {
    if (classes.includes(key.keyClass)) return undefined;
    return `${what} uses ${describeKey(key)}; its data class needs the ${classes.join(' or ')} key (one key per data class)`;
  }
  if (key.kind === 'none') return `${what} names no KMS key: it falls back to an AWS-owned/managed key, not a customer-managed key of the ${classes.join(' or ')} class`;
  return `${what} uses ${describeKey(key)}, not a customer-managed key of the platform (${classes.join(' or ')} class)`;
}

/** Evidence text for a key that passed. */
export const keyEvidence = (ctx: CheckContext, resource: EvaluatedResource, value: unknown, what: string): string =>
  `${what} encrypted with ${describeKey(ctx.key(resource, value))}`;

/** The Environment parameter's value in this context (the root's, else any layer's), if known. */
export function environmentOf(ctx: CheckContext): string | undefined {
  for (const layer of ctx.layers) {
    const p = layer.parameters.get('Environment');
    if (p?.kind === 'value' && typeof p.value === 'string') return p.value;
  }
  return undefined;
}
