// Check 2: integrity inside each template and across nested stacks.
// - every Ref / GetAtt / ${X} / ${X.Attr} names something that exists (GetAtt attributes from the
//   resource spec, nested stacks: Outputs.<Name> of the child template), condition names and
//   Fn::FindInMap maps/keys exist, Conditions only Ref parameters, DependsOn targets exist;
// - no circular dependencies (DependsOn + Ref/GetAtt/Sub);
// - parameter Defaults satisfy their own constraints;
// - a nested stack (AWS::CloudFormation::Stack with a local TemplateURL) receives every parameter
//   its template requires, nothing it does not declare, and literal values it accepts;
// - unused parameters and conditions are warnings.
import { parameterValueProblem, type ParameterConstraints } from '../../../templates-src/core/parameters.js';
import { RESOURCE_INFO } from '../../../templates-src/spec-types/resource-info.js';
import {
  childFile,
  didYouMean,
  formatPath,
  isDependency,
  isLocalTemplateUrl,
  isValueReference,
  nestedStacks,
  NESTED_STACK,
  PSEUDO_PARAMETERS,
  references,
  type CfnResource,
  type CfnTemplate,
  type Reference,
} from '../cfn/index.js';
import { describeCycle, findCycles, type DependencyEdge } from './cycles.js';
import type { Finding } from './findings.js';
import { list as listValues } from './schema-errors.js';

export interface IntegrityContext {
  /** Valid GetAtt attributes of a type outside resource-info.ts (from its provider schema), if known. */
  readonly attributesOf: (type: string) => readonly string[] | undefined;
}

/** A reference together with the section entry it sits in. */
interface Located extends Omit<Reference, 'path'> {
  readonly section: 'Resources' | 'Outputs' | 'Conditions';
  readonly logicalId: string;
  /** Full display path, e.g. Properties.VpcId (resources) or Outputs.VpcId.Value. */
  readonly where: string;
}

const STACK = NESTED_STACK;
const list = (names: Iterable<string>): string => listValues([...names]) || '(none)';

export function checkIntegrity(file: string, template: CfnTemplate, all: ReadonlyMap<string, CfnTemplate>, context: IntegrityContext): Finding[] {
  const references = locatedReferences(template);
  return [
    ...references.flatMap((ref) => checkReference(file, template, all, context, ref)),
    ...checkDependsOn(file, template),
    ...checkCycles(file, template),
    ...checkParameterDefaults(file, template),
    ...checkNestedStacks(file, template, all),
    ...unusedWarnings(file, template, references),
  ];
}

function locatedReferences(template: CfnTemplate): Located[] {
  const out: Located[] = [];
  const located = (section: Located['section'], logicalId: string, prefix: string, refs: readonly Reference[]) =>
    refs.forEach((ref) => out.push({ ...ref, section, logicalId, where: formatPath(ref.path, prefix) }));
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const { Type, DependsOn, Condition, ...rest } = resource ?? {};
    located('Resources', logicalId, '', references(rest));
    if (typeof Condition === 'string') out.push({ kind: 'Condition', target: Condition, section: 'Resources', logicalId, where: 'Condition' });
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    const { Condition, ...rest } = output ?? {};
    located('Outputs', name, `Outputs.${name}`, references(rest));
    if (typeof Condition === 'string') out.push({ kind: 'Condition', target: Condition, section: 'Outputs', logicalId: name, where: `Outputs.${name}.Condition` });
  }
  for (const [name, condition] of Object.entries(template.Conditions ?? {})) located('Conditions', name, `Conditions.${name}`, references(condition, { inConditions: true }));
  return out;
}

function error(file: string, logicalId: string, path: string, rule: string, allowed?: string): Finding {
  return { severity: 'error', check: 'integrity', file, logicalId, path, rule, allowed };
}

const suggest = (name: string, candidates: readonly string[]): string => {
  const hint = didYouMean(name, candidates);
  return hint ? `${hint} ` : '';
};

