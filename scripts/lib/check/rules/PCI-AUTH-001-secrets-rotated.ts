// Every stored credential rotates automatically, at least every 30 days.
import { eachResource, num, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::SecretsManager::Secret'] as const;
const MAX_DAYS = 30;

/** Days between rotations of a RotationRules block; undefined when it cannot be told. */
export function rotationDays(rules: Record<string, unknown>): number | undefined {
  const days = num(rules.AutomaticallyAfterDays);
  if (days !== undefined) return days;
  const expression = String(rules.ScheduleExpression ?? '');
  const rate = /^rate\((\d+)\s+(day|days|hour|hours)\)$/.exec(expression);
  if (rate) return rate[2].startsWith('hour') ? Number(rate[1]) / 24 : Number(rate[1]);
  const cron = /^cron\((.+)\)$/.exec(expression);
  return cron ? cronMaxDays(cron[1]) : undefined;
}

/** Days of a month a day-of-month field selects (1–31), or undefined when it cannot be told. */
function daysOfMonth(field: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const step = /^(\d+|\*)\/(\d+)$/.exec(part);
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (step) for (let d = step[1] === '*' ? 1 : Number(step[1]); d <= 31; d += Number(step[2])) days.add(d);
    else if (range) for (let d = Number(range[1]); d <= Number(range[2]); d++) days.add(d);
    else if (/^\d+$/.test(part)) days.add(Number(part));
    else if (part === 'L')
      days.add(28); // the last day: in February the 28th
    else return undefined;
  }
  return [...days].filter((d) => d >= 1 && d <= 31).sort((a, b) => a - b);
}

/**
 * The longest gap, in days, between two runs of a Secrets Manager cron expression
 * (minutes hours day-of-month month day-of-week year;
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html),
 * or undefined when the expression does not tell (months or years apart, nth weekday …).
 */
export function cronMaxDays(body: string): number | undefined {
  const [, , dom, month, dow, year] = body.trim().split(/\s+/);
  const any = (f: string | undefined): boolean => f === undefined || f === '*' || f === '?';
  if (!any(month) || !any(year)) return undefined;
  if (any(dom) && any(dow)) return 1;
  if (any(dom)) return /^[A-Za-z0-9,-]+$/.test(dow) ? 7 : undefined; // weekdays: at most a week apart; "#" and "L" are monthly
  const days = daysOfMonth(dom);
  if (!days || days.length === 0) return undefined;
  // Gaps inside a month, and from the last run to the first of the next (a 31-day month, the longest).
  const gaps = days.slice(1).map((d, i) => d - days[i]);
  gaps.push(31 - days[days.length - 1] + days[0]);
  return Math.max(...gaps);
}

const rule: Rule = {
  id: 'PCI-AUTH-001',
  title: 'Secrets rotate automatically at least every 30 days',
  requirements: ['8.3.9', '8.6.3'],
  notChecked:
    'that rotation succeeds (Config rule secretsmanager-scheduled-rotation-success-check, deployed by the audit layer) and that clients pick up the new value; secrets held outside Secrets Manager',
  references: { securityHub: ['SecretsManager.1', 'SecretsManager.4'], configRules: ['secretsmanager-rotation-enabled-check', 'secretsmanager-secret-periodic-rotation'] },
  resourceTypes: TYPES,
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (secret) => {
        const schedules = ctx
          .referrers(secret, 'AWS::SecretsManager::RotationSchedule')
          .map((r) => r.from)
          .filter((s) => ctx.resolveResource(s, s.properties.SecretId) === secret);
        if (schedules.length === 0) return ['no RotationSchedule: the secret never rotates'];
        return schedules.flatMap((s) => {
          const p = s.properties;
          const days = rotationDays(record(p.RotationRules));
          return [
            p.RotationLambdaARN === undefined && p.HostedRotationLambda === undefined && `${s.logicalId}: no rotation function (RotationLambdaARN or HostedRotationLambda)`,
            days === undefined
              ? `${s.logicalId}: RotationRules give no schedule whose interval can be told (${String(record(p.RotationRules).ScheduleExpression ?? record(p.RotationRules).AutomaticallyAfterDays ?? 'none')})`
              : days > MAX_DAYS && `${s.logicalId}: rotates every ${days} days, more than ${MAX_DAYS}`,
          ];
        });
      },
      (secret) =>
        `rotated by ${ctx
          .referrers(secret, 'AWS::SecretsManager::RotationSchedule')
          .map((r) => r.from.logicalId)
          .join(', ')}`,
    ),
};
export default rule;
