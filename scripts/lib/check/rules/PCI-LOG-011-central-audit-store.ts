// The account's audit trail (CloudTrail log files, AWS Config snapshots and histories) reaches a
// central store that an administrator of the workload account cannot alter (10.3.3), and the
// copy is protected from modification (10.3.2). Passes when the logs are delivered to a bucket
// outside this stack set (the organization's log-archive account, named by a parameter), or when
// the platform's own bucket replicates them to another account
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html). A
// bucket in the workload account is never the central store, whatever its lock: GOVERNANCE
// retention can be bypassed by anyone with s3:BypassGovernanceRetention
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes).
// Dev (no cardholder data) is exempt, as for the alarm subscriber (PCI-MON-001).
import type { CheckContext, EvaluatedResource } from '../rule-context.js';
import { environmentOf, finding, list, record, show } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';

const SOURCES = ['AWS::CloudTrail::Trail', 'AWS::Config::DeliveryChannel'];

/** The default retention of a bucket's Object Lock, as text, or undefined when it has none. */
export function lockOf(bucket: EvaluatedResource): { mode: string; days: string } | undefined {
  const config = record(bucket.properties.ObjectLockConfiguration);
  const retention = record(record(config.Rule).DefaultRetention);
  if (config.ObjectLockEnabled !== 'Enabled' || retention.Mode === undefined) return undefined;
  return { mode: String(retention.Mode), days: retention.Days !== undefined ? `${show(retention.Days)} days` : `${show(retention.Years)} years` };
}

/** Replication rules of a bucket that copy `prefix` to a bucket in another account. */
function crossAccountCopies(ctx: CheckContext, bucket: EvaluatedResource, prefix: string): string[] {
  const rules = list(record(bucket.properties.ReplicationConfiguration).Rules).map(record);
  return rules
    .filter((r) => r.Status === 'Enabled')
    .filter((r) => {
      const filter = record(r.Filter);
      const wanted = String(filter.Prefix ?? record(filter.And).Prefix ?? r.Prefix ?? '');
      // The service writes under "<prefix>/AWSLogs/…": a rule for "cloudtrail/" covers prefix "cloudtrail".
      return (prefix ? `${prefix}/` : '').startsWith(wanted);
    })
    .flatMap((r) => {
      const destination = record(r.Destination);
      const account = destination.Account;
      const sameAccount = account === undefined || show(account) === 'Ref AWS::AccountId';
      // A destination that is one of the platform's own buckets lives in the same account.
      const local = ctx.resolveResource(bucket, destination.Bucket, 'AWS::S3::Bucket');
      return !sameAccount && !local ? [`replication rule ${String(r.Id ?? '')} to ${show(destination.Bucket)} in account ${show(account)}`] : [];
    });
}

function evaluate(ctx: CheckContext, source: EvaluatedResource): RuleFinding {
  const p = source.properties;
  const what = source.type === 'AWS::CloudTrail::Trail' ? 'CloudTrail log files' : 'AWS Config deliveries';
  const prefix = String(p.S3KeyPrefix ?? '');
  const bucket = ctx.resolveResource(source, p.S3BucketName, 'AWS::S3::Bucket');
  if (!bucket) return finding(source, true, `${what} go to ${show(p.S3BucketName)}, a bucket outside these stacks (the central log archive)`);
  const copies = crossAccountCopies(ctx, bucket, prefix);
  if (copies.length > 0) return finding(source, true, `${what} land in ${bucket.logicalId} and are copied out of the workload account by ${copies.join(', ')}`);
  const lock = lockOf(bucket);
  if (environmentOf(ctx) === 'dev') {
    return finding(
      source,
      true,
      `${what} stay in ${bucket.layer}/${bucket.logicalId} in the workload account — allowed in dev only (no cardholder data); staging and production copy them to the central log archive`,
    );
  }
  const lockText = !lock
    ? 'without Object Lock'
    : lock.mode === 'COMPLIANCE'
      ? `under a COMPLIANCE lock (${lock.days})`
      : `under a ${lock.mode} lock (${lock.days}) that an administrator can bypass with s3:BypassGovernanceRetention`;
  return finding(
    source,
    false,
    `the only copy of the ${what} is ${bucket.layer}/${bucket.logicalId} in the workload account, ${lockText}: deliver them to the central log-archive bucket (another account) or replicate ${prefix ? `prefix ${prefix}/ ` : ''}to it`,
  );
}

const rule: Rule = {
  id: 'PCI-LOG-011',
  title: 'CloudTrail and Config logs reach a central store outside the workload account',
  requirements: ['10.3.2', '10.3.3'],
  references: { securityHub: ['S3.15'], configRules: ['s3-bucket-replication-enabled', 's3-bucket-default-lock-enabled'] },
  resourceTypes: SOURCES,
  notChecked:
    'dev, which holds no cardholder data, may keep its audit logs in the workload account; the central bucket itself (in the log-archive account): its COMPLIANCE Object Lock, its bucket policy and who administers it — verify there (Config rule s3-bucket-default-lock-enabled); CloudWatch Logs groups (flow logs, API access, WAF, application and database logs) stay in the workload account: their central copy (subscription filter or CloudWatch Logs centralization to the log-archive account) is not checked; that replication is actually completing (S3 replication metrics)',
  check: (ctx): RuleFinding[] => ctx.resources(...SOURCES).map((s) => evaluate(ctx, s)),
};
export default rule;
