// Load balancers write access logs (who connected, when, with which TLS parameters).
import { eachResource, isTrue, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::ElasticLoadBalancingV2::LoadBalancer'] as const;

export const attribute = (lb: { properties: Record<string, unknown> }, key: string): unknown =>
  list(lb.properties.LoadBalancerAttributes)
    .map(record)
    .find((a) => a.Key === key)?.Value;

const rule: Rule = {
  id: 'PCI-LOG-007',
  title: 'Load balancers write access logs',
  requirements: ['10.2.1'],
  references: { securityHub: ['ELB.5'], configRules: ['elb-logging-enabled'] },
  resourceTypes: TYPES,
  notChecked: 'that the access-log bucket accepts the deliveries (ELB writes a test file on create)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (lb) => [
        !isTrue(attribute(lb, 'access_logs.s3.enabled')) && 'access_logs.s3.enabled is not true',
        isTrue(attribute(lb, 'access_logs.s3.enabled')) && attribute(lb, 'access_logs.s3.bucket') === undefined && 'access_logs.s3.bucket is not set',
      ],
      'access logs to S3',
    ),
};
export default rule;
