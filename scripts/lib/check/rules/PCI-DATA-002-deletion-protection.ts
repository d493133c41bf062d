// In production, the database and load balancers cannot be deleted by a single API call.
import { eachResource, isTrue } from '../rule-kit.js';
import type { Rule } from '../types.js';
import { attribute } from './PCI-LOG-007-elb-access-logs.js';

const TYPES = ['AWS::RDS::DBInstance', 'AWS::ElasticLoadBalancingV2::LoadBalancer'] as const;

const rule: Rule = {
  id: 'PCI-DATA-002',
  title: 'Deletion protection on RDS and load balancers in production',
  requirements: ['12.10.1'],
  references: { securityHub: ['RDS.8', 'ELB.6'], configRules: ['rds-instance-deletion-protection-enabled', 'elb-deletion-protection-enabled'] },
  resourceTypes: TYPES,
  notChecked: 'deletion protection of other stateful resources (S3 via PCI-DATA-001 Retain, backup vault lock via the backup layer)',
  scope: 'production',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (r) =>
        r.type === 'AWS::RDS::DBInstance'
          ? [!isTrue(r.properties.DeletionProtection) && 'DeletionProtection is not true']
          : [!isTrue(attribute(r, 'deletion_protection.enabled')) && 'load balancer attribute deletion_protection.enabled is not true'],
      'deletion protection on',
    ),
};
export default rule;
