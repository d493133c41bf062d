// `make diff` / scripts/diff.ts: options from flags and the environment (make exports BASE, STACK,
// ALLOW_REPLACE, FORMAT), the two sides, the report, the exit code (0 ok, 1 gate blocked, 2 usage
// or input error).
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { AwsTargetError, resolveTarget } from '../aws.js';
import { stackChangeSet, renderChangeSetComparison, type StackChangeSet } from '../deploy/stack-preview.js';
import { stackReader } from '../deploy/stacks.js';
import { checkSideAtCommit, complianceDelta, renderDeltaMarkdown, renderDeltaText, type CheckSide, type ComplianceDelta } from '../review/compliance-delta.js';
import { renderJson } from '../review/json.js';
import { GENERATED_TEMPLATES, ROOT } from '../paths.js';
import { parseAllowList, type AllowEntry } from './allow.js';
import { parametersDirFor } from './parameter-values.js';
import { renderMarkdown } from './render-markdown.js';
import { renderText } from './render-text.js';
import { buildReport, exitCodeOf } from './report.js';
import { templatesFromDir } from './source-dir.js';
import { defaultBase, resolveCommit, shortCommit, templatesAtCommit } from './source-git.js';
import { templatesFromStack, type StackReader } from './source-stack.js';
import { DiffInputError, type TemplateSet } from './types.js';

const USAGE = `usage: make diff [BASE=<ref> | STACK=<name> [ENV=<env>]] [ALLOW_REPLACE=Id,template:Id] [FORMAT=text|markdown|json]
       tsx scripts/diff.ts [--base <ref> | --stack <name> | --before-dir <dir>] [--after-dir <dir>]
                           [--allow-replace <Id,template:Id>]... [--format text|markdown|json | --markdown] [--color|--no-color]
                           [--no-change-set]

Compares generated/templates (the working tree) with:
  default            the templates at the merge base of HEAD and main (on main: HEAD)
  BASE=<ref>         the templates committed at a branch, tag or commit (e.g. BASE=HEAD~1)
  STACK=<name>       the templates of a deployed stack and its nested stacks (TARGET=local, the
                     emulator, by default; TARGET=aws for a real account), and CloudFormation's own
                     change set (IncludeNestedStacks) for the new templates, compared with the
                     prediction; its gate decides the exit code (--no-change-set: the prediction only)
  --before-dir <dir> a directory of templates (root.yaml and one file per layer)

Exit: 0 no blocking change, 1 the data-loss gate fired, 2 usage or input error.`;

type Format = 'text' | 'markdown' | 'json';

interface DiffOptions {
  readonly base?: string;
  readonly stack?: string;
  readonly beforeDir?: string;
  readonly afterDir?: string;
  readonly format: Format;
  readonly allow: readonly AllowEntry[];
  readonly color?: boolean;
  readonly help: boolean;
  /** STACK only: also ask CloudFormation for a change set (default true). */
  readonly changeSet: boolean;
}

const FORMATS: readonly Format[] = ['text', 'markdown', 'json'];

function formatOf(value: string, source: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) throw new DiffInputError(`${source}: "${value}" is not a format; allowed: ${FORMATS.join(', ')}`);
  return value as Format;
}

