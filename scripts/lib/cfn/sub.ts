// The one Fn::Sub parser. CloudFormation's rules
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html):
// - `${Name}` is a parameter, a resource (as Ref would give it), a pseudo parameter
//   (`${AWS::Region}`) or a key of the variable map; `${Name.Attr}` is Fn::GetAtt Name.Attr (the
//   attribute may contain dots itself: `${Stack.Outputs.X}`);
// - `${!Literal}` is the text `${Literal}`, not a variable.
// Whitespace inside the braces is ignored and `${}` is no variable, as cfn-lint reads them
// (cfnlint/helpers.py REGEX_SUB_PARAMETERS).
import { intrinsicOf } from './intrinsics.js';

export interface SubVariable {
  /** As written between the braces, trimmed: "Vpc", "Vpc.CidrBlock", "AWS::Region". */
  readonly name: string;
  /** The logical ID, parameter, pseudo parameter or variable-map key: the name up to the first dot. */
  readonly target: string;
  /** The attribute after the first dot (a GetAtt), if any. */
  readonly attribute?: string;
  /** The variable as written, braces included. */
  readonly source: string;
}

/** Literal text (as CloudFormation renders it: `${!X}` already turned into `${X}`) or a variable. */
export type SubPart = { readonly text: string } | { readonly variable: SubVariable };

const VARIABLE = /\$\{\s*([^!\s}][^}]*?)\s*\}/y;

export function parseSub(text: string): SubPart[] {
  const parts: SubPart[] = [];
  let literal = '';
  let at = 0;
  for (let open = text.indexOf('${'); open >= 0; open = text.indexOf('${', at)) {
    literal += text.slice(at, open);
    if (text[open + 2] === '!') {
      literal += '${';
      at = open + 3;
      continue;
    }
    VARIABLE.lastIndex = open;
    const match = VARIABLE.exec(text);
    if (!match) {
      literal += '${';
      at = open + 2;
      continue;
    }
    if (literal) parts.push({ text: literal });
    literal = '';
    const name = match[1];
    const dot = name.indexOf('.');
    const variable: SubVariable = dot < 0 ? { name, target: name, source: match[0] } : { name, target: name.slice(0, dot), attribute: name.slice(dot + 1), source: match[0] };
    parts.push({ variable });
    at = open + match[0].length;
  }
  literal += text.slice(at);
  if (literal) parts.push({ text: literal });
  return parts;
}

/** The variables of a Fn::Sub string, in order. */
export const subVariables = (text: string): SubVariable[] => parseSub(text).flatMap((part) => ('variable' in part ? [part.variable] : []));

/** The variable, when the whole string is exactly one variable (`${Api}`). */
export function wholeVariable(text: string): SubVariable | undefined {
  const parts = parseSub(text);
  return parts.length === 1 && 'variable' in parts[0] ? parts[0].variable : undefined;
}

/** Text kept inside a Fn::Sub string: `${` must be written `${!` to stay literal. */
const escapeLiteral = (text: string): string => text.replaceAll('${', '${!');

/**
 * Fills in the variables `valueOf` knows. Complete: `text` is the plain string CloudFormation would
 * produce. Otherwise `text` is still a Fn::Sub string: the unknown variables kept as written,
 * literal text escaped again.
 */
export function substitute(text: string, valueOf: (variable: SubVariable) => string | undefined): { readonly text: string; readonly complete: boolean } {
  const parts = parseSub(text).map((part) => ('text' in part ? { literal: part.text } : { literal: valueOf(part.variable), variable: part.variable }));
  const complete = parts.every((p) => p.literal !== undefined);
  if (complete) return { text: parts.map((p) => p.literal).join(''), complete };
  return { text: parts.map((p) => (p.literal === undefined ? p.variable!.source : escapeLiteral(p.literal))).join(''), complete };
}

/** A Fn::Sub call's string and variable map (either form), or undefined when `node` is no Fn::Sub of a string. */
export function subCall(node: unknown): { readonly text: string; readonly variables: Readonly<Record<string, unknown>> } | undefined {
  const call = intrinsicOf(node);
  if (call?.fn !== 'Fn::Sub') return undefined;
  const [text, variables] = Array.isArray(call.args) ? call.args : [call.args];
  if (typeof text !== 'string') return undefined;
  return { text, variables: variables !== null && typeof variables === 'object' && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {} };
}

/** A string value's text: the string itself, or the string of a Fn::Sub (variables left as written). */
export const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : subCall(value)?.text);
