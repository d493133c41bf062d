// Checks parameter values the way CloudFormation will (AllowedValues, AllowedPattern, lengths,
// ranges, types), so a bad environment file, manifest override or CLI value fails before
// anything is uploaded — with the file, the path inside it and what is allowed.

/** The parts of a Parameters entry that constrain its value (as in a parsed template). */
export interface ParameterConstraints {
  readonly Type: string;
  readonly Default?: unknown;
  readonly AllowedValues?: readonly unknown[];
  readonly AllowedPattern?: string;
  readonly ConstraintDescription?: string;
  readonly MinLength?: number;
  readonly MaxLength?: number;
  readonly MinValue?: number;
  readonly MaxValue?: number;
}

/** Returns what is wrong with `value` for this parameter, or undefined when CloudFormation would accept it. */
export function parameterValueProblem(spec: ParameterConstraints, value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    return `must be a string or number, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`;
  }
  const text = String(value);
  const hint = spec.ConstraintDescription ? ` (${spec.ConstraintDescription})` : '';
  const values = spec.Type.startsWith('List<') || spec.Type === 'CommaDelimitedList' ? text.split(',').map((v) => v.trim()) : [text];
  for (const v of values) {
    if (spec.Type === 'Number' || spec.Type === 'List<Number>') {
      if (v === '' || !Number.isFinite(Number(v))) return `"${v}" is not a number`;
      const n = Number(v);
      if (spec.MinValue !== undefined && n < spec.MinValue) return `${n} is below the minimum ${spec.MinValue}${hint}`;
      if (spec.MaxValue !== undefined && n > spec.MaxValue) return `${n} is above the maximum ${spec.MaxValue}${hint}`;
    }
  }
  if (spec.AllowedValues && !spec.AllowedValues.map(String).includes(text)) {
    return `"${text}" is not allowed; allowed values: ${spec.AllowedValues.map(String).join(', ')}`;
  }
  if (spec.AllowedPattern !== undefined && !new RegExp(`^(?:${spec.AllowedPattern})$`).test(text)) {
    return `"${text}" does not match the pattern ${spec.AllowedPattern}${hint}`;
  }
  if (spec.MinLength !== undefined && text.length < spec.MinLength) return `is shorter than ${spec.MinLength} characters${hint}`;
  if (spec.MaxLength !== undefined && text.length > spec.MaxLength) return `is longer than ${spec.MaxLength} characters${hint}`;
  return undefined;
}

export class ParameterFileError extends Error {}

/**
 * Checks a set of parameter values against a template's Parameters: every name must be declared,
 * every value allowed, and every parameter without a default given. Throws one error listing all
 * problems, each as `<file>: <path>: <problem>`.
 */
export function checkParameterValues(
  parameters: Readonly<Record<string, ParameterConstraints>>,
  values: Readonly<Record<string, unknown>>,
  file: string,
  pathOf: (name: string) => string = (name) => name,
  requireAll = true,
): void {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const spec = parameters[name];
    if (!spec) {
      problems.push(`${file}: ${pathOf(name)}: unknown parameter; the template declares: ${Object.keys(parameters).sort().join(', ')}`);
      continue;
    }
    const problem = parameterValueProblem(spec, value);
    if (problem) problems.push(`${file}: ${pathOf(name)}: ${problem}`);
  }
  if (requireAll) {
    for (const [name, spec] of Object.entries(parameters)) {
      if (spec.Default === undefined && !(name in values)) problems.push(`${file}: ${pathOf(name)}: required (the parameter has no default)`);
    }
  }
  if (problems.length > 0) throw new ParameterFileError(problems.join('\n'));
}

/**
 * Evaluates a template's Rules with the parameter values (defaults where none is given), as
 * CloudFormation does before a create or update, and throws one error listing every failed
 * assertion as `<file>: Rules.<id>: <AssertDescription>`. Supports the rule functions the
 * templates use: Ref, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::Contains.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html
 */
export function checkRules(
  rules: Readonly<Record<string, { RuleCondition?: unknown; Assertions: readonly { Assert: unknown; AssertDescription: string }[] }>>,
  parameters: Readonly<Record<string, ParameterConstraints>>,
  values: Readonly<Record<string, unknown>>,
  file: string,
): void {
  const valueOf = (name: string): unknown => (name in values ? values[name] : parameters[name]?.Default);
  const evaluate = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map(evaluate);
    const { fn, args } = node as { fn?: string; args?: unknown };
    const list = Array.isArray(args) ? args : [args];
    switch (fn) {
      case 'Ref':
        return valueOf(String(args));
      case 'Fn::Equals':
        return String(evaluate(list[0])) === String(evaluate(list[1]));
      case 'Fn::Not':
        return !evaluate(list[0]);
      case 'Fn::And':
        return list.every((c) => evaluate(c) === true);
      case 'Fn::Or':
        return list.some((c) => evaluate(c) === true);
      case 'Fn::Contains':
        return (evaluate(list[0]) as unknown[]).map(String).includes(String(evaluate(list[1])));
      default:
        throw new ParameterFileError(`${file}: rule function ${String(fn)} is not supported by the build's rule check`);
    }
  };
  const problems: string[] = [];
  for (const [id, rule] of Object.entries(rules)) {
    if (rule.RuleCondition !== undefined && evaluate(rule.RuleCondition) !== true) continue;
    for (const assertion of rule.Assertions) if (evaluate(assertion.Assert) !== true) problems.push(`${file}: Rules.${id}: ${assertion.AssertDescription}`);
  }
  if (problems.length > 0) throw new ParameterFileError(problems.join('\n'));
}
