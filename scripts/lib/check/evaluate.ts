// Evaluates a template's intrinsics with its parameters known: Ref to parameters, Fn::If over
// Conditions, AWS::NoValue, Fn::FindInMap, and the pure functions (Sub of known parameters,
// Join, Select, Split, Cidr). Everything that needs a deployment (Ref/GetAtt of resources,
// GetAZs, ImportValue, parameters wired from other stacks) stays as it is, for the rules to
// reason about symbolically.
import { intrinsicOf, subCall, substitute } from '../cfn/index.js';
import { fnCidr } from './cidr.js';

export { intrinsicOf };

/** A parameter's value in one evaluation context. */
export type ParameterValue =
  | { readonly kind: 'value'; readonly value: string | number | readonly string[] }
  /** Fed from another nested stack's output (root: Parameters.X = GetAtt <Stack>.Outputs.<Output>). */
  | { readonly kind: 'wired'; readonly stack: string; readonly output: string }
  /** No default and no value given (e.g. Environment in the defaults context). */
  | { readonly kind: 'unset' };

export interface Scope {
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  /** Condition name → true/false, or undefined when it depends on an unknown value. */
  readonly conditions: ReadonlyMap<string, boolean | undefined>;
  readonly mappings: Readonly<Record<string, unknown>>;
}

/** Marks a value removed by AWS::NoValue. */
const NO_VALUE = Symbol('AWS::NoValue');

const isScalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function evaluateSub(args: unknown, scope: Scope): unknown {
  const sub = subCall({ 'Fn::Sub': args });
  if (!sub) return { 'Fn::Sub': resolveValue(args, scope) };
  const variables = Object.fromEntries(Object.entries(sub.variables).map(([k, v]) => [k, resolveValue(v, scope)]));
  const result = substitute(sub.text, (v) => {
    const value = v.name in variables ? variables[v.name] : v.attribute === undefined ? parameterScalar(v.name, scope) : undefined;
    return isScalar(value) ? String(value) : undefined;
  });
  if (result.complete) return result.text;
  const left = Object.fromEntries(Object.entries(variables).filter(([, v]) => !isScalar(v)));
  return { 'Fn::Sub': Object.keys(left).length > 0 ? [result.text, left] : result.text };
}

function parameterScalar(name: string, scope: Scope): unknown {
  const p = scope.parameters.get(name);
  return p?.kind === 'value' && !Array.isArray(p.value) ? p.value : undefined;
}

/** Evaluates a condition expression: true, false, or undefined when it depends on something unknown. */
export function evaluateCondition(expression: unknown, scope: Scope, conditions: Readonly<Record<string, unknown>>, seen = new Set<string>()): boolean | undefined {
  if (typeof expression === 'boolean') return expression;
  if (expression !== null && typeof expression === 'object' && !Array.isArray(expression) && Object.keys(expression).length === 1 && 'Condition' in expression) {
    const name = String((expression as { Condition: unknown }).Condition);
    if (seen.has(name)) return undefined;
    return evaluateCondition(conditions[name], scope, conditions, new Set([...seen, name]));
  }
  const node = intrinsicOf(expression);
  if (!node) return undefined;
  const args = Array.isArray(node.args) ? node.args : [node.args];
  const sub = (e: unknown) => evaluateCondition(e, scope, conditions, seen);
  switch (node.fn) {
    case 'Fn::Equals': {
      const [a, b] = args.map((x) => resolveValue(x, scope));
      if (!isScalar(a) || !isScalar(b)) return undefined;
      return String(a) === String(b);
    }
    case 'Fn::Not': {
      const v = sub(args[0]);
      return v === undefined ? undefined : !v;
    }
    case 'Fn::And': {
      const values = args.map(sub);
      if (values.includes(false)) return false;
      return values.includes(undefined) ? undefined : true;
    }
    case 'Fn::Or': {
      const values = args.map(sub);
      if (values.includes(true)) return true;
      return values.includes(undefined) ? undefined : false;
    }
    default:
      return undefined;
  }
}

/** Resolves every intrinsic that the scope can decide; returns a new tree. */
export function resolveValue(value: unknown, scope: Scope): unknown {
  const resolved = resolveNode(value, scope);
  return resolved === NO_VALUE ? undefined : resolved;
}

function resolveNode(value: unknown, scope: Scope): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveNode(v, scope)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const node = intrinsicOf(value);
  if (!node) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = resolveNode(v, scope);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }
  const { fn, args } = node;
  switch (fn) {
    case 'Ref': {
      if (args === 'AWS::NoValue') return NO_VALUE;
      const p = typeof args === 'string' ? scope.parameters.get(args) : undefined;
      return p?.kind === 'value' ? (Array.isArray(p.value) ? [...p.value] : p.value) : value;
    }
    case 'Fn::If': {
      const [name, whenTrue, whenFalse] = args as [string, unknown, unknown];
      const decided = scope.conditions.get(name);
      if (decided === true) return resolveNode(whenTrue, scope);
      if (decided === false) return resolveNode(whenFalse, scope);
      return { 'Fn::If': [name, resolveValue(whenTrue, scope), resolveValue(whenFalse, scope)] };
    }
    case 'Fn::Sub':
      return evaluateSub(args, scope);
    case 'Fn::Join': {
      const [separator, list] = args as [unknown, unknown];
      const items = resolveValue(list, scope);
      if (typeof separator === 'string' && Array.isArray(items) && items.every(isScalar)) return items.map(String).join(separator);
      return { 'Fn::Join': [separator, items] };
    }
    case 'Fn::Select': {
      const [index, list] = (args as [unknown, unknown]).map((a) => resolveValue(a, scope));
      const i = Number(index);
      if (Array.isArray(list) && Number.isInteger(i) && i >= 0 && i < list.length) return list[i];
      return { 'Fn::Select': [index, list] };
    }
    case 'Fn::Split': {
      const [separator, source] = (args as [unknown, unknown]).map((a) => resolveValue(a, scope));
      if (typeof separator === 'string' && typeof source === 'string') return source.split(separator);
      return { 'Fn::Split': [separator, source] };
    }
    case 'Fn::Cidr': {
      const [block, count, bits] = (args as unknown[]).map((a) => resolveValue(a, scope));
      const cidrs = typeof block === 'string' ? fnCidr(block, Number(count), Number(bits)) : undefined;
      return cidrs ?? { 'Fn::Cidr': [block, count, bits] };
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = (args as unknown[]).map((a) => resolveValue(a, scope));
      const table = typeof map === 'string' ? (scope.mappings[map] as Record<string, Record<string, unknown>> | undefined) : undefined;
      const found = isScalar(top) && isScalar(second) ? table?.[String(top)]?.[String(second)] : undefined;
      return found !== undefined ? resolveNode(found, scope) : { 'Fn::FindInMap': [map, top, second] };
    }
    case 'Fn::Length': {
      const list = resolveValue(args, scope);
      return Array.isArray(list) ? list.length : { 'Fn::Length': list };
    }
    default:
      return { [fn]: resolveValue(args, scope) };
  }
}

export { isScalar };
