// The template model: a CloudFormation template built from typed pieces, checked for dangling
// references and hard limits when rendered, and rendered to a plain tree for the YAML emitter.
import { GetAtt, Intrinsic, PSEUDO_PARAMETERS, Ref, type Named, type Value } from './intrinsics.js';
import type { ResourceType, ResourceTypes } from '../spec-types/index.js';
import { RESOURCE_INFO } from '../spec-types/resource-info.js';
import { formatPath, type Path } from '../../scripts/lib/cfn/paths.js';
import { references } from '../../scripts/lib/cfn/references.js';
import type { CfnTemplate } from '../../scripts/lib/cfn/template.js';

type ParameterType =
  | 'String'
  | 'Number'
  | 'List<Number>'
  | 'CommaDelimitedList'
  | 'AWS::EC2::VPC::Id'
  | 'AWS::EC2::Subnet::Id'
  | 'AWS::EC2::SecurityGroup::Id'
  | 'AWS::EC2::AvailabilityZone::Name'
  | 'List<AWS::EC2::Subnet::Id>'
  | 'List<AWS::EC2::SecurityGroup::Id>'
  | 'List<AWS::EC2::AvailabilityZone::Name>'
  | 'AWS::SSM::Parameter::Value<String>';

export interface ParameterSpec {
  readonly Type: ParameterType;
  readonly Description: string;
  readonly Default?: string | number;
  readonly AllowedValues?: readonly (string | number)[];
  readonly AllowedPattern?: string;
  readonly ConstraintDescription?: string;
  readonly MinLength?: number;
  readonly MaxLength?: number;
  readonly MinValue?: number;
  readonly MaxValue?: number;
  readonly NoEcho?: boolean;
}

type DeletionPolicy = 'Delete' | 'Retain' | 'RetainExceptOnCreate' | 'Snapshot';
type UpdateReplacePolicy = 'Delete' | 'Retain' | 'Snapshot';

/**
 * An exception to a finding: why the finding is wrong for this resource (or accepted), which PCI DSS
 * requirement it touches, what compensates, and until when it holds. Written once, beside the
 * resource, as the register of exceptions; a plain string is the reason alone.
 */
export interface Exception {
  readonly reason: string;
  /** PCI DSS v4.0.1 requirement the finding concerns, e.g. "3.5.1". */
  readonly requirement?: string;
  readonly compensatingControl?: string;
  /** Last day the exception holds (YYYY-MM-DD); after it, make check fails. */
  readonly expires?: string;
}
type ExceptionEntry = string | Exception;

/**
 * Findings switched off for one resource, each with its exception. cfn-lint rule IDs go to
 * `Metadata.cfn-lint.config.ignore_checks`; the project's PCI rule IDs to
 * `Metadata.Suppressions.pci`; checkov, cfn_nag, parliament and Guard IDs to their own Metadata keys, so
 * independent scanners see the same reasoning.
 */
export interface Suppressions {
  readonly cfnLint?: Readonly<Record<string, ExceptionEntry>>;
  readonly pci?: Readonly<Record<string, ExceptionEntry>>;
  readonly checkov?: Readonly<Record<string, ExceptionEntry>>;
  readonly cfnNag?: Readonly<Record<string, ExceptionEntry>>;
  readonly parliament?: Readonly<Record<string, ExceptionEntry>>;
  /** AWS CloudFormation Guard rule names (the AWS Guard Rules Registry's, e.g. IAM_NO_INLINE_POLICY_CHECK). */
  readonly guard?: Readonly<Record<string, ExceptionEntry>>;
}

export interface ResourceOptions {
  readonly DependsOn?: readonly (string | Named)[];
  readonly Condition?: string | Named;
  readonly DeletionPolicy?: DeletionPolicy;
  readonly UpdateReplacePolicy?: UpdateReplacePolicy;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  /** Overrides the template's DataClassification tag for this resource. */
  readonly dataClassification?: string;
  readonly suppress?: Suppressions;
}

/**
 * A template rule: CloudFormation checks the parameter values against its assertions before it
 * creates or changes anything (when RuleCondition holds).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html
 */
export interface RuleSpec {
  readonly RuleCondition?: Intrinsic;
  readonly Assertions: readonly { readonly Assert: Intrinsic; readonly AssertDescription: string }[];
}

export interface OutputSpec {
  readonly Value: unknown;
  readonly Description: string;
  /** Export name (Fn::Sub-able). */
  readonly Export?: Value<string>;
  readonly Condition?: string | Named;
}

