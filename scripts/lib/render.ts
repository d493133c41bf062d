// Renders the whole platform to file contents (path relative to generated/ → text). Pure:
// build.ts writes the result, the tests compare it with what is committed.
import { LIMITS, TemplateError, type Template } from '../../templates-src/core/template.js';
import { toYaml } from '../../templates-src/core/yaml.js';
import { checkParameterValues, checkRules } from '../../templates-src/core/parameters.js';
import { ENVIRONMENT_PARAMETERS, environmentFile } from '../../templates-src/environments/index.js';
import { ENVIRONMENTS, PLATFORM } from '../../templates-src/config.js';
import { STANDALONE_TEMPLATES, buildPlatform, type Platform } from '../../templates-src/platform.js';
import { buildStackSetRoleTemplates } from '../../templates-src/stackset-roles.js';
import { stackSetRoleConfig } from './stackset/roles-config.js';

export const TEMPLATES_DIR = 'templates';
export const PARAMETERS_DIR = 'parameters';
export const STANDALONE_DIR = 'standalone';
/** StackSet administration/execution role templates (SELF_MANAGED rollouts, docs/stacksets.md). */
export const STACKSETS_DIR = 'stacksets';

export function renderTemplate(template: Template): string {
  const text = toYaml(template.render());
  const bytes = Buffer.byteLength(text);
  if (bytes > LIMITS.bodyBytes) {
    throw new TemplateError(`template "${template.name}": ${bytes} bytes, over the CloudFormation template body limit of ${LIMITS.bodyBytes} bytes`);
  }
  return text;
}

/** The CloudFormation parameter-file form: [{ParameterKey, ParameterValue}], in root parameter order. */
export function renderParameterFile(root: Template, values: Readonly<Record<string, string | number>>, file: string): string {
  const specs = Object.fromEntries(root.parameterNames.map((name) => [name, root.parameterSpec(name)!]));
  checkParameterValues(specs, values, file);
  checkRules(Object.fromEntries(root.ruleEntries), specs, values, file);
  const entries = root.parameterNames.filter((name) => name in values).map((name) => ({ ParameterKey: name, ParameterValue: String(values[name]) }));
  return `${JSON.stringify(entries, null, 2)}\n`;
}

export function renderAll(platform: Platform = buildPlatform()): Map<string, string> {
  const files = new Map<string, string>();
  for (const template of [platform.root, ...platform.layers]) files.set(`${TEMPLATES_DIR}/${template.name}.yaml`, renderTemplate(template));
  const standalone = STANDALONE_TEMPLATES.map((build) => build(PLATFORM));
  for (const template of standalone) files.set(`${STANDALONE_DIR}/${template.name}.yaml`, renderTemplate(template));
  // The execution role deploys the standalone templates too (the DR vault stack set).
  for (const template of buildStackSetRoleTemplates(stackSetRoleConfig([platform.root, ...platform.layers, ...standalone]))) {
    files.set(`${STACKSETS_DIR}/${template.name}.yaml`, renderTemplate(template));
  }
  for (const env of ENVIRONMENTS) {
    files.set(`${PARAMETERS_DIR}/${env}.json`, renderParameterFile(platform.root, ENVIRONMENT_PARAMETERS[env], environmentFile(env)));
  }
  return files;
}
