// Production backup plans run at least daily and keep recovery points at least 30 days.
import { eachResource, list, num, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::Backup::BackupPlan'] as const;
const MIN_DAYS = 30;

/** Whether a schedule expression runs at least once a day. */
function daily(expression: string): boolean {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) return rate[2].startsWith('day') ? Number(rate[1]) <= 1 : rate[2].startsWith('hour') ? Number(rate[1]) <= 24 : true;
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron) return false;
  const [, , dayOfMonth, , dayOfWeek] = cron[1].trim().split(/\s+/);
  return (dayOfMonth === '*' || dayOfMonth === '?') && (dayOfWeek === '*' || dayOfWeek === '?');
}

const rule: Rule = {
  id: 'PCI-BAK-003',
  title: 'Backup plans run daily and keep recovery points at least 30 days',
  requirements: ['12.10.1', '9.4.1'],
  references: { securityHub: [], configRules: ['backup-plan-min-frequency-and-min-retention-check'] },
  resourceTypes: TYPES,
  notChecked: 'that jobs succeed and the DR-region copy arrives (AWS Backup job status, Config rule backup-recovery-point-manual-deletion-disabled); restore tests',
  scope: 'production',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (plan) => {
        const rules = list(record(plan.properties.BackupPlan).BackupPlanRule).map(record);
        if (rules.length === 0) return ['the plan has no rules'];
        return rules.flatMap((r) => {
          const name = String(r.RuleName ?? '');
          const keep = num(record(r.Lifecycle).DeleteAfterDays);
          return [
            !daily(String(r.ScheduleExpression ?? '')) && `rule ${name}: schedule ${String(r.ScheduleExpression ?? 'missing')} is not at least daily`,
            keep !== undefined && keep < MIN_DAYS && `rule ${name}: recovery points deleted after ${keep} days (< ${MIN_DAYS})`,
          ];
        });
      },
      'daily backups kept at least 30 days',
    ),
};
export default rule;
