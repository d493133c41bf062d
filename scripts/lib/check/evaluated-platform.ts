// Evaluation contexts: the platform with its parameters resolved to their defaults, and to each
// environment's parameter file. The root passes its parameters to the nested stacks
// (Parameters: {Name: Ref RootParam} or GetAtt OtherStack.Outputs.X); each layer is evaluated
// with what it receives. A parameter without a default that decides a condition (Environment in
// the defaults context) is enumerated over its allowed values, so every condition is decided and
// the rules see concrete templates: a control must hold in every variant.
import { basename } from 'node:path';
import { intrinsicOf, nestedStacks, references, type CfnTemplate, type PropertiesOf } from '../cfn/index.js';
import { evaluateCondition, isScalar, resolveValue, type ParameterValue, type Scope } from './evaluate.js';
import { CheckInputError, type CheckInputs, type ParameterSet, type TemplateFile } from './inputs.js';

/** A resource of type T; for a union of types, a union discriminated by `type` (narrowing the type narrows the properties). */
export type EvaluatedResource<T extends string = string> = T extends unknown ? EvaluatedResourceOf<T> : never;

interface EvaluatedResourceOf<T extends string> {
  readonly layer: string;
  readonly file: string;
  readonly logicalId: string;
  readonly type: T;
  /** Properties with every decidable intrinsic resolved, typed by the spec types of T. */
  readonly properties: PropertiesOf<T>;
  readonly metadata: Record<string, unknown>;
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
}

export interface EvaluatedLayer {
  /** Template file stem (network); the root template is "root". */
  readonly name: string;
  readonly file: string;
  /** Logical ID of the nested stack in the root (NetworkStack); undefined for the root and standalone templates. */
  readonly stack?: string;
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  /** The template's Parameters section as written (Type, NoEcho, AllowedValues …). */
  readonly parameterSpecs: Readonly<Record<string, { readonly Type?: string; readonly NoEcho?: unknown; readonly AllowedPattern?: string }>>;
  readonly resources: ReadonlyMap<string, EvaluatedResource>;
  readonly outputs: ReadonlyMap<string, unknown>;
}

export interface ContextSpec {
  /** defaults, or a parameter file's stem (dev, staging, prod). */
  readonly name: string;
  /** The name plus the enumerated parameter values, e.g. "defaults (Environment=prod)". */
  readonly variant: string;
  readonly production: boolean;
  readonly layers: readonly EvaluatedLayer[];
}

type ParameterSpecs = Record<string, { Type?: string; Default?: unknown; AllowedValues?: unknown[]; NoEcho?: unknown; AllowedPattern?: string }>;

const specsOf = (tree: CfnTemplate): ParameterSpecs => (tree.Parameters ?? {}) as ParameterSpecs;

/** Converts a parameter value to what a Ref yields: lists for list types, numbers for Number. */
function typed(type: string | undefined, value: unknown): string | number | string[] {
  if (Array.isArray(value)) return value.map(String);
  const text = String(value);
  if (type && (type.startsWith('List<') || type === 'CommaDelimitedList')) return text === '' ? [] : text.split(',').map((s) => s.trim());
  if (type === 'Number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  return text;
}

/** Parameters referenced by the template's Conditions. */
/** Parameters that decide a condition or a template Rule (so the variants are enumerated over them). */
function conditionParameters(tree: CfnTemplate): Set<string> {
  const parameters = specsOf(tree);
  const deciding = { conditions: tree.Conditions ?? {}, rules: (tree as { Rules?: unknown }).Rules ?? {} };
  return new Set(
    references(deciding, { inConditions: true })
      .filter((r) => r.kind === 'Ref' && r.target in parameters)
      .map((r) => r.target),
  );
}

/** Literals a parameter is compared with in Fn::Equals, for enumerating parameters without AllowedValues. */
function comparedLiterals(trees: readonly CfnTemplate[], name: string): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const node = intrinsicOf(v);
      if (node?.fn === 'Fn::Equals' && Array.isArray(node.args)) {
        const [a, b] = node.args;
        if (intrinsicOf(a)?.args === name && isScalar(b)) found.add(String(b));
        if (intrinsicOf(b)?.args === name && isScalar(a)) found.add(String(a));
      }
      Object.values(v).forEach(walk);
    }
  };
  trees.forEach((t) => walk(t.Conditions ?? {}));
  return [...found, ''];
}

