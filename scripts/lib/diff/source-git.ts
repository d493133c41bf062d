// Templates as committed at a git ref (BASE), and the default base: the merge base with main.
import { spawnSync } from 'node:child_process';
import { parseParameterFile, parametersDirFor } from './parameter-values.js';
import { parseTemplateText, TEMPLATE_FILE } from './source-dir.js';
import { DiffInputError, type CfnTemplate, type ParameterValues, type TemplateSet } from './types.js';

function git(repo: string, args: readonly string[]): { ok: boolean; out: string; err: string } {
  const result = spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new DiffInputError(`git ${args[0]}: ${result.error.message}`);
  return { ok: result.status === 0, out: result.stdout, err: result.stderr.trim() };
}

/** The commit a ref names, or an error that says what BASE accepts. */
export function resolveCommit(repo: string, ref: string): string {
  const r = git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!r.ok) throw new DiffInputError(`BASE=${ref}: not a commit in ${repo}; allowed: a branch, tag or commit (e.g. main, origin/main, HEAD~1)`);
  return r.out.trim();
}

export interface BaseChoice {
  readonly ref: string;
  readonly commit: string;
  readonly description: string;
}

/**
 * Default BASE: the merge base of HEAD with main (else origin/main). On main itself that is HEAD, so
 * the diff shows what the working tree's generated/ changes against the last commit; to review the
 * last commit instead, pass BASE=HEAD~1.
 */
export function defaultBase(repo: string, candidates: readonly string[] = ['main', 'origin/main']): BaseChoice {
  for (const branch of candidates) {
    if (!git(repo, ['rev-parse', '--verify', '--quiet', `${branch}^{commit}`]).ok) continue;
    const r = git(repo, ['merge-base', 'HEAD', branch]);
    if (!r.ok) throw new DiffInputError(`no merge base of HEAD and ${branch} (a shallow clone?): fetch more history or set BASE=<ref>`);
    const commit = r.out.trim();
    return { ref: commit, commit, description: `merge base of HEAD and ${branch}` };
  }
  throw new DiffInputError(`no branch ${candidates.join(' or ')} to compare with: set BASE=<ref> (a branch, tag or commit)`);
}

/** The files under `dir` (a path inside the repository) at `commit` whose names match; none when it did not exist yet. */
function filesAtCommit(repo: string, commit: string, dir: string, name: RegExp): Map<string, string> {
  const listing = git(repo, ['ls-tree', '-z', '--name-only', `${commit}:${dir}`]);
  const files = new Map<string, string>();
  for (const file of listing.ok
    ? listing.out
        .split('\0')
        .filter((n) => name.test(n))
        .sort()
    : []) {
    const shown = git(repo, ['show', `${commit}:${dir}/${file}`]);
    if (!shown.ok) throw new DiffInputError(`git show ${commit}:${dir}/${file}: ${shown.err}`);
    files.set(file, shown.out);
  }
  return files;
}

/** Every template under `dir` as of `commit`, with the parameter files beside them. */
export function templatesAtCommit(repo: string, commit: string, dir: string, label: string): TemplateSet {
  const templates = new Map<string, CfnTemplate>();
  for (const [name, text] of filesAtCommit(repo, commit, dir, TEMPLATE_FILE)) templates.set(name, parseTemplateText(text, `${label}:${dir}/${name}`));
  const parametersDir = parametersDirFor(dir);
  const parameters: ParameterValues = new Map(
    [...filesAtCommit(repo, commit, parametersDir, /\.json$/)].map(([name, text]) => [name.replace(/\.json$/, ''), parseParameterFile(text, `${label}:${parametersDir}/${name}`)]),
  );
  return { label, templates, parameters };
}

export const shortCommit = (commit: string): string => commit.slice(0, 10);
