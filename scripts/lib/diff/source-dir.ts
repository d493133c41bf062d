// Templates from a directory (generated/templates, or a fixture) with its parameter files
// (generated/parameters, or <dir>/parameters), and the parsing every source shares.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplate } from '../cfn/index.js';
import { parameterValuesFromDir, parametersDirFor } from './parameter-values.js';
import { DiffInputError, type CfnTemplate, type TemplateSet } from './types.js';

export const TEMPLATE_FILE = /\.(ya?ml|json)$/;

/** Parses a template body; `where` names the file (and ref) in errors. */
export function parseTemplateText(text: string, where: string): CfnTemplate {
  try {
    return loadTemplate(text, where);
  } catch (e) {
    throw new DiffInputError((e as Error).message);
  }
}

export function templatesFromDir(dir: string, label = dir): TemplateSet {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DiffInputError(`${dir}: no such directory (expected a directory of templates: root.yaml and one file per layer)`);
  const templates = new Map<string, CfnTemplate>();
  for (const name of readdirSync(dir)
    .filter((n) => TEMPLATE_FILE.test(n))
    .sort()) {
    templates.set(name, parseTemplateText(readFileSync(join(dir, name), 'utf8'), join(dir, name)));
  }
  return { label, templates, parameters: parameterValuesFromDir(parametersDirFor(dir)) };
}
