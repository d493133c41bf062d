// Every generated artifact of the repository, in dependency order, each as a pure render (path
// relative to the repository → content) so make generate writes them and a test proves a fresh
// generation changes nothing. Modules are imported when their step runs: the spec types written
// by the first step are what the later steps load.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ROOT } from '../paths.js';

/** Reads a file as the steps before left it (their output if they wrote it, else the disk). */
type Reader = (path: string) => string;

export interface Artifact {
  readonly name: string;
  /** What else regenerates it on its own. */
  readonly alone: string;
  /** Directories the step owns entirely: a file there it does not produce is stale. */
  readonly dirs?: readonly string[];
  render(read: Reader): Promise<ReadonlyMap<string, string>>;
}

const resourceTypes = (): string[] => (JSON.parse(readFileSync(join(ROOT, 'templates-src', 'resource-types.json'), 'utf8')) as { types: string[] }).types;

const prefixed = (prefix: string, files: ReadonlyMap<string, string>): Map<string, string> => new Map([...files].map(([path, text]) => [`${prefix}/${path}`, text]));

/** Markdown files whose facts and tables are generated. */
const docFiles = (): string[] => [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

const COVERAGE_BEGIN = '<!-- coverage:begin';
const COVERAGE_END = '<!-- coverage:end -->';

export const ARTIFACTS: readonly Artifact[] = [
  {
    name: 'spec types',
    alone: 'make types',
    dirs: ['templates-src/spec-types'],
    render: async () => prefixed('templates-src/spec-types', await (await import('../../gen-types.js')).generateSpecTypes()),
  },
  {
    name: 'templates and parameter files',
    alone: 'make build',
    dirs: ['generated/templates', 'generated/parameters', 'generated/standalone', 'generated/stacksets'],
    render: async () => prefixed('generated', (await import('../render.js')).renderAll()),
  },
  {
    name: 'StackSet handler permissions',
    alone: 'npx tsx scripts/lib/stackset/gen-permissions.ts',
    render: async () => {
      const { PERMISSIONS_FILE, renderPermissionsFile } = await import('../stackset/gen-permissions.js');
      return new Map([[relative(ROOT, PERMISSIONS_FILE), renderPermissionsFile(resourceTypes())]]);
    },
  },
  {
    name: 'compliance report',
    alone: 'make check',
    dirs: ['generated/compliance'],
    render: async () => {
      const { runChecks } = await import('../check/run.js');
      const { evidenceBundle } = await import('../evidence/bundle.js');
      const { GENERATED_PARAMETERS, GENERATED_TEMPLATES } = await import('../paths.js');
      const checked = { templates: GENERATED_TEMPLATES, parameters: GENERATED_PARAMETERS };
      return prefixed('generated/compliance', new Map(Object.entries(evidenceBundle(runChecks(checked), checked))));
    },
  },
  {
    name: 'emulator coverage table',
    alone: '.venv/bin/python scripts/emulator/launcher.py --update-docs',
    render: async (read) => {
      const { emulatorResourceInfo } = await import('../../emulator/export-resource-info.js');
      const { replaceBlock } = await import('./docs.js');
      const dir = mkdtempSync(join(tmpdir(), 'generate-'));
      try {
        const info = join(dir, 'resource-info.json');
        writeFileSync(info, `${JSON.stringify({ types: emulatorResourceInfo(resourceTypes()) }, null, 1)}\n`);
        const python = join(ROOT, '.venv', 'bin', 'python');
        if (!existsSync(python)) throw new Error(`${python} is missing: run make install`);
        const run = spawnSync(python, [join(ROOT, 'scripts', 'emulator', 'launcher.py'), '--coverage'], {
          encoding: 'utf8',
          env: { ...process.env, EMULATOR_RESOURCE_INFO: info, PYTHONDONTWRITEBYTECODE: '1' },
        });
        if (run.status !== 0) throw new Error(`launcher.py --coverage failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
        return new Map([['docs/emulator.md', replaceBlock('docs/emulator.md', read('docs/emulator.md'), COVERAGE_BEGIN, COVERAGE_END, run.stdout)]]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'docs facts and tables',
    alone: 'make generate',
    render: async (read) => {
      const { platformFacts, renderDoc, ruleTable } = await import('./docs.js');
      const { RULES } = await import('../check/rule-registry.js');
      const facts = platformFacts(RULES);
      const tables = { rules: ruleTable(RULES) };
      return new Map(docFiles().map((file) => [file, renderDoc(file, read(file), facts, tables)]));
    },
  },
];

export interface Stale {
  readonly path: string;
  /** What to do: rewrite it, or remove it (a file in an owned directory no step produces). */
  readonly action: 'write' | 'remove';
  readonly artifact: string;
}

/**
 * Renders every artifact and compares it with the repository. With `write`, brings the stale
 * files up to date as it goes (so each step reads what the steps before produced).
 */
export async function generate(options: { readonly write: boolean; readonly log?: (line: string) => void }): Promise<Stale[]> {
  const produced = new Map<string, string>();
  const onDisk = (path: string): string | undefined => (existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : undefined);
  const read: Reader = (path) => produced.get(path) ?? onDisk(path) ?? '';
  const stale: Stale[] = [];
  for (const artifact of ARTIFACTS) {
    const started = performance.now();
    const files = await artifact.render(read);
    const own: Stale[] = [];
    for (const [path, text] of files) {
      produced.set(path, text);
      if (onDisk(path) !== text) own.push({ path, action: 'write', artifact: artifact.name });
    }
    for (const dir of artifact.dirs ?? []) {
      if (!existsSync(join(ROOT, dir))) continue;
      for (const name of readdirSync(join(ROOT, dir))) if (!files.has(`${dir}/${name}`)) own.push({ path: `${dir}/${name}`, action: 'remove', artifact: artifact.name });
    }
    if (options.write) {
      for (const s of own) {
        if (s.action === 'remove') rmSync(join(ROOT, s.path));
        else {
          mkdirSync(dirname(join(ROOT, s.path)), { recursive: true });
          writeFileSync(join(ROOT, s.path), files.get(s.path)!);
        }
      }
    }
    options.log?.(
      `generate: ${artifact.name}: ${files.size} files, ${own.length === 0 ? 'current' : `${own.length} ${options.write ? 'updated' : 'stale'}`} (${(performance.now() - started).toFixed(0)} ms)`,
    );
    stale.push(...own);
  }
  return stale;
}
