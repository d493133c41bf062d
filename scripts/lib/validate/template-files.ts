// Reading the templates to validate: every *.yaml / *.yml / *.json in one directory, parsed to
// CloudFormation's long form (templates-src/core/yaml.ts). A file that does not parse is a finding.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import type { Finding } from './findings.js';

export interface CfnResource {
  readonly Type?: unknown;
  readonly Properties?: unknown;
  readonly DependsOn?: unknown;
  readonly Condition?: unknown;
  readonly Metadata?: unknown;
  readonly [attribute: string]: unknown;
}

export interface CfnTemplate {
  readonly Parameters?: Record<string, { readonly Type?: unknown; readonly Default?: unknown; readonly [key: string]: unknown }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Conditions?: Record<string, unknown>;
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value?: unknown; readonly Condition?: unknown; readonly Export?: unknown; readonly [key: string]: unknown }>;
  readonly [section: string]: unknown;
}

export interface LoadedTemplates {
  /** File name (relative to the directory) → parsed template, in file name order. */
  readonly templates: ReadonlyMap<string, CfnTemplate>;
  readonly findings: readonly Finding[];
}

const TEMPLATE_FILE = /\.(ya?ml|json|template)$/;

export function templateFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => TEMPLATE_FILE.test(name)).sort();
}

export function loadTemplates(dir: string, files: readonly string[] = templateFiles(dir)): LoadedTemplates {
  const templates = new Map<string, CfnTemplate>();
  const findings: Finding[] = [];
  for (const file of files) {
    try {
      const template = parseTemplate(readFileSync(join(dir, file), 'utf8'), file) as CfnTemplate;
      if (!template.Resources || typeof template.Resources !== 'object') {
        findings.push({ severity: 'error', check: 'schema', file, path: 'Resources', rule: 'a template needs a Resources section', allowed: 'a mapping of logical IDs to resources' });
      }
      templates.set(file, template);
    } catch (error) {
      findings.push({ severity: 'error', check: 'schema', file, path: '-', rule: `does not parse: ${(error as Error).message.split('\n')[0]}`, allowed: 'a CloudFormation template in YAML or JSON' });
    }
  }
  return { templates, findings };
}
