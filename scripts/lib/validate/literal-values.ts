// The literal values of a resource's Properties, for the value pass: every intrinsic is left out
// (what it resolves to is only known at deploy time; tsc and cfn-lint judge its kind), and an
// Fn::If contributes its branches — all true branches in one variant, all false branches in the
// other — so a literal in either branch is checked. {Ref: AWS::NoValue} means "absent".
import { intrinsicOf, isNoValue, type Path } from '../cfn/index.js';

export interface LiteralVariant {
  /** The Properties with intrinsics left out and Fn::If resolved to one branch. */
  readonly value: Record<string, unknown>;
  /** JSON pointer in `value` (as ajv reports it) → path in the original Properties. */
  readonly origins: ReadonlyMap<string, Path>;
}

const ABSENT = Symbol('absent');
const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

function resolve(node: unknown, branch: 1 | 2, origin: Path, pointer: string, origins: Map<string, Path>, ifs: { seen: boolean }): unknown {
  const call = intrinsicOf(node);
  if (call) {
    if (call.fn === 'Fn::If' && Array.isArray(call.args) && call.args.length === 3) {
      ifs.seen = true;
      const chosen = call.args[branch];
      return isNoValue(chosen) ? ABSENT : resolve(chosen, branch, [...origin, 'Fn::If', branch], pointer, origins, ifs);
    }
    return ABSENT;
  }
  origins.set(pointer, origin);
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    node.forEach((item, index) => {
      const value = resolve(item, branch, [...origin, index], `${pointer}/${out.length}`, origins, ifs);
      if (value !== ABSENT) out.push(value);
    });
    return out;
  }
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(node)) {
      const value = resolve(item, branch, [...origin, key], `${pointer}/${escapePointer(key)}`, origins, ifs);
      if (value !== ABSENT) out[key] = value;
    }
    return out;
  }
  return node;
}

/** One variant (no Fn::If), or the all-true and all-false variants. */
export function literalVariants(properties: Record<string, unknown>): LiteralVariant[] {
  const variants: LiteralVariant[] = [];
  for (const branch of [1, 2] as const) {
    const origins = new Map<string, Path>();
    const ifs = { seen: false };
    const value = resolve(properties, branch, [], '', origins, ifs);
    variants.push({ value: value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}, origins });
    if (!ifs.seen) break;
  }
  return variants;
}
