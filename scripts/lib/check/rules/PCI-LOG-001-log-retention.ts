// Audit logs are kept at least 12 months (10.5.1), and the retention is explicit.
import { eachResource, num } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::Logs::LogGroup'] as const;
export const MIN_RETENTION_DAYS = 365;

const rule: Rule = {
  id: 'PCI-LOG-001',
  title: 'CloudWatch Logs retention is at least 365 days',
  requirements: ['10.5.1'],
  references: { securityHub: ['CloudWatch.16'], configRules: ['cw-loggroup-retention-period-check'] },
  resourceTypes: TYPES,
  notChecked: 'logs outside CloudWatch Logs (S3: PCI-LOG-002); that three months are immediately available for analysis (CloudWatch Logs keeps all retained events queryable)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (group) => {
        const raw = group.properties.RetentionInDays;
        if (raw === undefined) return ['RetentionInDays is not set (never expires): set an explicit retention of at least 365 days'];
        const days = num(raw);
        return [
          days === undefined
            ? `RetentionInDays ${String(raw)} cannot be resolved`
            : days < MIN_RETENTION_DAYS && `RetentionInDays ${days} is below ${MIN_RETENTION_DAYS} (PCI DSS 10.5.1 keeps 12 months)`,
        ];
      },
      (group) => `kept ${String(group.properties.RetentionInDays)} days`,
    ),
};
export default rule;