export interface ResourceHandle<T extends ResourceType> extends Named {
  readonly type: T;
  readonly ref: Intrinsic;
  getAtt(attribute: ResourceTypes[T]['attributes']): Intrinsic;
}

export interface ParameterHandle extends Named {
  readonly ref: Intrinsic;
}

interface ResourceEntry {
  readonly type: ResourceType;
  readonly properties: Record<string, unknown>;
  readonly options: ResourceOptions;
}

export interface TemplateOptions {
  /** File stem of the rendered template, e.g. "network" → network.yaml. */
  readonly name: string;
  readonly description: string;
  /** Tags applied to every taggable resource (the resource's own tags win on the same key). */
  readonly tags?: Readonly<Record<string, Value<string>>>;
  /**
   * Exceptions that hold for every resource of a kind (a decision of the platform, not of one
   * resource), derived from its type and properties; each lands in the register beside the
   * resource like its own, which win on the same finding.
   */
  readonly standingExceptions?: (type: string, properties: Readonly<Record<string, unknown>>) => Suppressions;
}

export class TemplateError extends Error {}

/** CloudFormation quotas that make a template undeployable. */
export const LIMITS = { resources: 500, parameters: 200, outputs: 200, mappings: 200, bodyBytes: 1_000_000 } as const;

const LOGICAL_ID = /^[A-Za-z0-9]{1,255}$/;

export class Template {
  readonly name: string;
  readonly description: string;
  private readonly tags: Readonly<Record<string, Value<string>>>;
  private readonly standingExceptions?: TemplateOptions['standingExceptions'];
  private readonly metadata: Record<string, unknown> = {};
  private readonly parameters = new Map<string, ParameterSpec>();
  private readonly parameterGroups: { label: string; parameters: string[] }[] = [];
  private readonly mappings = new Map<string, Record<string, Record<string, unknown>>>();
  private readonly conditions = new Map<string, Intrinsic>();
  private readonly rules = new Map<string, RuleSpec>();
  private readonly resources = new Map<string, ResourceEntry>();
  private readonly outputs = new Map<string, OutputSpec>();

  constructor(options: TemplateOptions) {
    this.name = options.name;
    this.description = options.description;
    this.tags = options.tags ?? {};
    this.standingExceptions = options.standingExceptions;
  }

  private claim(logicalId: string, what: string): void {
    if (!LOGICAL_ID.test(logicalId)) {
      throw new TemplateError(`template "${this.name}": ${what} "${logicalId}" is not a valid logical ID (letters and digits only)`);
    }
    if (this.parameters.has(logicalId) || this.resources.has(logicalId) || this.conditions.has(logicalId) || this.mappings.has(logicalId)) {
      throw new TemplateError(`template "${this.name}": ${what} "${logicalId}" is declared twice`);
    }
  }

  parameter(logicalId: string, spec: ParameterSpec, group?: string): ParameterHandle {
    this.claim(logicalId, 'parameter');
    this.parameters.set(logicalId, spec);
    if (group) {
      let entry = this.parameterGroups.find((g) => g.label === group);
      if (!entry) this.parameterGroups.push((entry = { label: group, parameters: [] }));
      entry.parameters.push(logicalId);
    }
    return { logicalId, ref: Ref(logicalId) };
  }

  mapping(logicalId: string, map: Record<string, Record<string, unknown>>): Named {
    this.claim(logicalId, 'mapping');
    this.mappings.set(logicalId, map);
    return { logicalId };
  }

  condition(logicalId: string, expression: Intrinsic): Named {
    this.claim(logicalId, 'condition');
    this.conditions.set(logicalId, expression);
    return { logicalId };
  }

  rule(logicalId: string, spec: RuleSpec): void {
    if (!LOGICAL_ID.test(logicalId) || this.rules.has(logicalId))
      throw new TemplateError(`template "${this.name}": rule "${logicalId}" is not a valid logical ID or is declared twice`);
    this.rules.set(logicalId, spec);
  }

  /** The template's rules (the root copies those that read only its own parameters). */
  get ruleEntries(): [string, RuleSpec][] {
    return [...this.rules];
  }

