// What a manifest must not do to its instances, checked before anything is called (issue 12,
// kinds 4 and 5). Every problem names the manifest (or parameter file) and the path in it.
//
// Values bound to a region or account (kind 4): one StackSet operation gives every instance of
// the call the same value, so a value AWS binds to one region or account is right for at most
// one instance. The template must resolve it itself (Mappings on AWS::Region, an
// AWS::SSM::Parameter::Value<…> parameter the target account fills, AWS::AccountId/AWS::Region);
// a manifest or parameter file that still carries one is refused:
//  - an ACM certificate ARN of another region or account (ELB and API Gateway take only a
//    certificate of their own account and region:
//    https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html);
//  - a prefix list ID (AWS-managed prefix lists are regional:
//    https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html);
//  - a private ECR image of another region (the private tier pulls through the region's own ECR
//    endpoints: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html);
//  - an Availability Zone name of another region, and EC2 resource IDs (vpc-, subnet-, sg-, …),
//    which exist in one account and region only.
//
// Singletons and account-global names (kind 5): the platform is evaluated with each instance's
// effective parameters; every resource that is unique per account or per account and region, or
// whose name must be unique there (or across all of S3), must have exactly one owner in its
// scope — across the manifest's instances and the instances of its DR vault stack set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildContexts } from '../check/evaluated-platform.js';
import { loadInputs, type ParameterSet } from '../check/inputs.js';
import { GENERATED, ROOT } from '../paths.js';
import { PERMISSIONS_BOUNDARY_PARAMETER } from '../../../templates-src/layers/common.js';
import { PERMISSIONS_BOUNDARY_NAME } from '../../../templates-src/stackset-roles.js';
import { drVaultSpec } from './dr-vault.js';
import { cfnLintSchemas } from './gen-permissions.js';
import type { DeploymentUnit, ParameterValues, StackSetSpec } from './manifest.js';

/** Where an instance's value of a parameter comes from, for the message. */
interface Sourced {
  readonly value: string;
  /** "<file>: <path>" */
  readonly at: string;
}

interface InstanceValues {
  readonly unit: DeploymentUnit;
  readonly region: string;
  readonly values: ReadonlyMap<string, Sourced>;
}

const asStrings = (values: ParameterValues | undefined): [string, string][] => Object.entries(values ?? {}).map(([k, v]) => [k, String(v)]);

/** Every instance's effective parameters, each with where it was set (override, parameter file or template default). */
export function sourcedInstances(
  spec: Pick<StackSetSpec, 'file' | 'manifest' | 'parameters' | 'template'>,
  regions: readonly string[],
  fileValues: ReadonlySet<string>,
): InstanceValues[] {
  const { manifest, file } = spec;
  const out: InstanceValues[] = [];
  for (const region of regions) {
    manifest.targets.forEach((target, i) => {
      const values = new Map<string, Sourced>();
      for (const [name, value] of Object.entries(spec.parameters)) {
        const at =
          manifest.parameters && name in manifest.parameters
            ? `${file}: parameters.${name}`
            : fileValues.has(name)
              ? `${manifest.parameterFile}: ${name}`
              : `${spec.template}: Parameters.${name}.Default`;
        values.set(name, { value, at });
      }
      for (const [name, value] of asStrings(manifest.regionParameters?.[region])) values.set(name, { value, at: `${file}: regionParameters.${region}.${name}` });
      for (const [name, value] of asStrings(target.parameters)) values.set(name, { value, at: `${file}: targets[${i}].parameters.${name}` });
      for (const [name, value] of asStrings(target.regionParameters?.[region])) values.set(name, { value, at: `${file}: targets[${i}].regionParameters.${region}.${name}` });
      out.push({ unit: target.account !== undefined ? { kind: 'account', id: target.account } : { kind: 'ou', id: target.organizationalUnit! }, region, values });
    });
  }
  return out;
}

const CERTIFICATE = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\//;
const PREFIX_LIST = /^pl-[0-9a-f]{8,17}$/;
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//;
const AZ_NAME = /^([a-z]{2}(-gov)?-[a-z]+-\d)[a-z]$/;
const EC2_ID = /^(vpc|subnet|sg|igw|nat|rtb|eni|ami|vpce|tgw|eipalloc)-[0-9a-f]{8,17}$/;

