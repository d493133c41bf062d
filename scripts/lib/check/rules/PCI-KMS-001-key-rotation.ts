// Cryptoperiod: every symmetric customer-managed key rotates automatically at least yearly.
import { eachResource, isTrue, num } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::KMS::Key'] as const;
const MAX_PERIOD_DAYS = 365;

const rule: Rule = {
  id: 'PCI-KMS-001',
  title: 'Customer-managed keys rotate automatically, at least every 365 days',
  requirements: ['3.6.1', '3.7.4'],
  references: { securityHub: ['KMS.4'], configRules: ['cmk-backing-key-rotation-enabled'] },
  resourceTypes: TYPES,
  notChecked: "keys outside the platform and manual rotation of imported or asymmetric keys (none are used); key-management procedures (3.6/3.7 documentation: the entity's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (key) => {
        const p = key.properties;
        const spec = String(p.KeySpec ?? 'SYMMETRIC_DEFAULT');
        if (spec !== 'SYMMETRIC_DEFAULT') return [`KeySpec ${spec}: AWS KMS cannot rotate asymmetric or HMAC keys automatically; use a symmetric key or document manual rotation`];
        const period = p.RotationPeriodInDays === undefined ? 365 : num(p.RotationPeriodInDays);
        return [
          !isTrue(p.EnableKeyRotation) && 'EnableKeyRotation is not true',
          period === undefined
            ? `RotationPeriodInDays ${String(p.RotationPeriodInDays)} cannot be resolved`
            : period > MAX_PERIOD_DAYS && `RotationPeriodInDays ${period} is longer than the ${MAX_PERIOD_DAYS}-day cryptoperiod`,
        ];
      },
      (key) => `rotates automatically every ${key.properties.RotationPeriodInDays ?? 365} days`,
    ),
};
export default rule;
