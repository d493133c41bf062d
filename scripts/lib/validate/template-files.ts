// Reading the templates to validate: every *.yaml / *.yml / *.json in one directory, parsed to
// CloudFormation's long form (scripts/lib/cfn). A file that does not parse, or is not shaped like
// a template, is a finding — every shape problem of it, not only the first.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplateDocument, shapeProblems, type CfnTemplate } from '../cfn/index.js';
import type { Finding } from './findings.js';

export interface LoadedTemplates {
  /** File name (relative to the directory) → parsed template, in file name order. */
  readonly templates: ReadonlyMap<string, CfnTemplate>;
  readonly findings: readonly Finding[];
}

const TEMPLATE_FILE = /\.(ya?ml|json|template)$/;

export function templateFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => TEMPLATE_FILE.test(name))
    .sort();
}

export function loadTemplates(dir: string, files: readonly string[] = templateFiles(dir)): LoadedTemplates {
  const templates = new Map<string, CfnTemplate>();
  const findings: Finding[] = [];
  for (const file of files) {
    try {
      const template = parseTemplateDocument(readFileSync(join(dir, file), 'utf8'), file);
      for (const problem of shapeProblems(template)) {
        findings.push({
          severity: 'error',
          check: 'schema',
          file,
          logicalId: problem.logicalId,
          path: problem.logicalId ? 'Type' : problem.path,
          rule: problem.rule,
          allowed: problem.allowed,
        });
      }
      templates.set(file, template);
    } catch (error) {
      findings.push({
        severity: 'error',
        check: 'schema',
        file,
        path: '-',
        rule: `does not parse: ${(error as Error).message.split('\n')[0]}`,
        allowed: 'a CloudFormation template in YAML or JSON',
      });
    }
  }
  return { templates, findings };
}
