// Value types shared by the generated resource interfaces (templates-src/spec-types/).
import type { Value } from './intrinsics.js';

export type { Value };

/** A JSON document property (policy documents, dashboards' bodies as objects, …). */
export type Json = { readonly [key: string]: unknown };

/** A CloudFormation resource tag. */
export interface Tag {
  readonly Key: Value<string>;
  readonly Value: Value<string>;
}
