// NACL entries never admit the whole internet to administration ports or to everything.
import { eachResource, num, record } from '../rule-kit.js';
import { parseCidr, reachesPublicAddresses } from '../cidr.js';
import { protocolOf } from '../network-model.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::EC2::NetworkAclEntry'] as const;
const ADMIN_PORTS = [22, 3389];

const rule: Rule = {
  id: 'PCI-NET-005',
  title: 'Network ACLs do not admit the internet to administration ports or to all traffic',
  requirements: ['1.3.1', '1.2.5'],
  references: { securityHub: ['EC2.21'], configRules: ['nacl-no-unrestricted-ssh-rdp'] },
  resourceTypes: TYPES,
  notChecked: 'NACLs of subnets outside these templates and the VPC default NACL',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (entry) => {
        const p = entry.properties;
        if (p.Egress === true || String(p.RuleAction).toLowerCase() !== 'allow') return [];
        const cidr = parseCidr(p.CidrBlock);
        const internet = p.Ipv6CidrBlock !== undefined || (cidr !== undefined && reachesPublicAddresses(cidr));
        if (!internet) return [];
        const protocol = protocolOf(p.Protocol);
        if (protocol === 'all') return [`allows all traffic from ${String(p.CidrBlock ?? p.Ipv6CidrBlock)}`];
        const from = num(record(p.PortRange).From) ?? 0;
        const to = num(record(p.PortRange).To) ?? 65535;
        const admin = ADMIN_PORTS.filter((port) => port >= from && port <= to);
        return [admin.length > 0 && `allows ${protocol} ${admin.join('/')} (remote administration) from ${String(p.CidrBlock ?? p.Ipv6CidrBlock)}`];
      },
      'admits no internet traffic to administration ports',
    ),
};
export default rule;
