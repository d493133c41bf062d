// Where a root parameter's value lands: followed through the root into nested stacks (a Stack's
// Parameters.X = !Ref P makes X the name to follow in that layer), down to resource property paths
// (Ref, Fn::Sub) and to conditions (a resource's Condition, an Fn::If in a property).
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
export function conditionsOn(template: CfnTemplate, parameter: string): Set<string> {
  const conditions = Object.entries(template.Conditions ?? {});
  const found = new Set<string>();
  const mentions = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(mentions);
    if (value === null || typeof value !== 'object') return false;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0]![0] === 'Condition' && typeof entries[0]![1] === 'string') return found.has(entries[0]![1]);
    return referencesIn(value).some((r) => r.id === parameter) || entries.some(([, v]) => mentions(v));
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, definition] of conditions) {
      if (!found.has(name) && mentions(definition)) {
        found.add(name);
        grew = true;
      }
    }
  }
  return found;
}

/** Paths of Fn::If whose condition is one of `conditions`. */
function ifPaths(value: unknown, conditions: ReadonlySet<string>, at: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => ifPaths(v, conditions, [...at, i]));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const branch = record['Fn::If'];
  const own = Array.isArray(branch) && typeof branch[0] === 'string' && conditions.has(branch[0]) ? [at] : [];
  return [...own, ...Object.entries(record).flatMap(([k, v]) => ifPaths(v, conditions, [...at, k]))];
}

export function usesOfParameter(set: TemplateSet, parameter: string, file = ROOT_TEMPLATE, depth = 0): ParameterUse[] {
  const template = set.templates.get(file);
  if (!template || depth > MAX_DEPTH) return [];
  const conditions = conditionsOn(template, parameter);
  const uses: ParameterUse[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const at = { template: file, logicalId, type: resource.Type };
    if (typeof resource.Condition === 'string' && conditions.has(resource.Condition)) uses.push({ ...at, condition: resource.Condition });
    const paths = [...referencesIn(resource.Properties ?? {}).filter((r) => r.id === parameter).map((r) => r.path), ...ifPaths(resource.Properties ?? {}, conditions)];
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
