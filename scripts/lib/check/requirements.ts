// Short descriptions (paraphrased, not the standard's text) of the PCI DSS v4.0 requirements the
// rules evidence, so the report reads without the standard open beside it.
export const REQUIREMENTS: Readonly<Record<string, string>> = {
  '1.2.1': 'Network security control configuration standards defined and kept',
  '1.2.5': 'Allowed services, protocols and ports identified, approved, with a business need',
  '1.2.8': 'Network security control configuration secured and consistent',
  '1.3.1': 'Inbound traffic to the CDE restricted to what is necessary',
  '1.3.2': 'Outbound traffic from the CDE restricted to what is necessary',
  '1.4.1': 'Controls between trusted and untrusted networks',
  '1.4.2': 'Inbound traffic from untrusted networks restricted',
  '1.4.4': 'Components storing cardholder data not reachable from untrusted networks',
  '2.2.1': 'Configuration standards for system components',
  '2.2.2': 'Vendor default accounts managed',
  '2.2.5': 'Insecure services and protocols justified and secured',
  '2.2.6': 'Security parameters configured to prevent misuse',
  '2.2.7': 'Administrative and system access encrypted in transit',
  '3.2.1': 'Stored account data kept only as long as needed',
  '3.5.1': 'Stored account data rendered unreadable (strong encryption)',
  '3.6.1': 'Cryptographic keys protected (least custodians, key policies)',
  '3.6.1.2': 'Secret keys stored securely',
  '3.7.1': 'Strong key generation',
  '3.7.4': 'Keys changed at the end of their cryptoperiod',
  '4.2.1': 'Strong cryptography (TLS) for account data in transit',
  '6.3.1': 'Security vulnerabilities identified and managed',
  '6.3.2': 'Inventory of bespoke and third-party software components',
  '6.3.3': 'Security patches installed',
  '6.4.1': 'Public-facing web applications protected against attacks',
  '6.4.2': 'Automated solution detects and blocks web attacks (WAF)',
  '6.5.1': 'Changes follow change control (reviewed, traceable)',
  '7.2.1': 'Access control model: least privilege',
  '7.2.2': 'Access assigned by job function, least privilege',
  '7.2.5': 'Application and system accounts least privilege',
  '8.2.1': 'Every user and system account uniquely identified',
  '8.2.2': 'Shared and generic accounts only when necessary, managed',
  '8.3.1': 'Access authenticated',
  '8.3.2': 'Authentication factors unreadable in storage and transmission',
  '8.3.9': 'Passwords changed periodically',
  '8.6.2': 'Application and system account passwords not hard-coded',
  '8.6.3': 'Application and system account passwords protected and changed',
  '9.4.1': 'Media with cardholder data (backups) secured',
  '9.4.2': 'Media with cardholder data classified',
  '10.2.1': 'Audit logs enabled and active for all components',
  '10.2.1.1': 'Audit logs capture individual access to cardholder data',
  '10.2.2': 'Audit logs record the details of each event',
  '10.3.1': 'Read access to audit logs limited',
  '10.3.2': 'Audit logs protected from modification',
  '10.3.3': 'Audit logs backed up to a central store hard to alter',
  '10.3.4': 'Change detection on audit logs (integrity validation)',
  '10.4.1': 'Audit logs reviewed, with automated mechanisms',
  '10.5.1': 'Audit log history retained at least 12 months',
  '10.7.2': 'Failures of critical security controls detected and alerted',
  '11.3.1': 'Internal vulnerability scans',
  '11.5.2': 'Change-detection mechanism deployed',
  '12.5.1': 'Inventory of in-scope system components',
  '12.10.1': 'Incident response and business recovery plan',
  '12.10.5': 'Security monitoring alerts part of incident response',
};

/** Sorts requirement numbers numerically segment by segment (1.2.5 < 1.10.1 < 10.2.1). */
export function compareRequirements(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
