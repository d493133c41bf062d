// The database refuses clear-text connections: its own parameter group sets rds.force_ssl = 1
// (PostgreSQL) or require_secure_transport = ON (MySQL/MariaDB).
import { eachResource, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::RDS::DBInstance'] as const;

const rule: Rule = {
  id: 'PCI-TLS-001',
  title: 'RDS requires TLS (rds.force_ssl = 1 in its own parameter group)',
  requirements: ['4.2.1', '2.2.7'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  notChecked: "the TLS version clients negotiate (RDS allows the minimum set by rds.force_ssl and ssl_min_protocol_version: PostgreSQL's default is TLS 1.2)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (db) => {
        const group = ctx.resolveResource(db, db.properties.DBParameterGroupName, 'AWS::RDS::DBParameterGroup');
        if (!group) return ['no DBParameterGroup of the platform (the default group does not force TLS)'];
        const parameters = record(group.properties.Parameters);
        const engine = String(db.properties.Engine ?? 'postgres');
        if (/mysql|mariadb/.test(engine)) {
          const v = String(parameters.require_secure_transport ?? '').toUpperCase();
          return [v !== 'ON' && v !== '1' && `${group.logicalId}: require_secure_transport is ${v || 'unset'}, must be ON`];
        }
        return [String(parameters['rds.force_ssl'] ?? '') !== '1' && `${group.logicalId}: rds.force_ssl is ${String(parameters['rds.force_ssl'] ?? 'unset')}, must be 1`];
      },
      (db) => `clear-text connections refused (${ctx.resolveResource(db, db.properties.DBParameterGroupName)?.logicalId}: rds.force_ssl = 1)`,
    ),
};
export default rule;
