// Parameter values per environment: the root template's parameters that differ from their
// defaults. Built into generated/parameters/<env>.json and checked against the root template
// (unknown name, value outside AllowedValues/AllowedPattern/range → build error naming the file).
import type { EnvironmentName } from '../config.js';
import dev from './dev.js';
import staging from './staging.js';
import prod from './prod.js';

export type EnvironmentParameters = Readonly<Record<string, string | number>>;

export const ENVIRONMENT_PARAMETERS: Readonly<Record<EnvironmentName, EnvironmentParameters>> = { dev, staging, prod };

/** Source file of an environment, for error messages. */
export const environmentFile = (env: EnvironmentName): string => `templates-src/environments/${env}.ts`;
