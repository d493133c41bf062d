// Audit log files are protected from modification (10.3.2): every bucket that receives audit logs
// (PCI-LOG-002's list: CloudTrail, Config, load balancer and S3 server access logs) either has a
// default Object Lock retention, or a bucket policy that denies s3:DeleteObject and
// s3:DeleteObjectVersion to every principal without a condition. An explicit Deny beats every
// Allow, an administrator's included
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html);
// S3 Lifecycle expiration is not subject to the bucket policy, so retention still ends.
import { actionsOf, parseDocument, policiesFor, principalIsAnyone, type Statement } from '../policy.js';
import { matchesAction } from '../../iam-match.js';
import { finding } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';
import { logBuckets } from './PCI-LOG-002-log-bucket-retention.js';
import { lockOf } from './PCI-LOG-011-central-audit-store.js';

const DELETES = ['s3:DeleteObject', 's3:DeleteObjectVersion'];

// Only the statement's Action list, as text (an unresolved action never counts as covering).
const deniesDeletes = (s: Statement): boolean =>
  s.Effect === 'Deny' &&
  principalIsAnyone(s.Principal) &&
  s.Condition === undefined &&
  s.NotAction === undefined &&
  DELETES.every((a) => matchesAction({ Action: actionsOf(s) }, a));

const rule: Rule = {
  id: 'PCI-LOG-012',
  title: 'Audit log buckets deny deleting logs to everyone (or lock them)',
  requirements: ['10.3.2'],
  references: { securityHub: ['S3.15'], configRules: ['s3-bucket-default-lock-enabled'] },
  resourceTypes: ['AWS::S3::Bucket'],
  notChecked:
    'overwrites of a key (versioning keeps the old version: PCI-DATA-003); who may change or delete the bucket policy itself (IAM of the account: the permissions boundary keeps the platform roles from it); buckets that receive logs from outside these templates',
  check: (ctx): RuleFinding[] =>
    [...logBuckets(ctx)].map(([bucket, writers]) => {
      const lock = lockOf(bucket);
      if (lock) return finding(bucket, true, `receives ${writers.join(', ')}; ${lock.mode} Object Lock (${lock.days})`);
      const statements = policiesFor(ctx, bucket, 'AWS::S3::BucketPolicy').flatMap((p) => parseDocument(p.properties.PolicyDocument) ?? []);
      const deny = statements.find(deniesDeletes);
      return deny
        ? finding(bucket, true, `receives ${writers.join(', ')}; its policy denies ${DELETES.join(' and ')} to everyone (${deny.Sid ?? 'statement without Sid'})`)
        : finding(
            bucket,
            false,
            `receives ${writers.join(', ')}, but anyone allowed s3:DeleteObject can delete its logs: add an unconditional Deny of ${DELETES.join(' and ')} for every principal, or a default Object Lock retention`,
          );
    }),
};
export default rule;
