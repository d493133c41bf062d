// What the local emulator needs that a real account already has. A certificate ARN in a
// parameter file names a certificate of a real account; the emulator's ACM has none, so the
// TLS listener would fail (as it would in AWS). For TARGET=local only, such a parameter is pointed
// at a certificate the emulator issues for the same host name, and the deploy says so.
// The SSM parameters the stack resolves get emulator values too (scripts/lib/emulator-ssm.ts, shared with make stackset).
import { ACMClient, paginateListCertificates, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsClients, type AwsTarget } from '../aws.js';
import type { ParameterConstraints } from '../../../templates-src/core/parameters.js';
import { fillSsmParameters, ssmParameters } from '../emulator-ssm.js';
import { NO_DR } from './dr-vault.js';
import type { RootTemplate } from './inputs.js';

const isCertificateParameter = (name: string, pattern: string | undefined): boolean => /CertificateArn$/.test(name) || /:acm:/.test(pattern ?? '');

/** The template's parameters that hold an ACM certificate ARN. */
const certificateParameters = (parameters: Readonly<Record<string, ParameterConstraints>>): string[] =>
  Object.entries(parameters)
    .filter(([name, spec]) => isCertificateParameter(name, spec.AllowedPattern))
    .map(([name]) => name);

/** The host name the certificate is for: a *Hostname / *DomainName parameter of the root, if any. */
function hostName(parameters: Readonly<Record<string, ParameterConstraints>>, values: ReadonlyMap<string, string>): string {
  const name = Object.keys(parameters).find((p) => /(Hostname|DomainName)$/.test(p));
  const value = name ? (values.get(name) ?? parameters[name].Default) : undefined;
  return typeof value === 'string' && value ? value : 'backend.emulator.invalid';
}

interface CertificateSubstitution {
  readonly parameter: string;
  /** The ARN the parameters give (a real account's certificate). */
  readonly given: string;
  readonly domain: string;
  /** The emulator's certificate for the domain; undefined when there is none yet and `issue` was false. */
  readonly arn?: string;
}

/**
 * The certificate parameters whose ARN the emulator's ACM (the target's account and region) does
 * not hold, each with the emulator's certificate for the host name: found, or issued when `issue`.
 * Only for TARGET=local; nothing for a real account.
 */
async function emulatorCertificates(
  target: AwsTarget,
  parameters: Readonly<Record<string, ParameterConstraints>>,
  values: ReadonlyMap<string, string>,
  issue: boolean,
): Promise<CertificateSubstitution[]> {
  if (target.kind !== 'local') return [];
  const names = certificateParameters(parameters);
  if (names.length === 0) return [];
  const acm = awsClients(target).of(ACMClient);
  const held: { CertificateArn: string; DomainName: string }[] = [];
  for await (const page of paginateListCertificates({ client: acm }, {})) {
    for (const c of page.CertificateSummaryList ?? []) held.push({ CertificateArn: c.CertificateArn ?? '', DomainName: c.DomainName ?? '' });
  }
  const substitutions: CertificateSubstitution[] = [];
  for (const parameter of names) {
    const spec = parameters[parameter];
    const given = values.get(parameter) ?? (typeof spec.Default === 'string' ? spec.Default : undefined);
    if (!given || held.some((c) => c.CertificateArn === given)) continue;
    const domain = hostName(parameters, values);
    let arn = held.find((c) => c.DomainName === domain)?.CertificateArn;
    if (!arn && issue) {
      arn = (await acm.send(new RequestCertificateCommand({ DomainName: domain }))).CertificateArn!;
      held.push({ CertificateArn: arn, DomainName: domain });
    }
    substitutions.push({ parameter, given, domain, arn });
  }
  return substitutions;
}

export async function localCertificates(target: AwsTarget, root: RootTemplate, values: Map<string, string>, log: (line: string) => void): Promise<Map<string, string>> {
  await localSsmParameters(target, root.parameters, values, log);
  const result = new Map(values);
  for (const s of await emulatorCertificates(target, root.parameters, values, true)) {
    log(
      `deploy: local emulator: ${s.parameter} ${s.given} is not in the emulator's ACM (it names a real account's certificate); using the emulator's certificate for ${s.domain}: ${s.arn}`,
    );
    result.set(s.parameter, s.arn!);
  }
  return result;
}

// --- SSM parameter types ------------------------------------------------------------------------
// Values each real account and region keeps in SSM (certificate ARNs, the S3 prefix list, the DR
// region: templates-src/layers/common.ts ssmValueParameter) are read by CloudFormation when the
// stack is created; the emulator's SSM has none of them. For TARGET=local only, a missing one is
// put there with the emulator's value (scripts/lib/emulator-ssm.ts; the DR region: none, no DR
// copy, so make deploy deploys no DR vault stack). Every value put is printed.

/** Puts every missing SSM parameter the stack reads into the emulator (TARGET=local only). */
async function localSsmParameters(
  target: AwsTarget,
  parameters: Readonly<Record<string, ParameterConstraints>>,
  values: ReadonlyMap<string, string>,
  log: (line: string) => void,
): Promise<void> {
  if (target.kind !== 'local') return;
  const clients = awsClients(target);
  const all = Object.fromEntries(Object.entries(parameters).map(([name, spec]) => [name, values.get(name) ?? (spec.Default === undefined ? '' : String(spec.Default))]));
  const account = { region: target.region, ssm: clients.of(SSMClient), acm: clients.of(ACMClient), ec2: clients.of(EC2Client) };
  for (const s of await fillSsmParameters(account, ssmParameters(parameters, all), { values: all, drRegion: NO_DR }, true)) {
    log(`deploy: local emulator: ${s.parameter} reads SSM parameter ${s.name}, which a real account fills; put the emulator's value there: ${s.value}`);
  }
}
