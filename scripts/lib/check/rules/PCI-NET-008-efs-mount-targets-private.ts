// EFS mount targets sit in subnets without a route to an internet gateway.
import { resourceKey } from '../rule-context.js';
import { finding } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::EFS::MountTarget'] as const;

const rule: Rule = {
  id: 'PCI-NET-008',
  title: 'EFS mount targets are not in public subnets',
  requirements: ['1.3.1', '1.4.4'],
  references: { securityHub: ['EFS.6'], configRules: ['efs-mount-target-public-accessible'] },
  resourceTypes: TYPES,
  notChecked: 'who mounts the file system (the file system policy and PCI-SEG-002)',
  check: (ctx) => {
    const subnets = new Map(ctx.segmentation().model.subnets.map((s) => [resourceKey(s.resource), s]));
    return ctx.resources(...TYPES).map((mount) => {
      const target = ctx.resolveResource(mount, mount.properties.SubnetId, 'AWS::EC2::Subnet');
      const subnet = target ? subnets.get(resourceKey(target)) : undefined;
      if (!subnet) return finding(mount, false, `SubnetId does not resolve to a subnet of the platform (${JSON.stringify(mount.properties.SubnetId)})`);
      return finding(
        mount,
        subnet.effective !== 'public',
        subnet.effective === 'public' ? `subnet ${subnet.label} routes to an internet gateway (public)` : `in ${subnet.effective} subnet ${subnet.label}`,
      );
    });
  },
};
export default rule;
