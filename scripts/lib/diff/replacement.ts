// Does changing this property path replace the resource? RESOURCE_INFO (generated from the resource
// specification) answers for top-level properties of the platform's types; it holds no facts about
// nested paths (e.g. ElastiCache NodeGroupConfiguration[].ReplicaCount, EFS AccessPoint
// CreationInfo.*, ECS container definitions), so those are looked up in the specification itself.
import { RESOURCE_INFO, type ResourceInfo } from '../../../templates-src/spec-types/resource-info.js';
import { pathsOverlap, specReplacement, stronger, type Replacement } from './spec.js';
import type { Path } from './value-paths.js';

export type { Replacement };

export function resourceInfo(type: string): ResourceInfo | undefined {
  return (RESOURCE_INFO as Readonly<Record<string, ResourceInfo>>)[type];
}

/**
 * Properties the specification marks "may replace" that the service changes in place, each with
 * the documentation that says so. Found by comparing the prediction with CloudFormation's change
 * sets (make deploy / make diff STACK= report every disagreement).
 */
const IN_PLACE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'AWS::RDS::DBInstance': {
    // "Changing this parameter doesn't result in an outage": RDS converts a Single-AZ instance to
    // Multi-AZ (and back) with ModifyDBInstance, the same instance and endpoint.
    MultiAZ:
      'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html (MultiAZ); https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html',
  },
};

export function replacementOf(type: string, path: Path): Replacement {
  if (path.length === 1 && IN_PLACE[type]?.[String(path[0])]) return 'no';
  const info = resourceInfo(type);
  if (!info) return specReplacement(type, path);
  if (path.length === 0) return 'no';
  const top = String(path[0]);
  const { yes, maybe } = info.replacedBy;
  // RESOURCE_INFO lists additional nested replacement paths dotted ("CreationInfo.OwnerUid").
  if (yes.some((entry) => entry === top || (entry.includes('.') && pathsOverlap(entry.split('.'), path)))) return 'yes';
  const topLevel: Replacement = maybe.includes(top) ? 'maybe' : 'no';
  return path.length === 1 ? topLevel : stronger(topLevel, specReplacement(type, path));
}
