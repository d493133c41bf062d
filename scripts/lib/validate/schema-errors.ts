// ajv errors of the value pass → findings that name the property path, the value, and what is
// allowed. Only value constraints are reported: a type error (the value is of another kind) is
// tsc's and cfn-lint's to report, and its value checks are moot.
import type { ErrorObject } from 'ajv';
import { formatPath, type Path } from '../cfn/index.js';
import type { Finding } from './findings.js';
import { pointerGet } from './prepare-schema.js';
import type { LiteralVariant } from './literal-values.js';

export interface ErrorContext {
  readonly file: string;
  readonly logicalId: string;
  readonly variant: LiteralVariant;
}

/** A value as a reader wants to see it in a message. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}

export const list = (values: readonly unknown[], max = 30): string => {
  const shown = values.slice(0, max).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return values.length > max ? `${shown.join(', ')}, … (${values.length} in all)` : shown.join(', ');
};

function describe(error: ErrorObject, value: unknown): { rule: string; allowed: string } | undefined {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return { rule: `value ${describeValue(value)} is not allowed`, allowed: `one of ${list(p.allowedValues as unknown[])}` };
    case 'const':
      return { rule: `value ${describeValue(value)} is not allowed`, allowed: `only ${JSON.stringify(p.allowedValue)}` };
    case 'pattern':
      return { rule: `value ${describeValue(value)} does not match the pattern`, allowed: `pattern ${String(p.pattern)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { rule: `value ${describeValue(value)} is ${error.keyword.includes('inimum') ? 'too small' : 'too large'}`, allowed: `${String(p.comparison)} ${String(p.limit)}` };
    case 'minLength':
    case 'maxLength':
      return {
        rule: `value ${describeValue(value)} has ${typeof value === 'string' ? [...value].length : '?'} characters`,
        allowed: `${error.keyword === 'minLength' ? 'at least' : 'at most'} ${String(p.limit)} characters`,
      };
    case 'multipleOf':
      return { rule: `value ${describeValue(value)} is not a multiple of ${String(p.multipleOf)}`, allowed: `a multiple of ${String(p.multipleOf)}` };
    default:
      return undefined;
  }
}

export function schemaErrorFindings(errors: readonly ErrorObject[], context: ErrorContext): Finding[] {
  // A value of the wrong kind ("forever" for a number) is tsc's and cfn-lint's to report; its value checks are moot.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  return errors.flatMap((error) => {
    if (wrongType.has(error.instancePath)) return [];
    const found = describe(error, pointerGet(context.variant.value, error.instancePath));
    if (!found) return [];
    const origin: Path = context.variant.origins.get(error.instancePath) ?? error.instancePath.split('/').slice(1);
    return [{ severity: 'error', check: 'schema', file: context.file, logicalId: context.logicalId, path: formatPath(origin, 'Properties'), ...found } satisfies Finding];
  });
}