const MAX_VARIANTS = 32;

/** Every combination of values for the given unset, condition-deciding parameters. */
function enumerate(names: readonly string[], valuesOf: (name: string) => string[]): Record<string, string>[] {
  let combos: Record<string, string>[] = [{}];
  for (const name of names) {
    const next = combos.flatMap((combo) => valuesOf(name).map((value) => ({ ...combo, [name]: value })));
    if (next.length > MAX_VARIANTS) return [{}];
    combos = next;
  }
  return combos;
}

function evaluateLayer(template: TemplateFile, parameters: Map<string, ParameterValue>, stack?: string): EvaluatedLayer {
  const tree = template.tree;
  const conditionsTree = (tree.Conditions ?? {}) as Record<string, unknown>;
  const conditions = new Map<string, boolean | undefined>();
  const scope: Scope = { parameters, conditions, mappings: (tree.Mappings ?? {}) as Record<string, unknown> };
  for (const [name, expression] of Object.entries(conditionsTree)) conditions.set(name, evaluateCondition(expression, scope, conditionsTree));
  const present = (condition: unknown): boolean => typeof condition !== 'string' || conditions.get(condition) !== false;

  const resources = new Map<string, EvaluatedResource>();
  for (const [logicalId, raw] of Object.entries(tree.Resources ?? {})) {
    if (!present(raw.Condition)) continue;
    resources.set(logicalId, {
      layer: template.name,
      file: template.file,
      logicalId,
      type: raw.Type,
      properties: (resolveValue(raw.Properties ?? {}, scope) ?? {}) as Record<string, unknown>,
      metadata: (resolveValue(raw.Metadata ?? {}, scope) ?? {}) as Record<string, unknown>,
      deletionPolicy: typeof raw.DeletionPolicy === 'string' ? raw.DeletionPolicy : undefined,
      updateReplacePolicy: typeof raw.UpdateReplacePolicy === 'string' ? raw.UpdateReplacePolicy : undefined,
    });
  }
  const outputs = new Map<string, unknown>();
  for (const [name, output] of Object.entries(tree.Outputs ?? {})) {
    if (present(output.Condition)) outputs.set(name, resolveValue(output.Value, scope));
  }
  return { name: template.name, file: template.file, stack, parameters, parameterSpecs: specsOf(tree), resources, outputs };
}

/** A standalone template's parameters: the set's value for names it declares, else its default. */
function ownParameters(tree: CfnTemplate, values: Readonly<Record<string, string>>): Map<string, ParameterValue> {
  const out = new Map<string, ParameterValue>();
  for (const [name, spec] of Object.entries(specsOf(tree))) {
    const given = name in values ? values[name] : spec.Default;
    out.set(name, given === undefined ? { kind: 'unset' } : { kind: 'value', value: typed(spec.Type, given) });
  }
  return out;
}

function withAssignment(parameters: Map<string, ParameterValue>, specs: ParameterSpecs, assignment: Record<string, string>): Map<string, ParameterValue> {
  const out = new Map(parameters);
  for (const [name, value] of Object.entries(assignment)) if (out.get(name)?.kind === 'unset') out.set(name, { kind: 'value', value: typed(specs[name]?.Type, value) });
  return out;
}

function layerFileName(url: unknown, rootFile: string, stack: string): string {
  if (typeof url !== 'string') throw new CheckInputError(`${rootFile}: Resources.${stack}.Properties.TemplateURL: must be a literal file name or URL of the layer template`);
  return basename(url.split('?')[0]).replace(/\.(ya?ml|json)$/, '');
}

