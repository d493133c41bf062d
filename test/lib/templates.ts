// Helpers for tests that assert on the generated templates (parsed to long form).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../templates-src/core/yaml.js';
import { GENERATED_TEMPLATES } from '../../scripts/lib/paths.js';

export type Json = any;
export interface CfnTemplate {
  Parameters?: Record<string, Json>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, { Type: string; Properties?: Json; DeletionPolicy?: string; UpdateReplacePolicy?: string; Condition?: string; DependsOn?: string[]; Metadata?: Json }>;
  Outputs?: Record<string, { Value: Json; Description?: string; Export?: Json }>;
}

const cache = new Map<string, CfnTemplate>();

/** A template from generated/templates (parsed once per test process). Returns a deep copy, safe to mutate. */
export function generated(name: string): CfnTemplate {
  if (!cache.has(name)) cache.set(name, parseTemplate(readFileSync(join(GENERATED_TEMPLATES, `${name}.yaml`), 'utf8'), `${name}.yaml`) as unknown as CfnTemplate);
  return structuredClone(cache.get(name)!);
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnTemplate['Resources'][string]][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Runs a check on the real template (must pass) and on a broken copy (must fail). */
export function passesAndCatches(check: (t: CfnTemplate) => void, real: CfnTemplate, breakIt: (t: CfnTemplate) => void): void {
  check(real);
  const broken = structuredClone(real);
  breakIt(broken);
  let failed = false;
  try {
    check(broken);
  } catch {
    failed = true;
  }
  if (!failed) throw new Error('the check did not catch the broken variant: it cannot fail');
}

/** Layer file name → root logical ID of its nested stack (from the root's TemplateURLs). */
function layerStacks(): Record<string, string> {
  const root = generated('root');
  return Object.fromEntries(
    Object.entries(root.Resources)
      .filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack')
      .map(([id, r]) => [String(r.Properties.TemplateURL).replace(/\.yaml$/, ''), id]),
  );
}

/** Where the root feeds a layer parameter from: "Kms.Outputs.DatabaseKeyArn", "param:VpcCidr" … */
export function wiring(layer: string, parameter: string): string {
  const root = generated('root');
  const value = root.Resources[layerStacks()[layer]].Properties.Parameters[parameter];
  if (value?.Ref) return `param:${value.Ref}`;
  if (value?.['Fn::GetAtt']) return `${value['Fn::GetAtt'][0].replace(/Stack$/, '')}.${value['Fn::GetAtt'][1]}`;
  return JSON.stringify(value);
}

/** The key class a KMS key property refers to, through the layer parameter and the root wiring. */
export function keyClassOf(layer: string, value: Json): string | undefined {
  const param = value?.Ref;
  if (!param) return undefined;
  const source = wiring(layer, param);
  const match = /^Kms\.Outputs\.(\w+)KeyArn$/.exec(source);
  return match?.[1];
}

export const LAYERS = ['kms', 'network', 'secrets', 'database', 'cache', 'storage', 'streaming', 'backup', 'compute', 'api', 'observability', 'audit'] as const;
