// Buckets refuse requests without TLS and with TLS older than 1.2, for the bucket and its objects.
import { policiesFor } from '../policy.js';
import { parseDocument as policyStatements } from '../policy.js';
import { deniesInsecureTransport, deniesOldTls } from '../policy.js';
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::S3::Bucket'] as const;

const rule: Rule = {
  id: 'PCI-TLS-005',
  title: 'S3 bucket policies deny requests without TLS 1.2+',
  requirements: ['4.2.1', '2.2.7'],
  references: { securityHub: ['S3.5'], configRules: ['s3-bucket-ssl-requests-only'] },
  resourceTypes: TYPES,
  notChecked:
    "clients' TLS versions above 1.2 (allowed); encryption-header conditions (the KMS-key deny needs a Null guard so default-encrypted uploads are accepted: a deployability matter, not a rule)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (bucket) => {
        const policies = policiesFor(ctx, bucket, 'AWS::S3::BucketPolicy');
        if (policies.length === 0) return ['no bucket policy: requests over plain HTTP are accepted'];
        const statements = policies.flatMap((p) => policyStatements(p.properties.PolicyDocument) ?? []);
        return [
          !statements.some(deniesInsecureTransport) && 'bucket policy has no Deny on aws:SecureTransport = false',
          !statements.some(deniesOldTls) && 'bucket policy has no Deny on s3:TlsVersion < 1.2',
        ];
      },
      'bucket policy denies non-TLS and TLS < 1.2 requests',
    ),
};
export default rule;
