// The platform: every layer as a nested stack of one root template. The root declares each
// layer parameter that is not wired from another layer's output once (the small set of
// top-level parameters), passes it down, and re-exports the outputs a user needs.
import { PLATFORM, type PlatformConfig } from './config.js';
import { GetAtt, Intrinsic, Ref, Sub } from './core/intrinsics.js';
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
}

/**
 * The layers in deployment order. Wiring is by name: a layer parameter is fed from the output of
 * the same name of the one earlier layer that declares it; every other parameter is a root
 * parameter. A parameter whose name two earlier layers output, or only a later layer, is an error.
 */
export const LAYERS: readonly LayerDefinition[] = [
  { id: 'Kms', build: buildKms },
  { id: 'Network', build: buildNetwork },
  { id: 'Secrets', build: buildSecrets },
  { id: 'Database', build: buildDatabase },
  { id: 'Cache', build: buildCache },
  { id: 'Storage', build: buildStorage },
  { id: 'Streaming', build: buildStreaming },
  { id: 'Backup', build: buildBackup },
  { id: 'Compute', build: buildCompute },
  { id: 'Api', build: buildApi },
  { id: 'Observability', build: buildObservability },
  { id: 'Audit', build: buildAudit },
];

/** Templates deployed on their own, outside the root (generated/standalone/). */
export const STANDALONE_TEMPLATES: readonly ((config: PlatformConfig) => Template)[] = [buildDrBackupVault];

/** Outputs of the root: [output name, layer id, layer output, description]. Nothing secret. */
const ROOT_OUTPUTS: readonly (readonly [string, string, string, string])[] = [
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

const stackId = (layerId: string): string => `${layerId}Stack`;

/**
 * The root's spec of a layer parameter. An SSM parameter type is resolved where it is declared:
 * the root passes the SSM parameter *name* on as a String and the layer reads the value in the
 * target account and region (a root of SSM type would pass the resolved value, which the layer
 * would then look up as a name).
 */
function rootSpec(spec: ParameterSpec): ParameterSpec {
  return spec.Type.startsWith('AWS::SSM::Parameter::Value<') ? { ...spec, Type: 'String' } : spec;
}

/** Parameters a rule refers to. */
function referencedParameters(value: unknown, out: string[] = []): string[] {
  if (Intrinsic.is(value)) {
    if (value.fn === 'Ref' && typeof value.args === 'string') out.push(value.args);
    else referencedParameters(value.args, out);
  } else if (Array.isArray(value)) value.forEach((v) => referencedParameters(v, out));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => referencedParameters(v, out));
  return out;
}

/**
 * For each layer, parameter → the earlier layer whose output of the same name feeds it. A name
 * output by two earlier layers is ambiguous, one output only by a later layer
 * is in the wrong order: both are build errors, never a silent root parameter.
 */
function wiringSources(layers: readonly LayerDefinition[], built: ReadonlyMap<string, Template>): Map<string, Map<string, string>> {
  const result = new Map<string, Map<string, string>>();
  layers.forEach((layer, index) => {
    const template = built.get(layer.id)!;
    const wired = new Map<string, string>();
    for (const name of template.parameterNames) {
      const earlier = layers
        .slice(0, index)
        .filter((l) => built.get(l.id)!.outputNames.includes(name))
        .map((l) => l.id);
      if (earlier.length > 1) throw new TemplateError(`layer ${layer.id}: parameter ${name} is an output of several earlier layers (${earlier.join(', ')}); rename one output`);
      if (earlier.length === 1) {
        wired.set(name, earlier[0]);
        continue;
      }
      const later = layers
        .slice(index + 1)
        .filter((l) => built.get(l.id)!.outputNames.includes(name))
        .map((l) => l.id);
      if (later.length > 0)
        throw new TemplateError(`layer ${layer.id}: parameter ${name} is an output of ${later.join(', ')}, which is not an earlier layer; move ${layer.id} after it in LAYERS`);
    }
    result.set(layer.id, wired);
  });
  return result;
}

export function buildPlatform(config: PlatformConfig = PLATFORM, layers: readonly LayerDefinition[] = LAYERS): Platform {
  const built = new Map(layers.map((layer) => [layer.id, layer.build(config)]));
  const root = new Template({
    name: 'root',
    description: 'PCI DSS v4.0 card-payment platform on AWS - root stack: one nested stack per layer.',
    tags: { PCICompliant: 'true', DataClassification: 'Internal', Environment: Ref('Environment') },
  });

  const sources = wiringSources(layers, built);

  // Root parameters: every layer parameter not wired from an output, declared once.
  const rootParameters = new Map<string, { spec: ParameterSpec; from: string }>();
  for (const layer of layers) {
    const template = built.get(layer.id)!;
    for (const name of template.parameterNames) {
      if (sources.get(layer.id)!.has(name)) continue;
      const spec = template.parameterSpec(name)!;
      const seen = rootParameters.get(name);
      if (seen) {
        if (JSON.stringify(seen.spec) !== JSON.stringify(spec)) {
          throw new TemplateError(`parameter "${name}" is declared differently by layers ${seen.from} and ${layer.id}; give it one spec or rename one`);
        }
        continue;
      }
      rootParameters.set(name, { spec, from: layer.id });
      root.parameter(name, rootSpec(spec), template.parameterGroupOf(name));
    }
  }

  // A layer's rules that read only root parameters are checked by the root too, before any nested
  // stack is created (a failing rule in a nested stack would fail only after earlier layers exist).
  for (const layer of layers) {
    for (const [id, rule] of built.get(layer.id)!.ruleEntries) {
      if (referencedParameters(rule).every((name) => rootParameters.has(name))) root.rule(`${layer.id}${id}`, rule);
    }
  }

  for (const layer of layers) {
    const template = built.get(layer.id)!;
    const wired = sources.get(layer.id)!;
    const parameters = Object.fromEntries(
      template.parameterNames.map((name) => {
        const from = wired.get(name);
        return [name, from === undefined ? Ref(name) : GetAtt(stackId(from), `Outputs.${name}`)];
      }),
    );
    root.resource(
      stackId(layer.id),
      'AWS::CloudFormation::Stack',
      { TemplateURL: `${template.name}.yaml`, Parameters: parameters as unknown as Record<string, string> },
      {
        // Said explicitly (cfn-lint I3011): a layer goes with the root. A nested stack is never
        // replaced (a new TemplateURL updates it in place), and what holds data inside a layer
        // carries its own Snapshot/Retain policies, which apply when the layer is deleted.
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
        suppress: {
          cfnLint: {
            W3002: {
              reason: 'Local TemplateURL on purpose: cfn-lint follows it to check the wiring; scripts/package.ts uploads the layer and rewrites it to its S3 URL.',
              requirement: '6.5.1',
              compensatingControl: 'None needed: the packaged root that is deployed names each layer by its content-addressed S3 URL.',
            },
          },
        },
      },
    );
  }

  for (const [name, layerId, output, description] of ROOT_OUTPUTS) {
    const source = built.get(layerId);
    if (!source?.outputNames.includes(output)) throw new TemplateError(`root output ${name}: layer ${layerId} has no output "${output}"`);
    root.output(name, { Value: GetAtt(stackId(layerId), `Outputs.${output}`), Description: description, Export: Sub(`\${AWS::StackName}-${name}`) });
  }
  return { root, layers: [...built.values()] };
}
