// Nothing in the VPC gets a public IP by itself: subnets do not auto-assign, tasks do not ask.
import { eachResource, isTrue, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::EC2::Subnet', 'AWS::ECS::Service'] as const;

const rule: Rule = {
  id: 'PCI-NET-003',
  title: 'Subnets do not auto-assign public IPs; ECS tasks get no public IP',
  requirements: ['1.3.1', '1.4.4'],
  references: { securityHub: ['EC2.15', 'ECS.2'], configRules: ['subnet-auto-assign-public-ip-disabled', 'ecs-service-assign-public-ip-disabled'] },
  resourceTypes: TYPES,
  notChecked: 'Elastic IPs attached later by hand (EC2 at run time)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (r) =>
        r.type === 'AWS::EC2::Subnet'
          ? [isTrue(r.properties.MapPublicIpOnLaunch) && 'MapPublicIpOnLaunch is true: every ENI placed here gets a public IP']
          : [record(record(r.properties.NetworkConfiguration).AwsvpcConfiguration).AssignPublicIp === 'ENABLED' && 'AssignPublicIp is ENABLED: tasks get public IPs'],
      (r) => (r.type === 'AWS::EC2::Subnet' ? 'no public IP auto-assignment' : 'tasks get no public IP'),
    ),
};
export default rule;
