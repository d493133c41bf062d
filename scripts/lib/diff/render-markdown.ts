// Pull-request rendering: the gate result and the security tables at the top, then one collapsed
// <details> section per changed template holding the semantic diff.
import { causeLine, findingTag, gateSummary, headline, weakeningLine } from './describe.js';
import { formatTemplateDiff, stripAnsi } from './format-cfn.js';
import type { DiffReport, TemplateReport } from './report.js';
import { SECURITY_TITLES } from './security.js';
import { parameterLines, templatesLine } from './render-text.js';

// Table cells: HTML and markdown emphasis escaped (kms:GenerateDataKey* or payments_admin must not turn italic).
const cell = (text: string): string =>
  stripAnsi(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([|*_`~\\])/g, '\\$1')
    .replace(/\n/g, '<br>');

/** A markdown table from rows whose first row is the header. */
function markdownTable(rows: readonly (readonly string[])[]): string[] {
  const [header, ...body] = rows;
  if (!header) return [];
  const line = (row: readonly string[]) => `| ${row.map(cell).join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...body.map(line)];
}

function gateSection(report: DiffReport): string[] {
  const { gate } = report;
  const alert = gate.blocked.length > 0 ? 'CAUTION' : gate.findings.length > 0 ? 'WARNING' : 'NOTE';
  const lines = [`> [!${alert}]`, `> **${gateSummary(gate)}**`];
  if (gate.blocked.length > 0)
    lines.push('>', `> To accept on purpose: \`ALLOW_REPLACE=${[...new Set(gate.blocked.map((f) => `${f.verdict.template}:${f.verdict.logicalId}`))].join(',')}\``);
  lines.push('');
  if (gate.findings.length > 0) {
    const rows = gate.findings.map((f) => [findingTag(f), f.verdict.template, headline(f.verdict), f.verdict.causes.map(causeLine).join('\n')]);
    lines.push(...markdownTable([['Gate', 'Template', 'What happens', 'Why'], ...rows]), '');
  }
  for (const raw of gate.unusedAllowances) lines.push(`Note: allowance \`${raw}\` matched no replacement or deletion.`, '');
  return lines;
}

function securitySection(report: DiffReport): string[] {
  const lines: string[] = [];
  for (const w of report.security) {
    lines.push('> [!WARNING]', `> **${SECURITY_TITLES[w.kind]}** in \`${w.template}\``, '', ...w.lines.map((l) => `- \`${l}\``), '');
  }
  for (const w of report.weakenings) lines.push('> [!WARNING]', `> **DELETION PROTECTION WEAKENED** in \`${w.template}\`: ${cell(weakeningLine(w))}`, '');
  for (const t of report.templates) {
    if (t.diff.iamChanges.statements.hasChanges) lines.push(`**IAM statement changes** in \`${t.name}\``, '', ...markdownTable(t.diff.iamChanges.summarizeStatements()), '');
    if (t.diff.iamChanges.managedPolicies.hasChanges)
      lines.push(`**IAM managed policy changes** in \`${t.name}\``, '', ...markdownTable(t.diff.iamChanges.summarizeManagedPolicies()), '');
    if (t.diff.securityGroupChanges.hasChanges) lines.push(`**Security group changes** in \`${t.name}\``, '', ...markdownTable(t.diff.securityGroupChanges.summarize()), '');
  }
  return lines;
}

function resourceCounts(t: TemplateReport): string {
  let added = 0;
  let removed = 0;
  let updated = 0;
  t.diff.resources.forEachDifference((_, change) => {
    if (change.isAddition) added += 1;
    else if (change.isRemoval) removed += 1;
    else if (change.isDifferent) updated += 1;
  });
  return `${t.status}: ${added} added, ${updated} updated, ${removed} removed resource(s)`;
}

function templateSection(t: TemplateReport): string[] {
  return [
    '<details>',
    `<summary><code>${t.name}</code> - ${resourceCounts(t)}</summary>`,
    '',
    '```',
    formatTemplateDiff(t.diff, { color: false }).trimEnd(),
    '```',
    '',
    '</details>',
    '',
  ];
}

export function renderMarkdown(report: DiffReport): string {
  const lines = [`### Template diff: \`${report.afterLabel}\` against \`${report.beforeLabel}\``, '', templatesLine(report), ''];
  lines.push(...gateSection(report), ...securitySection(report));
  const parameters = parameterLines(report);
  if (parameters.length > 0)
    lines.push('<details open>', `<summary>Parameter values: ${report.parameterChanges!.length} change(s)</summary>`, '', '```', ...parameters, '```', '', '</details>', '');
  for (const t of report.templates) if (t.status !== 'unchanged') lines.push(...templateSection(t));
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
