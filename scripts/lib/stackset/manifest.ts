// A StackSet rollout manifest (stacksets/<name>.yaml): loaded, validated against
// stacksets/manifest.schema.json (ajv), then checked against what the schema cannot know — the
// template's parameters, the parameter file, duplicate targets, regions that must be listed.
// Every problem is `<file>: <path>: <what is allowed>`; nothing here calls AWS.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import AjvModule from 'ajv';
import yaml from 'js-yaml';
import { checkParameterValues, ParameterFileError, type ParameterConstraints } from '../../../templates-src/core/parameters.js';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import { DeployInputError, readParameterFile } from '../deploy/inputs.js';
import { ROOT } from '../paths.js';
import { DR_VAULT_FILE, DR_VAULT_SUFFIX, drVaultStackSetName, hasDrVault } from './dr-vault.js';
import { checkInstances } from './instance-checks.js';
import { describeSchemaErrors } from './schema-errors.js';

export type ParameterValues = Readonly<Record<string, string | number | boolean>>;

interface SelfManagedPermissions {
  readonly model: 'SELF_MANAGED';
  readonly administrationRoleName: string;
  readonly executionRoleName: string;
  /** The read-only role in each target account (drift of every layer, failure reasons, previews, preflight). */
  readonly readRoleName?: string;
}
interface ServiceManagedPermissions {
  readonly model: 'SERVICE_MANAGED';
  readonly organizationId: string;
  readonly autoDeployment: { readonly enabled: boolean; readonly retainStacksOnAccountRemoval?: boolean };
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
  /** The custom execution role StackSets creates in each target account from the project's template (stacksets-exec-custom-…). */
  readonly executionRoleName?: string;
  /** StackSetOutputBucket: where CloudFormation keeps the execution role stack template (default: the artifact bucket). */
  readonly outputBucket?: string;
  readonly readRoleName?: string;
}

/** The role name prefix AWS requires of a custom execution role: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html */
const CUSTOM_EXECUTION_ROLE_PREFIX = 'stacksets-exec-custom-';
const DEFAULT_READ_ROLE_NAME = 'payment-stackset-read';
export const readRoleOf = (manifest: Manifest): string => manifest.permissions.readRoleName ?? DEFAULT_READ_ROLE_NAME;

export interface ManifestTarget {
  readonly account?: string;
  readonly organizationalUnit?: string;
  readonly parameters?: ParameterValues;
  /** This target's overrides in one region; they win over its parameters. */
  readonly regionParameters?: Readonly<Record<string, ParameterValues>>;
}

export interface OperationPreferences {
  readonly regionConcurrency?: 'SEQUENTIAL' | 'PARALLEL';
  readonly regionOrder?: readonly string[];
  readonly maxConcurrentCount?: number;
  readonly maxConcurrentPercentage?: number;
  readonly failureToleranceCount?: number;
  readonly failureTolerancePercentage?: number;
  readonly concurrencyMode?: 'STRICT_FAILURE_TOLERANCE' | 'SOFT_FAILURE_TOLERANCE';
}

export interface Manifest {
  readonly stackSetName: string;
  readonly description?: string;
  readonly template?: string;
  readonly parameterFile: string;
  readonly permissions: SelfManagedPermissions | ServiceManagedPermissions;
  readonly targets: readonly ManifestTarget[];
  readonly regions: readonly string[];
  /** Regions beyond `regions` where the DR vault stack set also gets instances (dr-vault.ts). */
  readonly drRegions?: readonly string[];
  /** Stack set parameters over the parameter file (every instance, auto-deployed accounts included). */
  readonly parameters?: ParameterValues;
  readonly regionParameters?: Readonly<Record<string, ParameterValues>>;
  readonly operationPreferences?: OperationPreferences;
  readonly managedExecution?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  readonly estimate?: { readonly minutesPerStack?: number };
  /** The instance that goes first; the rest start only when it and its nested stacks completed. */
  readonly canary?: { readonly account: string; readonly region?: string };
}

/** Where stack instances go: an account (SELF_MANAGED) or an organizational unit (SERVICE_MANAGED). */
export interface DeploymentUnit {
  readonly kind: 'account' | 'ou';
  readonly id: string;
}

export interface DesiredInstance {
  readonly unit: DeploymentUnit;
  readonly region: string;
  /** Parameter overrides of this instance (region, then target, then target-in-region; the most specific wins), as strings. */
  readonly overrides: Readonly<Record<string, string>>;
}

