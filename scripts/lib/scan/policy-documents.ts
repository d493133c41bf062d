// Every IAM policy document of the platform — identity policies of roles and managed policies,
// trust policies, and the resource policies of keys, buckets, topics, secrets, file systems and
// vaults — as one environment sees it: make check's evaluation resolves the parameters of each
// parameter file, then what only a deployment knows (pseudo parameters, resource ARNs, outputs of
// other layers) is filled with realistic values of that resource's type, so an ARN still reads as
// an ARN of its service (what parliament checks actions against).
import type { ContextSpec, EvaluatedLayer, EvaluatedResource } from '../check/evaluated-platform.js';
import { intrinsicOf } from '../check/evaluate.js';

const PLACEHOLDER = { account: '111122223333', region: 'eu-west-1', partition: 'aws', urlSuffix: 'amazonaws.com' };

export interface PolicyDocument {
  readonly context: string;
  readonly layer: string;
  readonly file: string;
  readonly logicalId: string;
  readonly type: string;
  /** Where in the resource, e.g. Properties.Policies[0].PolicyDocument. */
  readonly path: string;
  /** Resource policies name a Principal; identity policies do not. */
  readonly kind: 'identity' | 'resource' | 'trust';
  readonly document: unknown;
  /** Metadata.Suppressions.parliament of the resource: issue → reason. */
  readonly suppressed: Readonly<Record<string, string>>;
}

/** Where each resource type keeps its policy documents. */
const POLICIES: Readonly<Record<string, readonly { path: string; kind: PolicyDocument['kind'] }[]>> = {
  // Trust policies are not here: parliament has no trust-policy mode (it requires a Resource, which a
  // trust policy must not have); PCI-IAM-004 checks them.
  'AWS::IAM::Role': [{ path: 'Policies[*].PolicyDocument', kind: 'identity' }],
  'AWS::IAM::ManagedPolicy': [{ path: 'PolicyDocument', kind: 'identity' }],
  'AWS::IAM::Policy': [{ path: 'PolicyDocument', kind: 'identity' }],
  'AWS::KMS::Key': [{ path: 'KeyPolicy', kind: 'resource' }],
  'AWS::S3::BucketPolicy': [{ path: 'PolicyDocument', kind: 'resource' }],
  'AWS::SNS::TopicPolicy': [{ path: 'PolicyDocument', kind: 'resource' }],
  'AWS::SecretsManager::ResourcePolicy': [{ path: 'ResourcePolicy', kind: 'resource' }],
  'AWS::EFS::FileSystem': [{ path: 'FileSystemPolicy', kind: 'resource' }],
  'AWS::Backup::BackupVault': [{ path: 'AccessPolicy', kind: 'resource' }],
  'AWS::Logs::ResourcePolicy': [{ path: 'PolicyDocument', kind: 'resource' }],
  'AWS::ECR::Repository': [{ path: 'RepositoryPolicyText', kind: 'resource' }],
};

/** The physical ID / ARN CloudFormation would return for Ref or GetAtt of a resource of this type. */
function physical(resource: EvaluatedResource | undefined, attribute: string | undefined): string {
  const { account: a, region: r } = PLACEHOLDER;
  const name = (key: string) => (resource && typeof resource.properties[key] === 'string' ? String(resource.properties[key]) : (resource?.logicalId ?? 'resource').toLowerCase());
  switch (resource?.type) {
    case 'AWS::KMS::Key':
      return attribute === 'Arn' ? `arn:aws:kms:${r}:${a}:key/11111111-2222-4333-8444-555555555555` : '11111111-2222-4333-8444-555555555555';
    case 'AWS::S3::Bucket':
      return attribute === 'Arn' ? `arn:aws:s3:::${name('BucketName')}` : name('BucketName');
    case 'AWS::Logs::LogGroup':
      return attribute === 'Arn' ? `arn:aws:logs:${r}:${a}:log-group:${name('LogGroupName')}:*` : name('LogGroupName');
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${r}:${a}:${name('TopicName')}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${r}:${a}:secret:${name('Name')}-AbCdEf`;
    case 'AWS::Kinesis::Stream':
      return attribute === 'Arn' ? `arn:aws:kinesis:${r}:${a}:stream/${name('Name')}` : name('Name');
    case 'AWS::EFS::FileSystem':
      return attribute === 'Arn' ? `arn:aws:elasticfilesystem:${r}:${a}:file-system/fs-0123456789abcdef0` : 'fs-0123456789abcdef0';
    case 'AWS::EFS::AccessPoint':
      return attribute === 'Arn' ? `arn:aws:elasticfilesystem:${r}:${a}:access-point/fsap-0123456789abcdef0` : 'fsap-0123456789abcdef0';
    case 'AWS::IAM::Role':
      return attribute === 'Arn' ? `arn:aws:iam::${a}:role/${resource.logicalId}` : resource.logicalId;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${r}:${a}:function:${name('FunctionName')}`;
    case 'AWS::RDS::DBInstance':
      return attribute === 'DbiResourceId' ? 'db-ABCDEFGHIJKLMNOPQRSTUVWXY0' : name('DBInstanceIdentifier');
    case 'AWS::Backup::BackupVault':
      return `arn:aws:backup:${r}:${a}:backup-vault:${name('BackupVaultName')}`;
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      return `arn:aws:elasticloadbalancing:${r}:${a}:loadbalancer/net/${name('Name')}/0123456789abcdef`;
    default:
      return resource ? resource.logicalId.toLowerCase() : 'placeholder';
  }
}

