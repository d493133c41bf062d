// Where two property values differ, as paths (["NodeGroupConfiguration", 0, "ReplicaCount"]).
import { deepEqual } from '@aws-cdk/cloudformation-diff';

type PathSegment = string | number;
export type Path = readonly PathSegment[];

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every leaf under a value (an empty object or array counts as a leaf). */
function leafPaths(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value) && value.length > 0) return value.flatMap((item, i) => leafPaths(item, [...at, i]));
  if (isObject(value) && Object.keys(value).length > 0) return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...at, key]));
  return [at];
}

/**
 * The paths where `before` and `after` differ. Where the shapes part (a value added or removed, an
 * array that grew or shrank, a literal that became an intrinsic) every leaf on either side counts,
 * because any property inside may be one that forces replacement.
 * Equality is CloudFormation's (cloudformation-diff's deepEqual: "10" equals 10, "true" equals true).
 */
export function changedPaths(before: unknown, after: unknown, at: Path = []): Path[] {
  if (deepEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => changedPaths(before[key], after[key], [...at, key]));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => changedPaths(item, after[i], [...at, i]));
  }
  return uniquePaths([...(before === undefined ? [] : leafPaths(before, at)), ...(after === undefined ? [] : leafPaths(after, at))]);
}

/** DBName, NodeGroupConfiguration[0].ReplicaCount */
export function formatPath(path: Path): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

function uniquePaths(paths: readonly Path[]): Path[] {
  const seen = new Map<string, Path>();
  for (const path of paths) if (!seen.has(formatPath(path))) seen.set(formatPath(path), path);
  return [...seen.values()];
}
