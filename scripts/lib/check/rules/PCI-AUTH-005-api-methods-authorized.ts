// Every API method (except CORS preflight) requires an authorizer or an API key.
import { eachResource, isTrue } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ApiGateway::Method'] as const;

export const rule: Rule = {
  id: 'PCI-AUTH-005',
  title: 'API Gateway methods require authorization or an API key',
  requirements: ['7.2.1', '8.2.1'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (m) => {
        if (String(m.properties.HttpMethod).toUpperCase() === 'OPTIONS') return [];
        const auth = String(m.properties.AuthorizationType ?? 'NONE').toUpperCase();
        return [auth === 'NONE' && !isTrue(m.properties.ApiKeyRequired) && `${String(m.properties.HttpMethod)}: AuthorizationType NONE and no API key: anyone may call it`];
      },
      (m) => `${String(m.properties.HttpMethod)}: ${String(m.properties.AuthorizationType ?? 'NONE') !== 'NONE' ? `authorizer ${String(m.properties.AuthorizationType)}` : 'API key required'}`,
    ),
};
export default rule;
