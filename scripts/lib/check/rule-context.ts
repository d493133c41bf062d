// What a rule sees: one evaluation context of the platform (all layers, parameters resolved),
// with lookups by type and symbolic resolution across nested stacks — a Ref to a layer parameter
// wired from KmsStack.Outputs.DatabaseKeyArn resolves to the kms layer's DatabaseKey resource.
import { RESOURCE_INFO } from '../../../templates-src/spec-types/resource-info.js';
import type { ContextSpec, EvaluatedLayer, EvaluatedResource } from './evaluated-platform.js';
import { formatPath, getAttArgs, intrinsicOf, isDependency, references, subCall, wholeVariable } from '../cfn/index.js';
import { analyseSegmentation, type Segmentation } from './segmentation.js';

export type { EvaluatedResource } from './evaluated-platform.js';

/** Where a value points once parameters, stack outputs, Join/Split/Select are followed. */
export type Target =
  | { readonly kind: 'resource'; readonly resource: EvaluatedResource; readonly attribute?: string }
  | { readonly kind: 'list'; readonly items: readonly Target[]; readonly joinedWith?: string }
  | { readonly kind: 'literal'; readonly value: string | number | boolean }
  | { readonly kind: 'pseudo'; readonly name: string }
  | { readonly kind: 'unknown'; readonly value: unknown };

/**
 * The tag that names a customer-managed key's data class (Database, Logs …): the class is part of
 * the model, set where the key is declared (templates-src/layers/kms.ts), never read from a name.
 */
export const DATA_CLASS_TAG = 'DataClass';

/** The KMS key a resource is encrypted with. */
export type KeyRef =
  | { readonly kind: 'cmk'; readonly key: EvaluatedResource; readonly keyClass: string }
  /** A customer-managed key of the platform that declares no data class (no DataClass tag). */
  | { readonly kind: 'unclassified-cmk'; readonly key: EvaluatedResource }
  | { readonly kind: 'aws-managed'; readonly text: string }
  | { readonly kind: 'external'; readonly text: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly text: string };

export interface Reference {
  readonly from: EvaluatedResource;
  /** Property path of the reference inside `from`, e.g. Properties.ResourceArn. */
  readonly path: string;
}

const MAX_DEPTH = 12;

export const resourceKey = (r: { layer: string; logicalId: string }): string => `${r.layer}/${r.logicalId}`;

