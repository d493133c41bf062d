// What the emulator's accounts lack that a real account keeps for the platform: the values of the
// SSM parameters the templates resolve (AWS::SSM::Parameter::Value<String>, filled once per
// account and region: certificate ARNs, the S3 prefix list, the DR region). For TARGET=local only,
// a missing one is put there with what the emulator can offer:
//  - a certificate ARN (…CertificateArn…): the emulator's own ACM certificate for the host name the
//    template pairs with it (ApiDomainName for ApiCertificateArn…, else its *Hostname), issued in
//    that account and region when it has none;
//  - a prefix list ID (…PrefixList…): the emulator's AWS-managed S3 prefix list of the region, or a
//    placeholder ID when it has none (the emulator does not check egress prefix lists);
//  - the DR region (…DrRegion…): what the caller says (make deploy: none, no DR copy; make
//    stackset: another region of the manifest, whose DR vault stack set instance receives the copies).
// Used by make deploy (scripts/lib/deploy/local.ts) and make stackset (scripts/lib/stackset/emulator-targets.ts);
// each says in its own words what it set. A real account (TARGET=aws) is never touched by this.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#aws-ssm-parameter-types
import { paginateListCertificates, RequestCertificateCommand, type ACMClient } from '@aws-sdk/client-acm';
import { paginateDescribeManagedPrefixLists, type EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterConstraints } from '../../templates-src/core/parameters.js';
import { SSM_PARAMETER_NAME } from '../../templates-src/layers/common.js';
import { isAwsError } from './aws.js';

/** Used when the emulator holds no AWS-managed S3 prefix list for the region. */
const EMULATOR_PREFIX_LIST = 'pl-0e0e0e0e0e0e0e0e0';

const SSM_VALUE_TYPE = 'AWS::SSM::Parameter::Value<String>';

/** The clients of one emulator account and region. */
export interface EmulatorAccount {
  readonly region: string;
  readonly ssm: SSMClient;
  readonly acm: ACMClient;
  /** For the emulator's own managed prefix list; without it, the placeholder. */
  readonly ec2?: EC2Client;
}

export interface StandInContext {
  /** Every parameter of the template and its value (given, else its default): the host names certificates are for. */
  readonly values: Readonly<Record<string, string>>;
  /** The DR region to put (none: no DR copy). */
  readonly drRegion: string;
}

/**
 * The parameters read from SSM: parameter → SSM parameter name. The root passes such names on as
 * Strings (the layer resolves them), recognisable by the SSM-name pattern (templates-src/platform.ts rootSpec).
 */
export function ssmParameters(parameters: Readonly<Record<string, ParameterConstraints>>, values: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(
    Object.entries(parameters)
      .filter(([, spec]) => spec.Type === SSM_VALUE_TYPE || spec.AllowedPattern === SSM_PARAMETER_NAME)
      .map(([name, spec]) => [name, values[name] ?? String(spec.Default ?? '')]),
  );
}

/** The host name a certificate parameter is for: the *Hostname/*DomainName parameter with its first word (Api…), else the *Hostname one. */
function certificateHost(parameter: string, values: Readonly<Record<string, string>>): string {
  const names = Object.keys(values).filter((p) => /(Hostname|DomainName)$/.test(p));
  const word = /^[A-Z][a-z]+/.exec(parameter)?.[0] ?? '';
  const name = names.find((n) => n.startsWith(word)) ?? names.find((n) => /Hostname$/.test(n));
  return (name && values[name]) || 'backend.emulator.invalid';
}

async function certificateFor(acm: ACMClient, domain: string): Promise<string> {
  for await (const page of paginateListCertificates({ client: acm }, {})) {
    const held = page.CertificateSummaryList?.find((c) => c.DomainName === domain)?.CertificateArn;
    if (held) return held;
  }
  return (await acm.send(new RequestCertificateCommand({ DomainName: domain }))).CertificateArn!;
}

async function s3PrefixList(account: EmulatorAccount): Promise<string> {
  if (!account.ec2) return EMULATOR_PREFIX_LIST;
  for await (const page of paginateDescribeManagedPrefixLists({ client: account.ec2 }, {})) {
    const found = page.PrefixLists?.find((l) => l.PrefixListName === `com.amazonaws.${account.region}.s3`)?.PrefixListId;
    if (found) return found;
  }
  return EMULATOR_PREFIX_LIST;
}

/** The emulator's value of one SSM-typed parameter; an error names the parameter when the emulator has none to offer. */
async function emulatorValue(parameter: string, account: EmulatorAccount, context: StandInContext): Promise<string> {
  if (/CertificateArn/.test(parameter)) return certificateFor(account.acm, certificateHost(parameter, context.values));
  if (/PrefixList/.test(parameter)) return s3PrefixList(account);
  if (/DrRegion/.test(parameter)) return context.drRegion;
  throw new Error(`local emulator: no stand-in value for the SSM-typed parameter ${parameter}; add one in scripts/lib/emulator-ssm.ts`);
}

async function exists(ssm: SSMClient, name: string): Promise<boolean> {
  try {
    await ssm.send(new GetParameterCommand({ Name: name }));
    return true;
  } catch (e) {
    if (isAwsError(e, 'ParameterNotFound')) return false;
    throw e;
  }
}

export interface StandIn {
  readonly parameter: string;
  /** The SSM parameter name. */
  readonly name: string;
  /** The value put there; undefined when only looked at (apply false). */
  readonly value?: string;
}

/** The SSM parameters of `wanted` (parameter → SSM name) that the account lacks: put with emulator values (apply), or only listed. */
export async function fillSsmParameters(account: EmulatorAccount, wanted: ReadonlyMap<string, string>, context: StandInContext, apply: boolean): Promise<StandIn[]> {
  const filled: StandIn[] = [];
  for (const [parameter, name] of wanted) {
    if (!name || (await exists(account.ssm, name))) continue;
    if (!apply) {
      filled.push({ parameter, name });
      continue;
    }
    const value = await emulatorValue(parameter, account, context);
    await account.ssm.send(new PutParameterCommand({ Name: name, Type: 'String', Value: value, Overwrite: true }));
    filled.push({ parameter, name, value });
  }
  return filled;
}
