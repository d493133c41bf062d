// Rules that find themselves: every *.ts file of a rules folder is one rule, its default export.
// No index to keep in step. As in cfn-lint (cfnlint/rules/_rules.py: rules loaded from their
// directory, a DuplicateRuleError for an ID registered twice, a crash in a rule reported as
// finding E0002 while the other rules go on), discovery fails on a duplicate ID, on a file that
// is not a rule, and on a file not named after its rule; running a rule that throws is the
// caller's finding (see runGuarded).
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.js';

/** What every rule has, whatever it checks. */
export interface RuleBase {
  readonly id: string;
  readonly title: string;
}

export class RuleDiscoveryError extends Error {}

export interface RuleFolder<R extends RuleBase> {
  readonly dir: string;
  /** The form of an ID, e.g. /^PCI-[A-Z]+-\d{3}$/. */
  readonly idPattern: RegExp;
  /** What else a rule of this folder must have; each problem is one line of the error. */
  readonly problems?: (rule: R) => readonly string[];
}

/** A source file of the folder: *.ts, not a test, not a helper (_name.ts). */
const isRuleFile = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') && !name.startsWith('_');

const shown = (path: string): string => relative(ROOT, path) || path;

function shapeProblems(value: unknown, pattern: RegExp): string[] {
  if (value === null || typeof value !== 'object') return ['has no default export of a rule object (export default { id, title, … })'];
  const rule = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof rule.id !== 'string' || !pattern.test(rule.id)) problems.push(`id ${JSON.stringify(rule.id)} does not have the form ${pattern.source}`);
  if (typeof rule.title !== 'string' || rule.title.trim() === '') problems.push('needs a title');
  if (typeof rule.check !== 'function') problems.push('needs a check function');
  return problems;
}

/**
 * Imports every rule file of `folder.dir` (a missing folder has no rules), checks each, and
 * returns them in ID order. Throws RuleDiscoveryError listing every problem found.
 */
export async function discoverRules<R extends RuleBase>(folder: RuleFolder<R>): Promise<readonly R[]> {
  if (!existsSync(folder.dir)) return [];
  const files = readdirSync(folder.dir).filter(isRuleFile).sort();
  const problems: string[] = [];
  const byId = new Map<string, { rule: R; file: string }>();
  for (const name of files) {
    const file = join(folder.dir, name);
    let exported: unknown;
    try {
      exported = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
    } catch (error) {
      problems.push(`${shown(file)}: cannot be loaded: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    const shape = shapeProblems(exported, folder.idPattern);
    const rule = exported as R;
    const own = shape.length > 0 ? shape : [...(folder.problems?.(rule) ?? [])];
    if (shape.length === 0 && !(name === `${rule.id}.ts` || name.startsWith(`${rule.id}-`)))
      own.push(`is named ${name}, but its rule is ${rule.id}: name it ${rule.id}-<what it checks>.ts`);
    problems.push(...own.map((p) => `${shown(file)}: ${p}`));
    if (shape.length > 0) continue;
    const seen = byId.get(rule.id);
    if (seen) problems.push(`${shown(file)}: rule ID ${rule.id} is already used by ${shown(seen.file)}`);
    else byId.set(rule.id, { rule, file });
  }
  if (problems.length > 0) throw new RuleDiscoveryError(`rules in ${shown(folder.dir)}:\n  ${problems.join('\n  ')}`);
  return [...byId.values()].map((entry) => entry.rule).sort((a, b) => a.id.localeCompare(b.id));
}

/** Where a rule's check threw: the message and the first stack frame in a rules folder, for the finding that replaces its results. */
export function crashDescription(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frame = error.stack
    ?.split('\n')
    .find((line) => /rules\//.test(line))
    ?.trim()
    .replace(/^at /, '');
  return frame ? `${error.message} (${frame.replace(pathToFileURL(ROOT).href + '/', '').replace(ROOT + '/', '')})` : error.message;
}