/** A validated manifest with everything resolved that the rollout needs. */
export interface StackSetSpec {
  readonly file: string;
  readonly manifest: Manifest;
  /** Template path relative to the repository root, and its text. */
  readonly template: string;
  readonly templateText: string;
  /** The platform's root template: its nested stacks must be packaged to S3 first. */
  readonly hasNestedStacks: boolean;
  readonly templateParameters: Readonly<Record<string, ParameterConstraints>>;
  /**
   * Parameters whose value is the name of an SSM parameter the target account holds: typed
   * AWS::SSM::Parameter::Value<…> in the template, or passed by name to a nested stack's parameter
   * of that type.
   */
  readonly ssmParameters: readonly string[];
  /** Stack set parameters: every template parameter, from the parameter file or its default. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly instances: readonly DesiredInstance[];
  /** Regions in rollout order (regionOrder first, then the rest as listed). */
  readonly regionOrder: readonly string[];
  /** What the manifest checks could not decide (printed by the plan). */
  readonly notes: readonly string[];
}

export class ManifestError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

export const DEFAULT_TEMPLATE = 'generated/templates/root.yaml';
const SCHEMA_FILE = join(ROOT, 'stacksets', 'manifest.schema.json');

const Ajv = AjvModule.default;
let compiled: { schema: object; validate: ReturnType<InstanceType<typeof Ajv>['compile']> } | undefined;

function schemaValidator() {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    const ajv = new Ajv({ allErrors: true, verbose: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
    ajv.addKeyword({ keyword: 'x-message', schemaType: 'string' });
    compiled = { schema, validate: ajv.compile(schema) };
  }
  return compiled;
}

/** Repository-relative form of a path, for messages. */
function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(ROOT, path);
  return inside && !inside.startsWith('..') ? inside : path;
}

/** A manifest path (relative to the repository root, or absolute) on disk. */
const onDisk = (path: string): string => (isAbsolute(path) ? path : join(ROOT, path));

