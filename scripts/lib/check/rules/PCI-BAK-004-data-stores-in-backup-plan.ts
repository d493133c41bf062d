// Production databases, file systems and the S3 buckets that hold cardholder data (DataClassification
// Restricted) are covered by an AWS Backup selection (by reference, by ARN pattern or by tag), or
// for EFS by its automatic backup policy. Versioning alone is no backup: a version lives in the same
// bucket, account and region as the object.
import type { CheckContext, EvaluatedResource } from '../rule-context.js';
import { finding, list, record } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';

const SERVICE_OF: Record<string, string> = { 'AWS::RDS::DBInstance': ':rds:', 'AWS::EFS::FileSystem': ':elasticfilesystem:', 'AWS::S3::Bucket': ':s3:::' };

/** Buckets are in scope when they hold cardholder data; log and audit buckets have their own retention rules. */
const holdsCardholderData = (ctx: CheckContext, r: EvaluatedResource): boolean => r.type !== 'AWS::S3::Bucket' || ctx.tags(r)?.get('DataClassification') === 'Restricted';

function tagMatches(ctx: CheckContext, resource: EvaluatedResource, key: unknown, value: unknown): boolean {
  const tag = ctx.tags(resource)?.get(String(key).replace(/^aws:ResourceTag\//, ''));
  return tag !== undefined && (value === '*' || JSON.stringify(tag) === JSON.stringify(value));
}

/** The selections that cover a resource, by name. */
export function coveringSelections(ctx: CheckContext, resource: EvaluatedResource): string[] {
  const referenced = new Set(ctx.referrers(resource, 'AWS::Backup::BackupSelection').map((r) => r.from));
  return ctx
    .resources('AWS::Backup::BackupSelection')
    .filter((selection) => {
      const s = record(selection.properties.BackupSelection);
      if (referenced.has(selection)) return true;
      const patterns = list(s.Resources).filter((x): x is string => typeof x === 'string');
      if (patterns.some((p) => p === '*' || (p.includes(SERVICE_OF[resource.type]) && p.endsWith('*')))) return true;
      const byTag = list(s.ListOfTags)
        .map(record)
        .some((t) => String(t.ConditionType ?? 'STRINGEQUALS') === 'STRINGEQUALS' && tagMatches(ctx, resource, t.ConditionKey, t.ConditionValue));
      const equals = list(record(s.Conditions).StringEquals).map(record);
      const byCondition = equals.length > 0 && equals.every((c) => tagMatches(ctx, resource, c.ConditionKey, c.ConditionValue));
      return byTag || byCondition;
    })
    .map((s) => s.logicalId);
}

const rule: Rule = {
  id: 'PCI-BAK-004',
  title: 'RDS instances, EFS file systems and cardholder-data S3 buckets are in a backup plan',
  requirements: ['12.10.1', '9.4.1'],
  references: {
    securityHub: ['RDS.26', 'EFS.2'],
    configRules: ['rds-in-backup-plan', 'rds-resources-protected-by-backup-plan', 'efs-in-backup-plan', 's3-resources-protected-by-backup-plan'],
  },
  resourceTypes: Object.keys(SERVICE_OF),
  notChecked:
    'DynamoDB and Kinesis data (Kinesis is transient); buckets without the Restricted data class; that selected resources were actually backed up (AWS Backup job reports)',
  scope: 'production',
  check: (ctx): RuleFinding[] =>
    ctx
      .resources(...Object.keys(SERVICE_OF))
      .filter((r) => holdsCardholderData(ctx, r))
      .map((r) => {
        const selections = coveringSelections(ctx, r);
        const efsPolicy = r.type === 'AWS::EFS::FileSystem' && record(r.properties.BackupPolicy).Status === 'ENABLED';
        if (selections.length > 0) return finding(r, true, `selected by ${selections.join(', ')}`);
        if (efsPolicy) return finding(r, true, 'EFS automatic backups (BackupPolicy ENABLED)');
        return finding(r, false, 'no backup selection covers it (by reference, ARN pattern or tag)');
      }),
};
export default rule;