interface Layout {
  readonly root?: TemplateFile;
  /** Root stack logical ID → layer template. */
  readonly stacks: ReadonlyMap<string, TemplateFile>;
  readonly standalone: readonly TemplateFile[];
}

function layout(inputs: CheckInputs): Layout {
  const root = inputs.templates.find((t) => t.name === 'root');
  const byName = new Map(inputs.templates.map((t) => [t.name, t]));
  const stacks = new Map<string, TemplateFile>();
  if (root) {
    for (const { logicalId: id, templateUrl } of nestedStacks(root.tree)) {
      const name = layerFileName(templateUrl, root.file, id);
      const template = byName.get(name);
      if (!template) throw new CheckInputError(`${root.file}: Resources.${id}.Properties.TemplateURL: ${name}.yaml is not among the templates given`);
      stacks.set(id, template);
    }
  }
  const nested = new Set([...stacks.values()].map((t) => t.name));
  const standalone = inputs.templates.filter((t) => t !== root && !nested.has(t.name));
  return { root, stacks, standalone };
}

function rootRelevantParameters(lay: Layout): string[] {
  const root = lay.root!;
  const relevant = conditionParameters(root.tree);
  for (const [id, template] of lay.stacks) {
    const passed = (root.tree.Resources?.[id]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const layerConditionParameters = conditionParameters(template.tree);
    for (const [layerParameter, expression] of Object.entries(passed)) {
      const ref = intrinsicOf(expression);
      if (ref?.fn === 'Ref' && typeof ref.args === 'string' && layerConditionParameters.has(layerParameter)) relevant.add(ref.args);
    }
  }
  return [...relevant].sort();
}

function platformVariant(lay: Layout, set: { name: string; values: Readonly<Record<string, string>> }, assignment: Record<string, string>): EvaluatedLayer[] {
  const root = lay.root!;
  const rootSpecs = specsOf(root.tree);
  const rootParameters = withAssignment(ownParameters(root.tree, set.values), rootSpecs, assignment);
  const rootLayer = evaluateLayer(root, rootParameters);
  const layers: EvaluatedLayer[] = [rootLayer];
  for (const [stack, template] of lay.stacks) {
    const stackResource = rootLayer.resources.get(stack);
    if (!stackResource) continue; // the stack's Condition is false in this context
    const passed = (stackResource.properties.Parameters ?? {}) as Record<string, unknown>;
    const parameters = new Map<string, ParameterValue>();
    for (const [name, spec] of Object.entries(specsOf(template.tree))) {
      const value = name in passed ? passed[name] : spec.Default;
      const getAtt = intrinsicOf(value);
      if (getAtt?.fn === 'Fn::GetAtt' && Array.isArray(getAtt.args) && /^Outputs\./.test(String(getAtt.args[1]))) {
        parameters.set(name, { kind: 'wired', stack: String(getAtt.args[0]), output: String(getAtt.args[1]).slice('Outputs.'.length) });
      } else if (isScalar(value) || (Array.isArray(value) && value.every(isScalar))) {
        parameters.set(name, { kind: 'value', value: typed(spec.Type, value) });
      } else {
        parameters.set(name, { kind: 'unset' });
      }
    }
    layers.push(evaluateLayer(template, parameters, stack));
  }
  for (const template of lay.standalone) layers.push(evaluateLayer(template, withAssignment(ownParameters(template.tree, {}), specsOf(template.tree), assignment)));
  return layers;
}

function standaloneVariant(lay: Layout, set: { name: string; values: Readonly<Record<string, string>> }, assignment: Record<string, string>): EvaluatedLayer[] {
  return lay.standalone.map((t) => evaluateLayer(t, withAssignment(ownParameters(t.tree, set.values), specsOf(t.tree), assignment)));
}

/**
 * The template Rules whose assertions fail for these parameter values: CloudFormation refuses to
 * create or update a stack then. A rule whose RuleCondition is false or unknown, or an assertion
 * that depends on unknown values, refuses nothing.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html
 */
function refusingRules(tree: CfnTemplate, parameters: ReadonlyMap<string, ParameterValue>): { readonly id: string; readonly description: string }[] {
  const conditions = (tree.Conditions ?? {}) as Readonly<Record<string, unknown>>;
  const scope = { parameters, conditions: new Map<string, boolean | undefined>(), mappings: (tree.Mappings ?? {}) as Readonly<Record<string, unknown>> };
  const rules = ((tree as { Rules?: unknown }).Rules ?? {}) as Readonly<
    Record<string, { RuleCondition?: unknown; Assertions?: readonly { Assert: unknown; AssertDescription?: string }[] }>
  >;
  return Object.entries(rules)
    .filter(([, rule]) => rule.RuleCondition === undefined || evaluateCondition(rule.RuleCondition, scope, conditions) === true)
    .flatMap(([id, rule]) =>
      (rule.Assertions ?? [])
        .filter((a) => evaluateCondition(a.Assert, scope, conditions) === false)
        .map((a) => ({ id, description: a.AssertDescription ?? 'its assertion fails' })),
    );
}

/** refusingRules for parameter values given as text (a parameter file or a StackSet instance's). */
export function refusingRulesFor(tree: CfnTemplate, values: Readonly<Record<string, string>>): { readonly id: string; readonly description: string }[] {
  return refusingRules(tree, ownParameters(tree, values));
}

const CONTEXT_ORDER = ['defaults', 'dev', 'staging', 'prod'];
const contextRank = (name: string): number => (CONTEXT_ORDER.includes(name) ? CONTEXT_ORDER.indexOf(name) : CONTEXT_ORDER.length);

/** Every evaluation context of the inputs: defaults, then one per parameter file. */
export function buildContexts(inputs: CheckInputs): ContextSpec[] {
  const lay = layout(inputs);
  const sets: { name: string; values: Readonly<Record<string, string>> }[] = [
    { name: 'defaults', values: {} },
    ...[...inputs.parameterSets].sort((a: ParameterSet, b: ParameterSet) => contextRank(a.name) - contextRank(b.name) || a.name.localeCompare(b.name)),
  ];
  const allTrees = inputs.templates.map((t) => t.tree);
  const contexts: ContextSpec[] = [];
  for (const set of sets) {
    // Unset parameters that decide a condition are enumerated.
    let unset: string[];
    let specs: ParameterSpecs;
    if (lay.root) {
      specs = specsOf(lay.root.tree);
      unset = rootRelevantParameters(lay).filter((name) => !(name in set.values) && specs[name]?.Default === undefined);
    } else {
      specs = Object.assign({}, ...lay.standalone.map((t) => specsOf(t.tree)));
      unset = [...new Set(lay.standalone.flatMap((t) => [...conditionParameters(t.tree)]))].filter((name) => !(name in set.values) && specs[name]?.Default === undefined).sort();
    }
    const valuesOf = (name: string): string[] => (specs[name]?.AllowedValues ? specs[name].AllowedValues!.map(String) : comparedLiterals(allTrees, name));
    for (const assignment of enumerate(unset, valuesOf)) {
      // A variant of the defaults the root's template Rules refuse cannot be deployed (CloudFormation
      // rejects the stack before it creates anything): there is nothing to evaluate. A parameter
      // file is evaluated as it is (the build refuses a file its Rules refuse; the StackSet preflight
      // reports an instance's).
      if (set.name === 'defaults' && lay.root && refusingRules(lay.root.tree, withAssignment(ownParameters(lay.root.tree, set.values), specs, assignment)).length > 0) continue;
      const layers = lay.root ? platformVariant(lay, set, assignment) : standaloneVariant(lay, set, assignment);
      const label = Object.entries(assignment)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      const environment = assignment.Environment ?? set.values.Environment;
      contexts.push({
        name: set.name,
        variant: label ? `${set.name} (${label})` : set.name,
        production: set.name === 'defaults' || set.name === 'prod' || environment === 'prod',
        layers,
      });
    }
  }
  return contexts;
}