/** Why `value` cannot be right for this instance, or undefined. */
function boundValueProblem(value: string, instance: { unit: DeploymentUnit; region: string }, reachesMany: boolean): string | undefined {
  const certificate = CERTIFICATE.exec(value);
  if (certificate) {
    const [, region, account] = certificate;
    if (region !== instance.region) return `the certificate is in ${region}, the instance in ${instance.region}; ELB and API Gateway use only a certificate of their own region`;
    if (instance.unit.kind === 'ou') return `a certificate belongs to one account, and ${instance.unit.id} is an OU of many`;
    if (account !== instance.unit.id) return `the certificate belongs to account ${account}, the instance is in ${instance.unit.id}`;
    return undefined;
  }
  if (PREFIX_LIST.test(value)) return 'a prefix list exists in one region only (each region has its own ID for the same AWS service)';
  const image = ECR_IMAGE.exec(value);
  if (image && image[2] !== instance.region) return `the image is in ECR of ${image[2]}; the instance in ${instance.region} pulls through its own region's ECR endpoints`;
  const az = AZ_NAME.exec(value);
  if (az && az[1] !== instance.region) return `${value} is an Availability Zone of ${az[1]}`;
  if (EC2_ID.test(value) && reachesMany) return 'an EC2 resource ID exists in one account and region only';
  return undefined;
}

/** Kind 4: per-instance values bound to another region or account. */
function checkBoundValues(instances: readonly InstanceValues[], ssmParameters: readonly string[], problems: string[]): void {
  const reach = new Map<string, number>();
  for (const i of instances) for (const [name, v] of i.values) reach.set(`${name}=${v.value}`, (reach.get(`${name}=${v.value}`) ?? 0) + 1);
  // One line per value and reason, naming every instance it reaches.
  const found = new Map<string, { at: string; item: string; why: string; where: string[] }>();
  for (const instance of instances) {
    for (const [name, sourced] of instance.values) {
      if (ssmParameters.includes(name)) continue; // a parameter name, resolved in the target account
      for (const item of sourced.value.split(',').map((s) => s.trim())) {
        const why = boundValueProblem(item, instance, (reach.get(`${name}=${sourced.value}`) ?? 0) > 1);
        if (!why) continue;
        const key = `${sourced.at}|${item}|${why}`;
        const entry = found.get(key) ?? { at: sourced.at, item, why, where: [] };
        entry.where.push(`${instance.unit.id} ${instance.region}`);
        found.set(key, entry);
      }
    }
  }
  for (const { at, item, why, where } of found.values()) {
    problems.push(
      `${at}: ${item} is bound to a region or account (${where.join(', ')}: ${why}); allowed: a value the template resolves per instance (an AWS::SSM::Parameter::Value parameter the target account fills, a Mappings table on AWS::Region)`,
    );
  }
}

// --- singletons and account-global names ----------------------------------------------------------

type Scope = 'partition' | 'account' | 'account-region';

/**
 * Resources of which an account (or an account in one region) holds one: a second owner fails
 * or takes over the first. `required`: the platform cannot run in that scope without one.
 */
const SINGLETONS: Readonly<Record<string, { readonly scope: Scope; readonly required?: { readonly by: string; readonly why: string }; readonly docs: string }>> = {
  'AWS::ApiGateway::Account': {
    scope: 'account-region',
    required: { by: 'AWS::ApiGateway::Stage', why: "a REST API stage's CloudWatch logging needs API Gateway's CloudWatch role set in its account and region" },
    docs: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html',
  },
  'AWS::Config::ConfigurationRecorder': { scope: 'account-region', docs: 'https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html' },
  'AWS::Config::DeliveryChannel': { scope: 'account-region', docs: 'https://docs.aws.amazon.com/config/latest/developerguide/manage-delivery-channel.html' },
};

/**
 * The property that names a resource, for the platform's types whose primary identifier is not
 * that name (AWS "Name type": https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
 * For every other type the name is its primary identifier, when that is a property a template sets.
 */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::SNS::Topic': 'TopicName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Name',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'Name',
  'AWS::ApiGateway::RestApi': 'Name',
  'AWS::WAFv2::WebACL': 'Name',
};

