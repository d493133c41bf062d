// Turns an AWS resource provider schema (as bundled, patched, by cfn-lint) into the schema of the
// value pass: only the constraints on literal values that the typed template model cannot express
// and that ajv checks ten times faster than cfn-lint — enum, pattern, string length, numeric range
// (docs/validate.md, "Why the ajv pass"). Property names, types, required properties, the
// alternatives of anyOf/oneOf and cfn-lint's own keywords are tsc's and cfn-lint's job: dropped.
// `type` stays only so that ajv converts scalars the way CloudFormation does ("5" for 5); its own
// errors are not reported. Patterns run on RE2 (re2js); one RE2 cannot compile (Java's \Z,
// lookarounds, \p{Print}) is left to cfn-lint and listed in notEnforced.
import { RE2JS } from 're2js';

export type JsonSchema = { [key: string]: unknown };

export interface PreparedSchema {
  readonly typeName: string;
  readonly schema: JsonSchema;
  /** Top-level read-only property names (attributes, not inputs). */
  readonly readOnly: readonly string[];
  /** Patterns RE2 cannot run, with where they are: cfn-lint checks them. */
  readonly notEnforced: readonly string[];
}

/** Keywords whose value is one schema. */
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties']);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'definitions']);
/** Value constraints, kept as they are. */
const VALUE_KEYWORDS = new Set(['type', 'enum', 'const', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', '$ref']);

/** Whether RE2 runs the pattern (the engine ajv uses here). */
function re2Compiles(pattern: string): boolean {
  try {
    RE2JS.compile(pattern);
    return true;
  } catch {
    return false;
  }
}

export function prepareSchema(typeName: string, provider: JsonSchema): PreparedSchema {
  const notEnforced: string[] = [];
  // transform builds a new tree: the read-only properties are removed from it, not from the provider schema.
  const root = transform({ type: 'object', properties: provider.properties ?? {}, definitions: provider.definitions ?? {} }, '#', notEnforced) as JsonSchema;
  const readOnlyPaths = ((provider.readOnlyProperties as string[] | undefined) ?? []).map((p) => p.split('/').slice(2));
  // Deepest first, so a parent's removal does not hide a child path.
  for (const path of [...readOnlyPaths].sort((a, b) => b.length - a.length)) removeProperty(root, path);
  const schema = prune(root);
  return { typeName, schema, readOnly: readOnlyPaths.filter((p) => p.length === 1).map((p) => p[0]), notEnforced };
}

/** Keywords that constrain a value (a schema without one, anywhere below it, checks nothing here). */
const CONSTRAINTS = ['enum', 'const', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];

/** Leaves only the parts of the schema that lead to a value constraint: small schemas compile fast. */
function prune(root: JsonSchema): JsonSchema {
  const definitions = (root.definitions ?? {}) as Record<string, JsonSchema>;
  const useful = new Map<string, boolean>();
  const known = new WeakMap<object, boolean>();
  const refName = (ref: unknown): string | undefined => (typeof ref === 'string' && ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined);
  const constrains = (node: unknown, visiting: ReadonlySet<string>): boolean => {
    if (node === null || typeof node !== 'object') return false;
    const cached = known.get(node);
    if (cached !== undefined) return cached;
    const result = constrainsUncached(node as JsonSchema, visiting);
    known.set(node, result);
    return result;
  };
  const constrainsUncached = (n: JsonSchema, visiting: ReadonlySet<string>): boolean => {
    if (CONSTRAINTS.some((k) => k in n)) return true;
    const name = refName(n.$ref);
    if (name !== undefined) {
      if (useful.has(name)) return useful.get(name)!;
      if (visiting.has(name)) return false;
      const result = constrains(definitions[name], new Set([...visiting, name]));
      useful.set(name, result);
      return result;
    }
    const children = [n.items, n.additionalProperties, ...Object.values((n.properties ?? {}) as object), ...Object.values((n.patternProperties ?? {}) as object)];
    return children.some((child) => constrains(child, visiting));
  };
  const keep = (node: JsonSchema): JsonSchema | undefined => {
    if (!constrains(node, new Set())) return undefined;
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' || key === 'patternProperties') {
        const kept = Object.fromEntries(
          Object.entries(value as Record<string, JsonSchema>).flatMap(([name, child]) => {
            const k = keep(child);
            return k ? [[name, k]] : [];
          }),
        );
        if (Object.keys(kept).length > 0) out[key] = kept;
      } else if (key === 'items' || key === 'additionalProperties') {
        const k = keep(value as JsonSchema);
        if (k) out[key] = k;
      } else if (key !== 'definitions') out[key] = value;
    }
    return out;
  };
  const schema = keep(root) ?? { type: 'object' };
  const kept = Object.entries(definitions).flatMap(([name, definition]) => {
    if (!constrains({ $ref: `#/definitions/${name}` }, new Set())) return [];
    const k = keep(definition);
    return k ? [[name, k]] : [];
  });
  if (kept.length > 0) schema.definitions = Object.fromEntries(kept);
  return schema;
}

/** Follows a local $ref (#/definitions/X) inside the root schema. */
export function resolveLocalRef(root: JsonSchema, node: unknown): JsonSchema | undefined {
  let current = node as JsonSchema | undefined;
  for (let hops = 0; current && typeof current.$ref === 'string' && hops < 10; hops++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#/')) return undefined;
    current = pointerGet(root, ref.slice(1)) as JsonSchema | undefined;
  }
  return current;
}

/** JSON pointer (RFC 6901, "/a/b") lookup. */
export function pointerGet(root: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return root;
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function removeProperty(root: JsonSchema, path: readonly string[]): void {
  let node: JsonSchema | undefined = root;
  for (const [index, segment] of path.entries()) {
    node = resolveLocalRef(root, node);
    if (!node) return;
    if (segment === '*') {
      node = node.items as JsonSchema | undefined;
      continue;
    }
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    if (!properties || !(segment in properties)) return;
    if (index === path.length - 1) {
      delete properties[segment];
      return;
    }
    node = properties[segment];
  }
}

function transform(node: unknown, at: string, notEnforced: string[]): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return typeof node === 'boolean' ? true : node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node as JsonSchema)) {
    const here = `${at}/${key}`;
    if (VALUE_KEYWORDS.has(key)) out[key] = value;
    else if (SCHEMA_KEYWORDS.has(key)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) out[key] = transform(value, here, notEnforced);
    } else if (SCHEMA_MAP_KEYWORDS.has(key))
      out[key] = Object.fromEntries(Object.entries(value as JsonSchema).map(([name, v]) => [name, transform(v, `${here}/${name}`, notEnforced)]));
    else if (key === 'pattern') {
      if (re2Compiles(String(value))) out.pattern = value;
      else notEnforced.push(`${at}: pattern ${JSON.stringify(value)}`);
    } else if (key === 'patternProperties') {
      const kept: JsonSchema = {};
      for (const [pattern, schema] of Object.entries(value as JsonSchema)) {
        if (re2Compiles(pattern)) kept[pattern] = transform(schema, `${here}/${pattern}`, notEnforced);
        else notEnforced.push(`${at}: property name pattern ${JSON.stringify(pattern)}`);
      }
      out.patternProperties = kept;
    }
  }
  return out;
}
