// A finding of any check, and how it is printed:
//   <file>[:<line>]: <LogicalId>: <path>: <rule>: <what is allowed>
export type Severity = 'error' | 'warning' | 'info';
type CheckName = 'schema' | 'integrity' | 'cfn-lint' | 'aws' | 'parliament' | 'checkov';

export interface Finding {
  readonly severity: Severity;
  readonly check: CheckName;
  /** Template file name, relative to the validated directory (e.g. network.yaml). */
  readonly file: string;
  readonly line?: number;
  /** Logical ID of the resource (or parameter, output, condition) concerned, when there is one. */
  readonly logicalId?: string;
  /** Where inside it, e.g. Properties.Tags[0].Key or Parameters.VpcCidr. */
  readonly path: string;
  /** What is wrong. */
  readonly rule: string;
  /** What would be accepted. */
  readonly allowed?: string;
}

export function formatFinding(finding: Finding): string {
  const where = finding.line === undefined ? finding.file : `${finding.file}:${finding.line}`;
  const parts = [where, finding.logicalId ?? '-', finding.path, finding.rule];
  if (finding.allowed) parts.push(finding.allowed);
  return parts.join(': ');
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Stable order (file, severity, logical ID, path, rule) and no duplicates. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const unique = new Map(findings.map((f) => [`${f.severity}|${f.check}|${formatFinding(f)}`, f]));
  return [...unique.values()].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.logicalId ?? '').localeCompare(b.logicalId ?? '') ||
      a.path.localeCompare(b.path) ||
      a.rule.localeCompare(b.rule),
  );
}

export const countBy = (findings: readonly Finding[], severity: Severity): number => findings.filter((f) => f.severity === severity).length;
