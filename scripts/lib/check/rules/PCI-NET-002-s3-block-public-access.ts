// Buckets cannot become public: all four Block Public Access settings, ACLs disabled.
import { eachResource, isTrue, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::S3::Bucket'] as const;
const BLOCKS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];

const rule: Rule = {
  id: 'PCI-NET-002',
  title: 'S3 buckets block public access and disable ACLs',
  requirements: ['1.3.1', '1.4.4', '7.2.1'],
  references: {
    securityHub: ['S3.8', 'S3.2', 'S3.3', 'S3.12'],
    configRules: ['s3-bucket-level-public-access-prohibited', 's3-bucket-public-read-prohibited', 's3-bucket-public-write-prohibited', 's3-bucket-acl-prohibited'],
  },
  resourceTypes: TYPES,
  notChecked: "account-level Block Public Access (S3.1: the account's setting)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (bucket) => {
        const p = bucket.properties;
        const block = record(p.PublicAccessBlockConfiguration);
        const ownership = list(record(p.OwnershipControls).Rules).map((r) => record(r).ObjectOwnership);
        return [
          ...BLOCKS.map((b) => !isTrue(block[b]) && `PublicAccessBlockConfiguration.${b} is not true`),
          !ownership.includes('BucketOwnerEnforced') && 'OwnershipControls is not BucketOwnerEnforced: ACLs can still grant access',
          p.AccessControl !== undefined && p.AccessControl !== 'Private' && `AccessControl ${String(p.AccessControl)} grants access by ACL`,
        ];
      },
      'all public access blocked, ACLs disabled (BucketOwnerEnforced)',
    ),
};
export default rule;
