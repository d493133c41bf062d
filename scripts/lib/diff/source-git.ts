// Templates as committed at a git ref (BASE), and the default base: the merge base with main.
import { spawnSync } from 'node:child_process';
import { parseTemplateText, TEMPLATE_FILE } from './source-dir.js';
import { DiffInputError, type CfnTemplate, type TemplateSet } from './types.js';

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

/** Every template under `dir` (a path inside the repository) as of `commit`; none when it did not exist yet. */
export function templatesAtCommit(repo: string, commit: string, dir: string, label: string): TemplateSet {
  const listing = git(repo, ['ls-tree', '-z', '--name-only', `${commit}:${dir}`]);
  const names = listing.ok ? listing.out.split('\0').filter((n) => TEMPLATE_FILE.test(n)).sort() : [];
  const templates = new Map<string, CfnTemplate>();
  for (const name of names) {
    const shown = git(repo, ['show', `${commit}:${dir}/${name}`]);
    if (!shown.ok) throw new DiffInputError(`git show ${commit}:${dir}/${name}: ${shown.err}`);
    templates.set(name, parseTemplateText(shown.out, `${label}:${dir}/${name}`));
  }
  return { label, templates };
}

export const shortCommit = (commit: string): string => commit.slice(0, 10);
