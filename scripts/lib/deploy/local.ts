// What the local emulator needs that a real account already has. A certificate ARN in a
// parameter file names a certificate of a real account; the emulator's ACM has none, so the
// TLS listener would fail (as it would in AWS). For TARGET=local only, such a parameter is pointed
// at a certificate the emulator issues for the same host name, and the deploy says so.
import { aws, AwsCallError, type AwsTarget } from '../aws.js';
import type { RootTemplate } from './inputs.js';

const isCertificateParameter = (name: string, pattern: string | undefined): boolean => /CertificateArn$/.test(name) || /:acm:/.test(pattern ?? '');

function certificateExists(target: AwsTarget, arn: string): boolean {
  try {
    aws(target, ['acm', 'describe-certificate', '--certificate-arn', arn]);
    return true;
  } catch (error) {
    if (error instanceof AwsCallError) return false;
    throw error;
  }
}

function emulatorCertificate(target: AwsTarget, domain: string): string {
  const listed = aws<{ CertificateSummaryList: { CertificateArn: string; DomainName: string }[] }>(target, ['acm', 'list-certificates']);
  const existing = listed.CertificateSummaryList.find((c) => c.DomainName === domain);
  return existing?.CertificateArn ?? aws<{ CertificateArn: string }>(target, ['acm', 'request-certificate', '--domain-name', domain]).CertificateArn;
}

/** The host name the certificate is for: a *Hostname / *DomainName parameter of the root, if any. */
function hostName(root: RootTemplate, values: ReadonlyMap<string, string>): string {
  const name = Object.keys(root.parameters).find((p) => /(Hostname|DomainName)$/.test(p));
  const value = name ? (values.get(name) ?? root.parameters[name].Default) : undefined;
  return typeof value === 'string' && value ? value : 'backend.emulator.invalid';
}

export function localCertificates(target: AwsTarget, root: RootTemplate, values: Map<string, string>, log: (line: string) => void): Map<string, string> {
  if (target.kind !== 'local') return values;
  const result = new Map(values);
  for (const [name, spec] of Object.entries(root.parameters)) {
    if (!isCertificateParameter(name, spec.AllowedPattern)) continue;
    const given = values.get(name) ?? (typeof spec.Default === 'string' ? spec.Default : undefined);
    if (!given || certificateExists(target, given)) continue;
    const domain = hostName(root, values);
    const arn = emulatorCertificate(target, domain);
    log(`deploy: local emulator: ${name} ${given} is not in the emulator's ACM (it names a real account's certificate); using the emulator's certificate for ${domain}: ${arn}`);
    result.set(name, arn);
  }
  return result;
}
