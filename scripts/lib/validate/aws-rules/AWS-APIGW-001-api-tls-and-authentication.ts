// AWS-APIGW-001: the payment API accepts only TLS 1.2+ and authenticates its callers.
//  - A REST API's default execute-api endpoint negotiates TLS 1.0 unless the API sets a TLS 1.2+
//    SecurityPolicy; the platform disables it (DisableExecuteApiEndpoint) and serves a custom
//    domain whose SecurityPolicy is TLS_1_2 (PCI DSS 4.2.1).
//  - API keys identify callers for usage plans; AWS says not to use them for authentication. A
//    method without an authorizer (AuthorizationType NONE) is acceptable only behind a custom
//    domain with mutual TLS and with the default endpoint disabled (else it bypasses mTLS).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
import { refOf, resources, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const TLS12_POLICIES = /^(TLS_1_2|SecurityPolicy_TLS13_.*|SecurityPolicy_TLS12_.*)$/;

const rule: AwsRule = {
  id: 'AWS-APIGW-001',
  title: 'REST APIs accept TLS 1.2+ only and authenticate callers (not with API keys alone)',
  docs: [
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html',
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html',
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html',
  ],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    const domains = resources(input, 'AWS::ApiGateway::DomainName');
    for (const domain of domains) {
      if (typeof domain.properties.SecurityPolicy !== 'string' || !TLS12_POLICIES.test(domain.properties.SecurityPolicy)) {
        findings.push({
          file: domain.file,
          logicalId: domain.logicalId,
          path: 'Properties.SecurityPolicy',
          message: `the custom domain's SecurityPolicy is ${String(domain.properties.SecurityPolicy ?? 'unset')}: set TLS_1_2 (or a TLS 1.3 policy)`,
        });
      }
    }
    const mtlsApis = new Set<string>();
    for (const mapping of resources(input, 'AWS::ApiGateway::BasePathMapping')) {
      const domain = domains.find((d) => d.file === mapping.file && d.logicalId === refOf(mapping.properties.DomainName));
      const api = refOf(mapping.properties.RestApiId);
      if (domain?.properties.MutualTlsAuthentication && api) mtlsApis.add(`${mapping.file}/${api}`);
    }
    for (const api of resources(input, 'AWS::ApiGateway::RestApi')) {
      const disabled = api.properties.DisableExecuteApiEndpoint === true;
      const policy = api.properties.SecurityPolicy;
      if (!disabled && !(typeof policy === 'string' && TLS12_POLICIES.test(policy))) {
        findings.push({
          file: api.file,
          logicalId: api.logicalId,
          path: 'Properties',
          message:
            'the default execute-api endpoint is enabled and accepts TLS 1.0: set DisableExecuteApiEndpoint: true (serve a custom domain with TLS_1_2) or a TLS 1.2+ SecurityPolicy',
        });
      }
      const mtls = disabled && mtlsApis.has(`${api.file}/${api.logicalId}`);
      for (const method of resources(input, 'AWS::ApiGateway::Method').filter((m) => m.file === api.file && refOf(m.properties.RestApiId) === api.logicalId)) {
        const type = method.properties.AuthorizationType ?? 'NONE';
        if (type === 'NONE' && !mtls) {
          findings.push({
            file: method.file,
            logicalId: method.logicalId,
            path: 'Properties.AuthorizationType',
            message: `no caller authentication${method.properties.ApiKeyRequired === true ? ' (an API key is for metering, not authentication)' : ''}: use AWS_IAM, COGNITO_USER_POOLS, a Lambda authorizer, or mutual TLS on a custom domain with the default endpoint disabled`,
          });
        }
      }
    }
    return findings;
  },
};
export default rule;
