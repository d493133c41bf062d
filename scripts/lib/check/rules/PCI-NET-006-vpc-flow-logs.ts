// Every VPC records all its traffic (accepted and rejected) as flow logs.
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::EC2::VPC'] as const;

const rule: Rule = {
  id: 'PCI-NET-006',
  title: 'VPC flow logs capture ALL traffic',
  requirements: ['10.2.1'],
  references: { securityHub: ['EC2.6'], configRules: ['vpc-flow-logs-enabled'] },
  resourceTypes: TYPES,
  notChecked: "that someone reviews the flow logs (10.4.1: GuardDuty or the entity's SIEM)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (vpc) => {
        const logs = ctx
          .referrers(vpc, 'AWS::EC2::FlowLog')
          .map((r) => r.from)
          .filter((f) => ctx.resolveResource(f, f.properties.ResourceId) === vpc);
        if (logs.length === 0) return ['no flow log on this VPC'];
        const all = logs.filter((f) => f.properties.TrafficType === 'ALL');
        return [all.length === 0 && `flow logs capture ${logs.map((f) => String(f.properties.TrafficType)).join(', ')} only, not ALL`];
      },
      (vpc) =>
        `flow log ${ctx
          .referrers(vpc, 'AWS::EC2::FlowLog')
          .map((r) => r.from.logicalId)
          .join(', ')} captures ALL traffic`,
    ),
};
export default rule;