  resource<T extends ResourceType>(logicalId: string, type: T, properties: ResourceTypes[T]['props'], options: ResourceOptions = {}): ResourceHandle<T> {
    this.claim(logicalId, 'resource');
    this.resources.set(logicalId, {
      type,
      properties: properties as Record<string, unknown>,
      options: this.withStandingExceptions(type, properties as Record<string, unknown>, options),
    });
    return { logicalId, type, ref: Ref(logicalId), getAtt: (attribute) => GetAtt(logicalId, attribute) };
  }

  output(logicalId: string, spec: OutputSpec): void {
    if (!LOGICAL_ID.test(logicalId)) throw new TemplateError(`template "${this.name}": output "${logicalId}" is not a valid logical ID`);
    if (this.outputs.has(logicalId)) throw new TemplateError(`template "${this.name}": output "${logicalId}" is declared twice`);
    this.outputs.set(logicalId, spec);
  }

  addMetadata(key: string, value: unknown): void {
    this.metadata[key] = value;
  }

  /** Names declared in this template, for tests and cross-template checks. */
  get parameterNames(): string[] {
    return [...this.parameters.keys()];
  }
  get outputNames(): string[] {
    return [...this.outputs.keys()];
  }
  parameterSpec(logicalId: string): ParameterSpec | undefined {
    return this.parameters.get(logicalId);
  }
  parameterGroupOf(logicalId: string): string | undefined {
    return this.parameterGroups.find((g) => g.parameters.includes(logicalId))?.label;
  }

  /** The template as a plain tree (intrinsics still as Intrinsic objects), checked. */
  render(): CfnTemplate {
    this.checkLimits();
    const tree: Record<string, unknown> = { AWSTemplateFormatVersion: '2010-09-09', Description: this.description };

    const metadata: Record<string, unknown> = { ...this.metadata };
    if (this.parameterGroups.length > 0) {
      metadata['AWS::CloudFormation::Interface'] = {
        ParameterGroups: this.parameterGroups.map((g) => ({ Label: { default: g.label }, Parameters: g.parameters })),
      };
    }
    if (Object.keys(metadata).length > 0) tree.Metadata = metadata;
    if (this.parameters.size > 0) tree.Parameters = Object.fromEntries(this.parameters);
    if (this.rules.size > 0) tree.Rules = Object.fromEntries(this.rules);
    if (this.mappings.size > 0) tree.Mappings = Object.fromEntries(this.mappings);
    if (this.conditions.size > 0) tree.Conditions = Object.fromEntries(this.conditions);
    tree.Resources = Object.fromEntries([...this.resources].map(([id, entry]) => [id, this.renderResource(id, entry)]));
    if (this.outputs.size > 0) {
      tree.Outputs = Object.fromEntries(
        [...this.outputs].map(([id, o]) => [
          id,
          prune({
            Description: o.Description,
            Condition: o.Condition === undefined ? undefined : nameOf(o.Condition),
            Value: o.Value,
            Export: o.Export === undefined ? undefined : { Name: o.Export },
          }),
        ]),
      );
    }
    const rendered = prune(tree) as CfnTemplate;
    checkReferences(this.name, rendered);
    return rendered;
  }

  private renderResource(logicalId: string, entry: ResourceEntry): Record<string, unknown> {
    const { type, options } = entry;
    const properties = this.withTags(type, entry.properties, options.dataClassification);
    return {
      Type: type,
      Condition: options.Condition === undefined ? undefined : nameOf(options.Condition),
      DependsOn: options.DependsOn && options.DependsOn.length > 0 ? [...new Set(options.DependsOn.map(nameOf))] : undefined,
      DeletionPolicy: options.DeletionPolicy,
      UpdateReplacePolicy: options.UpdateReplacePolicy,
      Metadata: renderMetadata(options, `template "${this.name}" resource ${logicalId}`),
      Properties: Object.keys(properties).length > 0 ? properties : undefined,
    };
  }

  private withStandingExceptions(type: string, properties: Record<string, unknown>, options: ResourceOptions): ResourceOptions {
    const standing = this.standingExceptions?.(type, properties) ?? {};
    if (Object.keys(standing).length === 0) return options;
    const own: Suppressions = options.suppress ?? {};
    const merged = Object.fromEntries(
      [...new Set([...Object.keys(standing), ...Object.keys(own)])].map((tool) => [tool, { ...standing[tool as keyof Suppressions], ...own[tool as keyof Suppressions] }]),
    ) as Suppressions;
    return { ...options, suppress: merged };
  }

