// The one "did you mean": the candidate nearest to a misspelt name by edit distance
// (fastest-levenshtein), ignoring letter case, when it is near enough to be a typo — at most
// a third of the name's length, and at least 2 edits are always tolerated.
import { distance } from 'fastest-levenshtein';

export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(wanted, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** "did you mean X?" for a likely typo, else "". */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const near = closestMatch(name, candidates);
  return near === undefined ? '' : `did you mean ${near}?`;
}