/** Reads and validates a manifest; throws ManifestError listing every problem. */
export function loadManifest(path: string): StackSetSpec {
  const file = displayPath(path);
  const absolute = onDisk(path);
  if (!existsSync(absolute)) throw new ManifestError([`${file}: no such manifest file (manifests live in stacksets/<name>.yaml)`]);
  let document: unknown;
  try {
    document = yaml.load(readFileSync(absolute, 'utf8'), { filename: file });
  } catch (e) {
    throw new ManifestError([`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  return checkManifest(document, file);
}

/** Validates a parsed manifest document (file names the source in messages). */
function checkManifest(document: unknown, file: string): StackSetSpec {
  const { schema, validate } = schemaValidator();
  if (!validate(document)) throw new ManifestError(describeSchemaErrors(validate.errors ?? [], schema).map((line) => `${file}: ${line}`));
  const manifest = document as Manifest;
  const problems: string[] = [];
  const at = (path: string, what: string): void => void problems.push(`${file}: ${path}: ${what}`);

  checkTargets(manifest, at);
  checkRegionReferences(manifest, at);
  checkCanary(manifest, at);

  const template = manifest.template ?? DEFAULT_TEMPLATE;
  const loaded = loadTemplate(template, at);
  if (loaded?.hasNestedStacks && template !== DEFAULT_TEMPLATE) {
    at('template', `${template} has nested stacks; only ${DEFAULT_TEMPLATE} is packaged to S3 (make package); allowed: ${DEFAULT_TEMPLATE} or a template without nested stacks`);
  }
  if (loaded?.hasNestedStacks) checkCustomExecutionRole(manifest, at);
  if (loaded) checkDrRegions(manifest, loaded, at);
  let parameters: Record<string, string> = {};
  let fileNames = new Set<string>();
  if (loaded) {
    const fileValues = loadParameterFile(manifest.parameterFile, loaded, at, problems);
    if (fileValues) parameters = stackSetParameters(loaded.parameters, { ...fileValues, ...asStrings(manifest.parameters) });
    fileNames = new Set(Object.keys(fileValues ?? {}));
    checkAutoDeployedOverrides(manifest, at);
    checkOverrides(manifest, loaded.parameters, file, problems);
  }
  if (problems.length > 0 || !loaded) throw new ManifestError(problems);

  const spec: StackSetSpec = {
    file,
    manifest,
    template,
    templateText: loaded.text,
    hasNestedStacks: loaded.hasNestedStacks,
    templateParameters: loaded.parameters,
    ssmParameters: loaded.ssmParameters,
    parameters,
    instances: desiredInstances(manifest),
    regionOrder: regionOrder(manifest),
    notes: [],
  };
  // Values bound to a region or account, singletons and account-global names (instance-checks.ts).
  const notes: string[] = [];
  checkInstances(spec, fileNames, problems, notes);
  if (problems.length > 0) throw new ManifestError(problems);
  return { ...spec, notes };
}

type Report = (path: string, what: string) => void;

function checkTargets(manifest: Manifest, at: Report): void {
  const seen = new Map<string, number>();
  const model = manifest.permissions.model;
  manifest.targets.forEach((target, i) => {
    const [key, id] = target.account !== undefined ? ['account', target.account] : ['organizationalUnit', target.organizationalUnit!];
    if (model === 'SELF_MANAGED' && key === 'organizationalUnit') {
      at(`targets[${i}].organizationalUnit`, 'not allowed with permissions.model SELF_MANAGED; allowed: account (organizational units need SERVICE_MANAGED)');
    }
    if (model === 'SERVICE_MANAGED' && key === 'account') {
      at(`targets[${i}].account`, 'not allowed with permissions.model SERVICE_MANAGED; allowed: organizationalUnit (single accounts need SELF_MANAGED)');
    }
    const first = seen.get(id);
    if (first !== undefined) at(`targets[${i}].${key}`, `duplicate target ${id} (already targets[${first}]); allowed: each account or organizational unit once`);
    else seen.set(id, i);
  });
}

/**
 * SERVICE_MANAGED stack sets use a stacksets-exec-* role that "can't provision nested stacks,
 * transforms, or macros" unless a custom execution role template is given
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-custom-execution-role.html):
 * a nested template without one would fall back to the default role and fail in every account.
 */
function checkCustomExecutionRole(manifest: Manifest, at: Report): void {
  const permissions = manifest.permissions;
  if (permissions.model !== 'SERVICE_MANAGED' || permissions.executionRoleName !== undefined) return;
  at(
    'permissions.executionRoleName',
    `missing: the template nests stacks, which the default SERVICE_MANAGED execution role cannot provision; allowed: a name beginning with ${CUSTOM_EXECUTION_ROLE_PREFIX} ` +
      `(e.g. ${CUSTOM_EXECUTION_ROLE_PREFIX}payment), for the project's execution role template that make stackset sends with the stack set`,
  );
}

/**
 * drRegions extend the DR vault stack set of a platform manifest (dr-vault.ts): only a template
 * that copies backups to one has it, and a region of `regions` holds a vault already.
 */
function checkDrRegions(manifest: Manifest, template: LoadedTemplate, at: Report): void {
  const vault = hasDrVault({ hasNestedStacks: template.hasNestedStacks, templateParameters: template.parameters });
  if (manifest.drRegions && !vault)
    at(
      'drRegions',
      `${manifest.template ?? DEFAULT_TEMPLATE} copies no backups to a DR vault; allowed: drRegions only with the platform (${DEFAULT_TEMPLATE}) and ${DR_VAULT_FILE} built`,
    );
  (manifest.drRegions ?? []).forEach((region, i) => {
    if (manifest.regions.includes(region))
      at(`drRegions[${i}]`, `${region} is in regions, whose every region holds a vault already; allowed: a region outside regions (${manifest.regions.join(', ')})`);
  });
  const name = drVaultStackSetName(manifest.stackSetName);
  if (vault && name.length > 128)
    at('stackSetName', `${manifest.stackSetName}: the DR vault stack set ${name} would be over 128 characters; allowed: at most ${128 - DR_VAULT_SUFFIX.length} characters`);
}

/**
 * Overrides on OU targets with automatic deployment: AWS applies OU overrides "only to the
 * accounts that are currently in the target OUs … Accounts added to the target OUs … in the future
 * won't use the overridden values" (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStackInstances.html),
 * so every account enrolled later would get the stack set's values instead.
 */
function checkAutoDeployedOverrides(manifest: Manifest, at: Report): void {
  const permissions = manifest.permissions;
  if (permissions.model !== 'SERVICE_MANAGED' || !permissions.autoDeployment.enabled) return;
  const why =
    "AWS applies OU overrides only to the accounts in the OU at the time of the call; accounts auto-deployed later get the stack set's values. " +
    'Allowed: stack set parameters (parameters:, a stack set of its own for OUs that need other values), or autoDeployment.enabled: false';
  for (const region of Object.keys(manifest.regionParameters ?? {})) at(`regionParameters.${region}`, `overrides with autoDeployment.enabled: ${why}`);
  manifest.targets.forEach((target, i) => {
    if (Object.keys(target.parameters ?? {}).length > 0) at(`targets[${i}].parameters`, `overrides on OU ${target.organizationalUnit} with autoDeployment.enabled: ${why}`);
    for (const region of Object.keys(target.regionParameters ?? {}))
      at(`targets[${i}].regionParameters.${region}`, `overrides on OU ${target.organizationalUnit} with autoDeployment.enabled: ${why}`);
  });
}

/** The canary must be one of the instances (targets × regions). */
function checkCanary(manifest: Manifest, at: Report): void {
  const canary = manifest.canary;
  if (!canary) return;
  if (canary.region !== undefined && !manifest.regions.includes(canary.region))
    at('canary.region', `"${canary.region}" is not in regions; allowed: one of regions (${manifest.regions.join(', ')})`);
  if (manifest.permissions.model === 'SELF_MANAGED' && !manifest.targets.some((t) => t.account === canary.account)) {
    at('canary.account', `${canary.account} is not a target; allowed: one of targets[].account (${manifest.targets.map((t) => t.account).join(', ')})`);
  }
}

function checkRegionReferences(manifest: Manifest, at: Report): void {
  const listed = new Set(manifest.regions);
  const allowed = `one of regions (${manifest.regions.join(', ')})`;
  for (const region of Object.keys(manifest.regionParameters ?? {})) {
    if (!listed.has(region)) at(`regionParameters.${region}`, `region not in regions; allowed: ${allowed}`);
  }
  manifest.targets.forEach((target, i) => {
    for (const region of Object.keys(target.regionParameters ?? {})) {
      if (!listed.has(region)) at(`targets[${i}].regionParameters.${region}`, `region not in regions; allowed: ${allowed}`);
    }
  });
  (manifest.operationPreferences?.regionOrder ?? []).forEach((region, i) => {
    if (!listed.has(region)) at(`operationPreferences.regionOrder[${i}]`, `"${region}" is not in regions; allowed: ${allowed}`);
  });
}

interface LoadedTemplate {
  readonly path: string;
  readonly text: string;
  readonly parameters: Record<string, ParameterConstraints>;
  readonly hasNestedStacks: boolean;
  readonly ssmParameters: readonly string[];
}

const SSM_TYPED = /^AWS::SSM::Parameter::Value</;

/** Root parameters that are SSM-typed, or handed (Ref) to an SSM-typed parameter of a nested template next to the root. */
function ssmParametersOf(tree: Record<string, any>, dir: string): string[] {
  const names = new Set(
    Object.entries((tree.Parameters ?? {}) as Record<string, { Type?: string }>)
      .filter(([, p]) => SSM_TYPED.test(p.Type ?? ''))
      .map(([n]) => n),
  );
  for (const resource of Object.values((tree.Resources ?? {}) as Record<string, { Type?: string; Properties?: Record<string, any> }>)) {
    const url = resource.Properties?.TemplateURL;
    if (resource.Type !== 'AWS::CloudFormation::Stack' || typeof url !== 'string' || !existsSync(join(dir, url))) continue;
    const nested = parseTemplate(readFileSync(join(dir, url), 'utf8'), url) as { Parameters?: Record<string, { Type?: string }> };
    for (const [name, value] of Object.entries((resource.Properties?.Parameters ?? {}) as Record<string, unknown>)) {
      const ref = (value as { Ref?: unknown } | null)?.Ref;
      if (typeof ref === 'string' && SSM_TYPED.test(nested.Parameters?.[name]?.Type ?? '')) names.add(ref);
    }
  }
  return [...names].sort();
}

function loadTemplate(template: string, at: Report): LoadedTemplate | undefined {
  const absolute = onDisk(template);
  if (!existsSync(absolute)) {
    at('template', `${template} does not exist${template.startsWith('generated/') ? ' (run make build)' : ''}; allowed: a template file relative to the repository root`);
    return undefined;
  }
  const text = readFileSync(absolute, 'utf8');
  try {
    const tree = parseTemplate(text, template);
    const resources = Object.values((tree.Resources ?? {}) as Record<string, { Type?: string }>);
    return {
      path: absolute,
      text,
      parameters: (tree.Parameters ?? {}) as Record<string, ParameterConstraints>,
      hasNestedStacks: resources.some((r) => r.Type === 'AWS::CloudFormation::Stack'),
      ssmParameters: ssmParametersOf(tree, dirname(absolute)),
    };
  } catch (e) {
    at('template', `${template} is not a CloudFormation template: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/**
 * The parameter file's values, read and checked against the template by the shared reader of
 * make deploy (shape, declared names, allowed values, required parameters).
 */
function loadParameterFile(parameterFile: string, template: LoadedTemplate, at: Report, problems: string[]): Record<string, string> | undefined {
  const absolute = onDisk(parameterFile);
  if (!existsSync(absolute)) {
    at(
      'parameterFile',
      `${parameterFile} does not exist${parameterFile.startsWith('generated/') ? ' (run make build)' : ''}; allowed: a parameter file relative to the repository root, e.g. generated/parameters/prod.json`,
    );
    return undefined;
  }
  try {
    return Object.fromEntries(readParameterFile(absolute, { path: template.path, template: {}, parameters: template.parameters }));
  } catch (e) {
    if (!(e instanceof DeployInputError)) throw e;
    problems.push(...e.message.split('\n'));
    return undefined;
  }
}

/**
 * Stack set parameters: every parameter of the template, from the parameter file or else its
 * default. Giving all of them keeps the comparison with the deployed stack set exact, and lets
 * any parameter be overridden per instance (AWS only overrides parameters the stack set specifies).
 */
function stackSetParameters(specs: Readonly<Record<string, ParameterConstraints>>, values: Readonly<Record<string, string>>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (name in values) resolved[name] = values[name];
    else if (spec.Default !== undefined) resolved[name] = defaultText(spec.Default);
  }
  return resolved;
}

const defaultText = (value: unknown): string => (Array.isArray(value) ? value.join(',') : String(value));

function checkOverrides(manifest: Manifest, specs: Readonly<Record<string, ParameterConstraints>>, file: string, problems: string[]): void {
  const check = (values: ParameterValues | undefined, path: string): void => {
    try {
      checkParameterValues(specs, values ?? {}, file, (name) => `${path}.${name}`, false);
    } catch (e) {
      if (!(e instanceof ParameterFileError)) throw e;
      problems.push(...e.message.split('\n'));
    }
  };
  check(manifest.parameters, 'parameters');
  for (const [region, values] of Object.entries(manifest.regionParameters ?? {})) check(values, `regionParameters.${region}`);
  manifest.targets.forEach((target, i) => {
    check(target.parameters, `targets[${i}].parameters`);
    for (const [region, values] of Object.entries(target.regionParameters ?? {})) check(values, `targets[${i}].regionParameters.${region}`);
  });
}

const asStrings = (values: ParameterValues | undefined): Record<string, string> => Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, String(v)]));

function unitOf(target: ManifestTarget): DeploymentUnit {
  return target.account !== undefined ? { kind: 'account', id: target.account } : { kind: 'ou', id: target.organizationalUnit! };
}

/** targets × regions, each with its overrides: the region's, then the target's, then the target's in that region (the most specific wins). */
export function desiredInstances(manifest: Manifest): DesiredInstance[] {
  const instances: DesiredInstance[] = [];
  for (const region of regionOrder(manifest)) {
    for (const target of manifest.targets) {
      const overrides = {
        ...asStrings(manifest.regionParameters?.[region]),
        ...asStrings(target.parameters),
        ...asStrings(target.regionParameters?.[region]),
      };
      instances.push({ unit: unitOf(target), region, overrides: sortedRecord(overrides) });
    }
  }
  return instances;
}

export function regionOrder(manifest: Manifest): string[] {
  const ordered = [...(manifest.operationPreferences?.regionOrder ?? [])];
  for (const region of manifest.regions) if (!ordered.includes(region)) ordered.push(region);
  return ordered;
}

export const sortedRecord = <T>(record: Readonly<Record<string, T>>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
