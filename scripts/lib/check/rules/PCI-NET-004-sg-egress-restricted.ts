// Outbound traffic from the CDE is limited to what is needed: every security group declares its
// egress (otherwise AWS allows everything out) and no rule opens egress to internet addresses.
// A destination outside the VPC that the business needs (a card processor) is narrowed to its
// range, or carries a suppression saying why it cannot be.
import { resourceKey } from '../rule-context.js';
import { formatPorts, sgLabel } from '../network-model.js';
import { finding } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';

const TYPES = ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupEgress'] as const;
/** The deny-all placeholder egress (CDK's idiom): nothing is routable to 255.255.255.255/32. */
const PLACEHOLDER = '255.255.255.255/32';

const rule: Rule = {
  id: 'PCI-NET-004',
  title: 'Security groups restrict egress: declared explicitly, never open to the internet',
  requirements: ['1.3.2', '1.4.2'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  notChecked:
    'that in-VPC destinations are themselves restricted (the segmentation proof, PCI-SEG-*); DNS exfiltration through the VPC resolver (Route 53 Resolver DNS Firewall: not deployed)',
  check: (ctx) => {
    const model = ctx.segmentation().model;
    const problems = new Map<string, string[]>();
    for (const r of model.rules.filter((x) => x.direction === 'egress')) {
      const key = resourceKey(r.declaredBy);
      problems.set(key, problems.get(key) ?? []);
      if (r.peer.kind === 'cidr' && r.peer.cidr.text === PLACEHOLDER) continue;
      const open = (r.peer.kind === 'cidr' && r.peer.internet) || r.peer.kind === 'ipv6';
      if (!open) continue;
      const where = r.path.includes('absent')
        ? 'no SecurityGroupEgress: AWS adds allow-all egress'
        : `egress ${r.protocol}/${formatPorts(r.protocol, r.from, r.to)} to ${r.peer.kind === 'cidr' ? r.peer.cidr.text : r.peer.text}`;
      problems.get(key)!.push(`${sgLabel(r.sg)}: ${where} (internet addresses); narrow it to the destinations the business needs`);
    }
    const out: RuleFinding[] = [];
    for (const r of ctx.resources(...TYPES)) {
      const found = problems.get(resourceKey(r)) ?? [];
      out.push(finding(r, found.length === 0, found.length === 0 ? 'egress limited to named groups and in-VPC ranges' : found.join('; ')));
    }
    return out;
  },
};
export default rule;
