// Buckets that receive audit logs (CloudTrail, Config, load balancer access logs, S3 server
// access logs) keep objects at least 12 months (versioning is PCI-DATA-003).
import type { CheckContext, EvaluatedResource } from '../rule-context.js';
import { finding, list, num, record } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';
import { MIN_RETENTION_DAYS } from './PCI-LOG-001-log-retention.js';

/** Buckets that logs are delivered to, with who delivers. */
export function logBuckets(ctx: CheckContext): Map<EvaluatedResource, string[]> {
  const out = new Map<EvaluatedResource, string[]>();
  const add = (from: EvaluatedResource, value: unknown, who: string): void => {
    const bucket = ctx.resolveResource(from, value, 'AWS::S3::Bucket');
    if (bucket) out.set(bucket, [...(out.get(bucket) ?? []), who]);
  };
  for (const t of ctx.resources('AWS::CloudTrail::Trail')) add(t, t.properties.S3BucketName, `trail ${t.logicalId}`);
  for (const d of ctx.resources('AWS::Config::DeliveryChannel')) add(d, d.properties.S3BucketName, `Config ${d.logicalId}`);
  for (const b of ctx.resources('AWS::S3::Bucket')) add(b, record(b.properties.LoggingConfiguration).DestinationBucketName, `server access logs of ${b.logicalId}`);
  for (const lb of ctx.resources('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    for (const a of list(lb.properties.LoadBalancerAttributes).map(record)) if (a.Key === 'access_logs.s3.bucket') add(lb, a.Value, `access logs of ${lb.logicalId}`);
  }
  return out;
}

function problems(bucket: EvaluatedResource): string[] {
  const out: string[] = [];
  for (const raw of list(record(bucket.properties.LifecycleConfiguration).Rules).map(record)) {
    if (raw.Status === 'Disabled') continue;
    const expire = num(raw.ExpirationInDays);
    if (expire !== undefined && expire < MIN_RETENTION_DAYS) out.push(`lifecycle rule ${String(raw.Id ?? '')} expires objects after ${expire} days (< ${MIN_RETENTION_DAYS})`);
    const noncurrent = num(record(raw.NoncurrentVersionExpiration).NoncurrentDays ?? raw.NoncurrentVersionExpirationInDays);
    if (noncurrent !== undefined && noncurrent < MIN_RETENTION_DAYS)
      out.push(`lifecycle rule ${String(raw.Id ?? '')} deletes noncurrent versions after ${noncurrent} days (< ${MIN_RETENTION_DAYS})`);
  }
  return out;
}

const rule: Rule = {
  id: 'PCI-LOG-002',
  title: 'Audit log buckets keep logs at least 365 days',
  requirements: ['10.5.1'],
  references: { securityHub: ['S3.13'], configRules: ['s3-lifecycle-policy-check'] },
  resourceTypes: ['AWS::S3::Bucket'],
  notChecked: 'that lifecycle transitions keep the logs readable for review (Glacier Instant Retrieval is); buckets that receive logs from outside these templates',
  check: (ctx): RuleFinding[] =>
    [...logBuckets(ctx)].map(([bucket, writers]) => {
      const found = problems(bucket);
      return finding(bucket, found.length === 0, found.length === 0 ? `receives ${writers.join(', ')}; kept ≥ ${MIN_RETENTION_DAYS} days` : found.join('; '));
    }),
};

export default rule;
