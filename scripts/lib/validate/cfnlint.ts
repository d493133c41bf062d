// Check 3: cfn-lint (the pinned version in .venv) over every template, JSON output parsed into
// findings. Start-up dominates cfn-lint's run time, so templates go to as few processes as there
// are cores to use (default 2, balanced by file size), all started at once.
// Exit code: a bitmask — 2 errors, 4 warnings, 8 informational; anything else (1, or a bit cfn-lint
// does not define) means cfn-lint itself failed. Errors and warnings fail validation. A finding
// that is wrong for this project is suppressed only in the resource's Metadata
// (cfn-lint: config: ignore_checks), with the reason beside it — never here, never globally.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ROOT } from '../paths.js';
import type { CfnLintInstall } from './cfn-lint-install.js';
import type { Finding, Severity } from './findings.js';

export interface CfnLintRun {
  /** The bitwise OR of every process's exit code (0: clean). */
  readonly exitCode: number;
  readonly findings: readonly Finding[];
  readonly processes: number;
  readonly ms: number;
}

interface CfnLintMatch {
  readonly Filename: string;
  readonly Level: string;
  readonly Message: string;
  readonly Location?: { readonly Start?: { readonly LineNumber?: number }; readonly Path?: readonly (string | number)[] | null };
  readonly Rule: { readonly Id: string };
}

const LEVELS: Readonly<Record<string, Severity>> = { Error: 'error', Warning: 'warning', Informational: 'info' };
const KNOWN_BITS = 2 | 4 | 8;

/**
 * cfn-lint's informational rules that gate here, as errors. I3011: a stateful resource (nested
 * stacks included) states its DeletionPolicy and UpdateReplacePolicy — what happens to the data is
 * a decision to write down, not CloudFormation's default Delete
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
 * Left out on purpose: I4010 (Metadata.com.aws.cloudformation.Context, a description for
 * generative tools; the layer and resource descriptions are in docs/ and the templates' own
 * Description) and the other I rules, which stay informational.
 */
const GATED_INFORMATIONAL_RULES: readonly string[] = ['I3011'];

/**
 * The regions cfn-lint checks in: where the platform is deployed — us-east-1 (make deploy's
 * default region) and every region and DR region of the StackSet manifests. cfn-lint's regional
 * rules (resource types a region lacks, E3006; instance classes and engine versions it offers)
 * then speak for each (https://github.com/aws-cloudformation/cfn-lint#parameters: --regions).
 */
export function deploymentRegions(stacksetsDir = join(ROOT, 'stacksets')): string[] {
  const regions = new Set(['us-east-1']);
  for (const file of readdirSync(stacksetsDir).filter((f) => /\.ya?ml$/.test(f))) {
    const manifest = yaml.load(readFileSync(join(stacksetsDir, file), 'utf8')) as { regions?: unknown; drRegions?: unknown } | null;
    for (const region of [manifest?.regions, manifest?.drRegions].flatMap((list) => (Array.isArray(list) ? list : [])))
      if (typeof region === 'string' && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) regions.add(region);
  }
  return [...regions].sort();
}

export async function runCfnLint(
  install: CfnLintInstall,
  dir: string,
  files: readonly string[],
  options: { readonly processes?: number; readonly regions?: readonly string[] } = {},
): Promise<CfnLintRun> {
  const started = performance.now();
  const groups = balance(files, Math.max(1, options.processes ?? 2), (file) => statSync(join(dir, file)).size);
  const runs = await Promise.all(groups.map((group) => lintGroup(install, dir, group, options.regions ?? [])));
  return {
    exitCode: runs.reduce((code, run) => code | run.exitCode, 0),
    findings: runs.flatMap((run) => run.findings),
    processes: groups.length,
    ms: performance.now() - started,
  };
}

/** Splits files into at most n groups of similar total size (largest first into the lightest group). */
export function balance(files: readonly string[], n: number, sizeOf: (file: string) => number): string[][] {
  const groups = Array.from({ length: Math.min(n, files.length) }, () => ({ files: [] as string[], size: 0 }));
  const sized = files.map((file) => ({ file, size: sizeOf(file) })).sort((a, b) => b.size - a.size || a.file.localeCompare(b.file));
  for (const { file, size } of sized) {
    const lightest = groups.reduce((min, g) => (g.size < min.size ? g : min));
    lightest.files.push(file);
    lightest.size += size;
  }
  return groups.map((g) => g.files.sort()).filter((g) => g.length > 0);
}

function lintGroup(install: CfnLintInstall, dir: string, files: readonly string[], regions: readonly string[]): Promise<{ exitCode: number; findings: Finding[] }> {
  return new Promise((resolve, reject) => {
    // cwd = the template directory: file names in the output stay relative, and nested stacks'
    // local TemplateURLs resolve the way the packager sees them.
    const child = spawn(
      install.executable,
      ['--format', 'json', '--include-checks', ...GATED_INFORMATIONAL_RULES, ...(regions.length > 0 ? ['--regions', ...regions] : []), '--', ...files],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new Error(`cannot run ${install.executable}: ${error.message} (run make install)`)));
    child.on('close', (code) => {
      const exitCode = code ?? 1;
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8').trim();
      if ((exitCode & ~KNOWN_BITS) !== 0) {
        resolve({ exitCode, findings: [crashFinding(files, `cfn-lint exited with ${exitCode}: ${err.split('\n').slice(-3).join(' ') || out.slice(0, 300)}`)] });
        return;
      }
      try {
        resolve({ exitCode, findings: parseCfnLintJson(out) });
      } catch (error) {
        resolve({ exitCode: exitCode | 1, findings: [crashFinding(files, `cannot read cfn-lint's JSON output: ${(error as Error).message}`)] });
      }
    });
  });
}

function crashFinding(files: readonly string[], rule: string): Finding {
  return { severity: 'error', check: 'cfn-lint', file: files.join(', '), path: '-', rule, allowed: 'cfn-lint running to completion (make install)' };
}

function parseCfnLintJson(text: string): Finding[] {
  const matches = (text.trim() === '' ? [] : JSON.parse(text)) as CfnLintMatch[];
  return matches.map((m) => {
    const path = m.Location?.Path ?? [];
    const [section, logicalId, ...rest] = path;
    const inEntry = (section === 'Resources' || section === 'Outputs' || section === 'Parameters' || section === 'Conditions') && typeof logicalId === 'string';
    const shown = inEntry ? (section === 'Resources' ? rest : [section, logicalId, ...rest]) : path;
    return {
      severity: GATED_INFORMATIONAL_RULES.includes(m.Rule.Id) ? 'error' : (LEVELS[m.Level] ?? 'error'),
      check: 'cfn-lint',
      file: m.Filename,
      line: m.Location?.Start?.LineNumber,
      logicalId: inEntry ? logicalId : undefined,
      path: shown.length > 0 ? shown.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') : '-',
      rule: `${m.Rule.Id} ${m.Message}`,
    } satisfies Finding;
  });
}
