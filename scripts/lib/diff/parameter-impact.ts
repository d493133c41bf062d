// Where a root parameter's value lands: followed through the root into nested stacks (a Stack's
// Parameters.X = !Ref P makes X the name to follow in that layer), down to resource property paths
// (Ref, Fn::Sub) and to conditions (a resource's Condition, an Fn::If in a property).
import { isDependency, references, type Reference as CfnReference } from '../cfn/index.js';
import { referencesIn } from './references.js';
import { replacementOf, type Replacement } from './replacement.js';
import { ROOT_TEMPLATE, type CfnTemplate, type TemplateSet } from './types.js';
import { formatPath, type Path } from './value-paths.js';

export interface ParameterUse {
  readonly template: string;
  readonly logicalId: string;
  readonly type: string;
  /** A property path whose value follows the parameter … */
  readonly path?: string;
  readonly property?: string;
  readonly replacement?: Replacement;
  /** … or the condition, depending on it, under which the resource exists. */
  readonly condition?: string;
}

const NESTED_STACK = 'AWS::CloudFormation::Stack';
const MAX_DEPTH = 5;

/** Names of conditions that depend on the parameter, directly or through other conditions. */
function conditionsOn(template: CfnTemplate, parameter: string): Set<string> {
  const conditions = Object.entries(template.Conditions ?? {}).map(([name, definition]) => [name, references(definition, { inConditions: true })] as const);
  const found = new Set<string>();
  const mentions = (refs: readonly CfnReference[]): boolean => refs.some((r) => (r.kind === 'Condition' ? found.has(r.target) : isDependency(r) && r.target === parameter));
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, refs] of conditions) {
      if (!found.has(name) && mentions(refs)) {
        found.add(name);
        grew = true;
      }
    }
  }
  return found;
}

/** Paths of Fn::If whose condition is one of `conditions`. */
const ifPaths = (value: unknown, conditions: ReadonlySet<string>): Path[] =>
  references(value)
    .filter((r) => r.kind === 'Condition' && conditions.has(r.target))
    .map((r) => r.path.slice(0, -2));

export function usesOfParameter(set: TemplateSet, parameter: string, file = ROOT_TEMPLATE, depth = 0): ParameterUse[] {
  const template = set.templates.get(file);
  if (!template || depth > MAX_DEPTH) return [];
  const conditions = conditionsOn(template, parameter);
  const uses: ParameterUse[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const at = { template: file, logicalId, type: resource.Type };
    if (typeof resource.Condition === 'string' && conditions.has(resource.Condition)) uses.push({ ...at, condition: resource.Condition });
    const paths = [
      ...referencesIn(resource.Properties ?? {})
        .filter((r) => r.id === parameter)
        .map((r) => r.path),
      ...ifPaths(resource.Properties ?? {}, conditions),
    ];
    for (const path of paths) {
      const url = resource.Properties?.TemplateURL;
      if (resource.Type === NESTED_STACK && path[0] === 'Parameters' && path.length === 2 && typeof url === 'string') {
        uses.push(...usesOfParameter(set, String(path[1]), url, depth + 1));
        continue;
      }
      uses.push({ ...at, path: formatPath(path), property: String(path[0]), replacement: replacementOf(resource.Type, path) });
    }
  }
  return uses;
}
