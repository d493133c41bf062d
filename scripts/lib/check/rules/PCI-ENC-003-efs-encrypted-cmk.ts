// EFS file systems are encrypted with the storage customer-managed key.
import { cmkProblem, eachResource, isTrue, keyEvidence } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::EFS::FileSystem'] as const;

const rule: Rule = {
  id: 'PCI-ENC-003',
  title: 'EFS file systems are encrypted with the storage customer-managed key',
  requirements: ['3.5.1', '3.6.1'],
  references: { securityHub: ['EFS.1'], configRules: ['efs-encrypted-check'] },
  resourceTypes: TYPES,
  notChecked: 'file contents written by the application (the application decides what is stored)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (fs) => [!isTrue(fs.properties.Encrypted) && 'Encrypted is not true', cmkProblem(ctx, fs, fs.properties.KmsKeyId, ['Storage'], 'file system (KmsKeyId)')],
      (fs) => keyEvidence(ctx, fs, fs.properties.KmsKeyId, 'file system'),
    ),
};
export default rule;
