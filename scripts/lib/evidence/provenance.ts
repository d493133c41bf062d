// Provenance of an evidence bundle, and its verification against a checkout or a commit.
//
// "The commit" of committed evidence cannot be the commit that contains it, so a bundle names its
// inputs by content instead: the sha256 of every input file (templates, parameter files, the rule
// set and the code that evaluates it) and, per input directory, the git tree id it has in any
// commit that holds exactly these files (`git rev-parse <commit>:generated/templates` prints the
// same id). No wall-clock time and no machine-specific value (the Node.js runtime version, paths)
// is recorded, so the files stay byte-stable and CI's "generated/compliance unchanged" gate holds.
// `verify` recomputes everything and says what differs.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ROOT } from '../paths.js';

interface InputFile {
  /** Repository-relative POSIX path. */
  readonly path: string;
  readonly kind: 'template' | 'parameters' | 'rule-set';
  readonly sha256: string;
}

export interface Provenance {
  /** sha256 over "kind path sha256" lines of every input, in path order. */
  readonly inputsDigest: string;
  /** Git tree id of each input directory (compare with `git rev-parse <commit>:<dir>`). */
  readonly trees: Readonly<Record<string, string>>;
  /** Pinned versions of the tools that produced and validate the evidence. */
  readonly tools: Readonly<Record<string, string>>;
  readonly inputs: readonly InputFile[];
}

/** The code that decides results: rules, the engine, the evidence writers, and what they read with. */
const RULE_SET_PATHS = [
  'scripts/check.ts',
  'scripts/lib/check',
  'scripts/lib/evidence',
  'templates-src/core/yaml.ts',
  'templates-src/core/parameters.ts',
  'templates-src/spec-types/resource-info.ts',
];

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const posix = (path: string): string => path.split(sep).join('/');
export const repoPath = (path: string): string => posix(relative(ROOT, resolve(path)));

function filesUnder(path: string): string[] {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((name) => filesUnder(`${path}/${name}`));
}

/** Every input of a check of `templates` (file or directory) with `parameters` (directory or none). */
function inputFiles(templates: string, parameters: string | undefined, read: (path: string) => Buffer = (p) => readFileSync(join(ROOT, p))): InputFile[] {
  const templatePaths = filesUnder(repoPath(templates)).filter((p) => /\.(ya?ml|json)$/.test(p));
  const parameterPaths = parameters && existsSync(parameters) ? filesUnder(repoPath(parameters)).filter((p) => p.endsWith('.json')) : [];
  const ruleSet = RULE_SET_PATHS.flatMap(filesUnder).filter((p) => p.endsWith('.ts'));
  const entries: InputFile[] = [
    ...templatePaths.map((path) => ({ path, kind: 'template' as const })),
    ...parameterPaths.map((path) => ({ path, kind: 'parameters' as const })),
    ...ruleSet.map((path) => ({ path, kind: 'rule-set' as const })),
  ].map((e) => ({ ...e, sha256: sha256(read(e.path)) }));
  return entries.sort((a, b) => a.path.localeCompare(b.path));
}

const digestOf = (inputs: readonly InputFile[]): string => sha256(inputs.map((i) => `${i.kind} ${i.path} ${i.sha256}\n`).join(''));

// --- git object ids (SHA-1), computed without git so a bundle can be made anywhere -------------

const gitBlobId = (data: Buffer): Buffer => createHash('sha1').update(`blob ${data.length}\0`).update(data).digest();

/** The git tree id of a directory as git would store it (regular files 100644/100755, subtrees 40000). */
function gitTreeId(dir: string): string {
  const entries = readdirSync(dir).map((name) => {
    const full = join(dir, name);
    const stat = statSync(full);
    if (stat.isDirectory()) return { name, sortKey: `${name}/`, mode: '40000', id: Buffer.from(gitTreeId(full), 'hex') };
    return { name, sortKey: name, mode: stat.mode & 0o111 ? '100755' : '100644', id: gitBlobId(readFileSync(full)) };
  });
  entries.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const body = Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), e.id])));
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}

