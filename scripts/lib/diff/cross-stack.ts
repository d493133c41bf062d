// Replacements that cross layers: a replaced resource gets a new ID/ARN, a layer output that refers
// to it changes, the root passes that output into another layer as a parameter, and there it may
// feed a property that forces replacement (a KMS key re-created -> the database's KmsKeyId -> a new,
// empty database). Followed to a fixpoint, through nested stacks at any depth.
import { deepEqual } from '@aws-cdk/cloudformation-diff';
import { isLocalTemplateUrl, NESTED_STACK, references } from '../cfn/index.js';
import type { Cause, TemplateAnalysis, Verdict } from './analyze.js';
import { policyText } from './analyze.js';
import { usesOfParameter } from './parameter-impact.js';
import { referencesIn } from './references.js';
import { replacementOf } from './replacement.js';
import { isStateful } from './stateful.js';
import type { CfnTemplate, TemplateSet } from './types.js';
import { formatPath } from './value-paths.js';

interface OutputRef {
  readonly stack: string;
  readonly output: string;
}

/** `!GetAtt Stack.Outputs.X` (either form) and `${Stack.Outputs.X}` in Fn::Sub, anywhere in a value. */
function outputRefsIn(value: unknown): OutputRef[] {
  return references(value)
    .filter((r) => (r.kind === 'GetAtt' || r.kind === 'Sub') && r.attribute?.startsWith('Outputs.'))
    .map((r) => ({ stack: r.target, output: r.attribute!.slice('Outputs.'.length) }));
}

const localUrl = (resource: { Properties?: Record<string, unknown> }): string | undefined => {
  const url = resource.Properties?.TemplateURL;
  return isLocalTemplateUrl(url) ? url : undefined;
};

/** Outputs (present on both sides) whose value changes: edited, or referring to a replaced resource. */
function changedOutputs(before: CfnTemplate | undefined, after: CfnTemplate | undefined, replaced: ReadonlySet<string>): Set<string> {
  const changed = new Set<string>();
  for (const [name, output] of Object.entries(after?.Outputs ?? {})) {
    const old = before?.Outputs?.[name];
    if (old === undefined) continue;
    const value = (output as { Value?: unknown }).Value;
    if (!deepEqual((old as { Value?: unknown }).Value, value) || referencesIn(value).some((r) => replaced.has(r.id))) changed.add(name);
  }
  return changed;
}

export function crossStackVerdicts(before: TemplateSet, after: TemplateSet, analyses: readonly TemplateAnalysis[]): Verdict[] {
  // Seed: what each template's own analysis replaces.
  const replaced = new Map<string, Set<string>>();
  for (const a of analyses) replaced.set(a.template, new Set(a.verdicts.filter((v) => v.fate === 'replace' || v.fate === 'type-change').map((v) => v.logicalId)));
  const replacedIn = (file: string) => replaced.get(file) ?? replaced.set(file, new Set()).get(file)!;
  const found = new Map<string, { template: string; logicalId: string; type: string; causes: Cause[] }>();
  let grew = true;
  const record = (template: string, logicalId: string, type: string, cause: Cause) => {
    const key = `${template}\0${logicalId}`;
    const entry = found.get(key) ?? { template, logicalId, type, causes: [] };
    if (entry.causes.some((c) => c.path === cause.path && c.input === cause.input && c.via === cause.via)) return;
    entry.causes.push(cause);
    found.set(key, entry);
    if (cause.replacement === 'yes' && !replacedIn(template).has(logicalId)) {
      replacedIn(template).add(logicalId);
      grew = true;
    }
  };

  while (grew) {
    grew = false;
    for (const [file, template] of after.templates) {
      const resources = template.Resources ?? {};
      // Into nested stacks: a parameter fed by a sibling stack's output that changes.
      for (const [stackId, stack] of Object.entries(resources)) {
        const child = localUrl(stack);
        if (stack.Type !== NESTED_STACK || !child || !before.templates.get(file)?.Resources?.[stackId]) continue;
        for (const [parameter, value] of Object.entries((stack.Properties?.Parameters ?? {}) as Record<string, unknown>)) {
          for (const ref of outputRefsIn(value)) {
            const source = resources[ref.stack];
            const sourceFile = source && localUrl(source);
            if (!sourceFile || !changedOutputs(before.templates.get(sourceFile), after.templates.get(sourceFile), replacedIn(sourceFile)).has(ref.output)) continue;
            for (const use of usesOfParameter(after, parameter, child)) {
              if (use.replacement === 'yes' || use.replacement === 'maybe') {
                record(use.template, use.logicalId, use.type, {
                  property: use.property!,
                  path: use.path!,
                  replacement: use.replacement,
                  input: `${parameter} <- ${sourceFile} output ${ref.output}`,
                });
              }
            }
          }
        }
      }
      // Within a template: what refers to a resource replaced from another layer.
      for (const [id, resource] of Object.entries(resources)) {
        if (!before.templates.get(file)?.Resources?.[id]) continue;
        for (const ref of referencesIn(resource.Properties ?? {})) {
          if (ref.id === id || !replacedIn(file).has(ref.id) || !found.has(`${file}\0${ref.id}`)) continue;
          const replacement = replacementOf(resource.Type, ref.path);
          if (replacement !== 'no') record(file, id, resource.Type, { property: String(ref.path[0]), path: formatPath(ref.path), replacement, via: ref.id });
        }
      }
    }
  }

  return [...found.values()]
    .filter((f) => isStateful(f.type))
    .map((f) => {
      const old = before.templates.get(f.template)?.Resources?.[f.logicalId];
      return {
        template: f.template,
        logicalId: f.logicalId,
        type: f.type,
        stateful: true,
        fate: f.causes.some((c) => c.replacement === 'yes') ? 'replace' : 'may-replace',
        causes: f.causes,
        deletionPolicy: policyText(old?.DeletionPolicy),
        updateReplacePolicy: policyText(old?.UpdateReplacePolicy),
      } satisfies Verdict;
    });
}
