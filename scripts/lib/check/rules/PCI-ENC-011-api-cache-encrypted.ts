// An API Gateway cache holds response bodies (possibly cardholder data): cached data is encrypted.
import { eachResource, isTrue, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ApiGateway::Stage'] as const;

const rule: Rule = {
  id: 'PCI-ENC-011',
  title: 'API Gateway stage caches are encrypted',
  requirements: ['3.5.1'],
  references: { securityHub: ['APIGateway.5'], configRules: ['api-gw-cache-enabled-and-encrypted'] },
  resourceTypes: TYPES,
  notChecked: 'client-side caches and CloudFront (not part of the platform)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (stage) =>
        list(stage.properties.MethodSettings).map((raw) => {
          const s = record(raw);
          const where = `${String(s.HttpMethod ?? '*')} ${String(s.ResourcePath ?? '/*')}`;
          return isTrue(s.CachingEnabled) && !isTrue(s.CacheDataEncrypted) ? `MethodSettings ${where}: caching on without CacheDataEncrypted` : undefined;
        }),
      (stage) =>
        isTrue(stage.properties.CacheClusterEnabled) || list(stage.properties.MethodSettings).some((s) => isTrue(record(s).CachingEnabled))
          ? 'cached responses are encrypted'
          : 'no response caching (nothing stored)',
    ),
};
export default rule;
