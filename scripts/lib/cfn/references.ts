// The one reference walker: every name a template value refers to, with where it is —
// Ref, Fn::GetAtt (list or "Id.Attr" form), ${X} / ${X.Attr} of Fn::Sub (not the keys of its
// variable map), the condition of Fn::If, {Condition: X} inside Conditions, and the mapping of
// Fn::FindInMap. It reads long-form trees and the template model's Intrinsic objects alike.
// Pure: callers decide what is valid (integrity), what depends on what (cycles, diff), and what
// a name resolves to (check).
import { getAttArgs, intrinsicOf } from './intrinsics.js';
import type { Path } from './paths.js';
import { subVariables } from './sub.js';

type ReferenceKind = 'Ref' | 'GetAtt' | 'Sub' | 'Condition' | 'FindInMap';

export interface Reference {
  readonly kind: ReferenceKind;
  /** Logical ID, parameter, pseudo parameter, condition or mapping name. */
  readonly target: string;
  /** GetAtt / ${X.Attr}: the attribute (undefined when an intrinsic computes it). */
  readonly attribute?: string;
  /** FindInMap: the literal top-level and second-level keys (undefined where computed). */
  readonly mapKeys?: readonly (string | undefined)[];
  /**
   * Where: the node of the Ref / GetAtt / Sub / FindInMap call; for an Fn::If condition,
   * [..., 'Fn::If', 0].
   */
  readonly path: Path;
}

export interface WalkOptions {
  /** In the Conditions section a one-key mapping {Condition: X} refers to condition X; elsewhere it is data (IAM policies have that key). */
  readonly inConditions?: boolean;
}

const literalKey = (key: unknown): string | undefined => (typeof key === 'string' || typeof key === 'number' ? String(key) : undefined);

/** Every reference made by `node`, in document order. */
export function references(node: unknown, options: WalkOptions = {}, path: Path = [], out: Reference[] = []): Reference[] {
  if (Array.isArray(node)) {
    node.forEach((item, index) => references(item, options, [...path, index], out));
    return out;
  }
  if (node === null || typeof node !== 'object') return out;
  const call = intrinsicOf(node);
  if (!call && options.inConditions) {
    const keys = Object.keys(node);
    const target = (node as { Condition?: unknown }).Condition;
    if (keys.length === 1 && typeof target === 'string') {
      out.push({ kind: 'Condition', target, path });
      return out;
    }
  }
  if (!call) {
    for (const [key, value] of Object.entries(node)) references(value, options, [...path, key], out);
    return out;
  }
  const { fn, args } = call;
  const at = [...path, fn];
  switch (fn) {
    case 'Ref':
      if (typeof args === 'string') out.push({ kind: 'Ref', target: args, path });
      else references(args, options, at, out);
      return out;
    case 'Condition':
      // Only an Intrinsic of the template model gets here: ConditionRef(…) inside Conditions.
      if (typeof args === 'string') out.push({ kind: 'Condition', target: args, path });
      return out;
    case 'Fn::GetAtt': {
      const { target, attribute } = getAttArgs(args);
      if (target !== undefined) out.push({ kind: 'GetAtt', target, attribute: typeof attribute === 'string' ? attribute : undefined, path });
      if (attribute !== undefined && typeof attribute !== 'string') references(attribute, options, [...at, 1], out);
      return out;
    }
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(args) ? args : [args];
      const local = new Set(variables !== null && typeof variables === 'object' ? Object.keys(variables) : []);
      if (typeof text === 'string') {
        for (const v of subVariables(text)) if (!local.has(v.target) && !local.has(v.name)) out.push({ kind: 'Sub', target: v.target, attribute: v.attribute, path });
      }
      if (variables !== undefined) references(variables, options, [...at, 1], out);
      return out;
    }
    case 'Fn::If': {
      const [condition, ...branches] = Array.isArray(args) ? args : [];
      if (typeof condition === 'string') out.push({ kind: 'Condition', target: condition, path: [...at, 0] });
      branches.forEach((branch, index) => references(branch, options, [...at, index + 1], out));
      return out;
    }
    case 'Fn::FindInMap': {
      const [map, ...keys] = Array.isArray(args) ? args : [];
      if (typeof map === 'string') out.push({ kind: 'FindInMap', target: map, mapKeys: keys.slice(0, 2).map(literalKey), path });
      keys.forEach((key, index) => references(key, options, [...at, index + 1], out));
      return out;
    }
    default:
      references(args, options, at, out);
      return out;
  }
}

/** References that are a value of the target (Ref or ${X}) rather than of one of its attributes. */
export const isValueReference = (ref: Pick<Reference, 'kind' | 'attribute'>): boolean => ref.kind === 'Ref' || (ref.kind === 'Sub' && ref.attribute === undefined);

/** References that make one resource depend on another (Ref, GetAtt, ${X} / ${X.Attr}). */
export const isDependency = (ref: Pick<Reference, 'kind'>): boolean => ref.kind === 'Ref' || ref.kind === 'GetAtt' || ref.kind === 'Sub';
