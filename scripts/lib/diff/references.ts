// Which logical IDs a value refers to, and where: Ref, Fn::GetAtt, and ${Id} / ${Id.Attr} in Fn::Sub.
import type { Path } from './value-paths.js';

export interface Reference {
  readonly id: string;
  readonly path: Path;
}

const SUB_VARIABLE = /\$\{(?!!)([^}]+)\}/g;

function subReferences(text: string, local: ReadonlySet<string>, path: Path): Reference[] {
  const found: Reference[] = [];
  for (const match of text.matchAll(SUB_VARIABLE)) {
    const name = match[1]!.trim();
    const id = name.split('.')[0]!;
    if (!name.startsWith('AWS::') && !local.has(name)) found.push({ id, path });
  }
  return found;
}

export function referencesIn(value: unknown, at: Path = []): Reference[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => referencesIn(item, [...at, i]));
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, args] = entries[0]!;
    if (fn === 'Ref' && typeof args === 'string') return args.startsWith('AWS::') ? [] : [{ id: args, path: at }];
    if (fn === 'Fn::GetAtt') {
      const id = Array.isArray(args) ? args[0] : typeof args === 'string' ? args.split('.')[0] : undefined;
      return typeof id === 'string' ? [{ id, path: at }] : [];
    }
    if (fn === 'Fn::Sub') {
      if (typeof args === 'string') return subReferences(args, new Set(), at);
      if (Array.isArray(args) && typeof args[0] === 'string') {
        const variables = (args[1] ?? {}) as Record<string, unknown>;
        // A variable's value is part of the one string Fn::Sub produces: it sits at the Sub's path.
        return [...subReferences(args[0], new Set(Object.keys(variables)), at), ...referencesIn(variables).map((r) => ({ id: r.id, path: at }))];
      }
    }
  }
  return entries.flatMap(([key, item]) => referencesIn(item, [...at, key]));
}
