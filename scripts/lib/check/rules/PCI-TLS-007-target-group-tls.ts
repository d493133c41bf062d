// The hop from the load balancer to the tasks stays encrypted: target groups speak TLS/HTTPS.
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ElasticLoadBalancingV2::TargetGroup'] as const;

const rule: Rule = {
  id: 'PCI-TLS-007',
  title: 'Target groups re-encrypt to the targets (TLS or HTTPS)',
  requirements: ['4.2.1'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  notChecked: "whether the targets verify anything about the load balancer (the NLB does not present a client certificate) and the targets' own TLS settings (the application's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (group) => {
        if (group.properties.TargetType === 'lambda') return [];
        const protocol = String(group.properties.Protocol ?? '').toUpperCase();
        return [protocol !== 'TLS' && protocol !== 'HTTPS' && `Protocol ${protocol || 'missing'}: the load balancer forwards to the targets in clear text`];
      },
      (group) => `forwards over ${String(group.properties.Protocol ?? 'Lambda invoke')}`,
    ),
};
export default rule;
