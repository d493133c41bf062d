// The front door refuses TLS older than 1.2 on every way in. A Regional REST API's default
// execute-api endpoint uses the TLS_1_0 policy unless the API sets a SecurityPolicy (TLS_1_2 or an
// enhanced SecurityPolicy_TLS1x policy) or disables the default endpoint
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html).
// Custom domain names need the same: a TLS 1.0 policy there is the same hole.
import type { EvaluatedResource } from '../rule-context.js';
import { eachResource, isTrue, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ApiGateway::RestApi', 'AWS::ApiGateway::DomainName', 'AWS::ApiGateway::DomainNameV2'] as const;

/** A security policy that offers TLS 1.2 or later only (legacy TLS_1_2, or any enhanced policy). */
export const modernApiPolicy = (policy: unknown): boolean => policy === 'TLS_1_2' || (typeof policy === 'string' && /^SecurityPolicy_TLS1[23]_/.test(policy));

const isPrivate = (api: EvaluatedResource): boolean => {
  const types = record(api.properties.EndpointConfiguration).Types;
  return Array.isArray(types) && types.length > 0 && types.every((t) => t === 'PRIVATE');
};

const rule: Rule = {
  id: 'PCI-TLS-009',
  title: 'API Gateway endpoints (default and custom domains) accept TLS 1.2 or later only',
  requirements: ['4.2.1', '2.2.7'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  notChecked: 'which cipher suites clients negotiate in practice ($context.tlsVersion in the access logs shows it); certificates of custom domains (validity, key size: ACM)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (r) => {
        const p = r.properties;
        const policy = p.SecurityPolicy;
        const enhanced = typeof policy === 'string' && policy.startsWith('SecurityPolicy_');
        if (r.type !== 'AWS::ApiGateway::RestApi') {
          return [
            !modernApiPolicy(policy) && `SecurityPolicy ${String(policy ?? 'unset (TLS_1_0)')}: the custom domain accepts TLS 1.0`,
            enhanced && p.EndpointAccessMode === undefined && `SecurityPolicy ${String(policy)} needs an EndpointAccessMode (STRICT)`,
          ];
        }
        if (isTrue((p as { DisableExecuteApiEndpoint?: unknown }).DisableExecuteApiEndpoint) || isPrivate(r)) return [];
        return [
          !modernApiPolicy(policy) &&
            `the default execute-api endpoint is enabled with SecurityPolicy ${String(policy ?? 'unset (Regional default TLS_1_0)')}: it accepts TLS 1.0; set SecurityPolicy TLS_1_2 (or an enhanced TLS 1.2+ policy) or DisableExecuteApiEndpoint with a TLS 1.2 custom domain`,
          enhanced && p.EndpointAccessMode === undefined && `SecurityPolicy ${String(policy)} needs an EndpointAccessMode (STRICT)`,
        ];
      },
      (r) =>
        r.type === 'AWS::ApiGateway::RestApi' && isTrue((r.properties as { DisableExecuteApiEndpoint?: unknown }).DisableExecuteApiEndpoint)
          ? 'default execute-api endpoint disabled (custom domains only)'
          : r.type === 'AWS::ApiGateway::RestApi' && isPrivate(r) && !modernApiPolicy(r.properties.SecurityPolicy)
            ? 'private API (TLS_1_2 by default)'
            : `SecurityPolicy ${String(r.properties.SecurityPolicy)}`,
    ),
};
export default rule;
