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
