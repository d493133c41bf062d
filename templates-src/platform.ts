// The platform: every layer as a nested stack of one root template. The root declares each
// layer parameter that is not wired from another layer's output once (the small set of
// top-level parameters), passes it down, and re-exports the outputs a user needs.
import { PLATFORM, type PlatformConfig } from './config.js';
import { GetAtt, Ref, Sub } from './core/intrinsics.js';
import { Template, TemplateError, type ParameterSpec } from './core/template.js';
import { buildKms } from './layers/kms.js';
import { buildNetwork } from './layers/network.js';
import { buildSecrets } from './layers/secrets.js';
import { buildDatabase } from './layers/database.js';
import { buildCache } from './layers/cache.js';
import { buildStorage } from './layers/storage.js';
import { buildStreaming } from './layers/streaming.js';
import { buildBackup, buildDrBackupVault } from './layers/backup.js';
import { buildCompute } from './layers/compute.js';
import { buildApi } from './layers/api.js';
import { buildObservability } from './layers/observability.js';
import { buildAudit } from './layers/audit.js';

export interface LayerDefinition {
  /** Logical ID stem of the nested stack in the root ("Network" → NetworkStack). */
  readonly id: string;
  readonly build: (config: PlatformConfig) => Template;
  /** Layer parameters fed from earlier layers' outputs: parameter → [layer id, output name]. */
  readonly inputs?: Readonly<Record<string, readonly [string, string]>>;
}

