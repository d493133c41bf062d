// The evidence bundle of one run: the report (Markdown, HTML, SVG) and the machine-readable
// exports beside it, plus provenance.json naming every input and the sha256 of every other file.
import { createHash } from 'node:crypto';
import { renderReport } from '../check/report.js';
import type { CheckRun } from '../check/run.js';
import { requirementsCsv } from './csv.js';
import { assessmentResults, componentDefinition } from './oscal.js';
import { MANIFEST, provenanceOf, repoPath, type BundleManifest } from './provenance.js';
import { evidenceResults } from './results.js';
import { RESULTS_SCHEMA } from './schema.js';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Every file of the bundle (pure apart from reading the inputs for their hashes). */
export function evidenceBundle(run: CheckRun, checked: { templates: string; parameters?: string }): Record<string, string> {
  const provenance = provenanceOf(checked.templates, checked.parameters);
  const results = evidenceResults(run, provenance);
  const files: Record<string, string> = {
    ...renderReport(run, results),
    'results.json': json(results),
    'results.schema.json': json(RESULTS_SCHEMA),
    'requirements.csv': requirementsCsv(results),
    'oscal-component-definition.json': json(componentDefinition(results)),
    'oscal-assessment-results.json': json(assessmentResults(results)),
  };
  const names = Object.keys(files).sort();
  const manifest: BundleManifest = {
    provenance,
    outputs: Object.fromEntries(names.map((n) => [n, createHash('sha256').update(files[n]).digest('hex')])),
    checked: { templates: repoPath(checked.templates), ...(checked.parameters ? { parameters: repoPath(checked.parameters) } : {}) },
  };
  return { ...Object.fromEntries(names.map((n) => [n, files[n]])), [MANIFEST]: json(manifest) };
}
