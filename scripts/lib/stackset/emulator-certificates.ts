// The emulator stands in for the target accounts, but their ACM certificates are not in it: a
// manifest's CertificateArn names a real account's certificate, and the emulator's ELBv2 listener
// (like AWS's) refuses a certificate its account and region do not hold. For TARGET=local only,
// each instance whose certificate is missing there gets one more parameter override: the
// emulator's own certificate for the backend host name, issued in that account and region (as
// `make deploy` does for one account, scripts/lib/deploy/local.ts). Every substitution is printed.
// A real account (TARGET=aws) is never touched by this.
import { aws, type AwsTarget } from '../aws.js';
import { certificateParameters, emulatorCertificates, localSsmParameters, ssmParameters } from '../deploy/local.js';
import { sortedRecord, type DesiredInstance, type StackSetSpec } from './manifest.js';

interface Credentials {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
}

/** The execution role's credentials in the account (moto maps assumed-role credentials to the role's account). */
function assumeRole(target: AwsTarget, account: string, roleName: string): Credentials {
  const roleArn = `arn:aws:iam::${account}:role/${roleName}`;
  return aws<{ Credentials: Credentials }>(target, ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'stackset-emulator-certificates']).Credentials;
}

/** The emulator as the target account sees it, in `region`. */
function accountTarget(target: AwsTarget, c: Credentials, region: string): AwsTarget {
  const env = { ...target.env, AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken, AWS_REGION: region, AWS_DEFAULT_REGION: region };
  return { ...target, region, env, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } };
}

/** What an instance's override holds while its certificate is not issued yet (plan only). */
export const pendingCertificate = (domain: string): string => `(the emulator's certificate for ${domain}, issued by make stackset)`;

/**
 * The spec with emulator certificate overrides added to the instances that need one. `issue`
 * false (plan) only looks: an instance without an emulator certificate yet shows a placeholder.
 */
export async function withEmulatorCertificates(spec: StackSetSpec, target: AwsTarget, issue: boolean, log: (line: string) => void): Promise<StackSetSpec> {
  const permissions = spec.manifest.permissions;
  if (target.kind !== 'local' || (certificateParameters(spec.templateParameters).length === 0 && ssmParameters(spec.templateParameters, new Map()).size === 0)) return spec;
  if (permissions.model !== 'SELF_MANAGED') {
    log('emulator: certificate parameters are left as they are for SERVICE_MANAGED targets (organizational units are not accounts the emulator can enter)');
    return spec;
  }
  let substituted = 0;
  const credentials = new Map<string, Credentials>();
  const instances: DesiredInstance[] = [];
  for (const instance of spec.instances) {
    const values = new Map(Object.entries({ ...spec.parameters, ...instance.overrides }));
    const account = instance.unit.id;
    if (!credentials.has(account)) credentials.set(account, assumeRole(target, account, permissions.executionRoleName));
    const inAccount = accountTarget(target, credentials.get(account)!, instance.region);
    if (issue) await localSsmParameters(inAccount, spec.templateParameters, values, log);
    const substitutions = await emulatorCertificates(inAccount, spec.templateParameters, values, issue);
    if (substitutions.length === 0) {
      instances.push(instance);
      continue;
    }
    const overrides = { ...instance.overrides };
    for (const s of substitutions) {
      overrides[s.parameter] = s.arn ?? pendingCertificate(s.domain);
      substituted++;
      const what = s.arn ? `the emulator's certificate for ${s.domain}: ${s.arn}` : `the emulator's certificate for ${s.domain}, which make stackset issues there`;
      log(`emulator: ${instance.unit.id} ${instance.region}: ${s.parameter} ${s.given} is not in the emulator's ACM of that account and region (it names a real account's certificate); overridden with ${what}`);
    }
    instances.push({ ...instance, overrides: sortedRecord(overrides) });
  }
  if (substituted > 0) log(`emulator: ${substituted} certificate override${substituted === 1 ? '' : 's'} added for the emulator only (TARGET=local); on AWS the manifest's values are used as they are`);
  return { ...spec, instances };
}
