// Which resources hold data: replacing or deleting one of them loses it.
import { resourceInfo } from './replacement.js';
import { specIsStateful } from './spec.js';

/** The types issue #7 names, whatever the specification says about them. */
export const DATA_TYPES: ReadonlySet<string> = new Set([
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::EFS::FileSystem',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::Kinesis::Stream',
  'AWS::SecretsManager::Secret',
  'AWS::Logs::LogGroup',
  'AWS::Backup::BackupVault',
]);

/**
 * The list ∪ the types the resource specification marks stateful (RESOURCE_INFO for the
 * platform's types; the specification itself for any other). A nested stack
 * (AWS::CloudFormation::Stack) is stateful: replacing it re-creates everything inside.
 */
export function isStateful(type: string): boolean {
  if (DATA_TYPES.has(type)) return true;
  const info = resourceInfo(type);
  return info ? info.stateful : specIsStateful(type);
}
