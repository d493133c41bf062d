// Parameter values per environment (generated/parameters/<env>.json, CloudFormation's
// [{ParameterKey, ParameterValue}] form) and which of them change. The value that counts is the
// effective one: the file's, else the root template's Default.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DiffInputError, ROOT_TEMPLATE, type ParameterValues, type TemplateSet } from './types.js';

export function parseParameterFile(text: string, where: string): Map<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DiffInputError(`${where}: not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) throw new DiffInputError(`${where}: expected a list of {ParameterKey, ParameterValue}`);
  const values = new Map<string, string>();
  data.forEach((entry, i) => {
    if (typeof entry?.ParameterKey !== 'string' || entry.ParameterValue === undefined) {
      throw new DiffInputError(`${where}: [${i}]: expected {ParameterKey: string, ParameterValue: string}`);
    }
    values.set(entry.ParameterKey, String(entry.ParameterValue));
  });
  return values;
}

/** Where a templates directory keeps its parameter files: <dir>/parameters, or ../parameters beside generated/templates. */
export function parametersDirFor(templatesDir: string): string {
  return basename(templatesDir) === 'templates' ? join(dirname(templatesDir), 'parameters') : join(templatesDir, 'parameters');
}

export function parameterValuesFromDir(dir: string): ParameterValues | undefined {
  if (!existsSync(dir)) return undefined;
  const values = new Map<string, Map<string, string>>();
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    values.set(name.replace(/\.json$/, ''), parseParameterFile(readFileSync(join(dir, name), 'utf8'), join(dir, name)));
  }
  return values;
}

export interface ValueChange {
  readonly env: string;
  readonly name: string;
  readonly from?: string;
  readonly to?: string;
}

const defaultOf = (set: TemplateSet, name: string): string | undefined => {
  const value = set.templates.get(ROOT_TEMPLATE)?.Parameters?.[name]?.Default;
  return value === undefined ? undefined : Array.isArray(value) ? value.join(',') : String(value);
};

/**
 * Effective root parameter values that differ, per environment present on both sides. A parameter
 * new or gone in the root template is the template diff's business, not a value change.
 */
export function valueChanges(before: TemplateSet, after: TemplateSet): ValueChange[] {
  if (!before.parameters || !after.parameters) return [];
  const oldRoot = before.templates.get(ROOT_TEMPLATE)?.Parameters ?? {};
  const newRoot = after.templates.get(ROOT_TEMPLATE)?.Parameters ?? {};
  const names = Object.keys(newRoot).filter((name) => name in oldRoot);
  const changes: ValueChange[] = [];
  for (const [env, newValues] of after.parameters) {
    const oldValues = before.parameters.get(env);
    if (!oldValues) continue; // a new environment: a first deployment, nothing to replace
    for (const name of names) {
      const from = oldValues.get(name) ?? defaultOf(before, name);
      const to = newValues.get(name) ?? defaultOf(after, name);
      if (from !== to) changes.push({ env, name, from, to });
    }
  }
  return changes;
}