function pinnedTools(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines?: { node?: string }; devDependencies?: Record<string, string> };
  const deps = pkg.devDependencies ?? {};
  const pins = readFileSync(join(ROOT, 'requirements.txt'), 'utf8');
  const pip = (name: string): string | undefined => new RegExp(`^${name}==(\\S+)$`, 'mi').exec(pins)?.[1];
  const tools: Record<string, string | undefined> = {
    'pci-payment-platform-cfn (make check)': pkg.version,
    'node (engines)': pkg.engines?.node,
    typescript: deps.typescript,
    tsx: deps.tsx,
    'js-yaml': deps['js-yaml'],
    ajv: deps.ajv,
    'compliance-trestle (OSCAL validation)': pip('compliance-trestle'),
    'cfn-lint': pip('cfn-lint'),
  };
  return Object.fromEntries(Object.entries(tools).filter((e): e is [string, string] => e[1] !== undefined));
}

export function provenanceOf(templates: string, parameters: string | undefined): Provenance {
  const inputs = inputFiles(templates, parameters);
  const dirs = [...new Set([repoPath(templates), ...(parameters && existsSync(parameters) ? [repoPath(parameters)] : []), ...RULE_SET_PATHS])].filter(
    (d) => existsSync(join(ROOT, d)) && statSync(join(ROOT, d)).isDirectory(),
  );
  return { inputsDigest: digestOf(inputs), trees: Object.fromEntries(dirs.map((d) => [d, gitTreeId(join(ROOT, d))])), tools: pinnedTools(), inputs };
}

// --- verification ---------------------------------------------------------------------------------

export interface BundleManifest {
  readonly provenance: Provenance;
  /** sha256 of every other file of the bundle. */
  readonly outputs: Readonly<Record<string, string>>;
  /** What was checked (repository-relative), so verification finds the same inputs. */
  readonly checked: { readonly templates: string; readonly parameters?: string };
}

export const MANIFEST = 'provenance.json';

export interface Verification {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

/** Reads a file as it is in `commit` (git show), or undefined when the commit has no such file. */
function atCommit(commit: string): (path: string) => Buffer {
  return (path) => execFileSync('git', ['show', `${commit}:${path}`], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Checks a bundle: its files are the ones it names, and its inputs are those of the checkout (or of `commit`). */
export function verifyBundle(dir: string, commit?: string): Verification {
  const manifestPath = join(dir, MANIFEST);
  if (!existsSync(manifestPath)) throw new Error(`${dir}: no ${MANIFEST} (not an evidence bundle written by make check)`);
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BundleManifest;
  } catch (error) {
    throw new Error(`${manifestPath}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!manifest.provenance?.inputs || !manifest.outputs || !manifest.checked?.templates) throw new Error(`${manifestPath}: provenance, outputs and checked are required`);
  const lines: string[] = [];
  let ok = true;
  for (const [name, expected] of Object.entries(manifest.outputs).sort()) {
    const path = join(dir, name);
    const actual = existsSync(path) ? sha256(readFileSync(path)) : undefined;
    if (actual !== expected) {
      ok = false;
      lines.push(`bundle file ${name}: ${actual === undefined ? 'missing' : 'changed since it was written'}`);
    }
  }
  const where = commit ? `commit ${commit}` : 'the checkout';
  const read = commit ? atCommit(commit) : (p: string) => readFileSync(join(ROOT, p));
  const recorded = new Map(manifest.provenance.inputs.map((i) => [i.path, i]));
  // Inputs the bundle names, recomputed; then inputs the checkout has that the bundle does not name.
  for (const input of manifest.provenance.inputs) {
    let actual: string | undefined;
    try {
      actual = sha256(read(input.path));
    } catch {
      actual = undefined;
    }
    if (actual !== input.sha256) {
      ok = false;
      lines.push(`input ${input.path} (${input.kind}): ${actual === undefined ? `not in ${where}` : `differs in ${where}`}`);
    }
  }
  if (!commit) {
    const current = inputFiles(join(ROOT, manifest.checked.templates), manifest.checked.parameters ? join(ROOT, manifest.checked.parameters) : undefined);
    for (const input of current.filter((i) => !recorded.has(i.path))) {
      ok = false;
      lines.push(`input ${input.path} (${input.kind}): in ${where} but not in the bundle`);
    }
  }
  const outputs = Object.keys(manifest.outputs).length;
  lines.unshift(
    ok
      ? `verify: the bundle matches ${where} — ${manifest.provenance.inputs.length} inputs (digest ${manifest.provenance.inputsDigest}), ${outputs} bundle files intact`
      : `verify: the bundle does NOT match ${where}:`,
  );
  return { ok, lines };
}
