// RDS storage, snapshots, Performance Insights and the RDS-managed master secret are encrypted
// with the platform's customer-managed keys (database data class; the secret with the secrets key).
import { cmkProblem, eachResource, isTrue, keyEvidence, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::RDS::DBInstance'] as const;

const rule: Rule = {
  id: 'PCI-ENC-001',
  title: 'RDS storage and Performance Insights are encrypted with the database customer-managed key',
  requirements: ['3.5.1', '3.6.1'],
  references: { securityHub: ['RDS.3', 'RDS.4'], configRules: ['rds-storage-encrypted', 'rds-snapshot-encrypted'] },
  resourceTypes: TYPES,
  notChecked: "key access by people (key policy: PCI-KMS-002) and the application's own field-level encryption of PAN (3.5.1.x: the application's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (db) => {
        const p = db.properties;
        return [
          !isTrue(p.StorageEncrypted) && 'StorageEncrypted is not true: storage, backups and snapshots are unencrypted',
          cmkProblem(ctx, db, p.KmsKeyId, ['Database'], 'storage (KmsKeyId)'),
          isTrue(p.EnablePerformanceInsights) && cmkProblem(ctx, db, p.PerformanceInsightsKMSKeyId, ['Database'], 'Performance Insights (PerformanceInsightsKMSKeyId)'),
          isTrue(p.ManageMasterUserPassword) && cmkProblem(ctx, db, record(p.MasterUserSecret).KmsKeyId, ['Secrets'], 'the RDS-managed master secret (MasterUserSecret.KmsKeyId)'),
        ];
      },
      (db) => keyEvidence(ctx, db, db.properties.KmsKeyId, 'storage, backups and snapshots'),
    ),
};
export default rule;