/** Where a name must be unique: IAM and CloudWatch dashboards per account, S3 across every account. */
function nameScope(type: string, properties: Record<string, unknown>): Scope {
  if (type === 'AWS::S3::Bucket') return 'partition';
  if (type.startsWith('AWS::IAM::') || type === 'AWS::CloudWatch::Dashboard') return 'account';
  if (type === 'AWS::CloudTrail::Trail' && String(properties.IsMultiRegionTrail) === 'true') return 'account';
  return 'account-region';
}

/** Names that are not unique per scope at all (API Gateway allows many REST APIs of one name). */
const NOT_UNIQUE = new Set(['AWS::ApiGateway::RestApi']);

const PRIMARY_NAMES = (() => {
  // The primary identifier of each type, when it is a property set in templates (cfn-lint's provider schemas).
  try {
    const dir = cfnLintSchemas().dir;
    const providers = JSON.parse(readFileSync(join(dir, 'providers', 'us-east-1.json'), 'utf8')) as Record<string, string>;
    return (type: string): string | undefined => {
      const hash = providers[type];
      if (!hash) return undefined;
      const schema = JSON.parse(readFileSync(join(dir, 'resources', `${hash}.json`), 'utf8')) as { primaryIdentifier?: string[]; readOnlyProperties?: string[] };
      const ids = schema.primaryIdentifier ?? [];
      const id = ids.length === 1 && !(schema.readOnlyProperties ?? []).includes(ids[0]) ? ids[0].replace('/properties/', '') : undefined;
      // A name, not a reference to another resource (BucketPolicy.Bucket, ….Cluster, ….ResourceArn).
      return id && /(Name|Identifier|GroupId)$/.test(id) ? id : undefined;
    };
  } catch {
    return (): string | undefined => undefined;
  }
})();

const namePropertyCache = new Map<string, string | undefined>();
function nameProperty(type: string): string | undefined {
  if (NOT_UNIQUE.has(type)) return undefined;
  if (!namePropertyCache.has(type)) namePropertyCache.set(type, NAME_PROPERTY[type] ?? PRIMARY_NAMES(type));
  return namePropertyCache.get(type);
}

/** A name with the pseudo parameters of one account and region put in; undefined when it still depends on something unknown. */
export function concreteName(value: unknown, where: { account: string; region: string; partition: string }): string | undefined {
  const pseudo = (text: string): string =>
    text.replace(
      /\$\{AWS::(Region|AccountId|Partition|URLSuffix)\}/g,
      (_, p: string) => ({ Region: where.region, AccountId: where.account, Partition: where.partition, URLSuffix: 'amazonaws.com' })[p]!,
    );
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (typeof v['Fn::Sub'] === 'string') {
      const text = pseudo(v['Fn::Sub']);
      return /\$\{[^!]/.test(text) ? undefined : text;
    }
    if (typeof v.Ref === 'string' && v.Ref.startsWith('AWS::')) return pseudo(`\${${v.Ref}}`);
  }
  return undefined;
}

interface Owner {
  readonly where: string;
  readonly layer: string;
  readonly logicalId: string;
}

export interface OwnedResource {
  readonly type: string;
  readonly scope: Scope;
  /** The name, or undefined for a singleton without one. */
  readonly name?: string;
  readonly account: string;
  readonly region: string;
  readonly owner: Owner;
}

/** Scope key of a resource: S3 across the partition, IAM per account, the rest per account and region. */
const scopeKey = (r: OwnedResource): string =>
  r.scope === 'partition' ? `${r.type}|${r.name}` : r.scope === 'account' ? `${r.type}|${r.account}|${r.name ?? ''}` : `${r.type}|${r.account}|${r.region}|${r.name ?? ''}`;

const scopeText = (r: OwnedResource): string =>
  r.scope === 'partition'
    ? 'in every account (S3 bucket names are global)'
    : r.scope === 'account'
      ? `in account ${r.account} (its name is account-wide)`
      : `in account ${r.account} region ${r.region}`;

