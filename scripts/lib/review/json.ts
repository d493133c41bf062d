// make diff FORMAT=json: the comparison for tools (CI bots, dashboards). One object: the two sides,
// each template's status, the gate's findings (blocking, allowed), the security warnings, the
// parameter value changes, CloudFormation's change set (STACK=) and the compliance delta (base →
// head, git and directory modes).
import type { DiffReport } from '../diff/report.js';
import type { StackChangeSet } from '../deploy/stack-preview.js';
import type { ComplianceDelta } from './compliance-delta.js';

export function renderJson(report: DiffReport, changeSet?: StackChangeSet, compliance?: ComplianceDelta): Record<string, unknown> {
  return {
    before: report.beforeLabel,
    after: report.afterLabel,
    gate: {
      blocked: report.gate.blocked.length > 0,
      findings: report.gate.findings.map((f) => ({
        template: f.verdict.template,
        logicalId: f.verdict.logicalId,
        type: f.verdict.type,
        fate: f.verdict.fate,
        renamedTo: f.verdict.renamedTo,
        blocking: f.blocking,
        allowedBy: f.allowedBy,
        causes: f.verdict.causes.map((c) => ({ property: c.property, path: c.path, replacement: c.replacement, via: c.via, input: c.input })),
      })),
      unusedAllowances: report.gate.unusedAllowances,
    },
    templates: report.templates.map((t) => ({ name: t.name, status: t.status, renames: t.renames.map((r) => ({ from: r.from, to: r.to, type: r.type })) })),
    security: report.security.map((s) => ({ template: s.template, kind: s.kind, lines: s.lines })),
    weakenings: report.weakenings,
    parameterChanges: report.parameterChanges?.map((p) => ({ ...p.change, uses: p.uses })),
    ...(changeSet
      ? {
          changeSet: {
            stack: changeSet.stackName,
            changed: changeSet.changed,
            blocked: changeSet.gate.blocked.length > 0,
            changes: changeSet.gate.changes.map((c) => ({
              template: c.template,
              layer: c.layer,
              logicalId: c.logicalId,
              type: c.type,
              action: c.change.Action,
              replacement: c.change.Replacement,
              policyAction: c.change.PolicyAction,
              effect: c.effect,
            })),
            findings: changeSet.gate.findings.map((f) => ({
              template: f.template,
              logicalId: f.logicalId,
              type: f.type,
              effect: f.effect,
              blocking: f.blocking,
              allowedBy: f.allowedBy,
            })),
            disagreements: changeSet.disagreements,
          },
        }
      : {}),
    ...(compliance ? { compliance } : {}),
  };
}
