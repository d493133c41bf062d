// API Gateway reaches its backend (through the VPC link) over HTTPS, never plain HTTP.
import { eachResource, record, show, textOf } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ApiGateway::Method'] as const;

const uriText = (uri: unknown): string => textOf(uri) ?? show(uri);

const rule: Rule = {
  id: 'PCI-TLS-008',
  title: 'API Gateway HTTP integrations call the backend over HTTPS',
  requirements: ['4.2.1'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  notChecked: "the backend's certificate (a private integration through a VPC link uses the NLB's certificate; API Gateway verifies it unless insecureSkipVerification is set)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (method) => {
        const integration = record(method.properties.Integration);
        const type = String(integration.Type ?? '');
        if (type !== 'HTTP' && type !== 'HTTP_PROXY') return [];
        const uri = uriText(integration.Uri);
        return [!/^https:\/\//i.test(uri) && `integration Uri ${uri} is not https://: the backend hop is clear text`];
      },
      (method) =>
        ['HTTP', 'HTTP_PROXY'].includes(String(record(method.properties.Integration).Type))
          ? 'backend called over HTTPS'
          : `no HTTP backend (${String(record(method.properties.Integration).Type ?? 'no integration')})`,
    ),
};
export default rule;
