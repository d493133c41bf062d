// The DR backup vault (generated/standalone/dr-backup-vault.yaml): the backup layer's daily plan
// copies every recovery point to a vault of that name in the parameter file's DrRegion, so the
// vault must exist there before the root stack's backup jobs run (a copy job to a missing vault
// fails). `make deploy` deploys it as its own stack, payment-dr-vault-<env>, in DrRegion, with the
// same preview, gate and events as the root; `make destroy` deletes it after the root.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import type { ParameterConstraints } from '../../../templates-src/core/parameters.js';
import { ROOT } from '../paths.js';
import type { StackDeployment } from './deploy.js';
import { DeployInputError, type RootTemplate } from './inputs.js';

export const DR_VAULT_TEMPLATE = 'dr-backup-vault.yaml';
/** The root parameter that names the DR region (templates-src/layers/backup.ts copies to it). */
export const DR_REGION_PARAMETER = 'DrRegion';

export const drVaultStackName = (env: string): string => `payment-dr-vault-${env}`;

/** DrRegion "none" turns the copy off (root.yaml's DrRegion: no copy rule, so no vault is needed). */
export const NO_DR = 'none';

/** The region the DR vault goes to: the parameter file's DrRegion, else the root's default; undefined for none. */
export function drRegionOf(values: ReadonlyMap<string, string>, root: RootTemplate): string | undefined {
  const value = values.get(DR_REGION_PARAMETER) ?? root.parameters[DR_REGION_PARAMETER]?.Default;
  return typeof value === 'string' && value !== '' && value !== NO_DR ? value : undefined;
}

/**
 * The vault's deployment, or undefined when there is no vault template or the root has no DR
 * region. Its parameters come from the environment's parameter file by name; one without a value
 * or default is an error naming both files.
 */
export function drVaultDeployment(standaloneDir: string, env: string, values: ReadonlyMap<string, string>, root: RootTemplate, parameterFile: string, _region: string): Omit<StackDeployment, 'tags'> | undefined {
  const file = join(standaloneDir, DR_VAULT_TEMPLATE);
  const region = drRegionOf(values, root);
  if (!existsSync(file) || !region) return undefined;
  const text = readFileSync(file, 'utf8');
  const template = parseTemplate(text, file) as { Parameters?: Record<string, ParameterConstraints> };
  const parameters = new Map<string, string>();
  for (const [name, spec] of Object.entries(template.Parameters ?? {})) {
    const value = values.get(name);
    if (value !== undefined) parameters.set(name, value);
    else if (spec.Default === undefined) {
      throw new DeployInputError(`${relative(ROOT, file)}: parameter ${name} has no default and ${relative(ROOT, parameterFile)} gives no value for it; add {"ParameterKey": "${name}", "ParameterValue": ...} there`);
    }
  }
  return {
    env,
    stackName: drVaultStackName(env),
    region,
    templateFile: file,
    source: { body: text },
    templatesDir: standaloneDir,
    rootFile: DR_VAULT_TEMPLATE,
    templateName: `standalone/${DR_VAULT_TEMPLATE}`,
    parameters,
  };
}
