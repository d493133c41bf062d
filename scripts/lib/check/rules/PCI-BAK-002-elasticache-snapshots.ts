// Production Redis keeps daily snapshots.
import { eachResource, num } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ElastiCache::ReplicationGroup'] as const;

const rule: Rule = {
  id: 'PCI-BAK-002',
  title: 'ElastiCache keeps automatic snapshots',
  requirements: ['12.10.1'],
  references: { securityHub: ['ElastiCache.1'], configRules: ['elasticache-redis-cluster-automatic-backup-check'] },
  resourceTypes: TYPES,
  notChecked: 'restore tests and snapshot copies outside the account',
  scope: 'production',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (rg) => [(num(rg.properties.SnapshotRetentionLimit) ?? 0) < 1 && 'SnapshotRetentionLimit is 0 or unset: no automatic snapshots'],
      (rg) => `snapshots kept ${String(rg.properties.SnapshotRetentionLimit)} days`,
    ),
};
export default rule;
