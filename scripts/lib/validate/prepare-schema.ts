// Turns an AWS resource provider schema (as bundled, patched, by cfn-lint) into a JSON Schema for
// the *inputs* of that resource type, in standard keywords only, so ajv can compile it with
// strict:false and the compiled code can be cached as a self-contained module:
// - readOnlyProperties (attributes, not inputs) are removed, including nested ones;
// - handlers, tagging and other provider metadata, descriptions and examples are dropped;
// - patterns are translated to JavaScript (regex.ts); a `format` becomes cfnFormat {name, pattern}
//   (formats.ts); cfn-lint's own keywords (requiredXor, requiredOr, dependentExcluded,
//   enumCaseInsensitive) are kept and implemented in keywords.ts.
import { FORMAT_PATTERNS } from './formats.js';
import { translatePattern } from './regex.js';

export type JsonSchema = { [key: string]: unknown };

export interface PreparedSchema {
  readonly typeName: string;
  readonly schema: JsonSchema;
  /** Top-level read-only property names (to explain an "unknown property" that is really an attribute). */
  readonly readOnly: readonly string[];
  /** Schema rules ajv cannot enforce (e.g. an untranslatable pattern), with where they are. */
  readonly notEnforced: readonly string[];
}

const ROOT_KEYS = [
  'type', 'properties', 'definitions', 'required', 'additionalProperties', 'patternProperties',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas',
  'requiredXor', 'requiredOr', 'dependentExcluded', 'minProperties', 'maxProperties',
];

/** Keywords whose value is one schema. */
const SCHEMA_KEYWORDS = new Set(['additionalProperties', 'items', 'additionalItems', 'contains', 'not', 'if', 'then', 'else', 'propertyNames']);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions', 'dependentSchemas']);
/** Keywords that only document, or that cfn-lint uses for other purposes (ordering, relationships, drift). */
const DROPPED_KEYWORDS = new Set([
  'description', 'markdownDescription', 'title', 'examples', '$comment', 'default', '$schema', '$id',
  'insertionOrder', 'arrayType', 'relationshipRef', 'uniqueKeys', 'maxUniqueItems', 'deprecated',
  'propertyTransform', 'typeName', 'tagging', 'handlers', 'readOnlyProperties', 'writeOnlyProperties',
  'createOnlyProperties', 'conditionalCreateOnlyProperties', 'primaryIdentifier', 'additionalIdentifiers',
  'deprecatedProperties', 'replacementStrategy', 'sourceUrl', 'documentationUrl', 'taggable', 'propertyPath',
]);

export function prepareSchema(typeName: string, provider: JsonSchema): PreparedSchema {
  const root: JsonSchema = { type: 'object' };
  for (const key of ROOT_KEYS) if (key in provider) root[key] = structuredClone(provider[key]);
  const readOnlyPaths = ((provider.readOnlyProperties as string[] | undefined) ?? []).map((p) => p.split('/').slice(2));
  // Deepest first, so a parent's removal does not hide a child path.
  for (const path of [...readOnlyPaths].sort((a, b) => b.length - a.length)) removeProperty(root, path);
  const notEnforced: string[] = [];
  const schema = transform(root, '#', notEnforced) as JsonSchema;
  return { typeName, schema, readOnly: readOnlyPaths.filter((p) => p.length === 1).map((p) => p[0]), notEnforced };
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
      if (Array.isArray(node.required)) node.required = (node.required as string[]).filter((r) => r !== segment);
      return;
    }
    node = properties[segment];
  }
}

function transform(node: unknown, at: string, notEnforced: string[]): unknown {
  if (typeof node === 'boolean' || node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node as JsonSchema)) {
    if (DROPPED_KEYWORDS.has(key)) continue;
    const here = `${at}/${key}`;
    if (SCHEMA_KEYWORDS.has(key)) out[key] = Array.isArray(value) ? value.map((v, i) => transform(v, `${here}/${i}`, notEnforced)) : transform(value, here, notEnforced);
    else if (SCHEMA_LIST_KEYWORDS.has(key)) out[key] = (value as unknown[]).map((v, i) => transform(v, `${here}/${i}`, notEnforced));
    else if (key === 'patternProperties') out[key] = translatePatternKeys(value as JsonSchema, here, notEnforced);
    else if (SCHEMA_MAP_KEYWORDS.has(key)) out[key] = mapValues(value as JsonSchema, (v, name) => transform(v, `${here}/${name}`, notEnforced));
    else if (key === 'pattern') {
      const translated = translatePattern(String(value));
      if (translated.ok) out.pattern = translated.source;
      else notEnforced.push(`${at}: pattern ${JSON.stringify(value)} (${translated.error})`);
    } else if (key === 'format') {
      const pattern = FORMAT_PATTERNS[String(value)];
      if (pattern) out.cfnFormat = { name: value, pattern };
    } else out[key] = value;
  }
  return out;
}

function mapValues(map: JsonSchema, fn: (value: unknown, key: string) => unknown): JsonSchema {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, fn(v, k)]));
}

/** patternProperties keys are patterns too; one that cannot be translated matches any name (so nothing valid is rejected). */
function translatePatternKeys(map: JsonSchema, at: string, notEnforced: string[]): JsonSchema {
  const out: JsonSchema = {};
  for (const [pattern, schema] of Object.entries(map)) {
    const translated = translatePattern(pattern);
    if (!translated.ok) notEnforced.push(`${at}: property name pattern ${JSON.stringify(pattern)} (${translated.error})`);
    out[translated.ok ? translated.source : '^.*$'] = transform(schema, `${at}/${pattern}`, notEnforced);
  }
  return out;
}