function checkReference(file: string, template: CfnTemplate, all: ReadonlyMap<string, CfnTemplate>, context: IntegrityContext, ref: Located): Finding[] {
  const parameters = Object.keys(template.Parameters ?? {});
  const resources = Object.keys(template.Resources ?? {});
  const fail = (rule: string, allowed?: string) => [error(file, ref.logicalId, ref.where, rule, allowed)];
  if (isValueReference(ref)) {
    if (PSEUDO_PARAMETERS.has(ref.target) || parameters.includes(ref.target)) return [];
    if (ref.section === 'Conditions') {
      return fail(`${ref.kind} to ${ref.target}: conditions can only reference parameters`, `${suggest(ref.target, parameters)}parameters: ${list(parameters)}`);
    }
    if (resources.includes(ref.target)) return [];
    const names = [...parameters, ...resources];
    return fail(`${ref.kind} to ${ref.target}, which is not a parameter, resource or pseudo parameter`, `${suggest(ref.target, names)}one of ${list(names)}`);
  }
  if (ref.kind === 'GetAtt' || ref.kind === 'Sub') {
    const what = ref.kind === 'GetAtt' ? 'GetAtt' : 'Sub ${…}';
    const resource = template.Resources?.[ref.target];
    if (!resource) {
      const hint = parameters.includes(ref.target) ? ` (${ref.target} is a parameter: use Ref)` : '';
      return fail(`${what} ${ref.target}.${ref.attribute ?? '…'}: no resource ${ref.target}${hint}`, `${suggest(ref.target, resources)}resources: ${list(resources)}`);
    }
    if (ref.attribute === undefined) return [];
    return checkAttribute(file, resource, ref, all, context).map((problem) =>
      error(file, ref.logicalId, ref.where, `${what} ${ref.target}.${ref.attribute}: ${problem.rule}`, problem.allowed),
    );
  }
  if (ref.kind === 'Condition') {
    const conditions = Object.keys(template.Conditions ?? {});
    if (conditions.includes(ref.target)) return [];
    return fail(`condition ${ref.target} is not defined`, `${suggest(ref.target, conditions)}conditions: ${list(conditions)}`);
  }
  // FindInMap
  const mappings = template.Mappings ?? {};
  const map = mappings[ref.target];
  if (!map) return fail(`Fn::FindInMap: no mapping ${ref.target}`, `mappings: ${list(Object.keys(mappings))}`);
  const [top, second] = ref.mapKeys ?? [];
  if (top !== undefined && !(top in map)) return fail(`Fn::FindInMap: mapping ${ref.target} has no key ${top}`, `keys: ${list(Object.keys(map))}`);
  if (top !== undefined && second !== undefined && !(second in (map[top] ?? {}))) {
    return fail(`Fn::FindInMap: mapping ${ref.target}.${top} has no key ${second}`, `keys: ${list(Object.keys(map[top] ?? {}))}`);
  }
  return [];
}

function checkAttribute(file: string, resource: CfnResource, ref: Located, all: ReadonlyMap<string, CfnTemplate>, context: IntegrityContext): { rule: string; allowed: string }[] {
  const type = String(resource.Type);
  const attribute = ref.attribute!;
  if (type === STACK && attribute.startsWith('Outputs.')) {
    const child = localChild(file, resource);
    if (!child || !all.has(child)) return []; // not a local template: cannot know its outputs here
    const outputs = Object.keys(all.get(child)!.Outputs ?? {});
    const name = attribute.slice('Outputs.'.length);
    return outputs.includes(name) ? [] : [{ rule: `${child} has no output ${name}`, allowed: `${suggest(name, outputs)}outputs of ${child}: ${list(outputs)}` }];
  }
  const known = (RESOURCE_INFO as Readonly<Record<string, { attributes: readonly string[] }>>)[type]?.attributes ?? context.attributesOf(type);
  if (!known || known.includes(attribute)) return [];
  const allowed = type === STACK ? [...known.filter((a) => a !== 'Outputs'), 'Outputs.<output name>'] : known;
  return [{ rule: `${type} has no attribute ${attribute}`, allowed: `${suggest(attribute, known)}attributes: ${list(allowed)}` }];
}

/** The file a nested stack's TemplateURL names, when it is a local path (not https:// or s3://). */
function localChild(parentFile: string, resource: CfnResource): string | undefined {
  const url = resource.Properties?.TemplateURL;
  return isLocalTemplateUrl(url) ? childFile(parentFile, url) : undefined;
}

const dependsOnList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function checkDependsOn(file: string, template: CfnTemplate): Finding[] {
  const resources = Object.keys(template.Resources ?? {});
  const findings: Finding[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    dependsOnList(resource?.DependsOn).forEach((target, index) => {
      const path = Array.isArray(resource.DependsOn) ? `DependsOn[${index}]` : 'DependsOn';
      if (typeof target !== 'string') findings.push(error(file, logicalId, path, 'DependsOn entries must be logical IDs', 'a resource logical ID'));
      else if (!resources.includes(target))
        findings.push(error(file, logicalId, path, `DependsOn ${target}: no such resource`, `${suggest(target, resources)}resources: ${list(resources)}`));
    });
  }
  return findings;
}

