// Which logical IDs a value refers to, and where (the toolkit's walker, scripts/lib/cfn): Ref,
// Fn::GetAtt, and ${Id} / ${Id.Attr} in Fn::Sub. Pseudo parameters are no logical IDs.
import { isDependency, references, type Path } from '../cfn/index.js';

export interface Reference {
  readonly id: string;
  readonly path: Path;
}

/** A variable's value is part of the one string Fn::Sub produces: a reference inside the variable map sits at the Sub's path. */
function atSub(path: Path, from: number): Path {
  const sub = path.findIndex((segment, i) => i >= from && segment === 'Fn::Sub' && path[i + 1] === 1);
  return sub < 0 ? path : path.slice(0, sub);
}

export function referencesIn(value: unknown, at: Path = []): Reference[] {
  return references(value, {}, at)
    .filter((ref) => isDependency(ref) && !ref.target.startsWith('AWS::'))
    .map((ref) => ({ id: ref.target, path: atSub(ref.path, at.length) }));
}
