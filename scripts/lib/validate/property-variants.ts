// How intrinsic functions in resource Properties are validated without switching validation off
// for a whole property:
// - Fn::If: each branch is validated as its own variant of the Properties (the variant resolves that
//   Fn::If to its false branch, every other Fn::If to its true branch), so n Fn::Ifs cost n+1
//   validations and a bad branch is reported with its own path (…Fn::If[2]…). A branch that is
//   {Ref: AWS::NoValue} (or a bare AWS::NoValue) means "property absent": the key or list item is
//   removed in that variant.
// - Every other intrinsic ({Ref}, {Fn::*}) is a leaf: it is replaced — only that leaf — by a
//   placeholder object, and schema errors at or below a placeholder are pruned, except a type
//   error the intrinsic's result cannot fix (a list where one value is expected, or the reverse;
//   see intrinsicKind). Everything around the leaf is validated as usual. The placeholder carries
//   the intrinsic's canonical JSON, so two identical intrinsics in one list still count as
//   duplicates for uniqueItems.

export const PLACEHOLDER_KEY = '__cfn_intrinsic__';

/** What an intrinsic returns, as far as the schema cares: one value, a list, or can't tell. */
export type ValueKind = 'scalar' | 'list' | 'any';
/** A path inside the original Properties, e.g. ['SubnetIds', 'Fn::If', 2, 0]. */
export type Segment = string | number;

export interface IntrinsicLeaf {
  readonly fn: string;
  readonly node: Record<string, unknown>;
  readonly origin: readonly Segment[];
}

export interface PropertyVariant {
  /** The Properties with Fn::If resolved and intrinsic leaves replaced by placeholders. */
  readonly value: Record<string, unknown>;
  /** JSON pointer in `value` (as ajv reports it) → path in the original Properties. */
  readonly origins: ReadonlyMap<string, readonly Segment[]>;
  /** JSON pointer in `value` → the intrinsic it stands for. */
  readonly intrinsics: ReadonlyMap<string, IntrinsicLeaf>;
  /** The Fn::Ifs (paths in the original Properties) that take their false branch in this variant. */
  readonly falseBranches: readonly (readonly Segment[])[];
}

const ABSENT = Symbol('absent');

/** An intrinsic function call: a mapping with one key, Ref or Fn::*. */
export function isIntrinsic(node: unknown): node is Record<string, unknown> {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  const keys = Object.keys(node);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

const isNoValue = (node: unknown): boolean => isIntrinsic(node) && (node as { Ref?: unknown }).Ref === 'AWS::NoValue';

export const escapePointerSegment = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
const originKey = (origin: readonly Segment[]): string => JSON.stringify(origin);

class Resolution {
  readonly origins = new Map<string, readonly Segment[]>();
  readonly intrinsics = new Map<string, IntrinsicLeaf>();
  /** Every Fn::If met, by origin key, in document order. */
  readonly ifsSeen: string[] = [];

  constructor(private readonly falseBranches: ReadonlySet<string>) {}

  resolve(node: unknown, origin: readonly Segment[], pointer: string): unknown {
    if (isIntrinsic(node)) {
      const [fn, args] = Object.entries(node)[0];
      if (fn === 'Fn::If' && Array.isArray(args) && args.length === 3) {
        const key = originKey(origin);
        this.ifsSeen.push(key);
        const branch = this.falseBranches.has(key) ? 2 : 1;
        return this.resolve(args[branch], [...origin, 'Fn::If', branch], pointer);
      }
      if (isNoValue(node)) return ABSENT;
      this.origins.set(pointer, origin);
      this.intrinsics.set(pointer, { fn, node, origin });
      return { [PLACEHOLDER_KEY]: JSON.stringify(node) };
    }
    this.origins.set(pointer, origin);
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      node.forEach((item, index) => {
        const value = this.resolve(item, [...origin, index], `${pointer}/${out.length}`);
        if (value !== ABSENT) out.push(value);
      });
      return out;
    }
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) {
        const value = this.resolve(item, [...origin, key], `${pointer}/${escapePointerSegment(key)}`);
        if (value !== ABSENT) out[key] = value;
      }
      return out;
    }
    return node;
  }
}

