// S3 buckets default-encrypt with SSE-KMS under a platform key (storage or audit class). A bucket
// that a service can only write with SSE-S3 (some log deliveries) carries a suppression with why.
import { cmkProblem, eachResource, keyEvidence, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::S3::Bucket'] as const;

function defaults(bucket: { properties: Record<string, unknown> }): Record<string, unknown>[] {
  return list(record(bucket.properties.BucketEncryption).ServerSideEncryptionConfiguration).map((c) => record(record(c).ServerSideEncryptionByDefault));
}

const rule: Rule = {
  id: 'PCI-ENC-004',
  title: 'S3 buckets use SSE-KMS with a customer-managed key of their data class',
  requirements: ['3.5.1', '3.6.1'],
  references: { securityHub: ['S3.17'], configRules: ['s3-bucket-server-side-encryption-enabled', 's3-default-encryption-kms'] },
  resourceTypes: TYPES,
  notChecked:
    "objects uploaded with another key or none (the bucket policy's KMS conditions: PCI-TLS-005 checks transport only); object-level encryption of PAN by the application",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (bucket) => {
        const rules = defaults(bucket);
        if (rules.length === 0) return ['no BucketEncryption: objects get SSE-S3 with an AWS-owned key, not a customer-managed key'];
        return rules.flatMap((d) => {
          const algorithm = String(d.SSEAlgorithm ?? '');
          if (algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') return [`SSEAlgorithm ${algorithm || 'missing'}: not SSE-KMS with a customer-managed key`];
          return [cmkProblem(ctx, bucket, d.KMSMasterKeyID, ['Storage', 'Audit'], 'default encryption (KMSMasterKeyID)')];
        });
      },
      (bucket) => keyEvidence(ctx, bucket, defaults(bucket)[0]?.KMSMasterKeyID, 'objects (SSE-KMS)'),
    ),
};
export default rule;