/** The resources each instance (and each DR vault stack) would own, evaluated with its effective parameters. */
export function ownedResources(spec: StackSetSpec, instances: readonly InstanceValues[]): { owned: OwnedResource[]; needs: Need[]; notes: string[] } {
  const notes: string[] = [];
  const inputs = loadInputs(spec.hasNestedStacks ? join(GENERATED, 'templates') : join(ROOT, spec.template));
  const sets = new Map<string, ParameterSet>();
  const setOf = (i: InstanceValues): ParameterSet => {
    const values = Object.fromEntries([...i.values].map(([k, v]) => [k, v.value]));
    const key = JSON.stringify(values);
    if (!sets.has(key)) sets.set(key, { name: `set${sets.size}`, file: spec.file, values });
    return sets.get(key)!;
  };
  const instanceSets = instances.map((i) => ({ instance: i, set: setOf(i) }));
  const contexts = buildContexts({ ...inputs, parameterSets: [...sets.values()] });
  const owned: OwnedResource[] = [];
  const needs: Need[] = [];
  for (const { instance, set } of instanceSets) {
    const context = contexts.find((c) => c.name === set.name);
    if (!context) continue;
    const account = instance.unit.kind === 'account' ? instance.unit.id : `(each account of ${instance.unit.id})`;
    const where = { account, region: instance.region, partition: 'aws' };
    for (const layer of context.layers) {
      for (const r of layer.resources.values()) {
        const owner = { where: `${instance.unit.id} ${instance.region}`, layer: layer.name, logicalId: r.logicalId };
        const singleton = SINGLETONS[r.type];
        if (singleton) owned.push({ type: r.type, scope: singleton.scope, account, region: instance.region, owner });
        if (Object.values(SINGLETONS).some((s) => s.required?.by === r.type)) needs.push({ type: r.type, account, region: instance.region });
        const property = nameProperty(r.type);
        const raw = property ? r.properties[property] : undefined;
        if (raw === undefined) continue; // CloudFormation generates a unique name
        const name = concreteName(raw, where);
        if (name === undefined) {
          notes.push(`${r.type} ${layer.name}/${r.logicalId}: its ${property} is not known before deploy; not checked for uniqueness`);
          continue;
        }
        owned.push({ type: r.type, scope: nameScope(r.type, r.properties), name, account, region: instance.region, owner });
      }
    }
  }
  owned.push(...drVaultResources(spec, notes));
  return { owned, needs, notes: [...new Set(notes)] };
}

/** A resource that needs a singleton in its account and region. */
export interface Need {
  readonly type: string;
  readonly account: string;
  readonly region: string;
}

/**
 * The DR vault stack set's resources (dr-vault.ts): generated/standalone/dr-backup-vault.yaml in
 * every target account and every region of the vault stack set, evaluated with its parameters.
 * Each account and region has one instance of it, whatever DR region each account names.
 */
function drVaultResources(spec: StackSetSpec, notes: string[]): OwnedResource[] {
  const vault = drVaultSpec(spec);
  if (!vault) return [];
  const inputs = loadInputs(join(ROOT, vault.template));
  const out: OwnedResource[] = [];
  const sets = new Map<string, ReturnType<typeof buildContexts>[number] | undefined>();
  for (const instance of vault.instances) {
    const values = { ...vault.parameters, ...instance.overrides };
    const key = JSON.stringify(values);
    if (!sets.has(key))
      sets.set(
        key,
        buildContexts({ ...inputs, parameterSets: [{ name: 'dr', file: spec.file, values }] }).find((c) => c.name === 'dr'),
      );
    const account = instance.unit.kind === 'account' ? instance.unit.id : `(each account of ${instance.unit.id})`;
    for (const layer of sets.get(key)?.layers ?? []) {
      for (const r of layer.resources.values()) {
        const property = nameProperty(r.type);
        const raw = property ? r.properties[property] : undefined;
        if (raw === undefined) continue;
        const name = concreteName(raw, { account, region: instance.region, partition: 'aws' });
        if (name === undefined) {
          notes.push(`${r.type} ${vault.manifest.stackSetName}/${r.logicalId}: its ${property} is not known before deploy; not checked for uniqueness`);
          continue;
        }
        out.push({
          type: r.type,
          scope: nameScope(r.type, r.properties),
          name,
          account,
          region: instance.region,
          owner: { where: `${vault.manifest.stackSetName} ${instance.unit.id} ${instance.region}`, layer: 'dr-backup-vault', logicalId: r.logicalId },
        });
      }
    }
  }
  return out;
}

