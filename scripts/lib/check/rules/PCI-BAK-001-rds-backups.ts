// Production databases keep automated backups (point-in-time recovery) long enough to recover.
import { eachResource, isTrue, num } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::RDS::DBInstance'] as const;
const MIN_DAYS = 7;

const rule: Rule = {
  id: 'PCI-BAK-001',
  title: 'RDS automated backups are kept at least 7 days and snapshots carry tags',
  requirements: ['12.10.1', '9.4.1'],
  references: { securityHub: ['RDS.11', 'RDS.17'], configRules: ['db-instance-backup-enabled', 'rds-instance-copy-tags-to-snapshots-enabled'] },
  resourceTypes: TYPES,
  notChecked: "that restores work (restore tests are the entity's, 12.10.2) and copies to another region (PCI-BAK-003/AWS Backup copy jobs at run time)",
  scope: 'production',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (db) => {
        const days = num(db.properties.BackupRetentionPeriod ?? 1);
        return [
          (days === undefined || days < MIN_DAYS) && `BackupRetentionPeriod ${String(db.properties.BackupRetentionPeriod ?? '1 (default)')} is below ${MIN_DAYS} days`,
          !isTrue(db.properties.CopyTagsToSnapshot) && 'CopyTagsToSnapshot is not true: snapshots lose their classification tags',
        ];
      },
      (db) => `automated backups kept ${String(db.properties.BackupRetentionPeriod)} days`,
    ),
};
export default rule;
