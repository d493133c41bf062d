// Every reference a template makes, with where it is: Ref, Fn::GetAtt, ${X} / ${X.Attr} in Fn::Sub,
// condition names (Fn::If, {Condition: X}), Fn::FindInMap. Pure: the integrity checks decide what
// is valid.

export type ReferenceKind = 'Ref' | 'GetAtt' | 'Sub' | 'Condition' | 'FindInMap';

export interface Reference {
  readonly kind: ReferenceKind;
  /** Logical ID / parameter / condition / mapping name. */
  readonly target: string;
  /** GetAtt / ${X.Attr}: the attribute (undefined when computed by an intrinsic). */
  readonly attribute?: string;
  /** FindInMap: the literal top-level and second-level keys (undefined when computed). */
  readonly mapKeys?: readonly (string | undefined)[];
  /** Display path inside the section entry, e.g. Properties.VpcId or Value. */
  readonly path: string;
}

const child = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z0-9_:@-]+$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/** `${Name}` and `${Name.Attr}` in a Fn::Sub string; `${!Literal}` is text. */
export function subVariables(text: string): { name: string; attribute?: string }[] {
  const found: { name: string; attribute?: string }[] = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const body = match[1];
    if (body.startsWith('!')) continue;
    const dot = body.indexOf('.');
    found.push(dot < 0 ? { name: body } : { name: body.slice(0, dot), attribute: body.slice(dot + 1) });
  }
  return found;
}

/**
 * References made by `node`. In the Conditions section `{Condition: X}` is a condition reference;
 * elsewhere a one-key mapping "Condition" is ordinary data (IAM policy conditions have that key).
 */
export function collectReferences(node: unknown, path: string, options: { readonly inConditions?: boolean } = {}, out: Reference[] = []): Reference[] {
  if (Array.isArray(node)) {
    node.forEach((item, index) => collectReferences(item, child(path, index), options, out));
    return out;
  }
  if (node === null || typeof node !== 'object') return out;
  const entries = Object.entries(node);
  if (entries.length === 1) {
    const [fn, args] = entries[0];
    const at = child(path, fn);
    switch (fn) {
      case 'Ref':
        if (typeof args === 'string') out.push({ kind: 'Ref', target: args, path });
        else collectReferences(args, at, options, out);
        return out;
      case 'Fn::GetAtt': {
        const [target, attribute] = Array.isArray(args) ? args : [];
        if (typeof target === 'string') out.push({ kind: 'GetAtt', target, attribute: typeof attribute === 'string' ? attribute : undefined, path });
        if (attribute !== undefined && typeof attribute !== 'string') collectReferences(attribute, child(at, 1), options, out);
        return out;
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(args) ? args : [args, undefined];
        const local = new Set(variables && typeof variables === 'object' ? Object.keys(variables) : []);
        if (typeof text === 'string') {
          for (const { name, attribute } of subVariables(text)) if (!local.has(name)) out.push({ kind: 'Sub', target: name, attribute, path });
        }
        if (variables) collectReferences(variables, child(at, 1), options, out);
        return out;
      }
      case 'Fn::If': {
        const [condition, ...branches] = Array.isArray(args) ? args : [];
        if (typeof condition === 'string') out.push({ kind: 'Condition', target: condition, path: child(at, 0) });
        branches.forEach((branch, index) => collectReferences(branch, child(at, index + 1), options, out));
        return out;
      }
      case 'Condition':
        if (options.inConditions && typeof args === 'string') {
          out.push({ kind: 'Condition', target: args, path });
          return out;
        }
        break;
      case 'Fn::FindInMap': {
        const [map, ...keys] = Array.isArray(args) ? args : [];
        if (typeof map === 'string') {
          out.push({ kind: 'FindInMap', target: map, mapKeys: keys.slice(0, 2).map((k) => (typeof k === 'string' || typeof k === 'number' ? String(k) : undefined)), path });
        }
        keys.forEach((key, index) => collectReferences(key, child(at, index + 1), options, out));
        return out;
      }
      default:
        break;
    }
  }
  for (const [key, value] of entries) collectReferences(value, child(path, key), options, out);
  return out;
}