function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): DiffOptions {
  const values: Record<string, string | undefined> = { base: env.BASE || undefined, stack: env.STACK || undefined };
  let format = env.FORMAT ? formatOf(env.FORMAT, 'FORMAT') : 'text';
  const allow = parseAllowList(env.ALLOW_REPLACE, 'ALLOW_REPLACE');
  let color: boolean | undefined;
  let help = false;
  let changeSet = true;
  const withValue = new Set(['--base', '--stack', '--before-dir', '--after-dir', '--format', '--allow-replace']);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i]!.startsWith('--') && argv[i]!.includes('=') ? [argv[i]!.slice(0, argv[i]!.indexOf('=')), argv[i]!.slice(argv[i]!.indexOf('=') + 1)] : [argv[i]!, undefined];
    if (flag === '-h' || flag === '--help') help = true;
    else if (flag === '--markdown') format = 'markdown';
    else if (flag === '--color' || flag === '--no-color') color = flag === '--color';
    else if (flag === '--no-change-set') changeSet = false;
    else if (withValue.has(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new DiffInputError(`${flag}: needs a value\n\n${USAGE}`);
      if (flag === '--format') format = formatOf(value, flag);
      else if (flag === '--allow-replace') allow.push(...parseAllowList(value, flag));
      else values[flag.slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase())] = value;
    } else throw new DiffInputError(`${argv[i]}: unknown option\n\n${USAGE}`);
  }
  const sources = [values.base && 'BASE/--base', values.stack && 'STACK/--stack', values.beforeDir && '--before-dir'].filter(Boolean);
  if (sources.length > 1) throw new DiffInputError(`${sources.join(' and ')}: choose one thing to compare with`);
  return { base: values.base, stack: values.stack, beforeDir: values.beforeDir, afterDir: values.afterDir, format, allow, color, help, changeSet };
}

export interface Environment {
  /** The git repository whose generated/templates is the base (the project root). */
  readonly repo: string;
  /** generated/templates: the new side unless --after-dir says otherwise. */
  readonly templatesDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** How deployed stacks are read for STACK=; the AWS SDK against resolveTarget() unless a test supplies one. */
  readonly stackReader?: StackReader;
  /** CloudFormation's change set for STACK=; made through the SDK unless a test supplies one (undefined: none). */
  readonly changeSet?: (stack: string, after: TemplateSet, afterDir: string) => Promise<StackChangeSet | undefined>;
}

async function stackSide(options: DiffOptions & { stack: string }, after: TemplateSet, environment: Environment): Promise<TemplateSet> {
  const reader = environment.stackReader ?? stackReader(resolveTarget(environment.env));
  const local = !environment.stackReader && resolveTarget(environment.env).kind === 'local';
  const where = environment.stackReader ? '' : local ? ' (local emulator)' : ' (AWS)';
  try {
    return await templatesFromStack(options.stack, after, reader, `deployed stack ${options.stack}${where}`);
  } catch (e) {
    if (e instanceof DiffInputError || e instanceof AwsTargetError) throw e;
    const message = (e as Error).message;
    const hint = local && /ECONNREFUSED|connect/i.test(message) ? ' (is the emulator running? make local-up; or TARGET=aws for a real account)' : '';
    throw new DiffInputError(`STACK=${options.stack}: ${message}${hint}`);
  }
}

/** The old side, and where the compliance check finds its templates (not for a deployed stack). */
async function beforeSide(options: DiffOptions, after: TemplateSet, environment: Environment): Promise<{ set: TemplateSet; check?: () => CheckSide }> {
  if (options.beforeDir) {
    const dir = options.beforeDir;
    return { set: templatesFromDir(dir), check: () => ({ templates: dir, parameters: parametersDirFor(dir) }) };
  }
  if (options.stack) return { set: await stackSide({ ...options, stack: options.stack }, after, environment) };
  const dirInRepo = relative(environment.repo, environment.templatesDir);
  const [commit, label] = options.base ? baseCommit(environment.repo, options.base) : defaultCommit(environment.repo);
  const templates = templatesAtCommit(environment.repo, commit, dirInRepo, label);
  return {
    set: withStandalone(templates, templatesAtCommit(environment.repo, commit, join(dirname(dirInRepo), STANDALONE), label)),
    check: () => checkSideAtCommit(environment.repo, commit, dirInRepo, parametersDirFor(dirInRepo)),
  };
}

/** The compliance delta for the pull-request renderings (markdown, json); a side the check cannot read is said, not hidden. */
function complianceOf(before: (() => CheckSide) | undefined, afterDir: string): ComplianceDelta | string | undefined {
  if (!before) return undefined;
  try {
    return complianceDelta(before(), { templates: afterDir, parameters: parametersDirFor(afterDir) });
  } catch (e) {
    return `compliance delta not computed: ${(e as Error).message.split('\n')[0]}`;
  }
}

