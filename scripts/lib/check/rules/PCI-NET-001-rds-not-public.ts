// Databases never get a public endpoint.
import { eachResource, isFalse } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::RDS::DBInstance'] as const;

const rule: Rule = {
  id: 'PCI-NET-001',
  title: 'RDS instances are not publicly accessible',
  requirements: ['1.3.1', '1.4.4'],
  references: { securityHub: ['RDS.2'], configRules: ['rds-instance-public-access-check'] },
  resourceTypes: TYPES,
  notChecked: 'snapshots shared publicly (Config rule rds-snapshots-public-prohibited, deployed by the audit layer)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (db) => [
        !isFalse(db.properties.PubliclyAccessible) &&
          `PubliclyAccessible is ${String(db.properties.PubliclyAccessible ?? 'unset (the default depends on the subnet group)')}; set it to false`,
      ],
      'PubliclyAccessible false',
    ),
};
export default rule;
