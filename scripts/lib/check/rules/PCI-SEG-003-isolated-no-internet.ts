// Segmentation proof, property 3: the isolated tier (and any subnet holding RDS or Redis) has no
// route to the internet — no internet gateway, NAT, transit gateway or peering path.
import { propertyFindings } from '../segmentation-rule.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  id: 'PCI-SEG-003',
  title: 'Segmentation: the isolated tier has no route to the internet',
  requirements: ['1.3.2', '1.4.4', '1.4.1'],
  references: { securityHub: [], configRules: ['no-unrestricted-route-to-igw'] },
  resourceTypes: ['AWS::EC2::Subnet'],
  notChecked: 'routes added outside the templates (VPC route tables at run time: Config rule no-unrestricted-route-to-igw)',
  check: (ctx) => propertyFindings(ctx, 'isolated-tier'),
};
export default rule;
