// The AWS resource specification (@aws-cdk/aws-service-spec), for what RESOURCE_INFO does not
// hold: replacement facts of nested property paths, and types the platform does not use.
// Loaded on first use only (about 0.4 s and 185 MB), and once per process.
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, Resource, ResourceProperties, SpecDatabase } from '@aws-cdk/service-spec-types';
import type { Path } from './value-paths.js';

export type Replacement = 'yes' | 'maybe' | 'no';

const RANK: Record<Replacement, number> = { no: 0, maybe: 1, yes: 2 };
export const stronger = (a: Replacement, b: Replacement): Replacement => (RANK[b] > RANK[a] ? b : a);

let database: SpecDatabase | undefined;
const db = (): SpecDatabase => (database ??= loadAwsServiceSpecSync());

function specResource(type: string): Resource | undefined {
  return db().lookup('resource', 'cloudFormationType', 'equals', type)[0];
}

function walkProperties(properties: ResourceProperties, path: Path, i: number, worst: Replacement): Replacement {
  if (i >= path.length) return worst;
  const property = properties[String(path[i])];
  if (!property) return worst;
  return walkType(property.type, path, i + 1, stronger(worst, property.causesReplacement ?? 'no'));
}

function walkType(type: PropertyType, path: Path, i: number, worst: Replacement): Replacement {
  if (i >= path.length) return worst;
  switch (type.type) {
    case 'array':
      // An intrinsic (Fn::If …) where the list should be: the spec cannot follow it.
      return typeof path[i] === 'number' ? walkType(type.element, path, i + 1, worst) : worst;
    case 'map':
      return walkType(type.element, path, i + 1, worst);
    case 'ref':
      return walkProperties(db().get('typeDefinition', type.reference).properties, path, i, worst);
    case 'union':
      return type.types.map((member) => walkType(member, path, i, worst)).reduce(stronger, worst);
    default:
      return worst;
  }
}

/** A path pattern from the spec (["Tags", "*", "Key"]) and a changed path overlap when one is a prefix of the other. */
export function pathsOverlap(pattern: readonly string[], path: Path): boolean {
  const n = Math.min(pattern.length, path.length);
  for (let i = 0; i < n; i++) if (pattern[i] !== '*' && pattern[i] !== String(path[i])) return false;
  return true;
}

/** The strongest causesReplacement of every property along the path, per the resource specification. */
export function specReplacement(type: string, path: Path): Replacement {
  const resource = specResource(type);
  if (!resource) return 'no';
  if ((resource.additionalReplacementProperties ?? []).some((pattern) => pathsOverlap(pattern, path))) return 'yes';
  return walkProperties(resource.properties, path, 0, 'no');
}

export function specIsStateful(type: string): boolean {
  return specResource(type)?.isStateful === true;
}
