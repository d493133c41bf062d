// Managed data stores take their engine's security patches: minor-version upgrades stay automatic.
import { eachResource, isFalse } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup'] as const;

const rule: Rule = {
  id: 'PCI-PAT-001',
  title: 'RDS and ElastiCache apply minor engine upgrades automatically',
  requirements: ['6.3.3'],
  references: { securityHub: ['RDS.13', 'ElastiCache.2'], configRules: ['rds-automatic-minor-version-upgrade-enabled', 'elasticache-auto-minor-version-upgrade-check'] },
  resourceTypes: TYPES,
  notChecked:
    "major version upgrades and the maintenance window actually applying patches (RDS/ElastiCache pending maintenance at run time); patching of the application's own dependencies (6.3.3: the entity's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (r) => [isFalse(r.properties.AutoMinorVersionUpgrade) && 'AutoMinorVersionUpgrade is false: engine security patches are not applied'],
      'minor-version (security) upgrades applied automatically',
    ),
};
export default rule;
