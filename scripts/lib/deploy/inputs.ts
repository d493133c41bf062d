// What make deploy / make destroy check before anything is uploaded or changed: the environment
// name, the root template, the parameter file (exists, parses, has the CloudFormation
// parameter-file shape, every key declared by the root, every value allowed by its
// AllowedValues/AllowedPattern/range). Every error names the file, the path inside it and what is
// allowed.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ENVIRONMENTS, type EnvironmentName } from '../../../templates-src/config.js';
import { checkParameterValues, ParameterFileError, type ParameterConstraints } from '../../../templates-src/core/parameters.js';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import { ROOT } from '../paths.js';

export class DeployInputError extends Error {}

export const stackNameFor = (env: EnvironmentName): string => `payment-platform-${env}`;

export function checkEnvironment(env: string | undefined): EnvironmentName {
  if (env && (ENVIRONMENTS as readonly string[]).includes(env)) return env as EnvironmentName;
  throw new DeployInputError(`ENV=${env ?? ''}: unknown environment; allowed: ${ENVIRONMENTS.join(', ')} (e.g. make deploy ENV=dev)`);
}

const shown = (path: string): string => (path.startsWith(ROOT) ? relative(ROOT, path) : path);

export interface RootTemplate {
  readonly path: string;
  readonly template: Record<string, unknown>;
  readonly parameters: Record<string, ParameterConstraints>;
}

export function readRootTemplate(templatesDir: string): RootTemplate {
  const path = join(templatesDir, 'root.yaml');
  if (!existsSync(path)) throw new DeployInputError(`${shown(path)}: not found; run make build`);
  let template: Record<string, unknown>;
  try {
    template = parseTemplate(readFileSync(path, 'utf8'), shown(path));
  } catch (error) {
    throw new DeployInputError(`${shown(path)}: not a readable template: ${(error as Error).message}`);
  }
  return { path, template, parameters: (template.Parameters ?? {}) as Record<string, ParameterConstraints> };
}

/**
 * Reads a parameter file in CloudFormation's form [{ParameterKey, ParameterValue}] and checks it
 * against the root's Parameters. Returns the values in file order.
 */
export function readParameterFile(file: string, root: RootTemplate): Map<string, string> {
  const name = shown(file);
  if (!existsSync(file)) throw new DeployInputError(`${name}: parameter file not found; run make build (it writes generated/parameters/<env>.json)`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DeployInputError(`${name}: not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new DeployInputError(`${name}: must be a JSON array of {"ParameterKey": ..., "ParameterValue": ...}`);
  const values = new Map<string, string>();
  const problems: string[] = [];
  data.forEach((entry: unknown, index) => {
    const at = `${name}: [${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return void problems.push(`${at}: must be an object {"ParameterKey": ..., "ParameterValue": ...}`);
    const { ParameterKey: key, ParameterValue: value, ...rest } = entry as Record<string, unknown>;
    if (typeof key !== 'string' || key === '') return void problems.push(`${at}.ParameterKey: must be a non-empty string`);
    if (typeof value !== 'string') return void problems.push(`${at}.ParameterValue (${key}): must be a string, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
    const extra = Object.keys(rest);
    if (extra.length > 0) return void problems.push(`${at} (${key}): unknown field(s) ${extra.join(', ')}; allowed: ParameterKey, ParameterValue`);
    if (values.has(key)) return void problems.push(`${at}.ParameterKey: ${key} is given twice`);
    values.set(key, value);
  });
  if (problems.length > 0) throw new DeployInputError(problems.join('\n'));
  const indexOf = new Map([...values.keys()].map((key, index) => [key, index]));
  try {
    checkParameterValues(root.parameters, Object.fromEntries(values), name, (key) => `[${indexOf.get(key) ?? '?'}] ${key}`);
  } catch (error) {
    if (error instanceof ParameterFileError) throw new DeployInputError(error.message);
    throw error;
  }
  return values;
}
