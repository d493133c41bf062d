// Kinesis records are encrypted with the streaming customer-managed key.
import { cmkProblem, eachResource, keyEvidence, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::Kinesis::Stream'] as const;

const rule: Rule = {
  id: 'PCI-ENC-005',
  title: 'Kinesis data streams are encrypted with the streaming customer-managed key',
  requirements: ['3.5.1', '3.6.1'],
  references: { securityHub: ['Kinesis.1'], configRules: ['kinesis-stream-encrypted'] },
  resourceTypes: TYPES,
  notChecked: "record payloads encrypted by the producer (the application's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (stream) => {
        const e = record(stream.properties.StreamEncryption);
        return [
          e.EncryptionType !== 'KMS' && 'StreamEncryption.EncryptionType is not KMS: records are stored unencrypted',
          cmkProblem(ctx, stream, e.KeyId, ['Streaming'], 'records (StreamEncryption.KeyId)'),
        ];
      },
      (stream) => keyEvidence(ctx, stream, record(stream.properties.StreamEncryption).KeyId, 'records'),
    ),
};
export default rule;