/** Compact text of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  const node = intrinsicOf(value);
  if (node?.fn === 'Ref') return `Ref ${String(node.args)}`;
  if (node?.fn === 'Fn::GetAtt' && Array.isArray(node.args)) return `GetAtt ${node.args.join('.')}`;
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export class CheckContext {
  readonly name: string;
  readonly variant: string;
  readonly production: boolean;
  readonly layers: readonly EvaluatedLayer[];
  /** IDs of every rule in the index (suppressions must name one). */
  readonly ruleIds: ReadonlySet<string>;
  private readonly byType = new Map<string, EvaluatedResource[]>();
  private readonly byLayer = new Map<string, EvaluatedLayer>();
  private readonly byStack = new Map<string, EvaluatedLayer>();
  private referenceIndex?: Map<string, Reference[]>;
  private segmentationCache?: Segmentation;

  constructor(spec: ContextSpec, ruleIds: ReadonlySet<string> = new Set()) {
    this.name = spec.name;
    this.variant = spec.variant;
    this.production = spec.production;
    this.layers = spec.layers;
    this.ruleIds = ruleIds;
    for (const layer of spec.layers) {
      this.byLayer.set(layer.name, layer);
      if (layer.stack) this.byStack.set(layer.stack, layer);
      for (const resource of layer.resources.values()) {
        const list = this.byType.get(resource.type) ?? [];
        list.push(resource);
        this.byType.set(resource.type, list);
      }
    }
  }

  /** Resources of the given types, in layer order then template order. */
  resources<T extends string>(...types: T[]): EvaluatedResource<T>[] {
    if (types.length === 1) return (this.byType.get(types[0]) ?? []) as EvaluatedResource<T>[];
    const wanted = new Set<string>(types);
    return this.layers.flatMap((l) => [...l.resources.values()].filter((r) => wanted.has(r.type))) as EvaluatedResource<T>[];
  }

  allResources(): EvaluatedResource[] {
    return this.layers.flatMap((l) => [...l.resources.values()]);
  }

  has(...types: string[]): boolean {
    return types.some((t) => (this.byType.get(t)?.length ?? 0) > 0);
  }

  layer(name: string): EvaluatedLayer | undefined {
    return this.byLayer.get(name);
  }

  resource(layer: string, logicalId: string): EvaluatedResource | undefined {
    return this.byLayer.get(layer)?.resources.get(logicalId);
  }

  /** Follows a value to what it points at, across nested stacks. */
  resolve(from: EvaluatedResource | string, value: unknown, depth = 0): Target {
    const layer = this.byLayer.get(typeof from === 'string' ? from : from.layer);
    if (value === undefined || value === null || !layer || depth > MAX_DEPTH) return { kind: 'unknown', value };
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { kind: 'literal', value };
    if (Array.isArray(value)) return { kind: 'list', items: value.map((v) => this.resolve(layer.name, v, depth + 1)) };
    const node = intrinsicOf(value);
    if (!node) return { kind: 'unknown', value };
    const args = node.args;
    switch (node.fn) {
      case 'Ref':
        return this.resolveName(layer, String(args), undefined, depth);
      case 'Fn::GetAtt': {
        const { target, attribute } = getAttArgs(args);
        return this.resolveName(layer, String(target), typeof attribute === 'string' ? attribute : undefined, depth);
      }
      case 'Fn::Sub': {
        const sub = subCall(value);
        const whole = sub && wholeVariable(sub.text);
        if (!whole) return { kind: 'unknown', value };
        if (whole.target in sub.variables) return this.resolve(layer.name, sub.variables[whole.target], depth + 1);
        return this.resolveName(layer, whole.target, whole.attribute, depth);
      }
      case 'Fn::Join': {
        const [separator, list] = args as [unknown, unknown];
        const inner = this.resolve(layer.name, list, depth + 1);
        return inner.kind === 'list' ? { kind: 'list', items: inner.items, joinedWith: String(separator) } : { kind: 'unknown', value };
      }
      case 'Fn::Split': {
        const [separator, source] = args as [unknown, unknown];
        const inner = this.resolve(layer.name, source, depth + 1);
        if (inner.kind === 'list' && inner.joinedWith === separator) return { kind: 'list', items: inner.items };
        if (inner.kind === 'literal' && typeof separator === 'string')
          return {
            kind: 'list',
            items: String(inner.value)
              .split(separator)
              .map((v) => ({ kind: 'literal', value: v })),
          };
        return { kind: 'unknown', value };
      }
      case 'Fn::Select': {
        const [index, list] = args as [unknown, unknown];
        const inner = this.resolve(layer.name, list, depth + 1);
        const i = Number(index);
        return inner.kind === 'list' && Number.isInteger(i) && inner.items[i] ? inner.items[i] : { kind: 'unknown', value };
      }
      default:
        return { kind: 'unknown', value };
    }
  }

  private resolveName(layer: EvaluatedLayer, name: string, attribute: string | undefined, depth: number): Target {
    const resource = layer.resources.get(name);
    if (resource) {
      // GetAtt <Stack>.Outputs.X in the root: the output of that layer.
      const nested = this.byStack.get(name);
      if (resource.type === 'AWS::CloudFormation::Stack' && nested && attribute?.startsWith('Outputs.')) {
        const output = attribute.slice('Outputs.'.length);
        return nested.outputs.has(output) ? this.resolve(nested.name, nested.outputs.get(output), depth + 1) : { kind: 'unknown', value: `${name}.${attribute}` };
      }
      return { kind: 'resource', resource, attribute };
    }
    if (name.startsWith('AWS::')) return { kind: 'pseudo', name };
    const parameter = layer.parameters.get(name);
    if (parameter?.kind === 'wired') {
      const source = this.byStack.get(parameter.stack);
      if (source?.outputs.has(parameter.output)) return this.resolve(source.name, source.outputs.get(parameter.output), depth + 1);
      return { kind: 'unknown', value: `${parameter.stack}.Outputs.${parameter.output}` };
    }
    if (parameter?.kind === 'value') {
      const v = parameter.value;
      return Array.isArray(v) ? { kind: 'list', items: v.map((x) => ({ kind: 'literal', value: x })) } : { kind: 'literal', value: v as string | number };
    }
    return { kind: 'unknown', value: { Ref: name } };
  }

  /** Every resource a value points at (lists flattened). */
  resolveResources(from: EvaluatedResource | string, value: unknown): EvaluatedResource[] {
    const out: EvaluatedResource[] = [];
    const walk = (t: Target): void => {
      if (t.kind === 'resource') out.push(t.resource);
      else if (t.kind === 'list') t.items.forEach(walk);
    };
    walk(this.resolve(from, value));
    return out;
  }

  /** The one resource a value points at, if it points at exactly one of the given type. */
  resolveResource(from: EvaluatedResource | string, value: unknown, type?: string): EvaluatedResource | undefined {
    const t = this.resolve(from, value);
    return t.kind === 'resource' && (!type || t.resource.type === type) ? t.resource : undefined;
  }

  /** The KMS key a KmsKeyId-like property names: a platform CMK, an AWS-managed key, or something unproven. */
  key(from: EvaluatedResource, value: unknown): KeyRef {
    if (value === undefined || value === null || value === '') return { kind: 'none' };
    const target = this.resolve(from, value);
    if (target.kind === 'resource') {
      if (target.resource.type === 'AWS::KMS::Key') {
        const keyClass = this.tags(target.resource)?.get(DATA_CLASS_TAG);
        return typeof keyClass === 'string' && keyClass !== '' ? { kind: 'cmk', key: target.resource, keyClass } : { kind: 'unclassified-cmk', key: target.resource };
      }
      if (target.resource.type === 'AWS::KMS::Alias') return this.key(target.resource, target.resource.properties.TargetKeyId);
      return { kind: 'unknown', text: `${target.resource.type} ${resourceKey(target.resource)}` };
    }
    const text = target.kind === 'literal' ? String(target.value) : JSON.stringify(value);
    if (/alias\/aws\//.test(text)) return { kind: 'aws-managed', text };
    if (target.kind === 'literal') {
      const alias = this.resources('AWS::KMS::Alias').find((a) => a.properties.AliasName === text || text.endsWith(`:${String(a.properties.AliasName)}`));
      return alias ? this.key(alias, alias.properties.TargetKeyId) : { kind: 'external', text };
    }
    return { kind: 'unknown', text: show(value) };
  }

  /** Resources whose properties point at `target` (by Ref, GetAtt or Sub, across stacks). */
  referrers(target: EvaluatedResource, ...types: string[]): Reference[] {
    const all = this.references().get(resourceKey(target)) ?? [];
    return types.length === 0 ? all : all.filter((r) => types.includes(r.from.type));
  }

  private references(): Map<string, Reference[]> {
    if (this.referenceIndex) return this.referenceIndex;
    const index = new Map<string, Reference[]>();
    const add = (from: EvaluatedResource, path: string, t: Target): void => {
      if (t.kind === 'list') t.items.forEach((i) => add(from, path, i));
      if (t.kind !== 'resource') return;
      const key = resourceKey(t.resource);
      const list = index.get(key) ?? [];
      if (!list.some((r) => r.from === from && r.path === path)) list.push({ from, path });
      index.set(key, list);
    };
    for (const resource of this.allResources()) {
      const layer = this.byLayer.get(resource.layer)!;
      for (const ref of references(resource.properties, {}, ['Properties'])) {
        if (isDependency(ref)) add(resource, formatPath(ref.path), this.resolveName(layer, ref.target, ref.attribute, 0));
      }
    }
    this.referenceIndex = index;
    return index;
  }

  /** The resource's tags as key → value (whatever tag shape its type uses). */
  tags(resource: EvaluatedResource): Map<string, unknown> | undefined {
    const tagging = (RESOURCE_INFO as Record<string, { tagging?: { property: string; variant: string } }>)[resource.type]?.tagging;
    if (!tagging) return undefined;
    const raw = resource.properties[tagging.property];
    const out = new Map<string, unknown>();
    if (tagging.variant === 'map') {
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) for (const [k, v] of Object.entries(raw)) out.set(k, v);
    } else if (Array.isArray(raw)) {
      for (const tag of raw as { Key?: unknown; Value?: unknown }[]) if (typeof tag?.Key === 'string') out.set(tag.Key, tag.Value);
    }
    return out;
  }

  /** The reachability graph and the three segmentation properties (computed once per context). */
  segmentation(): Segmentation {
    this.segmentationCache ??= analyseSegmentation(this);
    return this.segmentationCache;
  }
}
