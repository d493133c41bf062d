// YAML in and out, with CloudFormation's short-form tags (!Ref, !GetAtt A.B, !Sub …).
//
// Dumping: Intrinsic objects become tagged nodes. An intrinsic whose whole argument is another
// intrinsic (e.g. Base64 of a Sub) is written in long form (`Fn::Base64: !Sub …`), because a YAML
// node cannot carry two tags. Anything else that is not plain data is an error, never silently
// dumped as a map.
//
// Loading: short-form tags become CloudFormation's long form ({Ref: x}, {"Fn::GetAtt": [a, b]}),
// the shape every tool here (ajv, the rules, cloudformation-diff) works on.
import yaml from 'js-yaml';
import { Intrinsic, INTRINSIC_NAMES, type IntrinsicName } from './intrinsics.js';

type Kind = 'scalar' | 'sequence' | 'mapping';

class Tagged {
  constructor(
    readonly tag: string,
    readonly kind: Kind,
    readonly data: unknown,
  ) {}
}

const shortTag = (fn: IntrinsicName): string => `!${fn.replace(/^Fn::/, '')}`;
const KINDS: Kind[] = ['scalar', 'sequence', 'mapping'];

function loadConstruct(fn: IntrinsicName, kind: Kind) {
  return (data: unknown): unknown => {
    if (fn === 'Fn::GetAtt' && kind === 'scalar') {
      const text = String(data);
      const dot = text.indexOf('.');
      return { [fn]: dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)] };
    }
    if (kind === 'scalar' && data === null) return { [fn]: '' };
    return { [fn]: data };
  };
}

const TYPES = INTRINSIC_NAMES.flatMap((fn) =>
  KINDS.map(
    (kind) =>
      new yaml.Type(shortTag(fn), {
        kind,
        instanceOf: Tagged,
        predicate: (value: unknown) => value instanceof Tagged && value.tag === shortTag(fn) && value.kind === kind,
        represent: (value: object) => (value as Tagged).data as never,
        construct: loadConstruct(fn, kind),
      }),
  ),
);

const CFN_SCHEMA = yaml.DEFAULT_SCHEMA.extend(TYPES);

// CloudFormation reads YAML 1.1 (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html),
// js-yaml writes YAML 1.2: a plain scalar that YAML 1.1 resolves to a boolean, number, null or merge
// key (on/off/yes/no/y/n in any case, 1:20 sexagesimal, 0777 octal, 1_000, =, <<) would reach
// CloudFormation as another type. Dumping with this implicit type makes js-yaml see such strings as
// ambiguous and quote them. It never resolves anything on load (only the dump schema has it).
// Patterns: YAML 1.1 type repository, https://yaml.org/type/bool.html, int.html, float.html, null.html, merge.html, value.html.
const YAML11_NON_STRING: readonly RegExp[] = [
  /^(?:y|yes|n|no|on|off|true|false|null|~|)$/i,
  /^[-+]?(?:0b[01_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:=|<<)$/,
];

const YAML11_AMBIGUOUS = new yaml.Type('tag:yaml.org,2002:yaml-1.1-non-string', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && YAML11_NON_STRING.some((pattern) => pattern.test(data)),
});

const DUMP_SCHEMA = CFN_SCHEMA.extend({ implicit: [YAML11_AMBIGUOUS] });

function kindOf(data: unknown): Kind {
  if (Array.isArray(data)) return 'sequence';
  if (data !== null && typeof data === 'object') return 'mapping';
  return 'scalar';
}

/** Turns Intrinsic objects into tagged nodes (or long-form maps where YAML forces it). */
function toDumpTree(value: unknown, path: string): unknown {
  if (Intrinsic.is(value)) {
    const { fn, args } = value;
    if (fn === 'Fn::GetAtt') {
      const [id, attr] = args as [string, unknown];
      if (typeof attr === 'string') return new Tagged('!GetAtt', 'scalar', `${id}.${attr}`);
      return new Tagged('!GetAtt', 'sequence', [id, toDumpTree(attr, path)]);
    }
    if (Intrinsic.is(args)) return { [fn]: toDumpTree(args, path) };
    const data = toDumpTree(args, path);
    return new Tagged(shortTag(fn), kindOf(data), data);
  }
  if (Array.isArray(value)) return value.map((v, i) => toDumpTree(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new Error(`cannot emit ${path}: a ${value.constructor?.name ?? 'non-plain'} object is not template data`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toDumpTree(v, `${path}.${k}`);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`cannot emit ${path}: ${value} is not a number CloudFormation accepts`);
  // YAML 1.1 reads 1e+21 (an exponent without a dot) as a string.
  if (typeof value === 'number' && /e/i.test(String(value)) && !String(value).includes('.'))
    throw new Error(`cannot emit ${path}: ${value} is written ${String(value)}, which YAML 1.1 reads as a string; give it as a string`);
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    throw new Error(`cannot emit ${path}: ${typeof value} is not template data`);
  }
  return value;
}

/** Deterministic YAML: key order as built, no folding, no anchors, LF line ends. */
export function toYaml(tree: unknown): string {
  const text = yaml.dump(toDumpTree(tree, '$'), {
    schema: DUMP_SCHEMA,
    lineWidth: -1,
    noRefs: true,
    quotingType: "'",
    indent: 2,
  });
  // js-yaml leaves a space after a tag that opens a block sequence or mapping ("!If \n").
  return text.replace(TAG_TRAILING_SPACE, '$1');
}

const TAG_TRAILING_SPACE = new RegExp(`(!(?:${INTRINSIC_NAMES.map((fn) => fn.replace(/^Fn::/, '')).join('|')})) +$`, 'gm');

/** Parses a CloudFormation YAML (or JSON) template into long form. */
export function parseTemplate(text: string, filename = 'template'): Record<string, unknown> {
  const doc = yaml.load(text, { schema: CFN_SCHEMA, filename });
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${filename}: not a CloudFormation template (expected a mapping)`);
  return doc as Record<string, unknown>;
}
