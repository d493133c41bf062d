// Check 1: every resource's Properties against the provider schema of its type (ajv).
import type { Finding } from './findings.js';
import { resolveLocalRef, type JsonSchema } from './prepare-schema.js';
import { displayPath, intrinsicKind, propertyVariants, type IntrinsicLeaf, type KindContext, type PropertyVariant, type ValueKind } from './property-variants.js';
import { schemaErrorFindings } from './schema-errors.js';
import type { TypeValidator, ValidatorCache } from './validators.js';
import type { CfnTemplate } from './template-files.js';

export function validateTemplateSchemas(file: string, template: CfnTemplate, cache: ValidatorCache): Finding[] {
  const findings: Finding[] = [];
  const kinds = kindContext(template, cache);
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const at = (path: string, rule: string, allowed: string): Finding => ({ severity: 'error', check: 'schema', file, logicalId, path, rule, allowed });
    const type: unknown = resource?.Type;
    if (typeof type !== 'string') continue; // a shape problem, reported when the template was loaded
    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') continue;
    if (!cache.has(type)) {
      findings.push(at('Type', `unknown resource type ${type}`, 'a type with a resource provider schema (cfn-lint data, us-east-1)'));
      continue;
    }
    const properties = resource.Properties;
    if (properties !== undefined && (properties === null || typeof properties !== 'object' || Array.isArray(properties))) {
      findings.push(at('Properties', 'Properties must be a mapping', 'a mapping of property names to values'));
      continue;
    }
    const validator = cache.get(type);
    const variantFindings = propertyVariants(properties ?? {}).map((variant) => validateVariant(file, logicalId, variant, validator, kinds));
    findings.push(...withBranchContext(variantFindings));
  }
  return findings;
}

function validateVariant(file: string, logicalId: string, variant: PropertyVariant, validator: TypeValidator, kinds: KindContext): Finding[] {
  const findings: Finding[] = [];
  for (const leaf of variant.intrinsics.values()) {
    const kind = intrinsicKind(leaf, kinds);
    if ('problem' in kind) findings.push({ severity: 'error', check: 'schema', file, logicalId, path: displayPath('Properties', leaf.origin), rule: kind.problem, allowed: kind.allowed });
  }
  const errors = validator.validate(variant.value);
  if (errors.length === 0) return findings;
  const context = {
    file,
    logicalId,
    variant,
    schema: () => validator.prepared().schema,
    readOnly: () => validator.prepared().readOnly,
    kindOf: (leaf: IntrinsicLeaf) => intrinsicKind(leaf, kinds),
  };
  const branches = variant.falseBranches.map((origin) => `${displayPath('Properties', origin)}.Fn::If[2]`);
  return [...findings, ...schemaErrorFindings(errors, context)].map((f) => ({ ...f, branches }));
}

/**
 * A finding of the all-true variant stands as it is; a finding only another variant has is
 * marked with the Fn::If branch that produced it, unless its path already runs through it.
 */
function withBranchContext(variantFindings: readonly (Finding & { branches?: readonly string[] })[][]): Finding[] {
  const key = (f: Finding) => `${f.path}|${f.rule}|${f.allowed ?? ''}`;
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const list of variantFindings) {
    for (const { branches = [], ...f } of list) {
      if (seen.has(key(f))) continue;
      seen.add(key(f));
      const hidden = branches.filter((branch) => !f.path.startsWith(branch));
      out.push(hidden.length > 0 ? { ...f, rule: `${f.rule} (when ${hidden.join(' and ')} applies)` } : f);
    }
  }
  return out;
}

/** Parameter types of the template, and attribute types from the provider schemas. */
function kindContext(template: CfnTemplate, cache: ValidatorCache): KindContext {
  return {
    parameterType: (name) => {
      const type = template.Parameters?.[name]?.Type;
      return typeof type === 'string' ? type : undefined;
    },
    attributeKind: (resource, attribute) => {
      const type = template.Resources?.[resource]?.Type;
      if (typeof type !== 'string') return 'any';
      if (type === 'AWS::CloudFormation::Stack') return 'scalar'; // Outputs.X: outputs are strings
      const raw = cache.has(type) ? cache.rawSchema(type) : undefined;
      return raw ? attributeKindInSchema(raw, attribute) : 'any';
    },
  };
}

/** An attribute "A.B" is the read-only property /properties/A/properties/B of the provider schema. */
export function attributeKindInSchema(root: JsonSchema, attribute: string): ValueKind {
  let node: JsonSchema | undefined = root;
  for (const name of attribute.split('.')) {
    node = resolveLocalRef(root, node);
    node = (node?.properties as Record<string, JsonSchema> | undefined)?.[name];
    if (!node) return 'any';
  }
  const type = resolveLocalRef(root, node)?.type;
  if (type === 'array') return 'list';
  if (type === 'string' || type === 'integer' || type === 'number' || type === 'boolean') return 'scalar';
  return 'any';
}
