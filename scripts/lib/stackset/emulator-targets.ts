// The target accounts' side of the contract, on the emulator only. The platform resolves what a
// region or account binds (the NLB and API certificates, the S3 prefix list, the DR region) from
// AWS::SSM::Parameter::Value<…> parameters that each target account fills; a real account has
// them, the emulator's accounts do not. For TARGET=local, make stackset gives every target account
// and region the SSM parameters its instance resolves, with emulator values:
//  - a certificate ARN (a parameter named …CertificateArn…): the emulator's own ACM certificate
//    for the host name the template pairs with it (ApiDomainName for the API's, else
//    BackendHostname), issued in that account and region;
//  - a prefix list ID: a placeholder ID (the emulator does not check egress prefix lists);
//  - the DR region: none (no DR copy: the emulator has no DR vault stack), as make deploy's
//    emulator path does (scripts/lib/deploy/local.ts).
// make stackset-plan only looks. What is set is said in one line, only when something was set.
// A real account (TARGET=aws) is never touched by this.
import { ListCertificatesCommand, RequestCertificateCommand, type ACMClient } from '@aws-sdk/client-acm';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { isAwsError } from '../aws.js';
import { mapLimited } from './api.js';
import type { StackSetClients } from './clients.js';
import type { StackSetSpec } from './manifest.js';

interface EmulatorContext {
  readonly clients: StackSetClients;
  readonly target: { readonly kind: string };
  readonly log: (line: string) => void;
}

export const EMULATOR_PREFIX_LIST = 'pl-0e0e0e0e0e0e0e0e0';

/** The host name a certificate parameter is for: ApiDomainName for Api…, else the template's *Hostname. */
function hostFor(spec: StackSetSpec, parameter: string, values: Readonly<Record<string, string>>): string {
  const names = Object.keys(spec.templateParameters).filter((p) => /(Hostname|DomainName)$/.test(p));
  const prefix = /^[A-Z][a-z]+/.exec(parameter)?.[0] ?? '';
  const name = names.find((n) => n.startsWith(prefix)) ?? names.find((n) => /Hostname$/.test(n));
  return (name && values[name]) || 'backend.emulator.invalid';
}

async function ssmValue(ssm: SSMClient, name: string): Promise<string | undefined> {
  try {
    return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (e) {
    if (isAwsError(e, 'ParameterNotFound')) return undefined;
    throw e;
  }
}

async function emulatorCertificate(acm: ACMClient, domain: string): Promise<string> {
  const held = (await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? [];
  const found = held.find((c) => c.DomainName === domain)?.CertificateArn;
  return found ?? (await acm.send(new RequestCertificateCommand({ DomainName: domain }))).CertificateArn!;
}

/** The emulator value of one SSM-typed parameter for an instance, or undefined when the emulator has none to offer. */
async function emulatorValue(spec: StackSetSpec, parameter: string, values: Readonly<Record<string, string>>, acm: ACMClient): Promise<string | undefined> {
  if (/CertificateArn/.test(parameter)) return emulatorCertificate(acm, hostFor(spec, parameter, values));
  if (/PrefixList/.test(parameter)) return EMULATOR_PREFIX_LIST;
  if (/DrRegion/.test(parameter)) return 'none';
  return undefined;
}

/** Sets, in every target account and region, the SSM parameters its instance resolves; `apply` false (plan) only counts. */
export async function prepareEmulatorTargets(spec: StackSetSpec, ctx: EmulatorContext, apply: boolean): Promise<void> {
  const permissions = spec.manifest.permissions;
  const parameters = spec.ssmParameters;
  if (ctx.target.kind !== 'local' || parameters.length === 0) return;
  if (permissions.model !== 'SELF_MANAGED') {
    ctx.log('emulator: SSM parameters of SERVICE_MANAGED targets are not set (organizational units are not accounts the emulator can enter)');
    return;
  }
  const set: string[] = [];
  const missing: string[] = [];
  await mapLimited(spec.instances, 4, async (instance) => {
    const values = { ...spec.parameters, ...instance.overrides };
    const clients = ctx.clients.inAccount(instance.unit.id, instance.region, permissions.executionRoleName);
    for (const parameter of parameters) {
      const name = values[parameter];
      if (!name || (await ssmValue(clients.ssm, name)) !== undefined) continue;
      if (!apply) {
        missing.push(`${instance.unit.id} ${instance.region} ${name}`);
        continue;
      }
      const value = await emulatorValue(spec, parameter, values, clients.acm);
      if (value === undefined) throw new Error(`emulator: ${instance.unit.id} ${instance.region}: SSM parameter ${name} (${parameter}) is not set and the emulator has no stand-in value for it; set it in that account`);
      await clients.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
      set.push(`${instance.unit.id} ${instance.region} ${name}`);
    }
  });
  if (set.length > 0) ctx.log(`emulator: ${set.length} SSM parameter${set.length === 1 ? '' : 's'} the instances resolve set in their target accounts, with emulator values (TARGET=local only; a real account fills its own)`);
  if (missing.length > 0) ctx.log(`emulator: ${missing.length} SSM parameter${missing.length === 1 ? '' : 's'} the instances resolve not set yet in their target accounts; make stackset sets emulator values (TARGET=local only)`);
}
