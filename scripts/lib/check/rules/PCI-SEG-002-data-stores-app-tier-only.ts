// Segmentation proof, property 2: RDS, Redis and EFS admit only the app tier, on their own port.
import { propertyFindings } from '../segmentation-rule.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  id: 'PCI-SEG-002',
  title: 'Segmentation: data stores are reachable only from the app tier, on their own port',
  requirements: ['1.3.1', '1.3.2', '1.4.4', '1.2.5'],
  references: { securityHub: ['EC2.18'], configRules: ['vpc-sg-open-only-to-authorized-ports'] },
  resourceTypes: ['AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::EFS::FileSystem', 'AWS::EFS::MountTarget'],
  notChecked: "application-level authorization to the data stores (database users: the entity's)",
  check: (ctx) => propertyFindings(ctx, 'data-store-ingress'),
};
export default rule;
