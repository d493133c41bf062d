// Where the pinned cfn-lint lives in the project venv, and the resource provider schemas it bundles.
// cfn-lint ships AWS's provider schemas already patched for known AWS schema bugs: the provider map
// providers/<region>.json names a schema file resources/<hash>.json per resource type. Everything
// is read from the installed package (versioned by requirements.txt), never from the network.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../paths.js';

export interface CfnLintInstall {
  /** e.g. "1.58.0" (from the installed package, so a cache can be keyed by it). */
  readonly version: string;
  readonly executable: string;
  readonly schemasDir: string;
}

export class MissingInstallError extends Error {}

/** Finds cfn-lint inside <root>/.venv; a clear error (run make install) when it is not there. */
export function findCfnLint(root: string = ROOT): CfnLintInstall {
  const venv = join(root, '.venv');
  const libDir = join(venv, 'lib');
  const pythons = existsSync(libDir)
    ? readdirSync(libDir)
        .filter((name) => name.startsWith('python3'))
        .sort()
    : [];
  for (const python of pythons) {
    const sitePackages = join(libDir, python, 'site-packages');
    const schemasDir = join(sitePackages, 'cfnlint', 'data', 'schemas');
    if (!existsSync(join(schemasDir, 'providers', 'us-east-1.json'))) continue;
    const versionFile = join(sitePackages, 'cfnlint', 'version.py');
    const version = /__version__\s*=\s*"([^"]+)"/.exec(readFileSync(versionFile, 'utf8'))?.[1];
    if (!version) throw new MissingInstallError(`${versionFile}: no __version__ found; reinstall with: make install`);
    return { version, executable: join(venv, 'bin', 'cfn-lint'), schemasDir };
  }
  throw new MissingInstallError(`cfn-lint is not installed in ${venv} (its resource schemas are needed offline): run make install`);
}

/** Resource type → schema file hash, for one region (us-east-1 has every type). */
export function loadProviderMap(install: CfnLintInstall, region = 'us-east-1'): ReadonlyMap<string, string> {
  const file = join(install.schemasDir, 'providers', `${region}.json`);
  return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>));
}

export function schemaFile(install: CfnLintInstall, hash: string): string {
  return join(install.schemasDir, 'resources', `${hash}.json`);
}
