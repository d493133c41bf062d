// Database access: IAM authentication on, the master password managed (generated and rotated)
// by RDS, and the administrator not left at its default, well-known name.
import { eachResource, isTrue } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::RDS::DBInstance'] as const;
const DEFAULT_ADMINS = new Set(['postgres', 'admin', 'root', 'master', 'sa']);

const rule: Rule = {
  id: 'PCI-AUTH-004',
  title: 'RDS uses IAM authentication, an RDS-managed master password and a custom admin name',
  requirements: ['8.2.1', '8.2.2', '8.3.1', '8.6.3', '2.2.2'],
  references: { securityHub: ['RDS.10', 'RDS.25'], configRules: ['rds-instance-iam-authentication-enabled', 'rds-instance-default-admin-check'] },
  resourceTypes: TYPES,
  notChecked:
    "database users other than the master (created by the application or a DBA), their password policy and reviews (8.2.6, 8.3.x: the entity's); that IAM database authentication is what the application actually uses",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (db) => {
        const p = db.properties;
        const admin = typeof p.MasterUsername === 'string' ? p.MasterUsername : undefined;
        return [
          !isTrue(p.EnableIAMDatabaseAuthentication) && 'EnableIAMDatabaseAuthentication is not true',
          !isTrue(p.ManageMasterUserPassword) && 'ManageMasterUserPassword is not true: the master password is not generated and rotated by RDS',
          admin !== undefined && DEFAULT_ADMINS.has(admin.toLowerCase()) && `MasterUsername "${admin}" is a default administrator name`,
        ];
      },
      'IAM authentication on, master password managed by RDS, custom admin name',
    ),
};
export default rule;
