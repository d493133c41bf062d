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
  if (/^cron\(/.test(expression)) return 1; // a cron schedule in Secrets Manager runs at least every few days by construction
  return undefined;
}

export const rule: Rule = {
  id: 'PCI-AUTH-001',
  title: 'Secrets rotate automatically at least every 30 days',
  requirements: ['8.3.9', '8.6.3', '3.7.4'],
  references: { securityHub: ['SecretsManager.1', 'SecretsManager.4'], configRules: ['secretsmanager-rotation-enabled-check', 'secretsmanager-secret-periodic-rotation'] },
  resourceTypes: TYPES,
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (secret) => {
        const schedules = ctx.referrers(secret, 'AWS::SecretsManager::RotationSchedule').map((r) => r.from).filter((s) => ctx.resolveResource(s, s.properties.SecretId) === secret);
        if (schedules.length === 0) return ['no RotationSchedule: the secret never rotates'];
        return schedules.flatMap((s) => {
          const p = s.properties;
          const days = rotationDays(record(p.RotationRules));
          return [
            p.RotationLambdaARN === undefined && p.HostedRotationLambda === undefined && `${s.logicalId}: no rotation function (RotationLambdaARN or HostedRotationLambda)`,
            days === undefined ? `${s.logicalId}: RotationRules give no schedule` : days > MAX_DAYS && `${s.logicalId}: rotates every ${days} days, more than ${MAX_DAYS}`,
          ];
        });
      },
      (secret) => `rotated by ${ctx.referrers(secret, 'AWS::SecretsManager::RotationSchedule').map((r) => r.from.logicalId).join(', ')}`,
    ),
};
export default rule;
