// Writes what the emulator launcher needs to know about the platform's resource types as JSON
// (Python cannot import the TypeScript spec): the type list of templates-src/resource-types.json
// and, per type, its GetAtt attributes, replacement-causing properties and primary identifier
// from RESOURCE_INFO. emulator.sh runs it before starting the launcher.
//   usage: tsx scripts/emulator/export-resource-info.ts <out.json>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RESOURCE_INFO } from '../../templates-src/spec-types/resource-info.js';
import { ROOT } from '../lib/paths.js';

export interface EmulatorTypeInfo {
  readonly attributes: readonly string[];
  readonly replacedBy: readonly string[];
  readonly primaryIdentifier: readonly string[];
  readonly stateful: boolean;
}

export function emulatorResourceInfo(types: readonly string[]): Record<string, EmulatorTypeInfo> {
  const info: Record<string, EmulatorTypeInfo> = {};
  for (const type of [...types].sort()) {
    const spec = (RESOURCE_INFO as Record<string, (typeof RESOURCE_INFO)[keyof typeof RESOURCE_INFO] | undefined>)[type];
    if (!spec) throw new Error(`templates-src/resource-types.json: ${type} has no entry in templates-src/spec-types/resource-info.ts; run make types`);
    info[type] = { attributes: spec.attributes, replacedBy: [...spec.replacedBy.yes], primaryIdentifier: spec.primaryIdentifier, stateful: spec.stateful };
  }
  return info;
}

function main(out: string | undefined): void {
  if (!out) throw new Error('usage: tsx scripts/emulator/export-resource-info.ts <out.json>');
  const listed = JSON.parse(readFileSync(join(ROOT, 'templates-src', 'resource-types.json'), 'utf8')) as { types: string[] };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ types: emulatorResourceInfo(listed.types) }, null, 1)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv[2]);
