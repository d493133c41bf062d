// Recovery points hold copies of cardholder data: the vault encrypts them with the backup key.
import { cmkProblem, eachResource, keyEvidence } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::Backup::BackupVault'] as const;

const rule: Rule = {
  id: 'PCI-ENC-009',
  title: 'Backup vaults encrypt recovery points with the backup customer-managed key',
  requirements: ['3.5.1', '9.4.1'],
  references: { securityHub: ['Backup.1'], configRules: ['backup-recovery-point-encrypted'] },
  resourceTypes: TYPES,
  notChecked: "the DR-region vault's key (standalone dr-backup-vault template, deployed separately)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (vault) => [cmkProblem(ctx, vault, vault.properties.EncryptionKeyArn, ['Backup'], 'recovery points (EncryptionKeyArn)')],
      (vault) => keyEvidence(ctx, vault, vault.properties.EncryptionKeyArn, 'recovery points'),
    ),
};
export default rule;
