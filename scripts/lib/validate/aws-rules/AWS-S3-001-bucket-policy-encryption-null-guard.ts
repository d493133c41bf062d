// AWS-S3-001: a Deny on the SSE headers with StringNotEquals (or StringNotLike) also matches a
// request without the header: every upload relying on the bucket's default encryption and every
// multipart part (UploadPart carries no SSE header) is denied. A Null condition ("false": the
// header is present) must guard it.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
import { resources, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const NEGATED = /^(StringNotEquals|StringNotLike|StringNotEqualsIgnoreCase)$/;

const rule: AwsRule = {
  id: 'AWS-S3-001',
  title: 'Bucket policies deny on SSE headers only when the header is present (Null guard)',
  docs: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null',
  ],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const policy of resources(input, 'AWS::S3::BucketPolicy')) {
      const statements = ((policy.properties.PolicyDocument as { Statement?: unknown[] } | undefined)?.Statement ?? []) as Record<string, unknown>[];
      statements.forEach((s, i) => {
        if (s.Effect !== 'Deny') return;
        const condition = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
        const nulls = condition.Null ?? {};
        for (const [operator, keys] of Object.entries(condition)) {
          if (!NEGATED.test(operator)) continue;
          for (const key of Object.keys(keys)) {
            if (!/^s3:x-amz-server-side-encryption/.test(key)) continue;
            if (String(nulls[key]) !== 'false') {
              findings.push({
                file: policy.file,
                logicalId: policy.logicalId,
                path: `Properties.PolicyDocument.Statement[${i}]${s.Sid ? ` (${String(s.Sid)})` : ''}`,
                message: `${operator} on ${key} without Null {"${key}": "false"} also denies requests without the header: uploads using default encryption and every multipart part`,
              });
            }
          }
        }
      });
    }
    return findings;
  },
};
export default rule;
