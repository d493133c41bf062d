// One compiled ajv validator per resource type (the value pass, prepare-schema.ts), compiled once
// and cached: in process (a Map) and on disk as ajv "standalone" code
// (node_modules/.cache/validate-schemas/<key>/<schema hash>.cjs), which loads several times faster
// than compiling. The key covers everything that shapes the code: the cfn-lint version (the
// schemas), the ajv and re2js versions, the options, and the source of the schema preparation.
// Patterns run on RE2 (re2js, linear time: no pattern can hang validation), not on JavaScript's
// RegExp with a translation of Java syntax.
import { Ajv, type ErrorObject, type Options } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RE2JS } from 're2js';
import { ROOT } from '../paths.js';
import { loadProviderMap, schemaFile, type CfnLintInstall } from './cfn-lint-install.js';
import { prepareSchema, type PreparedSchema } from './prepare-schema.js';

export interface TypeValidator {
  /** The schema the validator was compiled from (prepared lazily: a cached validator does not need it). */
  prepared(): PreparedSchema;
  /** Validates (and converts scalars in) `data`; returns ajv's errors, empty when valid. */
  readonly validate: (data: unknown) => readonly ErrorObject[];
}

/** ajv's regular-expression engine: RE2 through re2js; `code` is the same function in the cached standalone code. */
const re2 = Object.assign((pattern: string) => RE2JS.compile(pattern), { code: '((pattern) => require("re2js").RE2JS.compile(pattern))' });

// coerceTypes: CloudFormation converts scalars ("5" for an integer, 5 for a string, "true" for a
// boolean), and so does cfn-lint; a value is only wrong when no conversion makes it fit.
const AJV_OPTIONS: Options = { strict: false, allErrors: true, coerceTypes: true, validateSchema: false, code: { source: true, optimize: false, regExp: re2 } };

const here = dirname(fileURLToPath(import.meta.url));
const requireFromHere = createRequire(import.meta.url);
const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (ajv: Ajv, validate: unknown) => string;

type CompiledFunction = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

class UnknownResourceTypeError extends Error {}

export class ValidatorCache {
  private readonly providers: ReadonlyMap<string, string>;
  private readonly validators = new Map<string, TypeValidator>();
  private readonly raw = new Map<string, Record<string, unknown>>();
  private ajv: Ajv | undefined;
  private readonly diskDir: string | undefined;
  /** How many validators were compiled vs loaded from the disk cache (for the benchmark). */
  readonly stats = { compiled: 0, loadedFromDisk: 0 };

  constructor(
    private readonly install: CfnLintInstall,
    options: { readonly diskCache?: boolean; readonly cacheRoot?: string } = {},
  ) {
    this.providers = loadProviderMap(install);
    this.diskDir = options.diskCache === false ? undefined : join(options.cacheRoot ?? join(ROOT, 'node_modules', '.cache', 'validate-schemas'), cacheKey(install));
  }

  has(typeName: string): boolean {
    return this.providers.has(typeName);
  }

  /** The provider schema as bundled (attributes and their types live in it), read once. */
  rawSchema(typeName: string): Record<string, unknown> | undefined {
    const hash = this.providers.get(typeName);
    if (!hash) return undefined;
    let raw = this.raw.get(hash);
    if (!raw) {
      raw = JSON.parse(readFileSync(schemaFile(this.install, hash), 'utf8')) as Record<string, unknown>;
      this.raw.set(hash, raw);
    }
    return raw;
  }

  get(typeName: string): TypeValidator {
    const cached = this.validators.get(typeName);
    if (cached) return cached;
    const hash = this.providers.get(typeName);
    if (!hash) throw new UnknownResourceTypeError(`no resource provider schema for ${typeName} in cfn-lint ${this.install.version}`);
    let prepared: PreparedSchema | undefined;
    const prepare = () => (prepared ??= prepareSchema(typeName, this.rawSchema(typeName)!));
    const fn = this.loadFromDisk(hash) ?? this.compile(hash, prepare());
    const validator: TypeValidator = { prepared: prepare, validate: (data) => (fn(data) ? [] : (fn.errors ?? [])) };
    this.validators.set(typeName, validator);
    return validator;
  }

  private loadFromDisk(hash: string): CompiledFunction | undefined {
    if (!this.diskDir) return undefined;
    const file = join(this.diskDir, `${hash}.cjs`);
    if (!existsSync(file)) return undefined;
    const module = { exports: {} as unknown };
    // Our own generated code (ajv standalone output), evaluated as a CommonJS module.
    new Function('module', 'exports', 'require', readFileSync(file, 'utf8'))(module, module.exports, requireFromHere);
    this.stats.loadedFromDisk++;
    return module.exports as CompiledFunction;
  }

  private compile(hash: string, prepared: PreparedSchema): CompiledFunction {
    this.ajv ??= new Ajv(AJV_OPTIONS);
    const fn = this.ajv.compile(prepared.schema) as CompiledFunction;
    this.stats.compiled++;
    if (this.diskDir) {
      if (this.stats.compiled === 1) removeStaleCaches(this.diskDir);
      mkdirSync(this.diskDir, { recursive: true });
      const file = join(this.diskDir, `${hash}.cjs`);
      // Write then rename: parallel test processes never read a half-written file.
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, standaloneCode(this.ajv, fn));
      renameSync(temporary, file);
    }
    return fn;
  }
}

/** Everything that shapes the generated code: a change to any of it starts a fresh cache directory. */
function cacheKey(install: CfnLintInstall): string {
  // The exact versions pinned in package.json are the ones npm ci installs (re2js exports no package.json of its own).
  const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
  const hash = createHash('sha256');
  hash
    .update(JSON.stringify(AJV_OPTIONS))
    .update(re2.code)
    .update(pinned.ajv ?? '')
    .update(pinned.re2js ?? '');
  hash.update(readFileSync(join(here, 'prepare-schema.ts')));
  return `cfn-lint-${install.version}-${hash.digest('hex').slice(0, 16)}`;
}

/** Cache directories of other keys (an older cfn-lint, ajv or preparation) are dead weight: best-effort removal. */
function removeStaleCaches(current: string): void {
  const parent = dirname(current);
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    if (name !== basename(current) && name.startsWith('cfn-lint-')) rmSync(join(parent, name), { recursive: true, force: true });
  }
}