const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::AccountId': PLACEHOLDER.account,
  'AWS::Region': PLACEHOLDER.region,
  'AWS::Partition': PLACEHOLDER.partition,
  'AWS::URLSuffix': PLACEHOLDER.urlSuffix,
  'AWS::StackName': 'payment-platform',
};

/** Replaces every intrinsic left after make check's evaluation with what a deployment would give. */
function fillDeploymentValues(value: unknown, context: ContextSpec, layer: EvaluatedLayer, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => fillDeploymentValues(v, context, layer, depth));
  const node = intrinsicOf(value);
  if (!node) {
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeploymentValues(v, context, layer, depth)]));
  }
  const refTarget = (name: string, attribute?: string): unknown => {
    if (name in PSEUDO) return PSEUDO[name];
    const resource = layer.resources.get(name);
    if (resource) return physical(resource, attribute);
    const parameter = layer.parameters.get(name);
    if (parameter?.kind === 'wired' && depth < 5) {
      const source = context.layers.find((l) => l.stack === parameter.stack);
      if (source) return fillDeploymentValues(source.outputs.get(parameter.output), context, source, depth + 1);
    }
    if (parameter?.kind === 'value') return Array.isArray(parameter.value) ? parameter.value.join(',') : String(parameter.value);
    return `placeholder-${name.toLowerCase()}`;
  };
  switch (node.fn) {
    case 'Ref':
      return refTarget(String(node.args));
    case 'Fn::GetAtt': {
      const [id, attribute] = node.args as [string, string];
      return refTarget(id, attribute);
    }
    case 'Fn::Sub': {
      const [text, variables] = (Array.isArray(node.args) ? node.args : [node.args, {}]) as [string, Record<string, unknown>];
      return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
        if (name in (variables ?? {})) return String(fillDeploymentValues(variables[name], context, layer, depth));
        const dot = name.indexOf('.');
        return String(dot > 0 && !(name in PSEUDO) ? refTarget(name.slice(0, dot), name.slice(dot + 1)) : refTarget(name));
      });
    }
    case 'Fn::Join': {
      const [separator, list] = node.args as [string, unknown[]];
      return (fillDeploymentValues(list, context, layer, depth) as unknown[]).map(String).join(separator);
    }
    case 'Fn::If': {
      const [, whenTrue] = node.args as [string, unknown, unknown];
      return fillDeploymentValues(whenTrue, context, layer, depth); // conditions left undecided: the stricter branch is the first
    }
    default:
      return 'placeholder';
  }
}

function at(properties: Record<string, unknown>, path: string): [string, unknown][] {
  const [head, ...rest] = path.split('.');
  const star = /^(\w+)\[\*\]$/.exec(head);
  if (star) {
    const list = properties[star[1]];
    if (!Array.isArray(list)) return [];
    return list.flatMap((item, i): [string, unknown][] =>
      rest.length === 0 ? [[`${star[1]}[${i}]`, item]] : at(item as Record<string, unknown>, rest.join('.')).map(([p, v]): [string, unknown] => [`${star[1]}[${i}].${p}`, v]),
    );
  }
  const value = properties[head];
  if (value === undefined) return [];
  return rest.length === 0 ? [[head, value]] : at(value as Record<string, unknown>, rest.join('.')).map(([p, v]) => [`${head}.${p}`, v]);
}

/** Every policy document in every context, with deployment values filled in. */
export function policyDocuments(contexts: readonly ContextSpec[]): PolicyDocument[] {
  const out: PolicyDocument[] = [];
  for (const context of contexts) {
    for (const layer of context.layers) {
      for (const resource of layer.resources.values()) {
        for (const { path, kind } of POLICIES[resource.type] ?? []) {
          for (const [where, document] of at(resource.properties, path)) {
            const parsed = typeof document === 'string' ? (JSON.parse(document) as unknown) : document;
            const suppressed = ((resource.metadata.Suppressions as { parliament?: Record<string, string> } | undefined)?.parliament ?? {}) as Record<string, string>;
            out.push({
              context: context.variant,
              layer: layer.name,
              file: layer.file,
              logicalId: resource.logicalId,
              type: resource.type,
              path: `Properties.${where}`,
              kind,
              document: fillDeploymentValues(parsed, context, layer),
              suppressed,
            });
          }
        }
      }
    }
  }
  return out;
}
