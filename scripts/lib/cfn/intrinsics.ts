// Intrinsic functions as the tooling meets them: one recogniser for a function call, whether it
// is an Intrinsic of the template model (build time, templates-src/core/intrinsics.ts) or
// CloudFormation's long form {Ref: x} / {"Fn::Sub": …} (every parsed template).
import { Intrinsic, PSEUDO_PARAMETERS } from '../../../templates-src/core/intrinsics.js';

export { PSEUDO_PARAMETERS };

/** One call of an intrinsic function: its name and its arguments as written. */
export interface IntrinsicCall {
  readonly fn: string;
  readonly args: unknown;
}

/**
 * The function a node calls. In long form that is a mapping with exactly one key, `Ref` or
 * `Fn::<name>` — an unknown `Fn::X` is a call too (CloudFormation rejects it as an unsupported
 * function; the validator reports it). `{Condition: X}` is a condition reference only inside
 * Conditions, so it is not recognised here (see references.ts).
 */
export function intrinsicOf(node: unknown): IntrinsicCall | undefined {
  if (Intrinsic.is(node)) return { fn: node.fn, args: node.args };
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const fn = keys[0];
  return fn === 'Ref' || fn.startsWith('Fn::') ? { fn, args: (node as Record<string, unknown>)[fn] } : undefined;
}

/** {Ref: AWS::NoValue}: the property (or list item) is absent. */
export const isNoValue = (node: unknown): boolean => {
  const call = intrinsicOf(node);
  return call?.fn === 'Ref' && call.args === 'AWS::NoValue';
};

/** Fn::GetAtt's [logical ID, attribute], from either the list or the "Id.Attr" string form. */
export function getAttArgs(args: unknown): { readonly target?: string; readonly attribute: unknown } {
  if (typeof args === 'string') {
    const dot = args.indexOf('.');
    return dot < 0 ? { target: args, attribute: undefined } : { target: args.slice(0, dot), attribute: args.slice(dot + 1) };
  }
  const [target, attribute] = Array.isArray(args) ? args : [];
  return { target: typeof target === 'string' ? target : undefined, attribute };
}
