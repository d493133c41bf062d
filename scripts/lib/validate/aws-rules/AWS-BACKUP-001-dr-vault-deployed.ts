// AWS-BACKUP-001: a cross-region copy job fails unless the destination vault exists in the DR
// region; the platform's root stack cannot create it (another region), so every vault a copy
// action names must be created by a template of generated/standalone (deployed there as its own
// stack), with the same name.
// https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../../../templates-src/core/yaml.js';
import { resources, subOf, visit, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const vaultNameOfArn = (text: string): string | undefined => /:backup-vault:(.+)$/.exec(text)?.[1];
const nameText = (value: unknown): string | undefined => (typeof value === 'string' ? value : subOf(value)?.text);

const rule: AwsRule = {
  id: 'AWS-BACKUP-001',
  title: 'Every vault a cross-region copy targets is created by a standalone template for the DR region',
  docs: ['https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html'],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    const standaloneDir = join(input.dir, '..', 'standalone');
    const standaloneVaults = existsSync(standaloneDir)
      ? readdirSync(standaloneDir)
          .filter((f) => f.endsWith('.yaml'))
          .flatMap((f) =>
            Object.values(
              (parseTemplate(readFileSync(join(standaloneDir, f), 'utf8'), f).Resources ?? {}) as Record<string, { Type?: string; Properties?: { BackupVaultName?: unknown } }>,
            ),
          )
          .filter((r) => r.Type === 'AWS::Backup::BackupVault')
          .map((r) => nameText(r.Properties?.BackupVaultName))
      : [];
    for (const plan of resources(input, 'AWS::Backup::BackupPlan')) {
      const rules = ((plan.properties.BackupPlan as { BackupPlanRule?: unknown[] } | undefined)?.BackupPlanRule ?? []) as Record<string, unknown>[];
      rules.forEach((r, i) => {
        visit(r.CopyActions, `Properties.BackupPlan.BackupPlanRule[${i}].CopyActions`, (node, path) => {
          const destination =
            node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as { DestinationBackupVaultArn?: unknown }).DestinationBackupVaultArn : undefined;
          const name = destination === undefined ? undefined : vaultNameOfArn(nameText(destination) ?? '');
          if (name && !standaloneVaults.includes(name)) {
            findings.push({
              file: plan.file,
              logicalId: plan.logicalId,
              path,
              message: `the copy goes to vault ${name}, which no template in generated/standalone creates: every copy job would fail`,
            });
          }
        });
      });
    }
    return findings;
  },
};
export default rule;
