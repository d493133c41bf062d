// Shapes shared by the diff modules: parsed (long-form) templates, and one side of a comparison.

export type { CfnResource, CfnTemplate } from '../cfn/index.js';
import type { CfnTemplate } from '../cfn/index.js';

/** Environment name -> root parameter -> value (generated/parameters/<env>.json). */
export type ParameterValues = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** One side of a comparison: templates by file name (root.yaml, network.yaml …). */
export interface TemplateSet {
  /** Where the templates come from, for the report header ("main@1a2b3c4", "stack payment-dev"). */
  readonly label: string;
  readonly templates: ReadonlyMap<string, CfnTemplate>;
  /** Parameter files of that side, when it has them (a deployed stack does not). */
  readonly parameters?: ParameterValues;
}

/** Bad input or an unusable source: the CLI prints the message and exits 2. */
export class DiffInputError extends Error {}

export const ROOT_TEMPLATE = 'root.yaml';
