// Logical-ID renames: CloudFormation sees a removed resource and an added one. It creates the new
// one (empty) and deletes the old one. Pairs are matched by type and by how many top-level
// properties they share.
import { deepEqual } from '@aws-cdk/cloudformation-diff';
import type { CfnResource } from './types.js';

export interface Rename {
  readonly from: string;
  readonly to: string;
  readonly type: string;
  /** Share of top-level properties with equal values (1 = identical). */
  readonly similarity: number;
}

/** Below this, a removed and an added resource of the same type are only paired when each is the only one of its type. */
export const RENAME_SIMILARITY = 0.5;

export function similarity(a: CfnResource, b: CfnResource): number {
  const before = a.Properties ?? {};
  const after = b.Properties ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  if (keys.size === 0) return 1;
  let equal = 0;
  for (const key of keys) if (deepEqual(before[key], after[key])) equal += 1;
  return equal / keys.size;
}

export function findRenames(removed: ReadonlyMap<string, CfnResource>, added: ReadonlyMap<string, CfnResource>): Rename[] {
  const candidates: Rename[] = [];
  const count = (side: ReadonlyMap<string, CfnResource>, type: string) => [...side.values()].filter((r) => r.Type === type).length;
  for (const [from, old] of removed) {
    for (const [to, fresh] of added) {
      if (old.Type !== fresh.Type) continue;
      const score = similarity(old, fresh);
      const onlyPair = count(removed, old.Type) === 1 && count(added, old.Type) === 1;
      if (score >= RENAME_SIMILARITY || onlyPair) candidates.push({ from, to, type: old.Type, similarity: score });
    }
  }
  // Best matches first; ties in a fixed order so the output is deterministic.
  candidates.sort((a, b) => b.similarity - a.similarity || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  const usedFrom = new Set<string>();
  const usedTo = new Set<string>();
  const renames: Rename[] = [];
  for (const candidate of candidates) {
    if (usedFrom.has(candidate.from) || usedTo.has(candidate.to)) continue;
    usedFrom.add(candidate.from);
    usedTo.add(candidate.to);
    renames.push(candidate);
  }
  return renames.sort((a, b) => a.from.localeCompare(b.from));
}
