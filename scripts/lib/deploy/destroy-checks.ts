// What makes a stack delete fail half-way, checked before anything is deleted (make destroy). A
// stack delete stops at the first resource the service refuses to delete, after it has deleted
// others: 10 of 12 layers gone and the database still there is the worst state to be in.
//   - RDS deletion protection: DeleteDBInstance / DeleteDBCluster are refused while it is on
//     https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeleteInstance.DeletionProtection
//   - load balancer deletion protection: DeleteLoadBalancer is refused while it is on
//     https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html#deletion-protection
//   - an export another stack imports: the exporting stack cannot be deleted
//     https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html
//   - a bucket the delete removes (no Retain) that still holds objects: DeleteBucket needs it empty
//     https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
import { paginateListExports, paginateListImports } from '@aws-sdk/client-cloudformation';
import { DescribeLoadBalancerAttributesCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { awsClients, isAwsError, type AwsTarget } from '../aws.js';
import type { StackInventory } from './destroy.js';

export interface DeletionBlocker {
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly physicalId: string;
  readonly reason: string;
  /** What to do about it. */
  readonly fix: string;
}

type InventoriedStack = StackInventory['stacks'][number];

const KEEPS = new Set(['Retain', 'RetainExceptOnCreate']);

interface Live {
  readonly stack: InventoriedStack;
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly deletionPolicy?: string;
}

function liveResources(stacks: readonly InventoriedStack[]): Live[] {
  return stacks.flatMap((stack) => {
    const declared = (stack.template.Resources ?? {}) as Record<string, { DeletionPolicy?: unknown }>;
    return stack.resources
      .filter((r) => r.PhysicalResourceId && r.ResourceStatus !== 'DELETE_COMPLETE')
      .map((r) => ({
        stack,
        logicalId: r.LogicalResourceId,
        type: r.ResourceType,
        physicalId: r.PhysicalResourceId!,
        deletionPolicy: declared[r.LogicalResourceId]?.DeletionPolicy as string | undefined,
      }));
  });
}

const blocker = (r: Live, reason: string, fix: string): DeletionBlocker => ({
  stack: r.stack.label,
  logicalId: r.logicalId,
  resourceType: r.type,
  physicalId: r.physicalId,
  reason,
  fix,
});

const PROTECTION_FIX = 'deploy with DeletionProtection=false in the parameter file first (make deploy), then destroy';

async function protectedDatabases(target: AwsTarget, live: readonly Live[]): Promise<DeletionBlocker[]> {
  const found: DeletionBlocker[] = [];
  for (const r of live.filter((l) => l.type === 'AWS::RDS::DBInstance' || l.type === 'AWS::RDS::DBCluster')) {
    const rds = awsClients(target).of(RDSClient, r.stack.region);
    const on =
      r.type === 'AWS::RDS::DBInstance'
        ? (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: r.physicalId })).catch(notFound)).DBInstances?.[0]?.DeletionProtection
        : (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: r.physicalId })).catch(notFound)).DBClusters?.[0]?.DeletionProtection;
    if (on) found.push(blocker(r, 'deletion protection is on: RDS refuses to delete it', PROTECTION_FIX));
  }
  return found;
}

async function protectedLoadBalancers(target: AwsTarget, live: readonly Live[]): Promise<DeletionBlocker[]> {
  const found: DeletionBlocker[] = [];
  for (const r of live.filter((l) => l.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const answer = await awsClients(target)
      .of(ElasticLoadBalancingV2Client, r.stack.region)
      .send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: r.physicalId }))
      .catch(notFound);
    if (answer.Attributes?.some((a) => a.Key === 'deletion_protection.enabled' && a.Value === 'true')) {
      found.push(blocker(r, 'deletion protection is on: Elastic Load Balancing refuses to delete it', PROTECTION_FIX));
    }
  }
  return found;
}

async function importedExports(target: AwsTarget, stacks: readonly InventoriedStack[]): Promise<DeletionBlocker[]> {
  const ours = new Set(stacks.map((s) => s.stackId));
  const found: DeletionBlocker[] = [];
  for (const region of new Set(stacks.map((s) => s.region))) {
    const client = awsClients(target).cloudformation(region);
    for await (const page of paginateListExports({ client }, {})) {
      for (const exported of page.Exports ?? []) {
        const owner = stacks.find((s) => s.stackId === exported.ExportingStackId);
        if (!owner || !exported.Name) continue;
        const importers: string[] = [];
        try {
          for await (const imports of paginateListImports({ client }, { ExportName: exported.Name })) importers.push(...(imports.Imports ?? []));
        } catch (error) {
          if (target.kind === 'local' && !isAwsError(error, 'ValidationError')) return found; // moto has no ListImports: not checked on the emulator
          if (!isAwsError(error, 'ValidationError')) throw error; // "is not imported by any stack"
        }
        const outside = importers.filter((name) => ![...ours].some((id) => id.includes(`:stack/${name}/`)));
        if (outside.length > 0) {
          found.push({
            stack: owner.label,
            logicalId: `export ${exported.Name}`,
            resourceType: 'Output',
            physicalId: exported.Value ?? '',
            reason: `imported by ${outside.join(', ')}: CloudFormation refuses to delete an export in use`,
            fix: `remove the Fn::ImportValue from ${outside.join(', ')} first`,
          });
        }
      }
    }
  }
  return found;
}

async function nonEmptyBuckets(target: AwsTarget, live: readonly Live[]): Promise<DeletionBlocker[]> {
  const found: DeletionBlocker[] = [];
  for (const r of live.filter((l) => l.type === 'AWS::S3::Bucket' && !KEEPS.has(String(l.deletionPolicy)))) {
    const answer = await awsClients(target)
      .s3(r.stack.region)
      .send(new ListObjectVersionsCommand({ Bucket: r.physicalId, MaxKeys: 1 }))
      .catch(notFound);
    if ((answer.Versions?.length ?? 0) + (answer.DeleteMarkers?.length ?? 0) > 0) {
      found.push(
        blocker(
          r,
          'the bucket still holds objects and the delete removes it (no Retain): S3 refuses to delete a bucket that is not empty',
          'empty the bucket (every object version) first, or give it DeletionPolicy Retain',
        ),
      );
    }
  }
  return found;
}

/** A resource that is already gone blocks nothing. */
function notFound(error: unknown): Record<string, never> {
  if (isAwsError(error, 'DBInstanceNotFound', 'DBInstanceNotFoundFault', 'DBClusterNotFoundFault', 'LoadBalancerNotFound', 'NoSuchBucket', 'NotFound')) return {};
  throw error;
}

/** Everything that would refuse the delete, over the whole hierarchy (root, nested stacks, the DR vault stack). */
export async function deletionBlockers(target: AwsTarget, stacks: readonly InventoriedStack[]): Promise<DeletionBlocker[]> {
  const live = liveResources(stacks);
  const found = await Promise.all([protectedDatabases(target, live), protectedLoadBalancers(target, live), importedExports(target, stacks), nonEmptyBuckets(target, live)]);
  return found.flat();
}
