// make validate, as a function: ajv schema validation + integrity + cfn-lint over one directory
// of templates, with timings for the benchmark. cfn-lint runs in its own processes, started first,
// while the schema and integrity checks run here.
import { GENERATED_TEMPLATES } from '../paths.js';
import { findCfnLint, type CfnLintInstall } from './cfn-lint-install.js';
import { deploymentRegions, runCfnLint, type CfnLintRun } from './cfnlint.js';
import { countBy, formatFinding, sortFindings, type Finding } from './findings.js';
import { awsRuleInput, loadAwsRules, runAwsRules, type AwsRule } from './aws-rules.js';
import { checkIntegrity } from './integrity.js';
import { validateTemplateSchemas } from './schema.js';
import { loadTemplates, templateFiles } from './template-files.js';
import { ValidatorCache } from './validators.js';

export interface ValidateOptions {
  /** Directory of templates (default generated/templates). */
  readonly dir?: string;
  /** Only these files of the directory (default: every template in it). */
  readonly files?: readonly string[];
  readonly cfnLint?: boolean;
  /** Warnings fail too. */
  readonly strict?: boolean;
  readonly cfnLintProcesses?: number;
  /** Use the on-disk cache of compiled validators (default true). */
  readonly diskCache?: boolean;
  /** The folder of deployability checks (default scripts/lib/validate/aws-rules). */
  readonly awsRulesDir?: string;
}

interface ValidateTimings {
  readonly loadMs: number;
  readonly schemaMs: number;
  readonly integrityMs: number;
  /** ajv + integrity, without cfn-lint: the figure with the 1 s target. */
  readonly ajvAndIntegrityMs: number;
  readonly cfnLintMs?: number;
  readonly totalMs: number;
}

export interface ValidateResult {
  readonly dir: string;
  readonly templates: readonly string[];
  readonly findings: readonly Finding[];
  readonly cfnLint?: { readonly exitCode: number; readonly processes: number };
  readonly validators: { readonly compiled: number; readonly loadedFromDisk: number };
  readonly timings: ValidateTimings;
  readonly ok: boolean;
}

export async function validateAll(options: ValidateOptions = {}): Promise<ValidateResult> {
  const started = performance.now();
  const dir = options.dir ?? GENERATED_TEMPLATES;
  const files = options.files ?? templateFiles(dir);
  const install = findCfnLint();
  const lint: Promise<CfnLintRun> | undefined =
    options.cfnLint === false ? undefined : runCfnLint(install, dir, files, { processes: options.cfnLintProcesses, regions: deploymentRegions() });
  // If the checks below throw, the cfn-lint promise must not end as an unhandled rejection.
  lint?.catch(() => undefined);

  const checks = runChecks(install, dir, files, await loadAwsRules(options.awsRulesDir), options.diskCache);
  const lintRun = lint ? await lint : undefined;
  const findings = sortFindings([...checks.findings, ...(lintRun?.findings ?? [])]);
  const failing =
    countBy(findings, 'error') > 0 ||
    (lintRun !== undefined && lintRun.exitCode !== 0 && (lintRun.exitCode & ~8) !== 0) ||
    (options.strict === true && countBy(findings, 'warning') > 0);
  return {
    dir,
    templates: files,
    findings,
    cfnLint: lintRun && { exitCode: lintRun.exitCode, processes: lintRun.processes },
    validators: checks.validators,
    timings: { ...checks.timings, cfnLintMs: lintRun?.ms, totalMs: performance.now() - started },
    ok: !failing,
  };
}

/** ajv + integrity + the deployability checks: synchronous, in this process. */
function runChecks(install: CfnLintInstall, dir: string, files: readonly string[], awsRules: readonly AwsRule[], diskCache?: boolean) {
  const t0 = performance.now();
  const cache = new ValidatorCache(install, { diskCache });
  // Every template of the directory is loaded (a nested stack's child is needed to check its
  // wiring), only the selected ones are checked.
  const selected = new Set(files);
  const loaded = loadTemplates(dir, [...new Set([...templateFiles(dir), ...files])]);
  const t1 = performance.now();
  const findings: Finding[] = loaded.findings.filter((f) => selected.has(f.file));
  const chosen = [...loaded.templates].filter(([file]) => selected.has(file));
  for (const [file, template] of chosen) findings.push(...validateTemplateSchemas(file, template, cache));
  const t2 = performance.now();
  const attributesOf = (type: string) => {
    const raw = cache.rawSchema(type);
    return raw ? ((raw.readOnlyProperties as string[] | undefined) ?? []).map((p) => p.split('/').slice(2).join('.')) : undefined;
  };
  for (const [file, template] of chosen) findings.push(...checkIntegrity(file, template, loaded.templates, { attributesOf }));
  findings.push(...runAwsRules(awsRules, awsRuleInput(dir)).filter((f) => f.file === '-' || selected.has(f.file)));
  const t3 = performance.now();
  return {
    findings,
    validators: { ...cache.stats },
    timings: { loadMs: t1 - t0, schemaMs: t2 - t1, integrityMs: t3 - t2, ajvAndIntegrityMs: t3 - t0 },
  };
}

/** The readable report: per template OK or its findings, then a summary. */
export function formatReport(result: ValidateResult): string {
  const lines: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const finding of result.findings) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  for (const file of result.templates) {
    const own = byFile.get(file) ?? [];
    byFile.delete(file);
    const errors = countBy(own, 'error');
    const warnings = countBy(own, 'warning');
    lines.push(
      own.length === 0
        ? `${file}: OK`
        : `${file}: ${errors} error(s), ${warnings} warning(s)${own.length - errors - warnings > 0 ? `, ${own.length - errors - warnings} info` : ''}`,
    );
    for (const finding of own) lines.push(`  ${finding.severity.padEnd(7)} [${finding.check}] ${formatFinding(finding)}`);
  }
  for (const [, own] of byFile) for (const finding of own) lines.push(`  ${finding.severity.padEnd(7)} [${finding.check}] ${formatFinding(finding)}`);
  const t = result.timings;
  const lint = result.cfnLint ? `cfn-lint exit ${result.cfnLint.exitCode} (${result.cfnLint.processes} processes, ${t.cfnLintMs?.toFixed(0)} ms)` : 'cfn-lint skipped';
  lines.push(
    `validate: ${result.templates.length} templates, ${countBy(result.findings, 'error')} error(s), ${countBy(result.findings, 'warning')} warning(s); ` +
      `ajv + integrity ${t.ajvAndIntegrityMs.toFixed(0)} ms (schemas: ${result.validators.loadedFromDisk} cached, ${result.validators.compiled} compiled); ${lint}; total ${t.totalMs.toFixed(0)} ms`,
  );
  lines.push(result.ok ? 'validate: OK' : 'validate: FAILED');
  return lines.join('\n');
}
