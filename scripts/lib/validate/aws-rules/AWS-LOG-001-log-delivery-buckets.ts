// AWS-LOG-001: buckets that AWS services deliver logs into must be of the kind the service can
// write to, and must let it write:
//  - S3 server access logs: the target bucket uses SSE-S3 (SSE-KMS is not supported), has no
//    Object Lock default retention, and its policy allows logging.s3.amazonaws.com under the prefix;
//  - NLB access logs: the bucket uses SSE-S3 here, and its policy allows delivery.logs.amazonaws.com
//    to write <prefix>/AWSLogs/<account>/;
//  - AWS Config delivery: the bucket has no Object Lock (Config cannot deliver to it).
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-access-logs.html
// https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
import { resolveResource, resources, subOf, type AwsRule, type AwsRuleFinding, type AwsRuleInput, type ResolvedResource } from '../aws-rules.js';

const sseAlgorithm = (bucket: ResolvedResource): unknown =>
  ((bucket.properties.BucketEncryption as { ServerSideEncryptionConfiguration?: { ServerSideEncryptionByDefault?: { SSEAlgorithm?: unknown } }[] } | undefined)
    ?.ServerSideEncryptionConfiguration ?? [])[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm;
const hasDefaultRetention = (bucket: ResolvedResource): boolean =>
  (bucket.properties.ObjectLockConfiguration as { Rule?: { DefaultRetention?: unknown } } | undefined)?.Rule?.DefaultRetention !== undefined;
const objectLocked = (bucket: ResolvedResource): boolean => bucket.properties.ObjectLockEnabled === true || bucket.properties.ObjectLockEnabled === 'true';

/** Texts of the Resource entries of the bucket policy statements that allow a service principal s3:PutObject. */
function allowedWritePaths(input: AwsRuleInput, bucket: ResolvedResource, service: string): string[] {
  const paths: string[] = [];
  for (const policy of resources(input, 'AWS::S3::BucketPolicy')) {
    if (resolveResource(input, policy.file, policy.properties.Bucket)?.logicalId !== bucket.logicalId || policy.file !== bucket.file) continue;
    const statements = ((policy.properties.PolicyDocument as { Statement?: unknown[] } | undefined)?.Statement ?? []) as Record<string, unknown>[];
    for (const s of statements) {
      const principal = JSON.stringify(s.Principal ?? '');
      const actions = [s.Action].flat();
      if (s.Effect !== 'Allow' || !principal.includes(service) || !actions.includes('s3:PutObject')) continue;
      for (const r of [s.Resource].flat()) {
        const text = typeof r === 'string' ? r : subOf(r)?.text;
        if (text) paths.push(text.replace(/^\$\{Arn\}\//, '').replace(/^arn:[^/]*\//, ''));
      }
    }
  }
  return paths;
}

const covers = (paths: readonly string[], prefix: string): boolean =>
  paths.some((p) => {
    const pattern = new RegExp(
      `^${p
        .replace(/[.+?^$()|[\]\\]/g, '\\$&')
        .replace(/\\\$\{[^}]*\}|\$\{[^}]*\}/g, '[^/]+')
        .replace(/\*/g, '.*')}$`,
    );
    return pattern.test(prefix);
  });

const rule: AwsRule = {
  id: 'AWS-LOG-001',
  title: 'Log delivery buckets (S3 access logs, NLB access logs, AWS Config) are writable by their service',
  docs: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-access-logs.html',
    'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html',
  ],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    const problem = (file: string, logicalId: string, path: string, message: string) => findings.push({ file, logicalId, path, message });

    for (const source of resources(input, 'AWS::S3::Bucket')) {
      const logging = source.properties.LoggingConfiguration as { DestinationBucketName?: unknown; LogFilePrefix?: unknown } | undefined;
      if (!logging?.DestinationBucketName) continue;
      const target = resolveResource(input, source.file, logging.DestinationBucketName);
      if (!target) continue;
      const where = `Properties.LoggingConfiguration (target ${target.file} ${target.logicalId})`;
      if (sseAlgorithm(target) !== 'AES256')
        problem(source.file, source.logicalId, where, 'S3 server access logs can be delivered only to a bucket with SSE-S3 (AES256) default encryption');
      if (hasDefaultRetention(target)) problem(source.file, source.logicalId, where, 'S3 server access logs cannot be delivered to a bucket with an Object Lock default retention');
      const prefix = `${typeof logging.LogFilePrefix === 'string' ? logging.LogFilePrefix : ''}x`;
      if (!covers(allowedWritePaths(input, target, 'logging.s3.amazonaws.com'), prefix))
        problem(source.file, source.logicalId, where, `the target bucket policy does not allow logging.s3.amazonaws.com s3:PutObject under ${prefix.slice(0, -1)}`);
    }

    for (const lb of resources(input, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
      const attributes = Object.fromEntries(((lb.properties.LoadBalancerAttributes ?? []) as { Key?: string; Value?: unknown }[]).map((a) => [a.Key, a.Value]));
      if (attributes['access_logs.s3.enabled'] !== 'true' || lb.properties.Type !== 'network') continue;
      const target = resolveResource(input, lb.file, attributes['access_logs.s3.bucket']);
      if (!target) continue;
      const where = `Properties.LoadBalancerAttributes (bucket ${target.file} ${target.logicalId})`;
      if (sseAlgorithm(target) !== 'AES256')
        problem(lb.file, lb.logicalId, where, 'NLB access logs need the bucket to use SSE-S3 (AES256) here (SSE-KMS needs the key policy to admit delivery.logs.amazonaws.com)');
      const prefix = typeof attributes['access_logs.s3.prefix'] === 'string' ? `${attributes['access_logs.s3.prefix']}/` : '';
      if (!covers(allowedWritePaths(input, target, 'delivery.logs.amazonaws.com'), `${prefix}AWSLogs/123456789012/x`))
        problem(lb.file, lb.logicalId, where, `the bucket policy does not allow delivery.logs.amazonaws.com s3:PutObject on ${prefix}AWSLogs/<account>/*`);
    }

    for (const channel of resources(input, 'AWS::Config::DeliveryChannel')) {
      const target = resolveResource(input, channel.file, channel.properties.S3BucketName);
      if (target && objectLocked(target))
        problem(
          channel.file,
          channel.logicalId,
          'Properties.S3BucketName',
          `AWS Config cannot deliver to ${target.logicalId}: it has Object Lock enabled; give Config a bucket without Object Lock (or the central one)`,
        );
    }
    return findings;
  },
};
export default rule;
