// Check 1, the value pass: the literal values of every resource's Properties against the value
// constraints of its provider schema (enum, pattern, length, range), with ajv on RE2. What the
// typed model and cfn-lint already catch — names, types, required properties, intrinsics of the
// wrong kind, unknown types — is theirs (docs/validate.md, "Why the ajv pass").
import type { CfnTemplate } from '../cfn/index.js';
import type { Finding } from './findings.js';
import { literalVariants } from './literal-values.js';
import { schemaErrorFindings } from './schema-errors.js';
import type { ValidatorCache } from './validators.js';

export function validateTemplateSchemas(file: string, template: CfnTemplate, cache: ValidatorCache): Finding[] {
  const findings = new Map<string, Finding>();
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const type: unknown = resource?.Type;
    const properties: unknown = resource?.Properties;
    if (typeof type !== 'string' || !cache.has(type) || properties === null || typeof properties !== 'object' || Array.isArray(properties)) continue;
    const validator = cache.get(type);
    for (const variant of literalVariants(properties as Record<string, unknown>)) {
      for (const f of schemaErrorFindings(validator.validate(variant.value), { file, logicalId, variant })) findings.set(`${f.logicalId}|${f.path}|${f.rule}`, f);
    }
  }
  return [...findings.values()];
}
