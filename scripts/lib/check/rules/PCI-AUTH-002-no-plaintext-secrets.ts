// No secret is typed into a template, a parameter or an output: passwords and tokens are
// generated (GenerateSecretString, ManageMasterUserPassword) or resolved at deploy time
// ({{resolve:secretsmanager:…}}).
import type { CheckContext, EvaluatedResource } from '../rule-context.js';
import { finding, record, show, textOf } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';

/** Names whose value is the secret itself (a name ending in Arn, Days, Length … is about a secret, not one). */
const SECRET_NAME = /(password|passwd|passphrase|secret|token|api[-_]?key|private[-_]?key|credentials?)$/i;
const DYNAMIC_REFERENCE = /^\{\{resolve:(secretsmanager|ssm-secure):/;

/** A literal (or Sub-assembled) secret value: anything that is not a dynamic reference. */
function typedIn(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  const text = textOf(value) ?? show(value);
  return !DYNAMIC_REFERENCE.test(text);
}

const PROPERTY_CHECKS: Record<string, (r: EvaluatedResource) => string[]> = {
  'AWS::RDS::DBInstance': (r) =>
    typedIn(r.properties.MasterUserPassword) ? ['MasterUserPassword is typed in: use ManageMasterUserPassword (or a {{resolve:secretsmanager}} reference)'] : [],
  'AWS::ElastiCache::ReplicationGroup': (r) =>
    typedIn(r.properties.AuthToken) ? ['AuthToken is typed in: resolve it from a generated secret ({{resolve:secretsmanager:...}})'] : [],
  'AWS::SecretsManager::Secret': (r) => (r.properties.SecretString !== undefined ? ['SecretString is typed in: generate the value (GenerateSecretString)'] : []),
  'AWS::ApiGateway::ApiKey': (r) => (r.properties.Value !== undefined && typedIn(r.properties.Value) ? ['API key Value is typed in: let API Gateway generate it'] : []),
  'AWS::Lambda::Function': (r) =>
    Object.entries(record(record(r.properties.Environment).Variables))
      .filter(([name, value]) => SECRET_NAME.test(name) && typedIn(value))
      .map(([name]) => `environment variable ${name} carries a secret value: read it from Secrets Manager at run time`),
};

function templateFindings(ctx: CheckContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const layer of ctx.layers) {
    const problems: string[] = [];
    for (const [name, spec] of Object.entries(layer.parameterSpecs)) {
      if (spec.NoEcho === true || String(spec.NoEcho) === 'true' || SECRET_NAME.test(name))
        problems.push(`parameter ${name} takes a secret value (typed in at deploy time or kept in a parameter file): generate it in Secrets Manager instead`);
    }
    for (const name of layer.outputs.keys()) if (SECRET_NAME.test(name)) problems.push(`output ${name} exposes a secret value`);
    out.push({
      layer: layer.name,
      logicalId: '(parameters and outputs)',
      type: 'Template',
      pass: problems.length === 0,
      message: problems.length === 0 ? 'no parameter or output carries a secret' : problems.join('; '),
    });
  }
  return out;
}

const rule: Rule = {
  id: 'PCI-AUTH-002',
  title: 'No plaintext secret in templates, parameters or outputs',
  requirements: ['8.3.2', '8.6.2'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: ['*'],
  notChecked:
    "values typed into the application's own configuration or code, secrets in container images, and what operators paste into consoles (code review and secret scanning, the entity's)",
  check: (ctx) => [
    ...templateFindings(ctx),
    ...ctx.resources(...Object.keys(PROPERTY_CHECKS)).map((r) => {
      const problems = PROPERTY_CHECKS[r.type](r);
      return finding(r, problems.length === 0, problems.length === 0 ? 'no typed-in secret' : problems.join('; '));
    }),
  ],
};
export default rule;
