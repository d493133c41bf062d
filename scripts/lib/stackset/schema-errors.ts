// Turns ajv errors into `<path>: <what is allowed>` lines a person can act on. The schema carries
// its own wording in `x-message` (read from the failing schema node); the rest is derived from
// the error keyword. Branch errors under a failed oneOf/anyOf are dropped: the oneOf's own
// message says what the choice is, the branches' "must have property" lines only confuse.
import type { ErrorObject } from 'ajv';
import { closestMatch as closest } from '../cfn/index.js';

/** `/targets/2/account` → `targets[2].account`; the document root → `(top level)`. */
function yamlPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1).map(unescapePointer);
  if (extra !== undefined) parts.push(extra);
  let path = '';
  for (const part of parts) path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  return path === '' ? '(top level)' : path;
}

const unescapePointer = (part: string): string => part.replace(/~1/g, '/').replace(/~0/g, '~');

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

type SchemaNode = Record<string, unknown> & { 'x-message'?: string; properties?: Record<string, SchemaNode> };

/** What the schema node under `path` allows, in the schema's own words when it has them. */
function allowedBy(node: SchemaNode | undefined): string | undefined {
  return typeof node?.['x-message'] === 'string' ? node['x-message'] : undefined;
}

function isBranchError(error: ErrorObject, all: readonly ErrorObject[]): boolean {
  return all.some(
    (parent) =>
      parent !== error &&
      (parent.keyword === 'oneOf' || parent.keyword === 'anyOf') &&
      error.instancePath === parent.instancePath &&
      error.schemaPath.startsWith(`${parent.schemaPath}/`),
  );
}

function messageFor(error: ErrorObject, root: SchemaNode): string {
  const parent = error.parentSchema as SchemaNode | undefined;
  const own = allowedBy(parent);
  const params = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys(parent?.properties ?? {});
      const guess = closest(params.additionalProperty, allowed);
      return `${yamlPath(error.instancePath, params.additionalProperty)}: unknown key${guess ? ` (did you mean ${guess}?)` : ''}; allowed keys: ${allowed.join(', ')}`;
    }
    case 'required': {
      const property = parent?.properties?.[params.missingProperty];
      const what = allowedBy(property) ?? allowedBy(resolveRef(property, root));
      return `${yamlPath(error.instancePath, params.missingProperty)}: required${what ? `: ${what}` : ''}`;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof error.data === 'string' ? closest(error.data, allowed) : undefined;
      return `${yamlPath(error.instancePath)}: ${describeValue(error.data)} is not allowed${guess ? ` (did you mean ${guess}?)` : ''}; allowed: ${own ? `${own}: ` : ''}${allowed.join(', ')}`;
    }
    case 'propertyNames':
      return `${yamlPath(error.instancePath, params.propertyName)}: this key is not allowed here`;
    case 'uniqueItems':
      return `${yamlPath(error.instancePath)}: items ${params.j} and ${params.i} are the same; allowed: ${own ?? 'distinct items'}`;
    default: {
      const structural = error.data !== null && typeof error.data === 'object';
      const got = structural ? 'does not fit' : `${describeValue(error.data)} is not allowed`;
      return `${yamlPath(error.instancePath)}: ${got}; allowed: ${own ?? error.message}`;
    }
  }
}

/** The node a local $ref ("#/definitions/x") points at. */
function resolveRef(node: SchemaNode | undefined, root: SchemaNode): SchemaNode | undefined {
  const ref = node?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .reduce<any>((at, key) => at?.[key], root);
}

/** A oneOf/discriminator failure that a more precise error at or below the same place already explains. */
function isExplainedChoice(error: ErrorObject, all: readonly ErrorObject[]): boolean {
  if (error.keyword !== 'discriminator' && error.keyword !== 'oneOf') return false;
  return all.some(
    (other) =>
      other !== error &&
      other.keyword !== error.keyword &&
      !isBranchError(other, all) &&
      (other.instancePath === error.instancePath || other.instancePath.startsWith(`${error.instancePath}/`)),
  );
}

/** One line per problem, in document order, without duplicates. */
export function describeSchemaErrors(errors: readonly ErrorObject[], schema: object): string[] {
  const root = schema as SchemaNode;
  // A bad key is reported twice (propertyNames, and the name's own pattern/enum failure): keep the one with the reason.
  const lines: string[] = [];
  for (const error of errors) {
    if (isBranchError(error, errors) || isExplainedChoice(error, errors)) continue;
    if (error.keyword === 'propertyNames') continue;
    if (error.propertyName !== undefined) {
      lines.push(messageFor({ ...error, instancePath: `${error.instancePath}/${error.propertyName}` }, root));
      continue;
    }
    lines.push(messageFor(error, root));
  }
  return [...new Set(lines)];
}
