// ALLOW_REPLACE / --allow-replace: the replacements and deletions a reviewer accepts on purpose.
//   LogicalId            that logical ID in any template
//   template:LogicalId   only in that template (database or database.yaml; standalone/dr-backup-vault.yaml)
import { DiffInputError } from './types.js';

export interface AllowEntry {
  readonly raw: string;
  readonly template?: string;
  readonly logicalId: string;
}

const ENTRY = /^(?:([A-Za-z0-9][\w./-]*):)?([A-Za-z0-9]+)$/;

/** Parses a comma- or space-separated list; `source` names where it came from, for errors. */
export function parseAllowList(text: string | undefined, source: string): AllowEntry[] {
  const entries: AllowEntry[] = [];
  for (const raw of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const match = ENTRY.exec(raw);
    if (!match) {
      throw new DiffInputError(`${source}: "${raw}" is not an allowance; allowed: LogicalId or template:LogicalId (e.g. Database or database.yaml:Database), separated by commas`);
    }
    entries.push({ raw, template: match[1]?.replace(/\.(ya?ml|json)$/, ''), logicalId: match[2]! });
  }
  return entries;
}

const templateStem = (file: string): string => file.replace(/\.(ya?ml|json)$/, '');

/** Does the entry accept a change to any of these logical IDs (a rename names two) in this template? */
export function allows(entry: AllowEntry, template: string, logicalIds: readonly string[]): boolean {
  if (entry.template !== undefined && entry.template !== templateStem(template)) return false;
  return logicalIds.includes(entry.logicalId);
}