function checkCycles(file: string, template: CfnTemplate): Finding[] {
  const resources = Object.keys(template.Resources ?? {});
  const isResource = new Set(resources);
  const edges: DependencyEdge[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    for (const target of dependsOnList(resource?.DependsOn)) {
      if (typeof target === 'string' && isResource.has(target)) edges.push({ from: logicalId, to: target, via: 'DependsOn' });
    }
    const { Type, DependsOn, Condition, ...rest } = resource ?? {};
    for (const ref of references(rest)) {
      if (isDependency(ref) && isResource.has(ref.target)) edges.push({ from: logicalId, to: ref.target, via: `${ref.kind} at ${formatPath(ref.path)}` });
    }
  }
  return findCycles(resources, edges).map((loop) =>
    error(
      file,
      loop[0].from,
      loop[0].via === 'DependsOn' ? 'DependsOn' : loop[0].via.replace(/^\S+ at /, ''),
      `circular dependency: ${describeCycle(loop)}`,
      'resources that do not depend on each other in a loop: remove one DependsOn, Ref, GetAtt or Sub',
    ),
  );
}

function checkParameterDefaults(file: string, template: CfnTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const [name, spec] of Object.entries(template.Parameters ?? {})) {
    if (typeof spec?.Type !== 'string') {
      findings.push(
        error(file, name, `Parameters.${name}.Type`, 'parameter without a Type', 'String, Number, List<Number>, CommaDelimitedList, an AWS-specific type or an SSM parameter type'),
      );
      continue;
    }
    if (spec.Default === undefined) continue;
    const problem = parameterValueProblem(spec as unknown as ParameterConstraints, spec.Default);
    if (problem) findings.push(error(file, name, `Parameters.${name}.Default`, `the default ${problem}`, 'a default that meets the parameter’s own constraints'));
  }
  return findings;
}

function checkNestedStacks(file: string, template: CfnTemplate, all: ReadonlyMap<string, CfnTemplate>): Finding[] {
  const findings: Finding[] = [];
  for (const { logicalId, resource, localFile } of nestedStacks(template)) {
    if (localFile === undefined) continue;
    const child = childFile(file, localFile);
    const childTemplate = all.get(child);
    if (!childTemplate) {
      findings.push(error(file, logicalId, 'Properties.TemplateURL', `nested template ${child} is not among the validated templates`, `one of ${list(all.keys())}`));
      continue;
    }
    const passed = (resource.Properties as { Parameters?: unknown }).Parameters ?? {};
    if (passed === null || typeof passed !== 'object' || Array.isArray(passed)) continue; // the schema check reports the shape
    const declared = childTemplate.Parameters ?? {};
    const names = Object.keys(declared);
    for (const [name, value] of Object.entries(passed)) {
      const spec = declared[name];
      const path = `Properties.Parameters.${name}`;
      if (!spec) {
        findings.push(error(file, logicalId, path, `${child} declares no parameter ${name}`, `${suggest(name, names)}parameters of ${child}: ${list(names)}`));
        continue;
      }
      const isLiteral = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
      const problem = isLiteral && typeof spec.Type === 'string' ? parameterValueProblem(spec as unknown as ParameterConstraints, value) : undefined;
      if (problem) findings.push(error(file, logicalId, path, `value for ${child} parameter ${name} ${problem}`, `a value parameter ${name} of ${child} accepts`));
    }
    for (const [name, spec] of Object.entries(declared)) {
      if (spec?.Default === undefined && !(name in passed)) {
        findings.push(
          error(file, logicalId, `Properties.Parameters.${name}`, `missing parameter ${name}: ${child} requires it (no Default)`, `pass ${name} in Properties.Parameters`),
        );
      }
    }
  }
  return findings;
}

function unusedWarnings(file: string, template: CfnTemplate, references: readonly Located[]): Finding[] {
  const referenced = new Set(references.filter((r) => isValueReference(r)).map((r) => r.target));
  const conditionsUsed = new Set(references.filter((r) => r.kind === 'Condition').map((r) => r.target));
  const warning = (logicalId: string, path: string, rule: string, allowed: string): Finding => ({ severity: 'warning', check: 'integrity', file, logicalId, path, rule, allowed });
  return [
    ...Object.keys(template.Parameters ?? {})
      .filter((name) => !referenced.has(name))
      .map((name) => warning(name, `Parameters.${name}`, `parameter ${name} is never used`, 'remove it, or Ref it where it matters')),
    ...Object.keys(template.Conditions ?? {})
      .filter((name) => !conditionsUsed.has(name))
      .map((name) => warning(name, `Conditions.${name}`, `condition ${name} is never used`, 'remove it, or use it in a Condition or Fn::If')),
  ];
}