/** The variants of a resource's Properties to validate: all-true first, then one per Fn::If branch 2. */
export function propertyVariants(properties: unknown): PropertyVariant[] {
  const variants: PropertyVariant[] = [];
  const queue: ReadonlySet<string>[] = [new Set()];
  const flipped = new Set<string>();
  while (queue.length > 0) {
    const falseBranches = queue.shift()!;
    const resolution = new Resolution(falseBranches);
    const resolved = resolution.resolve(properties ?? {}, [], '');
    const value = resolved === ABSENT || resolved === null || typeof resolved !== 'object' || Array.isArray(resolved) ? {} : (resolved as Record<string, unknown>);
    const flippedIfs = [...falseBranches].map((key) => JSON.parse(key) as Segment[]);
    variants.push({ value, origins: resolution.origins, intrinsics: resolution.intrinsics, falseBranches: flippedIfs });
    for (const key of resolution.ifsSeen) {
      if (flipped.has(key) || falseBranches.has(key)) continue;
      flipped.add(key);
      queue.push(new Set([...falseBranches, key]));
    }
  }
  return variants;
}

/** Properties.A[0].B, with Fn::If branches as .Fn::If[2]. */
export function displayPath(prefix: string, segments: readonly Segment[]): string {
  let text = prefix;
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += /^[A-Za-z0-9_:@-]+$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export interface KindContext {
  /** The parameter's declared Type, if `name` is a parameter. */
  parameterType(name: string): string | undefined;
  /** The kind of GetAtt resource.attribute, if known. */
  attributeKind(resource: string, attribute: string): ValueKind;
}

const SCALAR_FUNCTIONS = new Set(['Fn::Join', 'Fn::Sub', 'Fn::Base64', 'Fn::ImportValue', 'Fn::ToJsonString', 'Fn::Length']);
const LIST_FUNCTIONS = new Set(['Fn::Split', 'Fn::GetAZs', 'Fn::Cidr']);
const ANY_FUNCTIONS = new Set(['Fn::Select', 'Fn::FindInMap', 'Fn::Transform']);
const CONDITION_FUNCTIONS = new Set(['Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not']);

export type KindResult = { readonly kind: ValueKind } | { readonly problem: string; readonly allowed: string };

/** What an intrinsic leaf returns, or why it cannot stand in a property value at all. */
export function intrinsicKind(leaf: IntrinsicLeaf, context: KindContext): KindResult {
  const args = leaf.node[leaf.fn];
  if (leaf.fn === 'Ref') {
    if (typeof args !== 'string') return { problem: 'Ref takes a logical ID or parameter name', allowed: 'a string' };
    if (args === 'AWS::NotificationARNs') return { kind: 'list' };
    const type = context.parameterType(args);
    if (type && (type.startsWith('List<') || type === 'CommaDelimitedList' || /^AWS::SSM::Parameter::Value<List</.test(type))) return { kind: 'list' };
    return { kind: 'scalar' };
  }
  if (leaf.fn === 'Fn::GetAtt') {
    const [resource, attribute] = Array.isArray(args) ? args : [];
    return { kind: typeof resource === 'string' && typeof attribute === 'string' ? context.attributeKind(resource, attribute) : 'any' };
  }
  if (leaf.fn === 'Fn::If') return { problem: 'Fn::If takes [condition name, value if true, value if false]', allowed: 'a list of 3 items' };
  if (SCALAR_FUNCTIONS.has(leaf.fn)) return { kind: 'scalar' };
  if (LIST_FUNCTIONS.has(leaf.fn)) return { kind: 'list' };
  if (ANY_FUNCTIONS.has(leaf.fn)) return { kind: 'any' };
  if (CONDITION_FUNCTIONS.has(leaf.fn)) return { problem: `${leaf.fn} is a condition function`, allowed: 'only in Conditions, or inside Fn::If conditions' };
  return { problem: `unknown intrinsic function ${leaf.fn}`, allowed: 'Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If, Fn::FindInMap, Fn::GetAZs, Fn::Cidr, Fn::ImportValue, Fn::Base64, Fn::Length, Fn::ToJsonString' };
}