  /** Adds the template's tags to a taggable resource (spec tag information decides where and how). */
  private withTags(type: ResourceType, properties: Record<string, unknown>, dataClassification?: string): Record<string, unknown> {
    const tagging = RESOURCE_INFO[type].tagging;
    const wanted: Record<string, Value<string>> = { ...this.tags };
    if (dataClassification !== undefined) wanted.DataClassification = dataClassification;
    if (!tagging || Object.keys(wanted).length === 0) return properties;
    const current = properties[tagging.property];
    if (Intrinsic.is(current)) return properties;
    if (tagging.variant === 'map') {
      const own = (current ?? {}) as Record<string, unknown>;
      return { ...properties, [tagging.property]: { ...wanted, ...own } };
    }
    const own = (current ?? []) as { Key: unknown; Value: unknown }[];
    const ownKeys = new Set(own.map((t) => t.Key));
    const added = Object.entries(wanted)
      .filter(([key]) => !ownKeys.has(key))
      .map(([Key, Value]) => (tagging.variant === 'asg' ? { Key, Value, PropagateAtLaunch: true } : { Key, Value }));
    return { ...properties, [tagging.property]: [...own, ...added] };
  }

  private checkLimits(): void {
    const over = (what: string, count: number, limit: number): void => {
      if (count > limit) throw new TemplateError(`template "${this.name}": ${count} ${what}, over the CloudFormation limit of ${limit}`);
    };
    over('resources', this.resources.size, LIMITS.resources);
    over('parameters', this.parameters.size, LIMITS.parameters);
    over('outputs', this.outputs.size, LIMITS.outputs);
    over('mappings', this.mappings.size, LIMITS.mappings);
  }
}

function nameOf(target: string | Named): string {
  return typeof target === 'string' ? target : target.logicalId;
}

/** Where each tool's exceptions go in the register (Metadata.Suppressions), by suppress option. */
const REGISTER_KEYS = { cfnLint: 'cfn-lint', pci: 'pci', checkov: 'checkov', cfnNag: 'cfn_nag', parliament: 'parliament', guard: 'guard' } as const;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** One exception as the register holds it: always an object, absent fields left out. */
function registerEntry(entry: ExceptionEntry, where: string): Exception {
  const e: Exception = typeof entry === 'string' ? { reason: entry } : entry;
  if (e.expires !== undefined && (!ISO_DAY.test(e.expires) || Number.isNaN(Date.parse(`${e.expires}T00:00:00Z`)))) {
    throw new TemplateError(`${where}: expires "${e.expires}" is not a date (YYYY-MM-DD)`);
  }
  return Object.fromEntries(
    Object.entries({ reason: e.reason, requirement: e.requirement, compensatingControl: e.compensatingControl, expires: e.expires }).filter(([, v]) => v !== undefined),
  ) as unknown as Exception;
}

/**
 * The resource's Metadata: its own, the register of exceptions (Metadata.Suppressions: tool →
 * finding ID → { reason, requirement, compensatingControl, expires }) that the evidence report
 * and PCI-GOV-001 read, and each scanner's native suppression metadata written from it.
 */
