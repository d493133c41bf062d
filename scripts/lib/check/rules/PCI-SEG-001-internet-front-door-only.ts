// Segmentation proof, property 1: from 0.0.0.0/0 only the front door (API Gateway behind WAF) is
// reachable, and only on 443. See scripts/lib/check/segmentation.ts.
import { propertyFindings } from '../segmentation-rule.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  id: 'PCI-SEG-001',
  title: 'Segmentation: only the front door is reachable from the internet, only on 443',
  requirements: ['1.3.1', '1.4.1', '1.4.2', '1.2.5'],
  references: {
    securityHub: ['EC2.13', 'EC2.14', 'EC2.18', 'EC2.19', 'EC2.53', 'EC2.54', 'ELB.16'],
    configRules: ['restricted-ssh', 'restricted-common-ports', 'vpc-sg-open-only-to-authorized-ports', 'vpc-sg-port-restriction-check'],
  },
  resourceTypes: [
    'AWS::EC2::SecurityGroup',
    'AWS::EC2::SecurityGroupIngress',
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
    'AWS::ApiGateway::RestApi',
    'AWS::ECS::Service',
    'AWS::RDS::DBInstance',
  ],
  notChecked:
    "traffic that enters through other paths created outside these templates (peering, transit gateways, Direct Connect, a second VPC); the WAF rules' quality (PCI-WAF-002)",
  check: (ctx) => propertyFindings(ctx, 'internet-ingress'),
};
export default rule;
