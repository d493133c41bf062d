// Reads the check's inputs: templates (a directory of *.yaml, or one file) and CloudFormation
// parameter files (<env>.json, [{ParameterKey, ParameterValue}]). Bad input is an error naming
// the file, the path inside it and what is allowed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { loadTemplate as loadCfnTemplate, type CfnTemplate } from '../cfn/index.js';
import { checkParameterValues, ParameterFileError, type ParameterConstraints } from '../../../templates-src/core/parameters.js';

export class CheckInputError extends Error {}

export interface TemplateFile {
  /** File stem: network.yaml → network. */
  readonly name: string;
  /** Path for messages (relative to the working directory). */
  readonly file: string;
  readonly tree: CfnTemplate;
}

export interface ParameterSet {
  /** File stem: dev.json → dev. */
  readonly name: string;
  readonly file: string;
  readonly values: Readonly<Record<string, string>>;
}

export interface CheckInputs {
  readonly templates: readonly TemplateFile[];
  readonly parameterSets: readonly ParameterSet[];
  /** sha256 over every input file's name and bytes: a version stamp that needs no git and no clock. */
  readonly inputsHash: string;
}

const display = (path: string): string => relative(process.cwd(), path) || path;

function templateFiles(path: string): string[] {
  if (!existsSync(path)) throw new CheckInputError(`${display(path)}: no such file or directory (expected a directory of CloudFormation *.yaml templates or one template file)`);
  if (statSync(path).isFile()) return [path];
  const files = readdirSync(path)
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) throw new CheckInputError(`${display(path)}: no *.yaml templates in this directory`);
  return files;
}

function loadTemplate(path: string): TemplateFile {
  const file = display(path);
  let tree: CfnTemplate;
  try {
    tree = loadCfnTemplate(readFileSync(path, 'utf8'), file);
  } catch (error) {
    throw new CheckInputError((error as Error).message);
  }
  return { name: basename(path).replace(/\.(ya?ml|json)$/, ''), file, tree };
}

/** Parses one parameter file in CloudFormation's form and checks its values against the root template. */
function parseParameterFile(text: string, file: string, root?: CfnTemplate): Record<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CheckInputError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const form = 'CloudFormation parameter-file form [{"ParameterKey": "...", "ParameterValue": "..."}]';
  if (!Array.isArray(data)) throw new CheckInputError(`${file}: must be a list (${form})`);
  const values: Record<string, string> = {};
  data.forEach((entry, i) => {
    const key = (entry as { ParameterKey?: unknown } | null)?.ParameterKey;
    const value = (entry as { ParameterValue?: unknown } | null)?.ParameterValue;
    if (typeof key !== 'string' || key === '') throw new CheckInputError(`${file}: [${i}].ParameterKey: must be a non-empty string (${form})`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new CheckInputError(`${file}: [${i}].ParameterValue: must be a string (${form})`);
    }
    if (key in values) throw new CheckInputError(`${file}: [${i}].ParameterKey: "${key}" is given twice`);
    values[key] = String(value);
  });
  if (root) {
    const specs = (root.Parameters ?? {}) as Record<string, ParameterConstraints>;
    const index = Object.fromEntries(data.map((entry, i) => [(entry as { ParameterKey: string }).ParameterKey, i]));
    try {
      checkParameterValues(specs, values, file, (name) => `[${index[name] ?? '?'}] ${name}`);
    } catch (error) {
      if (error instanceof ParameterFileError) throw new CheckInputError(error.message);
      throw error;
    }
  }
  return values;
}

/**
 * Loads the templates at `templatesPath` and, when `parametersDir` exists, every <env>.json in
 * it. Parameter files are checked against root.yaml when there is one.
 */
export function loadInputs(templatesPath: string, parametersDir?: string): CheckInputs {
  const paths = templateFiles(templatesPath);
  const templates = paths.map(loadTemplate);
  const root = templates.find((t) => t.name === 'root')?.tree;
  const parameterPaths =
    parametersDir && existsSync(parametersDir) && statSync(parametersDir).isDirectory()
      ? readdirSync(parametersDir)
          .filter((name) => name.endsWith('.json'))
          .sort()
          .map((name) => join(parametersDir, name))
      : [];
  if (parametersDir && !existsSync(parametersDir)) throw new CheckInputError(`${display(parametersDir)}: no such directory (expected <env>.json parameter files)`);
  const parameterSets = parameterPaths.map((path) => ({
    name: basename(path, '.json'),
    file: display(path),
    values: parseParameterFile(readFileSync(path, 'utf8'), display(path), root),
  }));
  const hash = createHash('sha256');
  for (const path of [...paths, ...parameterPaths]) {
    hash.update(basename(path)).update('\0').update(readFileSync(path)).update('\0');
  }
  return { templates, parameterSets, inputsHash: hash.digest('hex') };
}
