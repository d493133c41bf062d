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
