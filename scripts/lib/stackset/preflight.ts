// Preflight: what would make an operation fail in some instance, checked per instance before any
// operation starts (make stackset stops with the list; make stackset-plan prints it).
//
//  1. every resource type of the platform is available in each region (the CloudFormation
//     registry's public types per region, as cfn-lint bundles them from AWS's published schemas:
//     https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-type-schemas.html);
//  2. the packaged templates are readable by each target account (HeadObject through the
//     read-only role: CloudFormation fetches nested templates with the instance's credentials);
//  3. what the instance resolves in its own account: every AWS::SSM::Parameter::Value parameter
//     exists there, and a certificate it names is ISSUED in that account and region (ELB accepts
//     only those: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/create-tls-listener.html);
//     and the DR region it names is one where the DR vault stack set has an instance (dr-vault.ts);
//  4. the deployability checks of make validate (scripts/lib/validate/aws-rules/, when present)
//     over the instance's effective parameters.
// The manifest's own region- and account-bound values are refused earlier, without AWS
// (instance-checks.ts).
import { DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import { awsErrorName } from '../aws.js';
import { buildContexts, refusingRulesFor } from '../check/evaluated-platform.js';
import { loadInputs } from '../check/inputs.js';
import { loadAwsRules, runAwsRules } from '../validate/aws-rules.js';
import { formatFinding } from '../validate/findings.js';
import { GENERATED_TEMPLATES } from '../paths.js';
import { cfnLintSchemas } from './gen-permissions.js';
import { mapLimited } from './api.js';
import type { StackSetClients } from './clients.js';
import { readRoleOf, type DesiredInstance, type StackSetSpec } from './manifest.js';
import type { Plan } from './reconcile.js';
import type { TemplateSource } from './template-source.js';
import { DR_REGION_SSM_PARAMETER } from '../deploy/dr-vault.js';
import { drRegionProblem, hasDrVault } from './dr-vault.js';

export interface PreflightResult {
  readonly problems: string[];
  readonly notes: string[];
}

interface PreflightContext {
  readonly clients: StackSetClients;
  readonly target: { readonly kind: string };
}

/** cfn-lint's list of the CloudFormation resource types available in a region (undefined: no list for it). */
function regionTypes(region: string): ReadonlySet<string> | undefined {
  const file = join(cfnLintSchemas().dir, 'providers', `${region}.json`);
  return existsSync(file) ? new Set(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)) : undefined;
}

/** Resource types of the stack set's template and, for the platform, of every nested layer. */
function templateTypes(spec: StackSetSpec): Set<string> {
  const types = new Set<string>();
  const add = (text: string, file: string): void => {
    for (const r of Object.values((parseTemplate(text, file).Resources ?? {}) as Record<string, { Type?: string }>)) if (r.Type) types.add(r.Type);
  };
  add(spec.templateText, spec.template);
  if (spec.hasNestedStacks && existsSync(GENERATED_TEMPLATES)) {
    for (const file of readdirSync(GENERATED_TEMPLATES).filter((f) => f.endsWith('.yaml'))) add(readFileSync(join(GENERATED_TEMPLATES, file), 'utf8'), file);
  }
  return types;
}

/** Instances an operation of this run reaches. */
function reached(spec: StackSetSpec, plan: Plan): DesiredInstance[] {
  if (plan.stackSet !== 'none') return [...spec.instances];
  return [...plan.add, ...plan.update.map((u) => u.desired)];
}

export function typeProblems(spec: StackSetSpec, regions: readonly string[], types: ReadonlySet<string>, lookup = regionTypes): { problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  for (const region of regions) {
    const available = lookup(region);
    if (!available) {
      notes.push(`${region}: no list of its resource types (cfn-lint has none); availability not checked`);
      continue;
    }
    const missing = [...types].filter((t) => !t.startsWith('Custom::') && !available.has(t)).sort();
    const index = spec.manifest.regions.indexOf(region);
    if (missing.length > 0)
      problems.push(
        `${spec.file}: regions[${index}]: ${region} does not offer ${missing.join(', ')}; allowed: a region where every resource type of ${spec.template} is available`,
      );
  }
  return { problems, notes };
}

const CERTIFICATE = /^arn:aws[a-z-]*:acm:/;

