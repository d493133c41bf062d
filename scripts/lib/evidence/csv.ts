// requirements.csv: one row per PCI DSS v4.0.1 requirement, one column per context (RFC 4180,
// CRLF line ends, every field quoted), for spreadsheets.
import type { EvidenceResults } from './results.js';

const field = (value: string): string => `"${value.replace(/"/g, '""')}"`;

export function requirementsCsv(results: EvidenceResults): string {
  const contexts = results.contexts.map((c) => c.name);
  const header = ['requirement', 'title', 'coverage', 'rules', ...contexts, 'not checked here / evidence elsewhere', 'AWS Config rules'];
  const rows = results.requirements.map((r) => [
    r.id,
    r.title,
    r.coverage,
    r.rules.join(' '),
    ...contexts.map((c) => r.results?.[c] ?? ''),
    r.note ?? '',
    r.configRules.map((c) => `${c.identifier}${c.deployed ? ' (deployed)' : ''}`).join(' '),
  ]);
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