function baseCommit(repo: string, ref: string): [string, string] {
  const commit = resolveCommit(repo, ref);
  return [commit, commit.startsWith(ref) ? shortCommit(commit) : `${ref}@${shortCommit(commit)}`];
}

function defaultCommit(repo: string): [string, string] {
  const base = defaultBase(repo);
  return [base.commit, `${shortCommit(base.commit)} (${base.description})`];
}

/**
 * generated/standalone holds templates deployed on their own (the DR backup vault): compared too,
 * as standalone/<file>, whenever both sides are the project's generated/ (not for a deployed stack
 * or explicit directories).
 */
const STANDALONE = 'standalone';

function withStandalone(set: TemplateSet, standalone: TemplateSet | undefined): TemplateSet {
  if (!standalone) return set;
  const templates = new Map(set.templates);
  for (const [name, template] of standalone.templates) templates.set(`${STANDALONE}/${name}`, template);
  return { ...set, templates };
}

function afterSide(options: DiffOptions, environment: Environment): TemplateSet {
  if (options.afterDir) return templatesFromDir(options.afterDir);
  const dir = environment.templatesDir;
  const after = templatesFromDir(dir, `${relative(environment.repo, dir)} (working tree)`);
  const standalone = join(dirname(dir), STANDALONE);
  return options.stack || options.beforeDir || !existsSync(standalone) ? after : withStandalone(after, templatesFromDir(standalone));
}

export interface DiffRun {
  readonly exitCode: 0 | 1 | 2;
  readonly output: string;
}

/** Runs the whole comparison; never throws for bad input (exit 2 with the message instead). */
export async function runDiff(argv: readonly string[], environment: Environment, tty = false): Promise<DiffRun> {
  try {
    const options = parseOptions(argv, environment.env);
    if (options.help) return { exitCode: 0, output: `${USAGE}\n` };
    const after = afterSide(options, environment);
    const { set: before, check } = await beforeSide(options, after, environment);
    const report = buildReport(before, after, options.allow);
    const afterDir = options.afterDir ?? environment.templatesDir;
    const make =
      environment.changeSet ??
      ((stack: string, set: TemplateSet, dir: string) => stackChangeSet(resolveTarget(environment.env), stack, set, dir, options.allow, environment.env.ENV));
    const changeSet = options.stack && options.changeSet ? await make(options.stack, after, afterDir) : undefined;
    // CloudFormation's answer beats the prediction: with a change set, its gate decides.
    const exitCode = changeSet ? (changeSet.gate.blocked.length > 0 ? 1 : 0) : exitCodeOf(report);
    const compliance = complianceOf(check, afterDir);
    if (options.format === 'json')
      return { exitCode, output: `${JSON.stringify(renderJson(report, changeSet, typeof compliance === 'object' ? compliance : undefined), null, 2)}\n` };
    const color = options.format === 'text' && (options.color ?? (tty && !environment.env.NO_COLOR));
    // The pull-request comment: the compliance delta first (what a security reviewer must see), then the diff.
    const body =
      options.format === 'markdown'
        ? `${compliance === undefined ? '' : typeof compliance === 'string' ? `> ${compliance}\n\n` : `${renderDeltaMarkdown(compliance)}\n`}${renderMarkdown(report)}`
        : renderText(report, {
            color,
            columns: tty ? process.stdout.columns : undefined,
            compliance: compliance === undefined ? undefined : typeof compliance === 'string' ? [compliance] : renderDeltaText(compliance),
          });
    return { exitCode, output: changeSet ? `${body}${renderChangeSetComparison(changeSet, options.format)}` : body };
  } catch (e) {
    if (e instanceof DiffInputError || e instanceof AwsTargetError) return { exitCode: 2, output: `diff: ${e.message}\n` };
    throw e;
  }
}

export const PROJECT_ENVIRONMENT = (env: NodeJS.ProcessEnv): Environment => ({ repo: ROOT, templatesDir: GENERATED_TEMPLATES, env });
