// Redis lives in the platform's own subnet group, never the default one (default VPC).
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ElastiCache::ReplicationGroup'] as const;

const rule: Rule = {
  id: 'PCI-NET-007',
  title: 'ElastiCache uses a platform subnet group (not the default)',
  requirements: ['1.3.1', '1.4.4'],
  references: { securityHub: ['ElastiCache.7'], configRules: ['elasticache-subnet-group-check'] },
  resourceTypes: TYPES,
  notChecked: 'the subnets of the subnet group (the segmentation proof checks they are isolated)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (rg) => [
        !ctx.resolveResource(rg, rg.properties.CacheSubnetGroupName, 'AWS::ElastiCache::SubnetGroup') &&
          `CacheSubnetGroupName ${String(rg.properties.CacheSubnetGroupName ?? 'unset')} is not a subnet group of the platform`,
      ],
      (rg) => `subnet group ${ctx.resolveResource(rg, rg.properties.CacheSubnetGroupName)?.logicalId}`,
    ),
};
export default rule;
