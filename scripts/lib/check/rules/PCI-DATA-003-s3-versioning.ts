// Bucket objects keep their history: an overwrite or delete can be undone.
import { eachResource, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::S3::Bucket'] as const;

const rule: Rule = {
  id: 'PCI-DATA-003',
  title: 'S3 buckets have versioning enabled',
  requirements: ['10.3.2', '12.10.1'],
  references: { securityHub: ['S3.14'], configRules: ['s3-bucket-versioning-enabled'] },
  resourceTypes: TYPES,
  notChecked: 'MFA delete and who may delete versions (bucket policies and IAM at run time); the central copy of audit logs is PCI-LOG-011',
  check: (ctx) =>
    eachResource(ctx, TYPES, (b) => [record(b.properties.VersioningConfiguration).Status !== 'Enabled' && 'VersioningConfiguration.Status is not Enabled'], 'versioning enabled'),
};
export default rule;
