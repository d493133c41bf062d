// ajv errors of one Properties variant → findings that name the property path, the rule broken
// and what is allowed. Errors at or below an intrinsic placeholder are pruned (see
// property-variants.ts) unless the intrinsic's result kind cannot fit; an anyOf/oneOf is one
// finding that lists why each alternative failed, and it is pruned when one alternative failed only
// because of an intrinsic.
import type { ErrorObject } from 'ajv';
import { closestMatch as closest } from '../cfn/index.js';
import type { Finding } from './findings.js';
import { pointerGet, resolveLocalRef, type JsonSchema } from './prepare-schema.js';
import { displayPath, PLACEHOLDER_KEY, type IntrinsicLeaf, type KindResult, type PropertyVariant, type Segment } from './property-variants.js';

export interface ErrorContext {
  readonly file: string;
  readonly logicalId: string;
  readonly variant: PropertyVariant;
  /** The prepared input schema (for the names an object allows). */
  readonly schema: () => JsonSchema;
  readonly readOnly: () => readonly string[];
  readonly kindOf: (leaf: IntrinsicLeaf) => KindResult;
}

const COMPOSITES = new Set(['anyOf', 'oneOf']);

/** Keywords about a value's content: moot when the value has the wrong type to begin with. */
const VALUE_KEYWORDS = new Set(['enum', 'const', 'pattern', 'cfnFormat', 'enumCaseInsensitive', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength']);

export function schemaErrorFindings(errors: readonly ErrorObject[], context: ErrorContext): Finding[] {
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const relevant = errors.filter((e) => e.keyword !== 'if' && !(VALUE_KEYWORDS.has(e.keyword) && wrongType.has(e.instancePath)));
  const findings: Finding[] = [];
  const pruned = new Set<ErrorObject>();
  for (const error of relevant) {
    if (COMPOSITES.has(error.keyword)) continue;
    const leaf = intrinsicAtOrAbove(error.instancePath, context.variant);
    if (!leaf) continue;
    pruned.add(error);
    if (error.keyword === 'type' && leaf.pointer === error.instancePath) {
      const mismatch = kindMismatch(context.kindOf(leaf.leaf), String(error.params.type).split(','));
      if (mismatch) findings.push(finding(context, leaf.leaf.origin, mismatch.rule, mismatch.allowed));
    }
  }
  // Innermost composites first, so an outer one sees whether its inner ones were pruned.
  const composites = relevant.filter((e) => COMPOSITES.has(e.keyword)).sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  const absorbed = new Set<ErrorObject>();
  const compositeText = new Map<ErrorObject, string>();
  for (const composite of composites) {
    const branches = branchErrors(relevant, composite);
    for (const e of branches) absorbed.add(e);
    const byBranch = groupByBranch(branches, composite.schemaPath);
    const someBranchFailedOnlyOnIntrinsics = [...byBranch.values()].some((list) => list.every((e) => pruned.has(e)));
    if (byBranch.size > 0 && someBranchFailedOnlyOnIntrinsics) {
      pruned.add(composite);
      continue;
    }
    compositeText.set(composite, describeAlternatives(composite, byBranch, context));
  }
  for (const error of relevant) {
    if (pruned.has(error) || absorbed.has(error)) continue;
    const text = compositeText.get(error);
    if (text !== undefined) {
      findings.push(finding(context, originOf(error.instancePath, context), `matches none of the ${error.keyword === 'oneOf' ? 'exclusive ' : ''}alternatives`, text));
    } else findings.push(describeError(error, context));
  }
  return findings;
}

function intrinsicAtOrAbove(instancePath: string, variant: PropertyVariant): { pointer: string; leaf: IntrinsicLeaf } | undefined {
  let pointer = instancePath;
  for (;;) {
    const leaf = variant.intrinsics.get(pointer);
    if (leaf) return { pointer, leaf };
    if (pointer === '') return undefined;
    pointer = pointer.slice(0, pointer.lastIndexOf('/'));
  }
}

function kindMismatch(kind: KindResult, expected: readonly string[]): { rule: string; allowed: string } | undefined {
  if (!('kind' in kind)) return undefined; // reported on its own, once per leaf
  const allowed = expected.join(' or ');
  if (kind.kind === 'list' && !expected.includes('array')) return { rule: 'wrong type: the intrinsic returns a list', allowed };
  if (kind.kind === 'scalar' && expected.every((t) => t === 'array')) return { rule: 'wrong type: the intrinsic returns a single value, not a list', allowed: 'array (a list, a Ref to a List parameter, Fn::Split, Fn::GetAZs …)' };
  return undefined;
}

function branchErrors(errors: readonly ErrorObject[], composite: ErrorObject): ErrorObject[] {
  const prefix = `${composite.schemaPath}/`;
  return errors.filter((e) => e !== composite && e.schemaPath.startsWith(prefix) && (e.instancePath === composite.instancePath || e.instancePath.startsWith(`${composite.instancePath}/`)));
}

function groupByBranch(branches: readonly ErrorObject[], compositePath: string): Map<string, ErrorObject[]> {
  const groups = new Map<string, ErrorObject[]>();
  for (const e of branches) {
    const index = e.schemaPath.slice(compositePath.length + 1).split('/')[0];
    groups.set(index, [...(groups.get(index) ?? []), e]);
  }
  return groups;
}

function describeAlternatives(composite: ErrorObject, byBranch: Map<string, ErrorObject[]>, context: ErrorContext): string {
  const passing = composite.params.passingSchemas as number[] | null | undefined;
  if (passing) return `exactly one alternative must match, but alternatives ${passing.map((i) => i + 1).join(' and ')} all match`;
  const parts = [...byBranch.entries()].map(([index, list]) => {
    const reasons = list.map((e) => {
      const d = describeError(e, context);
      const relative = d.path.slice(displayPath('Properties', originOf(composite.instancePath, context)).length).replace(/^\./, '');
      return `${relative ? `${relative}: ` : ''}${d.rule}${d.allowed ? ` (${d.allowed})` : ''}`;
    });
    return `(${Number(index) + 1}) ${reasons.join('; ')}`;
  });
  return parts.join(' | ');
}

function originOf(instancePath: string, context: ErrorContext): readonly Segment[] {
  return context.variant.origins.get(instancePath) ?? instancePath.split('/').slice(1);
}

function finding(context: ErrorContext, origin: readonly Segment[], rule: string, allowed?: string): Finding {
  return { severity: 'error', check: 'schema', file: context.file, logicalId: context.logicalId, path: displayPath('Properties', origin), rule, allowed };
}

function valueAt(instancePath: string, context: ErrorContext): unknown {
  return pointerGet(context.variant.value, instancePath);
}

/** A value as a reader wants to see it in a message (intrinsics in their template form). */
export function describeValue(value: unknown): string {
  if (value !== null && typeof value === 'object' && PLACEHOLDER_KEY in value) return String((value as Record<string, unknown>)[PLACEHOLDER_KEY]);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}

export const list = (values: readonly unknown[], max = 30): string => {
  const shown = values.slice(0, max).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return values.length > max ? `${shown.join(', ')}, … (${values.length} in all)` : shown.join(', ');
};

function describeError(error: ErrorObject, context: ErrorContext): Finding {
  const origin = originOf(error.instancePath, context);
  const value = valueAt(error.instancePath, context);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const at = [...origin, name];
      if (error.instancePath === '' && context.readOnly().includes(name)) return finding(context, at, 'read-only attribute, not a property you can set', `use !GetAtt <resource>.${name} to read it`);
      const allowed = allowedNames(error.instancePath, context);
      const suggestion = closest(name, allowed);
      return finding(context, at, 'unknown property', `${suggestion ? `did you mean ${suggestion}? ` : ''}allowed: ${list(allowed)}`);
    }
    case 'required':
      return finding(context, [...origin, String(p.missingProperty)], 'missing required property', `set ${String(p.missingProperty)}`);
    case 'dependentRequired':
      return finding(context, [...origin, String(p.missingProperty)], `missing property required when ${String(p.property)} is set`, `set ${String(p.missingProperty)} or remove ${String(p.property)}`);
    case 'requiredXor':
    case 'requiredOr': {
      const names = p.names as string[];
      const set = names.filter((n) => value !== null && typeof value === 'object' && n in (value as object));
      const need = error.keyword === 'requiredXor' ? 'exactly one' : 'at least one';
      const rule = set.length === 0 ? `none of ${names.join(', ')} is set` : `${set.join(' and ')} are set together`;
      return finding(context, origin, rule, `${need} of ${names.join(', ')}`);
    }
    case 'dependentExcluded':
      return finding(context, [...origin, String(p.excluded)], `cannot be set together with ${String(p.property)}`, `only one of ${String(p.property)}, ${String(p.excluded)}`);
    case 'type':
      return finding(context, origin, `wrong type: ${describeValue(value)}`, String(p.type).split(',').join(' or '));
    case 'enum':
      return finding(context, origin, `value ${describeValue(value)} is not allowed`, `one of ${list(p.allowedValues as unknown[])}`);
    case 'enumCaseInsensitive':
      return finding(context, origin, `value ${describeValue(value)} is not allowed`, `one of ${list(p.allowedValues as unknown[])} (any letter case)`);
    case 'const':
      return finding(context, origin, `value ${describeValue(value)} is not allowed`, `only ${JSON.stringify(p.allowedValue)}`);
    case 'pattern':
      return finding(context, origin, `value ${describeValue(value)} does not match the pattern`, `pattern ${String(p.pattern)}`);
    case 'cfnFormat':
      return finding(context, origin, `value ${describeValue(value)} is not a valid ${String(p.format)}`, `pattern ${String(p.pattern)}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return finding(context, origin, `value ${describeValue(value)} is ${error.keyword.includes('inimum') ? 'too small' : 'too large'}`, `${String(p.comparison)} ${String(p.limit)}`);
    case 'minLength':
    case 'maxLength':
      return finding(context, origin, `value ${describeValue(value)} has ${typeof value === 'string' ? [...value].length : '?'} characters`, `${error.keyword === 'minLength' ? 'at least' : 'at most'} ${String(p.limit)} characters`);
    case 'minItems':
    case 'maxItems':
      return finding(context, origin, `${Array.isArray(value) ? value.length : '?'} items`, `${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(p.limit)} items`);
    case 'minProperties':
    case 'maxProperties':
      return finding(context, origin, `${value && typeof value === 'object' ? Object.keys(value).length : '?'} properties`, `${error.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(p.limit)} properties`);
    case 'uniqueItems':
      return finding(context, origin, `items ${String(p.j)} and ${String(p.i)} are the same`, 'unique items');
    case 'multipleOf':
      return finding(context, origin, `value ${describeValue(value)} is not a multiple of ${String(p.multipleOf)}`, `a multiple of ${String(p.multipleOf)}`);
    case 'false schema':
      return finding(context, origin, 'not allowed here', 'remove it');
    default:
      return finding(context, origin, `${error.keyword}: ${error.message ?? 'invalid'}`, JSON.stringify(p));
  }
}

/** Property names the schema allows for the object at this instance path. */
function allowedNames(instancePath: string, context: ErrorContext): string[] {
  const root = context.schema();
  const segments = instancePath === '' ? [] : instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let nodes = expand(root, [root]);
  for (const segment of segments) {
    const next: JsonSchema[] = [];
    for (const node of nodes) {
      const properties = node.properties as Record<string, JsonSchema> | undefined;
      if (/^\d+$/.test(segment) && node.items && typeof node.items === 'object' && !Array.isArray(node.items)) next.push(node.items as JsonSchema);
      if (properties?.[segment]) next.push(properties[segment]);
      for (const [pattern, schema] of Object.entries((node.patternProperties as Record<string, JsonSchema>) ?? {})) {
        if (new RegExp(pattern, 'u').test(segment)) next.push(schema);
      }
      if (node.additionalProperties && typeof node.additionalProperties === 'object') next.push(node.additionalProperties as JsonSchema);
    }
    nodes = expand(root, next);
  }
  return [...new Set(nodes.flatMap((n) => Object.keys((n.properties as object) ?? {})))].sort();
}

/** The node and everything it stands for: its $ref target and allOf/anyOf/oneOf branches. */
function expand(root: JsonSchema, nodes: readonly JsonSchema[]): JsonSchema[] {
  const out: JsonSchema[] = [];
  const visit = (node: unknown, depth: number) => {
    const resolved = resolveLocalRef(root, node);
    if (!resolved || typeof resolved !== 'object' || depth > 8 || out.includes(resolved)) return;
    out.push(resolved);
    for (const key of ['allOf', 'anyOf', 'oneOf']) for (const branch of (resolved[key] as unknown[]) ?? []) visit(branch, depth + 1);
  };
  for (const node of nodes) visit(node, 0);
  return out;
}