/** Kind 5: every singleton and unique name has exactly one owner in its scope. */
function checkOwners(file: string, owned: readonly OwnedResource[], needs: readonly Need[], problems: string[], notes: string[]): void {
  const byScope = new Map<string, OwnedResource[]>();
  for (const r of owned) byScope.set(scopeKey(r), [...(byScope.get(scopeKey(r)) ?? []), r]);
  for (const group of byScope.values()) {
    const owners = [...new Map(group.map((r) => [`${r.owner.where}|${r.owner.layer}|${r.owner.logicalId}`, r])).values()];
    if (owners.length < 2) continue;
    const first = owners[0];
    const what = first.name ? `${first.type} named ${first.name}` : `${first.type} (one per account and region)`;
    const docs = SINGLETONS[first.type]?.docs ?? 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html';
    problems.push(
      `${file}: targets/regions: ${what} would have ${owners.length} owners ${scopeText(first)}: ${owners.map((o) => `${o.owner.where} ${o.owner.layer}/${o.owner.logicalId}`).join(', ')}; ` +
        `allowed: exactly one owner per scope (${docs})`,
    );
  }
  for (const [type, singleton] of Object.entries(SINGLETONS)) {
    if (!singleton.required) continue;
    const missing = new Set(
      needs
        .filter((n) => n.type === singleton.required!.by && !owned.some((r) => r.type === type && r.account === n.account && r.region === n.region))
        .map((n) => `${n.account} ${n.region}`),
    );
    for (const where of missing)
      problems.push(
        `${file}: targets/regions: ${where} has no ${type}: ${singleton.required.why}; allowed: exactly one instance per account and region owns it (${singleton.docs})`,
      );
  }
  const trails = owned.filter((r) => r.type === 'AWS::CloudTrail::Trail' && r.scope === 'account');
  for (const account of new Set(trails.map((t) => t.account))) {
    const here = trails.filter((t) => t.account === account);
    if (here.length > 1)
      notes.push(
        `${account}: ${here.length} multi-region trails (${here.map((t) => t.name).join(', ')}) each record every region; one is enough (EnableCloudTrail false in the other regions, or an organization trail)`,
      );
  }
}

/**
 * The StackSet execution role creates a role only with the platform's permissions boundary
 * (iam:PermissionsBoundary), so every instance of a template whose roles take one
 * (PermissionsBoundaryName, templates-src/layers/common.ts platformRole) must name it: without it
 * the first role of the rollout is refused (AccessDenied) in every account.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
function checkPermissionsBoundary(spec: Pick<StackSetSpec, 'file' | 'templateParameters'>, instances: readonly InstanceValues[], problems: string[]): void {
  if (!(PERMISSIONS_BOUNDARY_PARAMETER in spec.templateParameters)) return;
  const without = new Map<string, string[]>();
  for (const instance of instances) {
    const value = instance.values.get(PERMISSIONS_BOUNDARY_PARAMETER);
    if (value && value.value !== '') continue;
    const at = value?.at ?? `${spec.file}: parameters.${PERMISSIONS_BOUNDARY_PARAMETER}`;
    without.set(at, [...(without.get(at) ?? []), `${instance.unit.id} ${instance.region}`]);
  }
  for (const [at, where] of without) {
    problems.push(
      `${at}: empty for ${where.join(', ')}: the StackSet execution role creates no IAM role without the permissions boundary, so the rollout would fail on the first role; ` +
        `allowed: the name of the boundary policy the execution role templates create in each target account (${spec.file}: parameters.${PERMISSIONS_BOUNDARY_PARAMETER}: ${PERMISSIONS_BOUNDARY_NAME})`,
    );
  }
}

/** The checks over a validated manifest; problems are refusals, notes are printed by the plan. */
export function checkInstances(spec: StackSetSpec, fileValues: ReadonlySet<string>, problems: string[], notes: string[] = []): void {
  const instances = sourcedInstances(spec, spec.regionOrder, fileValues);
  checkBoundValues(instances, spec.ssmParameters, problems);
  checkPermissionsBoundary(spec, instances, problems);
  const { owned, needs, notes: ownNotes } = ownedResources(spec, instances);
  notes.push(...ownNotes);
  checkOwners(spec.file, owned, needs, problems, notes);
}
