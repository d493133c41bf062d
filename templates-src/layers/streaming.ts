// Layer 7 — streaming: the Kinesis data stream of payment events, encrypted with the streaming
// key; capacity mode, shard count and retention are parameters.
import type { PlatformConfig } from '../config.js';
import { AWS, Equals, If, Sub } from '../core/intrinsics.js';
import type { Template } from '../core/template.js';
import { RETAIN_ON_DELETE, keyArnParameter, layerTemplate } from './common.js';

export function buildStreaming(config: PlatformConfig): Template {
  const t = layerTemplate('streaming', 'PCI payment platform - layer 7: Kinesis data stream of payment events, KMS-encrypted.', 'Restricted');
  const streamingKey = t.parameter('StreamingKeyArn', keyArnParameter('Kinesis records'), 'Keys');
  const mode = t.parameter(
    'StreamMode',
    { Type: 'String', Description: 'ON_DEMAND scales by itself; PROVISIONED uses StreamShardCount.', Default: 'ON_DEMAND', AllowedValues: ['ON_DEMAND', 'PROVISIONED'] },
    'Streaming',
  );
  const shards = t.parameter('StreamShardCount', { Type: 'Number', Description: 'Shards when StreamMode is PROVISIONED.', Default: 2, MinValue: 1, MaxValue: 500 }, 'Streaming');
  const retentionHours = t.parameter(
    'StreamRetentionHours',
    { Type: 'Number', Description: 'Record retention in hours (24 to 8760).', Default: 168, MinValue: 24, MaxValue: 8760 },
    'Streaming',
  );

  const provisioned = t.condition('IsStreamProvisioned', Equals(mode.ref, 'PROVISIONED'));
  const stream = t.resource(
    'TransactionStream',
    'AWS::Kinesis::Stream',
    {
      Name: Sub(`${config.namePrefix}-transactions-\${Environment}`),
      StreamModeDetails: { StreamMode: mode.ref },
      ShardCount: If(provisioned, shards.ref, AWS.NoValue),
      RetentionPeriodHours: retentionHours.ref,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: streamingKey.ref },
    },
    RETAIN_ON_DELETE,
  );
  t.output('StreamName', { Value: stream.ref, Description: 'Kinesis stream of payment events.' });
  t.output('StreamArn', { Value: stream.getAtt('Arn'), Description: 'Kinesis stream ARN (task role policies).' });
  return t;
}
