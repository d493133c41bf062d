// Every API method (except CORS preflight) authenticates its caller: IAM (SigV4), a Cognito user
// pool or a Lambda authorizer, or mutual TLS on a custom domain with the default endpoint off.
// An API key identifies a usage plan, not a caller: AWS says not to use keys for authentication
// or authorization (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html),
// so a key alone fails; keys stay fine for metering next to real authentication.
import type { CheckContext, EvaluatedResource } from '../rule-context.js';
import { eachResource, isTrue, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ApiGateway::Method'] as const;
const AUTHORIZER_TYPES = new Set(['COGNITO_USER_POOLS', 'CUSTOM']);

/** Whether every way into the method's API is a custom domain that requires client certificates. */
function mutualTlsOnly(ctx: CheckContext, method: EvaluatedResource): boolean {
  const api = ctx.resolveResource(method, method.properties.RestApiId, 'AWS::ApiGateway::RestApi');
  if (!api || !isTrue(api.properties.DisableExecuteApiEndpoint)) return false;
  const mappings = ctx.referrers(api, 'AWS::ApiGateway::BasePathMapping').map((r) => r.from);
  const domains = mappings.map((m) => ctx.resolveResource(m, m.properties.DomainName, 'AWS::ApiGateway::DomainName'));
  return domains.length > 0 && domains.every((d) => d !== undefined && record(d.properties.MutualTlsAuthentication).TruststoreUri !== undefined);
}

function problem(ctx: CheckContext, m: EvaluatedResource): string | undefined {
  const verb = String(m.properties.HttpMethod);
  if (verb.toUpperCase() === 'OPTIONS') return undefined;
  const auth = String(m.properties.AuthorizationType ?? 'NONE').toUpperCase();
  if (auth === 'AWS_IAM') return undefined;
  if (AUTHORIZER_TYPES.has(auth))
    return ctx.resolveResource(m, m.properties.AuthorizerId, 'AWS::ApiGateway::Authorizer')
      ? undefined
      : `${verb}: AuthorizationType ${auth} without an AuthorizerId of the platform`;
  if (mutualTlsOnly(ctx, m)) return undefined;
  return isTrue(m.properties.ApiKeyRequired)
    ? `${verb}: AuthorizationType NONE with an API key only — a key meters a usage plan, it does not authenticate the caller (use AWS_IAM, COGNITO_USER_POOLS, a CUSTOM authorizer or mutual TLS)`
    : `${verb}: AuthorizationType NONE and no API key: anyone may call it`;
}

function evidence(ctx: CheckContext, m: EvaluatedResource): string {
  const verb = String(m.properties.HttpMethod);
  const auth = String(m.properties.AuthorizationType ?? 'NONE').toUpperCase();
  if (verb.toUpperCase() === 'OPTIONS') return 'OPTIONS: CORS preflight (no data)';
  const key = isTrue(m.properties.ApiKeyRequired) ? ' (API key for metering)' : '';
  return auth === 'NONE' ? `${verb}: mutual TLS on the only custom domain${key}` : `${verb}: authenticated by ${auth}${key}`;
}

const rule: Rule = {
  id: 'PCI-AUTH-005',
  title: 'API Gateway methods authenticate the caller (IAM, Cognito, Lambda authorizer or mutual TLS; an API key alone does not)',
  requirements: ['7.2.1', '8.2.1', '8.3.1'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  notChecked:
    "what a Lambda authorizer or the application decides (the authorizer's code, token validation, scopes); the strength of the callers' credentials and their lifecycle (the identity provider's and the entity's responsibility, 8.3–8.6)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (m) => [problem(ctx, m)],
      (m) => evidence(ctx, m),
    ),
};
export default rule;
