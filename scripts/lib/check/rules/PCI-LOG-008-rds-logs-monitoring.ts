// The database exports its logs to CloudWatch Logs and reports enhanced monitoring.
import { eachResource, list, num } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::RDS::DBInstance'] as const;
const ENGINE_LOGS: [RegExp, string][] = [
  [/postgres/, 'postgresql'],
  [/mysql|mariadb/, 'audit'],
  [/oracle/, 'audit'],
  [/sqlserver/, 'error'],
];

const rule: Rule = {
  id: 'PCI-LOG-008',
  title: 'RDS exports its logs to CloudWatch Logs and has enhanced monitoring',
  requirements: ['10.2.1', '10.2.2', '10.4.1'],
  references: { securityHub: ['RDS.9', 'RDS.6'], configRules: ['rds-logging-enabled', 'rds-enhanced-monitoring-enabled'] },
  resourceTypes: TYPES,
  notChecked: "what pgaudit records (the pgaudit.log setting of the parameter group) and database user activity review (10.4: the entity's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (db) => {
        const p = db.properties;
        const wanted = ENGINE_LOGS.find(([re]) => re.test(String(p.Engine ?? 'postgres')))?.[1] ?? 'postgresql';
        const interval = num(p.MonitoringInterval) ?? 0;
        return [
          !list(p.EnableCloudwatchLogsExports).includes(wanted) && `EnableCloudwatchLogsExports does not include ${wanted}`,
          interval <= 0 && 'MonitoringInterval is 0: no enhanced monitoring',
          interval > 0 && p.MonitoringRoleArn === undefined && 'MonitoringInterval set without MonitoringRoleArn',
        ];
      },
      (db) => `exports ${list(db.properties.EnableCloudwatchLogsExports).join(', ')}; enhanced monitoring every ${String(db.properties.MonitoringInterval)} s`,
    ),
};
export default rule;
