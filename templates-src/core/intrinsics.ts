// CloudFormation intrinsic functions as typed values.
//
// An intrinsic is an instance of `Intrinsic`; the class has an ECMAScript private field, so
// TypeScript treats it nominally: an object literal can never pass for one, which keeps the
// excess-property check of generated property types (Value<T> = T | Intrinsic) sharp.

export type IntrinsicName =
  | 'Ref'
  | 'Condition'
  | 'Fn::GetAtt'
  | 'Fn::Sub'
  | 'Fn::Join'
  | 'Fn::Select'
  | 'Fn::Split'
  | 'Fn::GetAZs'
  | 'Fn::Cidr'
  | 'Fn::If'
  | 'Fn::Equals'
  | 'Fn::And'
  | 'Fn::Or'
  | 'Fn::Not'
  | 'Fn::FindInMap'
  | 'Fn::ImportValue'
  | 'Fn::Base64'
  | 'Fn::Length'
  | 'Fn::ToJsonString';

export const INTRINSIC_NAMES: readonly IntrinsicName[] = [
  'Ref',
  'Condition',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::GetAZs',
  'Fn::Cidr',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::FindInMap',
  'Fn::ImportValue',
  'Fn::Base64',
  'Fn::Length',
  'Fn::ToJsonString',
];

export class Intrinsic {
  readonly #brand = true;
  constructor(
    readonly fn: IntrinsicName,
    readonly args: unknown,
  ) {}
  static is(value: unknown): value is Intrinsic {
    return value instanceof Intrinsic && value.#brand;
  }
}

/** A property value: the literal type, or any intrinsic that resolves to it at deploy time. */
export type Value<T> = T | Intrinsic;

/** Anything that has a logical ID: resources, parameters, conditions of a Template. */
export interface Named {
  readonly logicalId: string;
}

type NameOrHandle = string | Named;
const nameOf = (target: NameOrHandle): string => (typeof target === 'string' ? target : target.logicalId);

export const Ref = (target: NameOrHandle): Intrinsic => new Intrinsic('Ref', nameOf(target));

export const GetAtt = (target: NameOrHandle, attribute: string): Intrinsic => new Intrinsic('Fn::GetAtt', [nameOf(target), attribute]);

/** Fn::Sub. `${Name}` / `${Name.Attr}` in the string must name things in the template or in `variables`. */
export const Sub = (template: string, variables?: Record<string, Value<string>>): Intrinsic =>
  new Intrinsic('Fn::Sub', variables && Object.keys(variables).length > 0 ? [template, variables] : template);

export const Join = (separator: string, values: Value<Value<string>[]>): Intrinsic => new Intrinsic('Fn::Join', [separator, values]);

export const Select = (index: Value<number>, list: Value<unknown[]>): Intrinsic => new Intrinsic('Fn::Select', [index, list]);

export const Split = (separator: string, source: Value<string>): Intrinsic => new Intrinsic('Fn::Split', [separator, source]);

export const GetAZs = (region: Value<string> = ''): Intrinsic => new Intrinsic('Fn::GetAZs', region);

export const Cidr = (ipBlock: Value<string>, count: Value<number>, cidrBits: Value<number>): Intrinsic => new Intrinsic('Fn::Cidr', [ipBlock, count, cidrBits]);

export const If = (condition: NameOrHandle, whenTrue: unknown, whenFalse: unknown): Intrinsic => new Intrinsic('Fn::If', [nameOf(condition), whenTrue, whenFalse]);

export const Equals = (left: unknown, right: unknown): Intrinsic => new Intrinsic('Fn::Equals', [left, right]);

export const And = (...conditions: Intrinsic[]): Intrinsic => new Intrinsic('Fn::And', conditions);

export const Or = (...conditions: Intrinsic[]): Intrinsic => new Intrinsic('Fn::Or', conditions);

export const Not = (condition: Intrinsic): Intrinsic => new Intrinsic('Fn::Not', [condition]);

/** `{Condition: Name}`: refers to another condition inside a condition expression. */
export const ConditionRef = (condition: NameOrHandle): Intrinsic => new Intrinsic('Condition', nameOf(condition));

export const FindInMap = (mapName: NameOrHandle, topKey: Value<string>, secondKey: Value<string>): Intrinsic =>
  new Intrinsic('Fn::FindInMap', [nameOf(mapName), topKey, secondKey]);

export const ImportValue = (exportName: Value<string>): Intrinsic => new Intrinsic('Fn::ImportValue', exportName);

export const Base64 = (value: Value<string>): Intrinsic => new Intrinsic('Fn::Base64', value);

/** Pseudo parameters. */
export const AWS = {
  AccountId: Ref('AWS::AccountId'),
  NotificationARNs: Ref('AWS::NotificationARNs'),
  NoValue: Ref('AWS::NoValue'),
  Partition: Ref('AWS::Partition'),
  Region: Ref('AWS::Region'),
  StackId: Ref('AWS::StackId'),
  StackName: Ref('AWS::StackName'),
  URLSuffix: Ref('AWS::URLSuffix'),
} as const;

export const PSEUDO_PARAMETERS: ReadonlySet<string> = new Set(Object.keys(AWS).map((k) => `AWS::${k}`));