export const LAYERS: readonly LayerDefinition[] = [
  { id: 'Kms', build: buildKms },
  { id: 'Network', build: buildNetwork, inputs: { LogsKeyArn: ['Kms', 'LogsKeyArn'] } },
  {
    id: 'Secrets',
    build: buildSecrets,
    inputs: {
      SecretsKeyArn: ['Kms', 'SecretsKeyArn'],
      LogsKeyArn: ['Kms', 'LogsKeyArn'],
      PrivateSubnetIds: ['Network', 'PrivateSubnetIds'],
      RotationSecurityGroupId: ['Network', 'RotationSecurityGroupId'],
    },
  },
  {
    id: 'Database',
    build: buildDatabase,
    inputs: {
      DatabaseKeyArn: ['Kms', 'DatabaseKeyArn'],
      SecretsKeyArn: ['Kms', 'SecretsKeyArn'],
      LogsKeyArn: ['Kms', 'LogsKeyArn'],
      IsolatedSubnetIds: ['Network', 'IsolatedSubnetIds'],
      DatabaseSecurityGroupId: ['Network', 'DatabaseSecurityGroupId'],
    },
  },
  {
    id: 'Cache',
    build: buildCache,
    inputs: {
      CacheKeyArn: ['Kms', 'CacheKeyArn'],
      LogsKeyArn: ['Kms', 'LogsKeyArn'],
      IsolatedSubnetIds: ['Network', 'IsolatedSubnetIds'],
      CacheSecurityGroupId: ['Network', 'CacheSecurityGroupId'],
      CacheAuthTokenSecretArn: ['Secrets', 'CacheAuthTokenSecretArn'],
      RotationFunctionArn: ['Secrets', 'RotationFunctionArn'],
    },
  },
  {
    id: 'Storage',
    build: buildStorage,
    inputs: {
      StorageKeyArn: ['Kms', 'StorageKeyArn'],
      PrivateSubnetIds: ['Network', 'PrivateSubnetIds'],
      EfsSecurityGroupId: ['Network', 'EfsSecurityGroupId'],
    },
  },
  { id: 'Streaming', build: buildStreaming, inputs: { StreamingKeyArn: ['Kms', 'StreamingKeyArn'] } },
  { id: 'Backup', build: buildBackup, inputs: { BackupKeyArn: ['Kms', 'BackupKeyArn'] } },
  {
    id: 'Compute',
    build: buildCompute,
    inputs: {
      LogsKeyArn: ['Kms', 'LogsKeyArn'],
      SecretsKeyArn: ['Kms', 'SecretsKeyArn'],
      StreamingKeyArn: ['Kms', 'StreamingKeyArn'],
      StorageKeyArn: ['Kms', 'StorageKeyArn'],
      VpcId: ['Network', 'VpcId'],
      PrivateSubnetIds: ['Network', 'PrivateSubnetIds'],
      AppSecurityGroupId: ['Network', 'AppSecurityGroupId'],
      NlbSecurityGroupId: ['Network', 'NlbSecurityGroupId'],
      AccessLogsBucketName: ['Storage', 'AccessLogsBucketName'],
      FileSystemId: ['Storage', 'FileSystemId'],
      FileSystemArn: ['Storage', 'FileSystemArn'],
      AccessPointId: ['Storage', 'AccessPointId'],
      AccessPointArn: ['Storage', 'AccessPointArn'],
      DataBucketArn: ['Storage', 'DataBucketArn'],
      StreamName: ['Streaming', 'StreamName'],
      StreamArn: ['Streaming', 'StreamArn'],
      DatabaseEndpoint: ['Database', 'DatabaseEndpoint'],
      DatabaseResourceId: ['Database', 'DatabaseResourceId'],
      CacheEndpoint: ['Cache', 'CacheEndpoint'],
      CacheAuthTokenSecretArn: ['Secrets', 'CacheAuthTokenSecretArn'],
      AppSigningKeySecretArn: ['Secrets', 'AppSigningKeySecretArn'],
    },
  },
  { id: 'Api', build: buildApi, inputs: { LogsKeyArn: ['Kms', 'LogsKeyArn'], LoadBalancerArn: ['Compute', 'LoadBalancerArn'] } },
  {
    id: 'Observability',
    build: buildObservability,
    inputs: {
      NotificationsKeyArn: ['Kms', 'NotificationsKeyArn'],
      ClusterName: ['Compute', 'ClusterName'],
      ServiceName: ['Compute', 'ServiceName'],
      LoadBalancerFullName: ['Compute', 'LoadBalancerFullName'],
      TargetGroupFullName: ['Compute', 'TargetGroupFullName'],
      DatabaseInstanceId: ['Database', 'DatabaseInstanceId'],
      CacheReplicationGroupId: ['Cache', 'CacheReplicationGroupId'],
      StreamName: ['Streaming', 'StreamName'],
      ApiName: ['Api', 'ApiName'],
      StageName: ['Api', 'StageName'],
    },
  },
  {
    id: 'Audit',
    build: buildAudit,
    inputs: {
      AuditKeyArn: ['Kms', 'AuditKeyArn'],
      LogsKeyArn: ['Kms', 'LogsKeyArn'],
      AccessLogsBucketName: ['Storage', 'AccessLogsBucketName'],
      DataBucketArn: ['Storage', 'DataBucketArn'],
      AlarmTopicArn: ['Observability', 'AlarmTopicArn'],
    },
  },
];

/** Templates deployed on their own, outside the root (generated/standalone/). */
export const STANDALONE_TEMPLATES: readonly ((config: PlatformConfig) => Template)[] = [buildDrBackupVault];

/** Outputs of the root: [output name, layer id, layer output, description]. Nothing secret. */
export const ROOT_OUTPUTS: readonly (readonly [string, string, string, string])[] = [
  ['ApiUrl', 'Api', 'ApiUrl', 'Invoke URL of the payment API (the only way in: WAF, API key, throttling).'],
  ['LoadBalancerDnsName', 'Compute', 'LoadBalancerDnsName', 'Internal NLB DNS name (private; reached only through the API VPC link).'],
  ['AlarmTopicArn', 'Observability', 'AlarmTopicArn', 'SNS topic every alarm notifies.'],
  ['VpcId', 'Network', 'VpcId', 'VPC of the platform.'],
  ['DatabaseEndpoint', 'Database', 'DatabaseEndpoint', 'PostgreSQL endpoint (TLS required; IAM authentication).'],
  ['DatabaseMasterSecretArn', 'Database', 'DatabaseMasterSecretArn', 'ARN of the RDS-managed, auto-rotated master secret (not its value).'],
  ['CacheEndpoint', 'Cache', 'CacheEndpoint', 'Redis primary endpoint (TLS and AUTH required).'],
  ['StreamName', 'Streaming', 'StreamName', 'Kinesis stream of payment events.'],
  ['FileSystemId', 'Storage', 'FileSystemId', 'EFS file system of the application.'],
  ['DataBucketName', 'Storage', 'DataBucketName', 'Data bucket.'],
  ['BackupVaultName', 'Backup', 'BackupVaultName', 'Backup vault.'],
];

