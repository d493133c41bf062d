// The emulator stands in for the target accounts, but their ACM certificates are not in it: the
// certificate a template parameter names is a real account's, and the emulator's ELBv2 listener
// (like AWS's) refuses a certificate its account and region do not hold. For TARGET=local only:
//
//  - a certificate parameter typed AWS::SSM::Parameter::Value<String> (the template resolves it in
//    the target account, so one operation serves every account): each target account and region
//    gets that SSM parameter, holding the emulator's own certificate for the backend host name,
//    issued there — the target account's side of the contract, done by make stackset on the
//    emulator only;
//  - a plain String parameter: each instance whose certificate is missing gets one more override,
//    the emulator's certificate issued in that account and region (one operation per instance).
//
// What is done is said in one line, and only when something was issued or set. A real account
// (TARGET=aws) is never touched by this.
import { ListCertificatesCommand, RequestCertificateCommand, type ACMClient } from '@aws-sdk/client-acm';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { isAwsError } from '../aws.js';
import { certificateParameters } from '../deploy/local.js';
import { mapLimited } from './api.js';
import type { StackSetClients } from './clients.js';
import { sortedRecord, type DesiredInstance, type StackSetSpec } from './manifest.js';

interface EmulatorContext {
  readonly clients: StackSetClients;
  readonly target: { readonly kind: string };
  readonly log: (line: string) => void;
}

/** What an instance's override holds while its certificate is not issued yet (plan only). */
export const pendingCertificate = (domain: string): string => `(the emulator's certificate for ${domain}, issued by make stackset)`;

const SSM_TYPE = /^AWS::SSM::Parameter::Value<String>$/;

/** The host name a certificate is for: a *Hostname / *DomainName parameter of the template, if any. */
function hostName(spec: StackSetSpec, values: Readonly<Record<string, string>>): string {
  const name = Object.keys(spec.templateParameters).find((p) => /(Hostname|DomainName)$/.test(p));
  return (name && values[name]) || 'backend.emulator.invalid';
}

/** The emulator's certificate for `domain` in the account and region of `acm`: found, or issued when `issue`. */
async function certificateFor(acm: ACMClient, domain: string, issue: boolean): Promise<{ arn?: string; issued: boolean; held: string[] }> {
  const held = (await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? [];
  const found = held.find((c) => c.DomainName === domain)?.CertificateArn;
  const arns = held.map((c) => c.CertificateArn ?? '');
  if (found || !issue) return { arn: found, issued: false, held: arns };
  const arn = (await acm.send(new RequestCertificateCommand({ DomainName: domain }))).CertificateArn;
  return { arn, issued: true, held: [...arns, arn ?? ''] };
}

async function ssmValue(ssm: SSMClient, name: string): Promise<string | undefined> {
  try {
    return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (e) {
    if (isAwsError(e, 'ParameterNotFound')) return undefined;
    throw e;
  }
}

/**
 * The spec as the emulator needs it: SSM certificate parameters set in every target account and
 * region, or certificate overrides added per instance. `issue` false (plan) only looks.
 */
export async function withEmulatorCertificates(spec: StackSetSpec, ctx: EmulatorContext, issue: boolean): Promise<StackSetSpec> {
  const permissions = spec.manifest.permissions;
  const names = certificateParameters(spec.templateParameters);
  if (ctx.target.kind !== 'local' || names.length === 0) return spec;
  if (permissions.model !== 'SELF_MANAGED') {
    ctx.log('emulator: certificate parameters are left as they are for SERVICE_MANAGED targets (organizational units are not accounts the emulator can enter)');
    return spec;
  }
  const role = permissions.executionRoleName;
  let changed = 0;
  let pending = 0;
  const instances = await mapLimited(spec.instances, 4, async (instance): Promise<DesiredInstance> => {
    const values = { ...spec.parameters, ...instance.overrides };
    const clients = ctx.clients.inAccount(instance.unit.id, instance.region, role);
    const domain = hostName(spec, values);
    const overrides = { ...instance.overrides };
    for (const parameter of names) {
      const given = values[parameter];
      if (!given) continue;
      if (SSM_TYPE.test(String(spec.templateParameters[parameter].Type ?? ''))) {
        const { arn, held } = await certificateFor(clients.acm, domain, issue);
        const current = await ssmValue(clients.ssm, given);
        if (current && held.includes(current)) continue;
        if (!issue || !arn) {
          pending++;
          continue;
        }
        await clients.ssm.send(new PutParameterCommand({ Name: given, Value: arn, Type: 'String', Overwrite: true }));
        changed++;
        continue;
      }
      const { arn, issued, held } = await certificateFor(clients.acm, domain, issue);
      if (held.includes(given)) continue;
      overrides[parameter] = arn ?? pendingCertificate(domain);
      if (issued) changed++;
      if (!arn) pending++;
    }
    return { ...instance, overrides: sortedRecord(overrides) };
  });
  const overridden = instances.filter((i, n) => JSON.stringify(i.overrides) !== JSON.stringify(spec.instances[n].overrides)).length;
  if (changed > 0 || pending > 0) {
    const what = [
      changed > 0 ? `${changed} certificate${changed === 1 ? '' : 's'} issued or SSM parameter${changed === 1 ? '' : 's'} set` : '',
      pending > 0 ? `${pending} still to issue (make stackset does it)` : '',
      overridden > 0 ? `${overridden} instance${overridden === 1 ? '' : 's'} overridden with the emulator's certificate` : '',
    ].filter(Boolean);
    ctx.log(`emulator: the targets' certificates stand in for real ones (TARGET=local only): ${what.join(', ')}`);
  }
  return { ...spec, instances };
}
