// Entry points for make bench (scripts/bench.ts runs each in a fresh process and times it).
// Each throws when the platform does not validate, so a benchmark never times a failing run.
import { formatReport, validateAll, type ValidateOptions } from './run.js';

async function validateOrThrow(options: ValidateOptions): Promise<void> {
  const result = await validateAll(options);
  if (!result.ok) throw new Error(formatReport(result));
}

/** ajv value pass + integrity over generated/, validators from the disk cache (every run after the first). */
export const validateCached = (): Promise<void> => validateOrThrow({ cfnLint: false });

/** ajv value pass + integrity over generated/, every validator compiled (a fresh machine's first run). */
export const validateCold = (): Promise<void> => validateOrThrow({ cfnLint: false, diskCache: false });

/** The whole of make validate: ajv + integrity + cfn-lint (2 processes). */
export const validateWithCfnLint = (): Promise<void> => validateOrThrow({});
