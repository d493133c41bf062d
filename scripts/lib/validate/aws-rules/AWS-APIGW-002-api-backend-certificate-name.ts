// AWS-APIGW-002: API Gateway verifies the certificate of an HTTPS integration endpoint (also
// through a VPC link to an NLB) against publicly trusted CAs; ACM issues public certificates only
// for names in a domain you own and validate. A backend host in a reserved top-level domain
// (.internal, .local, .localhost, .test, .invalid, .example) can never get such a certificate: the
// integration would fail every request with a TLS error.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-supported-certificate-authorities-for-http-endpoints.html
// https://docs.aws.amazon.com/acm/latest/userguide/domain-ownership-validation.html
import { resources, subOf, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const RESERVED = /\.(internal|local|localhost|test|invalid|example)$/;
const PROBES = ['backend.payment.internal', 'api.local', 'x.test', 'x.invalid', 'x.example', 'x.localhost'];

const rule: AwsRule = {
  id: 'AWS-APIGW-002',
  title: 'HTTPS integration hosts can hold a publicly trusted certificate',
  docs: [
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-supported-certificate-authorities-for-http-endpoints.html',
    'https://docs.aws.amazon.com/acm/latest/userguide/domain-ownership-validation.html',
  ],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const method of resources(input, 'AWS::ApiGateway::Method')) {
      const integration = method.properties.Integration as { Uri?: unknown; TlsConfig?: { InsecureSkipVerification?: unknown } } | undefined;
      const sub = subOf(integration?.Uri);
      const text = typeof integration?.Uri === 'string' ? integration.Uri : sub?.text;
      const host = text !== undefined ? /^https:\/\/([^/:]+)/.exec(text)?.[1] : undefined;
      if (host === undefined) continue;
      const where = { file: method.file, logicalId: method.logicalId, path: 'Properties.Integration.Uri' };
      if (integration?.TlsConfig?.InsecureSkipVerification === true)
        findings.push({ ...where, message: 'InsecureSkipVerification turns off the check of the backend certificate' });
      const variable = /^\$\{([^}]+)\}$/.exec(host)?.[1];
      if (variable === undefined) {
        if (RESERVED.test(host)) findings.push({ ...where, message: `${host} is in a reserved domain: no public CA certifies it` });
        continue;
      }
      const ref = (sub?.variables[variable] as { Ref?: unknown } | undefined)?.Ref ?? variable;
      const parameter = ((input.templates.get(method.file)?.Parameters ?? {}) as Record<string, { Default?: unknown; AllowedPattern?: unknown }>)[String(ref)];
      if (!parameter) continue;
      if (typeof parameter.Default === 'string' && RESERVED.test(parameter.Default))
        findings.push({ ...where, message: `the default backend host ${parameter.Default} is in a reserved domain: no public CA certifies it` });
      const pattern = typeof parameter.AllowedPattern === 'string' ? new RegExp(parameter.AllowedPattern) : undefined;
      const admitted = PROBES.filter((probe) => !pattern || pattern.test(probe));
      if (admitted.length > 0)
        findings.push({ ...where, message: `parameter ${String(ref)} admits hosts in reserved domains (${admitted.join(', ')}): constrain its AllowedPattern to public names` });
      for (const set of input.parameterSets) {
        const value = set.values[String(ref)];
        if (value !== undefined && RESERVED.test(value))
          findings.push({ file: set.file, path: String(ref), message: `${value} is in a reserved domain: no public CA certifies it` });
      }
    }
    return findings;
  },
};
export default rule;
