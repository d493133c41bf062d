// Redis traffic is TLS-only: transit encryption on and not in "preferred" (mixed) mode.
import { eachResource, isTrue } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ElastiCache::ReplicationGroup'] as const;

const rule: Rule = {
  id: 'PCI-TLS-002',
  title: 'ElastiCache requires TLS in transit',
  requirements: ['4.2.1', '2.2.7'],
  references: { securityHub: ['ElastiCache.5'], configRules: ['elasticache-repl-grp-encrypted-in-transit'] },
  resourceTypes: TYPES,
  notChecked: 'the TLS version clients negotiate (ElastiCache accepts TLS 1.2+)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (rg) => [
        !isTrue(rg.properties.TransitEncryptionEnabled) && 'TransitEncryptionEnabled is not true',
        rg.properties.TransitEncryptionMode === 'preferred' && 'TransitEncryptionMode is "preferred": clear-text clients are still accepted (use "required")',
      ],
      'TLS required for every client connection',
    ),
};
export default rule;