export interface Platform {
  readonly root: Template;
  readonly layers: readonly Template[];
}

export const stackId = (layerId: string): string => `${layerId}Stack`;

export function buildPlatform(config: PlatformConfig = PLATFORM, layers: readonly LayerDefinition[] = LAYERS): Platform {
  const built = new Map(layers.map((layer) => [layer.id, layer.build(config)]));
  const root = new Template({
    name: 'root',
    description: 'PCI DSS v4.0 card-payment platform on AWS - root stack: one nested stack per layer.',
    tags: { PCICompliant: 'true', DataClassification: 'Internal', Environment: Ref('Environment') },
  });

  // Root parameters: every layer parameter not wired from an output, declared once.
  const rootParameters = new Map<string, { spec: ParameterSpec; from: string }>();
  for (const layer of layers) {
    const template = built.get(layer.id)!;
    for (const name of template.parameterNames) {
      if (layer.inputs?.[name]) continue;
      const spec = template.parameterSpec(name)!;
      const seen = rootParameters.get(name);
      if (seen) {
        if (JSON.stringify(seen.spec) !== JSON.stringify(spec)) {
          throw new TemplateError(`parameter "${name}" is declared differently by layers ${seen.from} and ${layer.id}; give it one spec or rename one`);
        }
        continue;
      }
      rootParameters.set(name, { spec, from: layer.id });
      root.parameter(name, spec, template.parameterGroupOf(name));
    }
  }

  const seenLayers = new Set<string>();
  for (const layer of layers) {
    const template = built.get(layer.id)!;
    const parameters: Record<string, unknown> = {};
    for (const name of template.parameterNames) {
      const input = layer.inputs?.[name];
      if (!input) {
        parameters[name] = Ref(name);
        continue;
      }
      const [fromLayer, output] = input;
      const source = built.get(fromLayer);
      if (!source || !seenLayers.has(fromLayer)) throw new TemplateError(`layer ${layer.id}: input ${name} comes from layer "${fromLayer}", which is not an earlier layer`);
      if (!source.outputNames.includes(output)) throw new TemplateError(`layer ${layer.id}: input ${name} reads output "${output}" of layer ${fromLayer}, which declares: ${source.outputNames.join(', ')}`);
      parameters[name] = GetAtt(stackId(fromLayer), `Outputs.${output}`);
    }
    for (const name of Object.keys(layer.inputs ?? {})) {
      if (!template.parameterNames.includes(name)) throw new TemplateError(`layer ${layer.id}: input "${name}" is not a parameter of template ${template.name}`);
    }
    root.resource(
      stackId(layer.id),
      'AWS::CloudFormation::Stack',
      { TemplateURL: `${template.name}.yaml`, Parameters: parameters as Record<string, string> },
      {
        suppress: {
          cfnLint: { W3002: { reason: 'Local TemplateURL on purpose: cfn-lint follows it to check the wiring; scripts/package.ts uploads the layer and rewrites it to its S3 URL.', requirement: '6.5.1', compensatingControl: 'None needed: the packaged root that is deployed names each layer by its content-addressed S3 URL.' } },
        },
      },
    );
    seenLayers.add(layer.id);
  }

  for (const [name, layerId, output, description] of ROOT_OUTPUTS) {
    const source = built.get(layerId);
    if (!source?.outputNames.includes(output)) throw new TemplateError(`root output ${name}: layer ${layerId} has no output "${output}"`);
    root.output(name, { Value: GetAtt(stackId(layerId), `Outputs.${output}`), Description: description, Export: Sub(`\${AWS::StackName}-${name}`) });
  }
  return { root, layers: [...built.values()] };
}