function renderMetadata(options: ResourceOptions, where: string): Record<string, unknown> | undefined {
  const metadata: Record<string, unknown> = { ...(options.Metadata ?? {}) };
  const s = options.suppress ?? {};
  const register: Record<string, Record<string, Exception>> = {};
  for (const [option, key] of Object.entries(REGISTER_KEYS) as [keyof Suppressions, string][]) {
    const entries = s[option];
    if (!entries || Object.keys(entries).length === 0) continue;
    register[key] = Object.fromEntries(Object.entries(entries).map(([id, entry]) => [id, registerEntry(entry, `${where}: suppress.${option}.${id}`)]));
  }
  if (register['cfn-lint']) metadata['cfn-lint'] = { config: { ignore_checks: Object.keys(register['cfn-lint']) } };
  if (register.checkov) metadata.checkov = { skip: Object.entries(register.checkov).map(([id, e]) => ({ id, comment: e.reason })) };
  // https://docs.aws.amazon.com/cfn-guard/latest/ug/writing-rules.html: the registry's rules skip a
  // resource whose Metadata.guard.SuppressedRules names them.
  if (register.guard) metadata.guard = { SuppressedRules: Object.keys(register.guard) };
  if (register.cfn_nag) metadata.cfn_nag = { rules_to_suppress: Object.entries(register.cfn_nag).map(([id, e]) => ({ id, reason: e.reason })) };
  if (Object.keys(register).length > 0) metadata.Suppressions = register;
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

/** Drops undefined values (recursively) so that the emitted YAML never depends on them. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (Intrinsic.is(value)) return new Intrinsic(value.fn, prune(value.args));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = prune(v);
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Reference checks: every Ref / GetAtt / Sub variable / DependsOn / Condition must name
// something in the template, so a dangling name is a build error, not a failed deployment.

function checkReferences(templateName: string, tree: Record<string, unknown>): void {
  const parameters = new Set(Object.keys((tree.Parameters ?? {}) as object));
  const resources = (tree.Resources ?? {}) as Record<string, { Type: ResourceType; DependsOn?: string[]; Condition?: string }>;
  const conditions = new Set(Object.keys((tree.Conditions ?? {}) as object));
  const mappings = new Set(Object.keys((tree.Mappings ?? {}) as object));
  const problems: string[] = [];

  const checkRef = (name: string, where: string): void => {
    if (!parameters.has(name) && !(name in resources) && !PSEUDO_PARAMETERS.has(name)) {
      problems.push(`${where}: Ref to "${name}", which is not a parameter, resource or pseudo parameter of this template`);
    }
  };
  const checkGetAtt = (logicalId: string, attribute: string | undefined, where: string): void => {
    const target = resources[logicalId];
    if (!target) {
      problems.push(`${where}: Fn::GetAtt on "${logicalId}", which is not a resource of this template`);
      return;
    }
    if (attribute === undefined) return;
    const info = RESOURCE_INFO[target.Type];
    const ok = info.attributes.includes(attribute) || (target.Type === 'AWS::CloudFormation::Stack' && /^Outputs\.[A-Za-z0-9]+$/.test(attribute));
    if (!ok) problems.push(`${where}: Fn::GetAtt ${logicalId}.${attribute}: ${target.Type} has no attribute "${attribute}"`);
  };
  const checkCondition = (name: string, where: string): void => {
    if (!conditions.has(name)) problems.push(`${where}: condition "${name}" is not declared in Conditions`);
  };

  // The toolkit's reference walker (scripts/lib/cfn) reads the Intrinsic objects of the model.
  const walk = (value: unknown, at: Path): void => {
    for (const ref of references(value, {}, at)) {
      const where = formatPath(ref.path);
      switch (ref.kind) {
        case 'Ref':
          checkRef(ref.target, where);
          break;
        case 'Condition':
          checkCondition(ref.target, where);
          break;
        case 'GetAtt':
          checkGetAtt(ref.target, ref.attribute, where);
          break;
        case 'FindInMap':
          if (!mappings.has(ref.target)) problems.push(`${where}: Fn::FindInMap on "${ref.target}", which is not a mapping of this template`);
          break;
        case 'Sub': {
          const name = ref.attribute === undefined ? ref.target : `${ref.target}.${ref.attribute}`;
          if (ref.attribute !== undefined) checkGetAtt(ref.target, ref.attribute, `${where} (Fn::Sub \${${name}})`);
          else checkRef(ref.target, `${where} (Fn::Sub \${${name}})`);
          break;
        }
      }
    }
  };

  for (const [id, resource] of Object.entries(resources)) {
    for (const dep of resource.DependsOn ?? []) {
      if (!(dep in resources)) problems.push(`Resources.${id}.DependsOn: "${dep}" is not a resource of this template`);
    }
    if (resource.Condition !== undefined) checkCondition(resource.Condition, `Resources.${id}.Condition`);
    walk((resource as Record<string, unknown>).Properties, ['Resources', id, 'Properties']);
  }
  for (const [id, expression] of Object.entries((tree.Conditions ?? {}) as Record<string, unknown>)) walk(expression, ['Conditions', id]);
  for (const [id, rule] of Object.entries((tree.Rules ?? {}) as Record<string, unknown>)) walk(rule, ['Rules', id]);
  for (const [id, output] of Object.entries((tree.Outputs ?? {}) as Record<string, Record<string, unknown>>)) {
    if (typeof output.Condition === 'string') checkCondition(output.Condition, `Outputs.${id}.Condition`);
    walk(output.Value, ['Outputs', id, 'Value']);
    walk(output.Export, ['Outputs', id, 'Export']);
  }
  if (problems.length > 0) {
    throw new TemplateError(`template "${templateName}" has dangling references:\n  ${problems.join('\n  ')}`);
  }
}
