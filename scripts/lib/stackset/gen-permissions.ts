// Regenerates stacksets/handler-permissions.json: for every resource type of the platform, the
// IAM actions CloudFormation's resource handlers call (create/read/update/delete/list), from the
// provider schemas that cfn-lint bundles. The StackSet execution role is built from this list,
// so it can do what the platform's resources need and nothing else.
//
//   npx tsx scripts/lib/stackset/gen-permissions.ts      (after adding a type to resource-types.json)
//
// Actions for features the platform does not use are left out, each with the reason.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../paths.js';

export const PERMISSIONS_FILE = join(ROOT, 'stacksets', 'handler-permissions.json');

/** Action prefixes (service: or service:Action) left out, and why. */
export const EXCLUDED: Readonly<Record<string, string>> = {
  'amplify:': 'WAF web ACL association with Amplify apps: the platform associates its web ACL with the API Gateway stage only',
  'apprunner:': 'WAF web ACL association with App Runner: not used',
  'appsync:': 'WAF web ACL association with AppSync: not used',
  'bedrock-agentcore:': 'WAF web ACL association with Bedrock AgentCore gateways: not used',
  'cognito-idp:': 'WAF association with Cognito user pools and ELB listener Cognito authentication: not used',
  'docdb-elastic:': 'SecretTargetAttachment to DocumentDB elastic clusters: the platform attaches secrets to RDS only',
  'redshift:': 'SecretTargetAttachment to Redshift: not used',
  'redshift-serverless:': 'SecretTargetAttachment to Redshift Serverless: not used',
  'firehose:': 'log delivery to Kinesis Data Firehose (WAF logging, Redis log delivery, log group tags): the platform logs to CloudWatch Logs',
  'payments:': 'WAF integration with AWS Payment Cryptography connected accounts: not used',
  's3tables:': 'S3 table buckets: not used',
  's3files:': 'Lambda file-system mounts from S3 Files: not used',
  'vpc-lattice:': 'VPC Lattice service-network endpoints: the platform creates interface and gateway endpoints only',
  'vpce:AllowMultiRegion': 'cross-region VPC endpoints: not used',
  's3:REST.PUT.OBJECT': 'not an IAM action (an S3 REST operation name listed in the AWS::Logs::LogGroup schema)',
  'iam:AttachGroupPolicy': 'the platform creates no IAM groups',
  'iam:DeleteGroupPolicy': 'the platform creates no IAM groups',
  'iam:DetachGroupPolicy': 'the platform creates no IAM groups',
  'iam:GetGroupPolicy': 'the platform creates no IAM groups',
  'iam:PutGroupPolicy': 'the platform creates no IAM groups',
  'iam:AttachUserPolicy': 'the platform creates no IAM users',
  'iam:DeleteUserPolicy': 'the platform creates no IAM users',
  'iam:DetachUserPolicy': 'the platform creates no IAM users',
  'iam:GetUserPolicy': 'the platform creates no IAM users',
  'iam:PutUserPolicy': 'the platform creates no IAM users',
};

export const isExcluded = (action: string): boolean =>
  Object.keys(EXCLUDED).some((prefix) => (prefix.endsWith(':') ? action.startsWith(prefix) : action === prefix));

/** IAM service prefixes are lower case; one schema writes CloudTrail:… */
export const normaliseAction = (action: string): string => {
  const colon = action.indexOf(':');
  return `${action.slice(0, colon).toLowerCase()}${action.slice(colon)}`;
};

function cfnLintSchemas(): { dir: string; version: string } {
  const lib = join(ROOT, '.venv', 'lib');
  const python = readdirSync(lib).find((d) => d.startsWith('python'));
  if (!python) throw new Error('no .venv/lib/python*: run make install');
  const site = join(lib, python, 'site-packages');
  const dist = readdirSync(site).find((d) => /^cfn_lint-[\d.]+\.dist-info$/.test(d));
  return { dir: join(site, 'cfnlint', 'data', 'schemas'), version: dist?.replace(/^cfn_lint-|\.dist-info$/g, '') ?? 'unknown' };
}

/** IAM's action list as cfn-lint knows it (AdditionalSpecs/Policies.json): service → lower-case action names. */
function knownIamActions(schemasDir: string): (action: string) => boolean {
  const policies = JSON.parse(readFileSync(join(schemasDir, '..', 'AdditionalSpecs', 'Policies.json'), 'utf8')) as Record<string, { Actions?: Record<string, unknown> }>;
  return (action) => {
    const [service, name] = action.split(':');
    return Boolean(policies[service]?.Actions && name.toLowerCase() in policies[service].Actions!);
  };
}

export function handlerPermissions(types: readonly string[]): {
  version: string;
  permissions: Record<string, string[]>;
  withoutHandlers: string[];
  notIamActions: Record<string, string[]>;
} {
  const { dir, version } = cfnLintSchemas();
  const providers = JSON.parse(readFileSync(join(dir, 'providers', 'us-east-1.json'), 'utf8')) as Record<string, string>;
  const isIamAction = knownIamActions(dir);
  const permissions: Record<string, string[]> = {};
  const notIamActions: Record<string, string[]> = {};
  const withoutHandlers: string[] = [];
  for (const type of [...types].sort()) {
    const hash = providers[type];
    if (!hash) throw new Error(`${type}: not in cfn-lint's provider schemas (us-east-1)`);
    const schema = JSON.parse(readFileSync(join(dir, 'resources', `${hash}.json`), 'utf8'));
    if (!schema.handlers) withoutHandlers.push(type);
    const actions = new Set<string>();
    for (const handler of Object.values((schema.handlers ?? {}) as Record<string, { permissions?: string[] }>)) {
      for (const action of handler.permissions ?? []) if (!isExcluded(action)) actions.add(normaliseAction(action));
    }
    // Some schemas name S3 REST operations or retired actions; IAM would ignore them, cfn-lint flags them (W3037).
    const invalid = [...actions].filter((a) => !isIamAction(a)).sort();
    if (invalid.length > 0) notIamActions[type] = invalid;
    permissions[type] = [...actions].filter(isIamAction).sort();
  }
  return { version, permissions, withoutHandlers, notIamActions };
}

export function renderPermissionsFile(types: readonly string[]): string {
  const { version, permissions, withoutHandlers, notIamActions } = handlerPermissions(types);
  const document = {
    $comment:
      'GENERATED by scripts/lib/stackset/gen-permissions.ts from the CloudFormation provider schemas bundled with cfn-lint (handlers.*.permissions, us-east-1). ' +
      'Do not edit: add the type to templates-src/resource-types.json and run the script. Types without handlers are managed by CloudFormation itself; ' +
      'notIamActions lists names in the schemas that are not IAM actions (cfn-lint AdditionalSpecs/Policies.json), left out.',
    source: `cfn-lint ${version}`,
    excluded: EXCLUDED,
    withoutHandlers,
    notIamActions,
    permissions,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { types } = JSON.parse(readFileSync(join(ROOT, 'templates-src', 'resource-types.json'), 'utf8')) as { types: string[] };
  writeFileSync(PERMISSIONS_FILE, renderPermissionsFile(types));
  console.log(`wrote ${PERMISSIONS_FILE} (${types.length} resource types)`);
}
