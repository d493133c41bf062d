// Resource properties typed by the generated spec types (templates-src/spec-types), as a parsed
// or evaluated template holds them: a scalar may arrive as a parameter's string ("true", "5"), and
// anything may still be an unresolved intrinsic in long form. A misspelt or removed property is
// then a compile error in every rule and check that reads it.
import type { Intrinsic } from '../../../templates-src/core/intrinsics.js';
import type { ResourceType, ResourceTypes } from '../../../templates-src/spec-types/index.js';

/** An intrinsic as a parsed template holds it: {Ref: x}, {"Fn::Sub": …}. */
type LongFormIntrinsic = { readonly [fn: string]: unknown };

/** A spec property type as it reads in a template: Intrinsic → long form, scalars also as strings, everything optional. */
type TemplateValue<V> = V extends Intrinsic
  ? LongFormIntrinsic
  : V extends readonly (infer E)[]
    ? readonly TemplateValue<E>[]
    : V extends object
      ? { readonly [K in keyof V]?: TemplateValue<V[K]> }
      : V extends number | boolean
        ? V | string
        : V;

/** The Properties of a resource of type T (any record for a type the platform does not use). */
export type PropertiesOf<T extends string> = T extends ResourceType
  ? { readonly [K in keyof ResourceTypes[T]['props']]?: TemplateValue<ResourceTypes[T]['props'][K]> }
  : Readonly<Record<string, unknown>>;
