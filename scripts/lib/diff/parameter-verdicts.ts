// Parameter value changes (per environment) and what they do: a new value for a property that
// forces replacement replaces the resource just as a template change would; a flipped condition
// deletes what it guards. Stateful resources hit this way become gate verdicts.
import { policyText, type Cause, type Verdict } from './analyze.js';
import { usesOfParameter, type ParameterUse } from './parameter-impact.js';
import { valueChanges, type ValueChange } from './parameter-values.js';
import { isStateful } from './stateful.js';
import type { TemplateSet } from './types.js';

export interface ParameterChangeReport {
  readonly change: ValueChange;
  readonly uses: readonly ParameterUse[];
}

function causeOf(use: ParameterUse, change: ValueChange): Cause | undefined {
  if (use.condition) return { property: 'Condition', path: `Condition ${use.condition}`, parameter: change };
  if (use.replacement === 'yes' || use.replacement === 'maybe') return { property: use.property!, path: use.path!, replacement: use.replacement, parameter: change };
  return undefined;
}

export function parameterVerdicts(before: TemplateSet, after: TemplateSet): { changes: ParameterChangeReport[]; verdicts: Verdict[] } {
  const changes = valueChanges(before, after).map((change) => ({ change, uses: usesOfParameter(after, change.name) }));
  const byResource = new Map<string, { use: ParameterUse; causes: Cause[] }>();
  for (const { change, uses } of changes) {
    for (const use of uses) {
      const cause = causeOf(use, change);
      if (!cause || !isStateful(use.type)) continue;
      const key = `${use.template}\0${use.logicalId}`;
      const entry = byResource.get(key) ?? { use, causes: [] };
      entry.causes.push(cause);
      byResource.set(key, entry);
    }
  }
  const verdicts: Verdict[] = [];
  for (const { use, causes } of byResource.values()) {
    const resource = before.templates.get(use.template)?.Resources?.[use.logicalId] ?? after.templates.get(use.template)?.Resources?.[use.logicalId];
    const fate = causes.some((c) => c.replacement === 'yes') ? 'replace' : causes.some((c) => c.replacement === 'maybe') ? 'may-replace' : 'conditional';
    verdicts.push({
      template: use.template,
      logicalId: use.logicalId,
      type: use.type,
      stateful: true,
      fate,
      causes,
      condition: fate === 'conditional' ? causes.find((c) => c.path.startsWith('Condition '))?.path.slice('Condition '.length) : undefined,
      deletionPolicy: policyText(resource?.DeletionPolicy),
      updateReplacePolicy: policyText(resource?.UpdateReplacePolicy),
    });
  }
  return { changes, verdicts };
}
