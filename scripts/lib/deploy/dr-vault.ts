// The DR backup vault (generated/standalone/dr-backup-vault.yaml): the backup layer's daily plan
// copies every recovery point to a vault of that name in the parameter file's DrRegion, so the
// vault must exist there before the root stack's backup jobs run (a copy job to a missing vault
// fails). `make deploy` deploys it as its own stack, payment-dr-vault-<env>, in DrRegion, with the
// same preview, gate and events as the root; `make destroy` deletes it after the root.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import type { ParameterConstraints } from '../../../templates-src/core/parameters.js';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsClients, isAwsError, type AwsTarget } from '../aws.js';
import { ROOT } from '../paths.js';
import type { StackDeployment } from './deploy.js';
import { DeployInputError, type RootTemplate } from './inputs.js';

export const DR_VAULT_TEMPLATE = 'dr-backup-vault.yaml';
/**
 * The root parameter naming the SSM parameter that holds the DR region in the target account and
 * region (templates-src/layers/backup.ts copies there): each account keeps it per region, so a
 * StackSet needs no per-region override. A template that takes the region itself (DrRegion) is
 * read directly.
 */
export const DR_REGION_SSM_PARAMETER = 'DrRegionParameter';
const DR_REGION_PARAMETER = 'DrRegion';

export const drVaultStackName = (env: string): string => `payment-dr-vault-${env}`;

/** DrRegion "none" turns the copy off (root.yaml's DrRegion: no copy rule, so no vault is needed). */
export const NO_DR = 'none';

/**
 * The region the DR vault goes to, undefined for none: the value of the SSM parameter the root
 * reads (DrRegionParameter) in the target account and region, or a plain DrRegion parameter.
 * A missing SSM parameter is bad input: CloudFormation would refuse the stack for it, so the
 * deploy stops first and says what to put where.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#aws-ssm-parameter-types
 */
export async function drRegionOf(target: AwsTarget, values: ReadonlyMap<string, string>, root: RootTemplate): Promise<string | undefined> {
  const given = (name: string): string | undefined => {
    const value = values.get(name) ?? root.parameters[name]?.Default;
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  let region = given(DR_REGION_PARAMETER);
  const ssmName = given(DR_REGION_SSM_PARAMETER);
  if (region === undefined && ssmName !== undefined) {
    try {
      region = (
        await awsClients(target)
          .of(SSMClient)
          .send(new GetParameterCommand({ Name: ssmName }))
      ).Parameter?.Value;
    } catch (error) {
      if (!isAwsError(error, 'ParameterNotFound')) throw error;
      throw new DeployInputError(
        `SSM parameter ${ssmName} (root parameter ${DR_REGION_SSM_PARAMETER}) does not exist in region ${target.region} of the target account: put the DR region there (aws ssm put-parameter --name ${ssmName} --type String --value <region>, or none for no DR copy); CloudFormation would refuse the stack without it`,
      );
    }
  }
  return region !== undefined && region !== NO_DR ? region : undefined;
}

/**
 * The vault's deployment, or undefined when there is no vault template or the root has no DR
 * region. Its parameters come from the environment's parameter file by name; one without a value
 * or default is an error naming both files.
 */
export function drVaultDeployment(
  standaloneDir: string,
  env: string,
  values: ReadonlyMap<string, string>,
  parameterFile: string,
  region: string | undefined,
): Omit<StackDeployment, 'tags'> | undefined {
  const file = join(standaloneDir, DR_VAULT_TEMPLATE);
  if (!existsSync(file) || !region) return undefined;
  const text = readFileSync(file, 'utf8');
  const template = parseTemplate(text, file) as { Parameters?: Record<string, ParameterConstraints> };
  const parameters = new Map<string, string>();
  for (const [name, spec] of Object.entries(template.Parameters ?? {})) {
    const value = values.get(name);
    if (value !== undefined) parameters.set(name, value);
    else if (spec.Default === undefined) {
      throw new DeployInputError(
        `${relative(ROOT, file)}: parameter ${name} has no default and ${relative(ROOT, parameterFile)} gives no value for it; add {"ParameterKey": "${name}", "ParameterValue": ...} there`,
      );
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
