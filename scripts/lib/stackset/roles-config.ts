// What the StackSet role templates are built from: the resource types the platform really uses
// (read from its rendered templates), the handler permissions of those types and the dependent
// actions their schemas miss (stacksets/handler-permissions.json), the services the platform's
// own roles trust, the service-linked roles and the KMS-using services of those types, each
// action's resource types, and the platform's resources (their names scope the statements).
import { readFileSync } from 'node:fs';
import type { Template } from '../../../templates-src/core/template.js';
import { Intrinsic } from '../../../templates-src/core/intrinsics.js';
import type { StackSetRoleConfig } from '../../../templates-src/stackset-roles.js';
import { KMS_VIA_SERVICE, PERMISSIONS_FILE, SERVICE_LINKED_ROLES } from './gen-permissions.js';

interface PermissionsFile {
  readonly permissions: Readonly<Record<string, readonly string[]>>;
  readonly resourceTypes?: Readonly<Record<string, readonly string[]>>;
  readonly unknownToParliament?: readonly string[];
  readonly readPermissions?: Readonly<Record<string, readonly string[]>>;
  readonly dependent?: Readonly<Record<string, readonly { readonly actions: readonly string[] }[]>>;
}

const KMS_DATA = /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/;

/** Literal service principals in a trust policy (e.g. ecs-tasks.amazonaws.com). */
function trustedServices(document: any): string[] {
  const statements = Array.isArray(document?.Statement) ? document.Statement : [];
  return statements.flatMap((s: any) => {
    const service = s?.Principal?.Service;
    return (Array.isArray(service) ? service : [service]).filter((v: unknown): v is string => typeof v === 'string');
  });
}

export function stackSetRoleConfig(templates: readonly Template[], permissionsFile = PERMISSIONS_FILE): StackSetRoleConfig {
  const { permissions, readPermissions = {}, dependent = {}, resourceTypes = {}, unknownToParliament = [] } = JSON.parse(readFileSync(permissionsFile, 'utf8')) as PermissionsFile;
  const types = new Set<string>();
  const services = new Set<string>();
  const resources: { type: string; properties: Record<string, unknown> }[] = [];
  for (const template of templates) {
    for (const resource of Object.values(template.render().Resources ?? {})) {
      types.add(resource.Type);
      resources.push({ type: resource.Type, properties: (resource.Properties ?? {}) as Record<string, unknown> });
      const trust = resource.Properties?.AssumeRolePolicyDocument;
      if (resource.Type === 'AWS::IAM::Role' && !Intrinsic.is(trust)) for (const s of trustedServices(trust)) services.add(s);
    }
  }
  const missing = [...types].filter((type) => !(type in permissions)).sort();
  if (missing.length > 0) {
    throw new Error(`${permissionsFile}: no handler permissions for ${missing.join(', ')}; run npx tsx scripts/lib/stackset/gen-permissions.ts`);
  }
  const sortedTypes = [...types].sort();
  const actionsByType = Object.fromEntries(sortedTypes.map((type) => [type, [...new Set([...permissions[type], ...(dependent[type] ?? []).flatMap((d) => d.actions)])].sort()]));
  const serviceLinkedRoles = new Set<string>();
  const kmsViaServices = new Set<string>();
  for (const type of sortedTypes) {
    if (actionsByType[type].includes('iam:CreateServiceLinkedRole')) {
      if (!(type in SERVICE_LINKED_ROLES)) throw new Error(`${type} may create a service-linked role: say which in SERVICE_LINKED_ROLES (scripts/lib/stackset/gen-permissions.ts)`);
      const service = SERVICE_LINKED_ROLES[type];
      if (service) serviceLinkedRoles.add(service);
    }
    if (actionsByType[type].some((a) => KMS_DATA.test(a))) {
      if (!(type in KMS_VIA_SERVICE)) throw new Error(`${type} uses KMS data actions: say through which service in KMS_VIA_SERVICE (scripts/lib/stackset/gen-permissions.ts)`);
      kmsViaServices.add(KMS_VIA_SERVICE[type]);
    }
  }
  return {
    actionsByType,
    readActionsByType: Object.fromEntries(sortedTypes.map((type) => [type, readPermissions[type] ?? []])),
    passRoleServices: [...services].sort(),
    serviceLinkedRoles: [...serviceLinkedRoles].sort(),
    kmsViaServices: [...kmsViaServices].sort(),
    resourceTypes,
    unknownToParliament,
    resources,
  };
}
