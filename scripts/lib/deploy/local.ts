// What the local emulator needs that a real account already has. A certificate ARN in a
// parameter file names a certificate of a real account; the emulator's ACM has none, so the
// TLS listener would fail (as it would in AWS). For TARGET=local only, such a parameter is pointed
// at a certificate the emulator issues for the same host name, and the deploy says so.
// `make stackset` does the same per target account and region (scripts/lib/stackset/emulator-certificates.ts).
import { aws, type AwsTarget } from '../aws.js';
import type { ParameterConstraints } from '../../../templates-src/core/parameters.js';
import { SSM_PARAMETER_NAME } from '../../../templates-src/layers/common.js';
import type { RootTemplate } from './inputs.js';

const isCertificateParameter = (name: string, pattern: string | undefined): boolean => /CertificateArn$/.test(name) || /:acm:/.test(pattern ?? '');

/** The template's parameters that hold an ACM certificate ARN. */
export const certificateParameters = (parameters: Readonly<Record<string, ParameterConstraints>>): string[] =>
  Object.entries(parameters)
    .filter(([name, spec]) => isCertificateParameter(name, spec.AllowedPattern))
    .map(([name]) => name);

/** The host name the certificate is for: a *Hostname / *DomainName parameter of the root, if any. */
function hostName(parameters: Readonly<Record<string, ParameterConstraints>>, values: ReadonlyMap<string, string>): string {
  const name = Object.keys(parameters).find((p) => /(Hostname|DomainName)$/.test(p));
  const value = name ? (values.get(name) ?? parameters[name].Default) : undefined;
  return typeof value === 'string' && value ? value : 'backend.emulator.invalid';
}

export interface CertificateSubstitution {
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
export function emulatorCertificates(
  target: AwsTarget,
  parameters: Readonly<Record<string, ParameterConstraints>>,
  values: ReadonlyMap<string, string>,
  issue: boolean,
): CertificateSubstitution[] {
  if (target.kind !== 'local') return [];
  const names = certificateParameters(parameters);
  if (names.length === 0) return [];
  const held = aws<{ CertificateSummaryList: { CertificateArn: string; DomainName: string }[] }>(target, ['acm', 'list-certificates']).CertificateSummaryList;
  const substitutions: CertificateSubstitution[] = [];
  for (const parameter of names) {
    const spec = parameters[parameter];
    const given = values.get(parameter) ?? (typeof spec.Default === 'string' ? spec.Default : undefined);
    if (!given || held.some((c) => c.CertificateArn === given)) continue;
    const domain = hostName(parameters, values);
    let arn = held.find((c) => c.DomainName === domain)?.CertificateArn;
    if (!arn && issue) {
      arn = aws<{ CertificateArn: string }>(target, ['acm', 'request-certificate', '--domain-name', domain]).CertificateArn;
      held.push({ CertificateArn: arn, DomainName: domain });
    }
    substitutions.push({ parameter, given, domain, arn });
  }
  return substitutions;
}

export function localCertificates(target: AwsTarget, root: RootTemplate, values: Map<string, string>, log: (line: string) => void): Map<string, string> {
  localSsmParameters(target, root.parameters, values, log);
  const result = new Map(values);
  for (const s of emulatorCertificates(target, root.parameters, values, true)) {
    log(`deploy: local emulator: ${s.parameter} ${s.given} is not in the emulator's ACM (it names a real account's certificate); using the emulator's certificate for ${s.domain}: ${s.arn}`);
    result.set(s.parameter, s.arn!);
  }
  return result;
}

// --- SSM parameter types ------------------------------------------------------------------------
// Values each real account and region keeps in SSM (certificate ARNs, the S3 prefix list, the DR
// region: templates-src/layers/common.ts ssmValueParameter) are read by CloudFormation when the
// stack is created; the emulator's SSM has none of them. For TARGET=local only, a missing one is
// put there with what the emulator holds: a certificate it issues for the host name, its S3
// managed prefix list, no DR copy. Every value put is printed.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#aws-ssm-parameter-types

const SSM_VALUE_TYPE = 'AWS::SSM::Parameter::Value<String>';

/**
 * The parameters read from SSM: parameter → SSM parameter name. The root passes such names on as
 * Strings (the layer resolves them), recognisable by the SSM-name pattern (templates-src/platform.ts rootSpec).
 */
export function ssmParameters(parameters: Readonly<Record<string, ParameterConstraints>>, values: ReadonlyMap<string, string>): Map<string, string> {
  return new Map(
    Object.entries(parameters)
      .filter(([, spec]) => spec.Type === SSM_VALUE_TYPE || spec.AllowedPattern === SSM_PARAMETER_NAME)
      .map(([name, spec]) => [name, values.get(name) ?? String(spec.Default ?? '')]),
  );
}

function emulatorValue(target: AwsTarget, parameter: string, parameters: Readonly<Record<string, ParameterConstraints>>, values: ReadonlyMap<string, string>): string {
  if (/CertificateArn/.test(parameter)) {
    const hostParameter = parameter.startsWith('Api') ? 'ApiDomainName' : 'BackendHostname';
    const host = values.get(hostParameter) ?? (typeof parameters[hostParameter]?.Default === 'string' ? String(parameters[hostParameter].Default) : 'backend.emulator.invalid');
    const held = aws<{ CertificateSummaryList: { CertificateArn: string; DomainName: string }[] }>(target, ['acm', 'list-certificates']).CertificateSummaryList;
    return held.find((c) => c.DomainName === host)?.CertificateArn ?? aws<{ CertificateArn: string }>(target, ['acm', 'request-certificate', '--domain-name', host]).CertificateArn;
  }
  if (/PrefixList/.test(parameter)) {
    const region = target.region;
    const lists = aws<{ PrefixLists: { PrefixListId: string; PrefixListName: string }[] }>(target, ['ec2', 'describe-managed-prefix-lists']).PrefixLists;
    return lists.find((l) => l.PrefixListName === `com.amazonaws.${region}.s3`)?.PrefixListId ?? 'pl-0000000000000000e';
  }
  if (/DrRegion/.test(parameter)) return 'none';
  throw new Error(`deploy: local emulator: no emulator value for the SSM parameter type ${parameter}; add one in scripts/lib/deploy/local.ts`);
}

/** Puts every missing SSM parameter the stack reads into the emulator (TARGET=local only). */
export function localSsmParameters(target: AwsTarget, parameters: Readonly<Record<string, ParameterConstraints>>, values: ReadonlyMap<string, string>, log: (line: string) => void): void {
  if (target.kind !== 'local') return;
  for (const [parameter, name] of ssmParameters(parameters, values)) {
    try {
      aws(target, ['ssm', 'get-parameter', '--name', name]);
      continue;
    } catch {
      // not there yet
    }
    const value = emulatorValue(target, parameter, parameters, values);
    aws(target, ['ssm', 'put-parameter', '--name', name, '--type', 'String', '--value', value]);
    log(`deploy: local emulator: ${parameter} reads SSM parameter ${name}, which a real account fills; put the emulator's value there: ${value}`);
  }
}