export async function preflight(
  spec: StackSetSpec,
  plan: Plan,
  observed: { readonly organization?: ReadonlyMap<string, { readonly accounts: readonly string[] }> },
  ctx: PreflightContext,
  source?: TemplateSource,
): Promise<PreflightResult> {
  const instances = reached(spec, plan);
  if (instances.length === 0) return { problems: [], notes: [] };
  const regions = [...new Set(instances.map((i) => i.region))];
  const { problems, notes } = typeProblems(spec, regions, templateTypes(spec));
  const canary = spec.manifest.canary;
  if (canary && observed.organization && ![...observed.organization.values()].some((m) => m.accounts.includes(canary.account))) {
    problems.push(
      `${spec.file}: canary.account: ${canary.account} is in none of the target OUs (${[...observed.organization.keys()].join(', ')}); allowed: an account of a target OU`,
    );
  }
  const readRole = readRoleOf(spec.manifest);
  const serviceManaged = spec.manifest.permissions.model === 'SERVICE_MANAGED';
  const ssmParameters = spec.ssmParameters;
  const keys = source?.bucket ? [...source.uploaded, ...source.skipped] : [];

  // Per account: can the read role be assumed, can the account read every packaged template.
  const accounts = [...new Set(instances.filter((i) => i.unit.kind === 'account').map((i) => i.unit.id))];
  await mapLimited(accounts, 4, async (account) => {
    const region = instances.find((i) => i.unit.id === account)!.region;
    const s3 = ctx.clients.inAccount(account, region, readRole).s3;
    const unreadable = await mapLimited(keys, 8, async (key) => {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: source!.bucket, Key: key }));
        return undefined;
      } catch (e) {
        return { key, name: awsErrorName(e) ?? (e as Error).message.split('\n')[0] };
      }
    });
    const first = unreadable.find((u) => u !== undefined);
    if (first)
      problems.push(
        `${account}: cannot read s3://${source!.bucket}/${first.key} (${first.name}): CloudFormation reads nested templates as the instance; the artifact bucket policy must admit the account, and its role may read templates/*`,
      );
  });

  // Per instance: what it resolves in its own account.
  await mapLimited(
    instances.filter((i) => i.unit.kind === 'account'),
    4,
    async (instance) => {
      const where = `${instance.unit.id} ${instance.region}`;
      const values = { ...spec.parameters, ...instance.overrides };
      const names = ssmParameters.map((name) => values[name]).filter((v): v is string => Boolean(v));
      const clients = ctx.clients.inAccount(instance.unit.id, instance.region, readRole);
      const resolved = new Map<string, string>();
      try {
        for (let i = 0; i < names.length; i += 10) {
          const out = await clients.ssm.send(new GetParametersCommand({ Names: names.slice(i, i + 10) }));
          for (const p of out.Parameters ?? []) if (p.Name && p.Value) resolved.set(p.Name, p.Value);
          // On the emulator, make stackset sets them (emulator-targets.ts says how many are missing).
          if (ctx.target.kind !== 'local')
            for (const missing of out.InvalidParameters ?? [])
              problems.push(`${where}: SSM parameter ${missing} does not exist there; the template resolves it in the target account (set it there first)`);
        }
      } catch (e) {
        const reason = `${awsErrorName(e) ?? 'error'}: ${(e as Error).message.split('\n')[0]}`;
        if (serviceManaged) notes.push(`${where}: not read (${reason}); the read-only role comes with the execution role stack`);
        else problems.push(`${where}: the read-only role ${readRole} cannot be used (${reason}); deploy generated/stacksets/stackset-execution-role.yaml there`);
        return;
      }
      // The DR region the account names: a region of the DR vault stack set, else every daily copy job fails.
      const drName = hasDrVault(spec) ? values[DR_REGION_SSM_PARAMETER] : undefined;
      const drRegion = drName ? resolved.get(drName) : undefined;
      const drWhy = drRegion ? drRegionProblem(drRegion, instance.region, spec.manifest) : undefined;
      if (drWhy) problems.push(`${where}: SSM parameter ${drName} names DR region ${drRegion}: ${drWhy}`);
      const certificates = [...Object.entries(values).map(([, v]) => v), ...resolved.values()].filter((v) => CERTIFICATE.test(v));
      for (const arn of new Set(certificates)) {
        try {
          const status = (await clients.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate?.Status;
          if (status !== 'ISSUED' && ctx.target.kind === 'aws') problems.push(`${where}: certificate ${arn} is ${status}; a TLS listener needs an ISSUED certificate`);
        } catch (e) {
          problems.push(
            `${where}: certificate ${arn} cannot be described there (${awsErrorName(e) ?? (e as Error).message.split('\n')[0]}); it must be in the instance's account and region`,
          );
        }
      }
    },
  );
  notes.push(...(await deployabilityChecks(spec, instances, problems)));
  return { problems, notes };
}

/** make validate's deployability checks (scripts/lib/validate/aws-rules/) over each distinct set of effective parameters. */
async function deployabilityChecks(spec: StackSetSpec, instances: readonly DesiredInstance[], problems: string[]): Promise<string[]> {
  if (!spec.hasNestedStacks) return [];
  const loaded = await loadAwsRules();
  const inputs = loadInputs(GENERATED_TEMPLATES);
  const templates = new Map(inputs.templates.map((t) => [basename(t.file), t.tree]));
  const sets = new Map<string, { where: string; values: Record<string, string> }>();
  for (const i of instances) {
    const values = { ...spec.parameters, ...i.overrides };
    const key = JSON.stringify(values);
    if (!sets.has(key)) sets.set(key, { where: `${i.unit.id} ${i.region}`, values });
  }
  for (const set of sets.values()) {
    // One set per run, named by its environment as the checks expect (dev, staging, prod).
    const parameterSets = [{ name: set.values.Environment ?? 'instance', file: spec.file, values: set.values }];
    // CloudFormation refuses the stack outright when a template Rule's assertion fails.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html
    const root = templates.get('root.yaml');
    for (const refused of root ? refusingRulesFor(root, set.values) : [])
      problems.push(`${set.where} (and every instance with its parameters): root.yaml: Rules.${refused.id}: ${refused.description} (CloudFormation refuses the stack)`);
    const findings = runAwsRules(loaded, { dir: GENERATED_TEMPLATES, templates, parameterSets, contexts: () => buildContexts({ ...inputs, parameterSets }) });
    for (const f of findings.filter((x) => x.severity === 'error')) problems.push(`${set.where} (and every instance with its parameters): ${formatFinding(f)}`);
  }
  return [];
}
