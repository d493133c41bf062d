// CloudTrail log files are encrypted with the audit key (SSE-KMS), readable only through its policy.
import { cmkProblem, eachResource, keyEvidence } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::CloudTrail::Trail'] as const;

const rule: Rule = {
  id: 'PCI-ENC-010',
  title: 'CloudTrail log files are encrypted with the audit customer-managed key',
  requirements: ['3.5.1', '10.3.1'],
  references: { securityHub: ['CloudTrail.2'], configRules: ['cloud-trail-encryption-enabled'] },
  resourceTypes: TYPES,
  notChecked: "which principals hold kms:Decrypt on the audit key beyond the key policy (IAM at run time); the central log-archive copy's encryption (in that account)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (trail) => [cmkProblem(ctx, trail, trail.properties.KMSKeyId, ['Audit'], 'log files (KMSKeyId)')],
      (trail) => keyEvidence(ctx, trail, trail.properties.KMSKeyId, 'log files'),
    ),
};
export default rule;
