// What the StackSet role templates are built from: the resource types the platform really uses
// (read from its rendered templates), the handler permissions of those types
// (stacksets/handler-permissions.json) and the services the platform's own roles trust.
import { readFileSync } from 'node:fs';
import type { Template } from '../../../templates-src/core/template.js';
import { Intrinsic } from '../../../templates-src/core/intrinsics.js';
import type { StackSetRoleConfig } from '../../../templates-src/stackset-roles.js';
import { PERMISSIONS_FILE } from './gen-permissions.js';

interface PermissionsFile {
  readonly permissions: Readonly<Record<string, readonly string[]>>;
}

/** Literal service principals in a trust policy (e.g. ecs-tasks.amazonaws.com). */
function trustedServices(document: any): string[] {
  const statements = Array.isArray(document?.Statement) ? document.Statement : [];
  return statements.flatMap((s: any) => {
    const service = s?.Principal?.Service;
    return (Array.isArray(service) ? service : [service]).filter((v: unknown): v is string => typeof v === 'string');
  });
}

export function stackSetRoleConfig(templates: readonly Template[], permissionsFile = PERMISSIONS_FILE): StackSetRoleConfig {
  const { permissions } = JSON.parse(readFileSync(permissionsFile, 'utf8')) as PermissionsFile;
  const types = new Set<string>();
  const services = new Set<string>();
  for (const template of templates) {
    for (const resource of Object.values(template.render().Resources ?? {})) {
      types.add(resource.Type);
      const trust = resource.Properties?.AssumeRolePolicyDocument;
      if (resource.Type === 'AWS::IAM::Role' && !Intrinsic.is(trust)) for (const s of trustedServices(trust)) services.add(s);
    }
  }
  const missing = [...types].filter((type) => !(type in permissions)).sort();
  if (missing.length > 0) {
    throw new Error(`${permissionsFile}: no handler permissions for ${missing.join(', ')}; run npx tsx scripts/lib/stackset/gen-permissions.ts`);
  }
  const actionsByType = Object.fromEntries([...types].sort().map((type) => [type, permissions[type]]));
  return { actionsByType, passRoleServices: [...services].sort() };
}
