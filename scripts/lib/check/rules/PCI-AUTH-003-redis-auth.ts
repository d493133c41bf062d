// Redis clients authenticate: an AUTH token from a generated secret, or RBAC user groups.
import { eachResource, list } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ElastiCache::ReplicationGroup'] as const;

const rule: Rule = {
  id: 'PCI-AUTH-003',
  title: 'ElastiCache requires authentication (AUTH token or RBAC)',
  requirements: ['8.2.1', '8.3.1'],
  references: { securityHub: ['ElastiCache.6'], configRules: ['elasticache-repl-grp-redis-auth-enabled', 'elasticache-rbac-auth-enabled'] },
  resourceTypes: TYPES,
  notChecked:
    "the strength and rotation of the AUTH token in use (PCI-AUTH-001 checks the secret's schedule), RBAC user permissions, and that clients verify the server certificate",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (rg) => [
        rg.properties.AuthToken === undefined && list(rg.properties.UserGroupIds).length === 0 && 'neither AuthToken nor UserGroupIds: any client that reaches the port is in',
      ],
      (rg) => (rg.properties.AuthToken !== undefined ? 'AUTH token required' : 'RBAC user groups required'),
    ),
};
export default rule;
