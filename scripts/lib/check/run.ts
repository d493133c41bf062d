// The whole check as one function: load inputs, build the evaluation contexts, run every rule,
// prove segmentation, and (optionally) render the report. Returns results and timings, so the
// CLI, the tests and the benchmark share one path.
import { RULES } from './rule-registry.js';
import type { CheckContext } from './rule-context.js';
import { buildContexts } from './evaluated-platform.js';
import { contextGroups, evaluateRules } from './engine.js';
import { loadInputs, type CheckInputs } from './inputs.js';
import type { Segmentation } from './segmentation.js';
import type { Rule, RuleResult } from './types.js';

export interface CheckOptions {
  /** A directory of templates (root.yaml + layers, or standalone templates) or one template file. */
  readonly templates: string;
  /** A directory of <env>.json parameter files; missing or undefined → defaults only. */
  readonly parameters?: string;
  /** Rules to run (default: every rule of scripts/lib/check/rules/). */
  readonly rules?: readonly Rule[];
}

interface Timings {
  readonly loadMs: number;
  readonly contextsMs: number;
  /** Every rule over every context (segmentation included: rules trigger it). */
  readonly rulesMs: number;
}

export interface CheckRun {
  readonly inputs: CheckInputs;
  readonly rules: readonly Rule[];
  /** Context names in order (defaults, dev, staging, prod …). */
  readonly contextNames: readonly string[];
  /** Each context's variants (several only when parameters without defaults were enumerated). */
  readonly groups: readonly (readonly CheckContext[])[];
  readonly results: readonly RuleResult[];
  readonly timings: Timings;
}

const since = (start: number): number => performance.now() - start;

export function runChecks(options: CheckOptions): CheckRun {
  const rules = options.rules ?? RULES;
  let start = performance.now();
  const inputs = loadInputs(options.templates, options.parameters);
  const loadMs = since(start);
  start = performance.now();
  const groups = contextGroups(buildContexts(inputs), new Set(RULES.map((r) => r.id)));
  const contextsMs = since(start);
  start = performance.now();
  const results = evaluateRules(rules, groups);
  const rulesMs = since(start);
  return { inputs, rules, contextNames: groups.map((g) => g[0].name), groups, results, timings: { loadMs, contextsMs, rulesMs } };
}

/** The segmentation of a context's first variant (what the report and the flow table show). */
export const segmentationOf = (run: CheckRun, context: string): Segmentation | undefined => run.groups.find((g) => g[0].name === context)?.[0].segmentation();

/** The context whose network the report draws: prod when there is one, else the last. */
export const primaryContext = (run: CheckRun): string => (run.contextNames.includes('prod') ? 'prod' : run.contextNames[run.contextNames.length - 1]);

export const failures = (run: CheckRun): RuleResult[] => run.results.filter((r) => r.status === 'fail');
