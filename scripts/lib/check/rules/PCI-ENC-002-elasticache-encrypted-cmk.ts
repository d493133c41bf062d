// Redis data at rest (and its snapshots) is encrypted with the cache customer-managed key.
import { cmkProblem, eachResource, isTrue, keyEvidence } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ElastiCache::ReplicationGroup'] as const;

const rule: Rule = {
  id: 'PCI-ENC-002',
  title: 'ElastiCache replication groups are encrypted at rest with the cache customer-managed key',
  requirements: ['3.5.1', '3.6.1'],
  references: { securityHub: ['ElastiCache.4'], configRules: ['elasticache-repl-grp-encrypted-at-rest'] },
  resourceTypes: TYPES,
  notChecked: "what the application caches (PAN must not be cached unencrypted: the application's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (rg) => [
        !isTrue(rg.properties.AtRestEncryptionEnabled) && 'AtRestEncryptionEnabled is not true',
        cmkProblem(ctx, rg, rg.properties.KmsKeyId, ['Cache'], 'data at rest (KmsKeyId)'),
      ],
      (rg) => keyEvidence(ctx, rg, rg.properties.KmsKeyId, 'data at rest and snapshots'),
    ),
};
export default rule;
