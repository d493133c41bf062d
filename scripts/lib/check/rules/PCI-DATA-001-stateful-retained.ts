// Never lose data by accident: stateful resources are retained (or snapshotted) when CloudFormation
// deletes or replaces them.
import { RESOURCE_INFO } from '../../../../templates-src/spec-types/resource-info.js';
import { finding } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';

const SNAPSHOT_CAPABLE = new Set([
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::CacheCluster',
  'AWS::EC2::Volume',
  'AWS::Neptune::DBCluster',
  'AWS::Redshift::Cluster',
]);
export const STATEFUL_TYPES = [
  ...new Set([
    ...Object.entries(RESOURCE_INFO as Record<string, { stateful: boolean }>)
      .filter(([t, i]) => i.stateful && t !== 'AWS::CloudFormation::Stack')
      .map(([t]) => t),
    'AWS::RDS::DBCluster',
    'AWS::DynamoDB::Table',
  ]),
].sort();

function policyProblem(type: string, name: string, value: string | undefined): string | undefined {
  if (value === 'Retain' || value === 'RetainExceptOnCreate') return undefined;
  if (value === 'Snapshot' && SNAPSHOT_CAPABLE.has(type)) return undefined;
  if (value === 'Snapshot') return `${name} Snapshot is not supported for ${type} (CloudFormation deletes it): use Retain`;
  return `${name} is ${value ?? 'unset (Delete)'}: the data is destroyed when the resource is deleted${name === 'UpdateReplacePolicy' ? ' or replaced' : ''}`;
}

const rule: Rule = {
  id: 'PCI-DATA-001',
  title: 'Stateful resources have DeletionPolicy and UpdateReplacePolicy Retain or Snapshot',
  requirements: ['10.5.1', '12.10.1'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: STATEFUL_TYPES,
  notChecked: "backups and retention periods (PCI-BAK-*, PCI-LOG-001/002); data disposal once no longer needed (3.2.1: the entity's data-retention policy)",
  check: (ctx): RuleFinding[] =>
    ctx.resources(...STATEFUL_TYPES).map((r) => {
      const problems = [policyProblem(r.type, 'DeletionPolicy', r.deletionPolicy), policyProblem(r.type, 'UpdateReplacePolicy', r.updateReplacePolicy)].filter(
        (p): p is string => p !== undefined,
      );
      return finding(r, problems.length === 0, problems.length === 0 ? `DeletionPolicy ${r.deletionPolicy}, UpdateReplacePolicy ${r.updateReplacePolicy}` : problems.join('; '));
    }),
};
export default rule;
