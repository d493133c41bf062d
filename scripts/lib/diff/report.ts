// One comparison, computed once and rendered as text or markdown: per template the semantic diff
// (cloudformation-diff), the resource verdicts, the security warnings; the gate over all of them.
import { fullDiff, PropertyDifference, ResourceImpact, type TemplateDiff } from '@aws-cdk/cloudformation-diff';
import type { AllowEntry } from './allow.js';
import { analyzeTemplate, mergeVerdicts, type PolicyWeakening, type TemplateAnalysis, type Verdict } from './analyze.js';
import { crossStackVerdicts } from './cross-stack.js';
import { evaluateGate, type GateResult } from './gate.js';
import { parameterVerdicts, type ParameterChangeReport } from './parameter-verdicts.js';
import type { Rename } from './renames.js';
import { securityWarnings, type SecurityWarning } from './security.js';
import { nestedStacks } from '../cfn/index.js';
import { ROOT_TEMPLATE, type CfnTemplate, type TemplateSet } from './types.js';

type TemplateStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface TemplateReport {
  readonly name: string;
  readonly status: TemplateStatus;
  readonly diff: TemplateDiff;
  readonly verdicts: readonly Verdict[];
  readonly renames: readonly Rename[];
}

export interface DiffReport {
  readonly beforeLabel: string;
  readonly afterLabel: string;
  readonly templates: readonly TemplateReport[];
  readonly gate: GateResult;
  readonly security: readonly SecurityWarning[];
  readonly weakenings: readonly PolicyWeakening[];
  /** Effective parameter values that changed per environment, and where each lands; undefined when a side has no parameter files. */
  readonly parameterChanges?: readonly ParameterChangeReport[];
}

/** Nested stacks of a root template, in template order, by the local file their TemplateURL names. */
const nestedFiles = (root: CfnTemplate | undefined): string[] => nestedStacks(root).flatMap((stack) => (stack.localFile === undefined ? [] : [stack.localFile]));

/** root.yaml first, then the layers in the order the root lists them, then anything else by name. */
function templateOrder(before: TemplateSet, after: TemplateSet): string[] {
  const all = new Set([...before.templates.keys(), ...after.templates.keys()]);
  const preferred = [ROOT_TEMPLATE, ...nestedFiles(after.templates.get(ROOT_TEMPLATE)), ...nestedFiles(before.templates.get(ROOT_TEMPLATE))];
  const ordered = [...new Set(preferred)].filter((name) => all.has(name));
  return [...ordered, ...[...all].filter((name) => !ordered.includes(name)).sort()];
}

const IMPACT = { yes: ResourceImpact.WILL_REPLACE, maybe: ResourceImpact.MAY_REPLACE } as const;

/**
 * cloudformation-diff judges replacement from top-level properties only; put the analysis' verdict
 * (nested paths, references to replaced resources) on the properties it shows, so the printed
 * diff and the gate agree.
 */
function alignImpacts(diff: TemplateDiff, verdicts: readonly Verdict[]): void {
  diff.resources.forEachDifference((id, change) => {
    if (!change.isUpdate || change.resourceTypeChanged) return;
    const causes = verdicts.find((v) => v.logicalId === id)?.causes ?? [];
    for (const [property, update] of Object.entries(change.propertyUpdates)) {
      const mine = causes.filter((c) => c.property === property);
      const impact = mine.some((c) => c.replacement === 'yes') ? IMPACT.yes : mine.length > 0 ? IMPACT.maybe : ResourceImpact.WILL_UPDATE;
      if (update.changeImpact !== impact) change.setPropertyChange(property, new PropertyDifference(update.oldValue, update.newValue, { changeImpact: impact }));
    }
  });
}

function statusOf(before: CfnTemplate | undefined, after: CfnTemplate | undefined, diff: TemplateDiff): TemplateStatus {
  if (!before) return 'added';
  if (!after) return 'removed';
  return diff.isEmpty ? 'unchanged' : 'changed';
}

export function buildReport(before: TemplateSet, after: TemplateSet, allowances: readonly AllowEntry[]): DiffReport {
  const templates: TemplateReport[] = [];
  const security: SecurityWarning[] = [];
  const weakenings: PolicyWeakening[] = [];
  const analyses: TemplateAnalysis[] = [];
  for (const name of templateOrder(before, after)) {
    const old = before.templates.get(name);
    const fresh = after.templates.get(name);
    const diff = fullDiff(old ?? {}, fresh ?? {});
    const analysis = analyzeTemplate(name, old, fresh);
    analyses.push(analysis);
    alignImpacts(diff, analysis.verdicts);
    templates.push({ name, status: statusOf(old, fresh, diff), diff, verdicts: analysis.verdicts, renames: analysis.renames });
    security.push(...securityWarnings(name, diff, fresh, analysis.renames));
    weakenings.push(...analysis.weakenings);
  }
  const parameters = before.parameters && after.parameters ? parameterVerdicts(before, after) : undefined;
  const verdicts = mergeVerdicts([...analyses.flatMap((a) => a.verdicts), ...crossStackVerdicts(before, after, analyses), ...(parameters?.verdicts ?? [])]);
  const gate = evaluateGate(verdicts, allowances);
  return { beforeLabel: before.label, afterLabel: after.label, templates, gate, security, weakenings, parameterChanges: parameters?.changes };
}

export const exitCodeOf = (report: DiffReport): 0 | 1 => (report.gate.blocked.length > 0 ? 1 : 0);
