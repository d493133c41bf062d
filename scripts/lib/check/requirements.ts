// The PCI DSS v4.0.1 catalogue: every requirement with a defined approach in the twelve principal
// requirements (the appendices A1–A3 apply only to multi-tenant providers, early-TLS POS terminals
// and designated entities, and are left out). Numbers are the standard's; titles are our own short
// paraphrase, not the standard's text. Each entry says who provides its evidence:
//   evaluated   — rules of scripts/lib/check/rules/ check it in the templates (which rules is derived from the
//                 rules' own `requirements`; `note` says what is left to run-time or to the entity);
//   runtime     — needs evidence from the running accounts: `note` names the AWS service, `config`
//                 the AWS Config managed rules (those the audit layer deploys are marked in the map);
//   entity      — the entity's people, processes and documents;
//   application — the payment application deployed on the platform (its code and data handling);
//   aws         — inherited from AWS under the shared responsibility model (AWS's PCI DSS Attestation
//                 of Compliance, in AWS Artifact).

export type Coverage = 'evaluated' | 'runtime' | 'entity' | 'application' | 'aws';

export interface CatalogueEntry {
  readonly id: string;
  readonly title: string;
  readonly coverage: Coverage;
  readonly note?: string;
  /** AWS Config managed rule identifiers (SCREAMING_SNAKE) that give run-time evidence. */
  readonly config?: readonly string[];
  /** Files of the evidence bundle (other than rule results) that evidence the requirement. */
  readonly artifacts?: readonly string[];
}

/** The twelve principal requirements, in our words. */
export const PRINCIPAL: Readonly<Record<string, string>> = {
  '1': 'Network security controls installed and maintained',
  '2': 'Secure configurations applied to all system components',
  '3': 'Stored account data protected',
  '4': 'Cardholder data protected with strong cryptography in transit over open networks',
  '5': 'Systems and networks protected from malicious software',
  '6': 'Secure systems and software developed and maintained',
  '7': 'Access to system components and data restricted by business need to know',
  '8': 'Users identified and authenticated',
  '9': 'Physical access to cardholder data restricted',
  '10': 'Access to system components and cardholder data logged and monitored',
  '11': 'Security of systems and networks tested regularly',
  '12': 'Information security supported by organizational policies and programs',
};

const E = (id: string, title: string, note?: string, artifacts?: string[]): CatalogueEntry => ({ id, title, coverage: 'evaluated', note, artifacts });
const R = (id: string, title: string, note: string, config: string[] = []): CatalogueEntry => ({ id, title, coverage: 'runtime', note, config });
const N = (id: string, title: string, note = 'policies, procedures and records of the entity'): CatalogueEntry => ({ id, title, coverage: 'entity', note });
const P = (id: string, title: string, note: string): CatalogueEntry => ({ id, title, coverage: 'application', note });
const A = (id: string, title: string, note = 'AWS data centres and staff (AWS PCI DSS AOC)'): CatalogueEntry => ({ id, title, coverage: 'aws', note });
const POLICY = 'documented, current, in use and known to everyone affected';
const ROLES = 'roles and responsibilities documented, assigned and understood';
const NO_WIRELESS = 'no wireless networks in the platform; the entity covers its own offices';

export const CATALOGUE: readonly CatalogueEntry[] = [
  // 1 — network security controls
  N('1.1.1', `Requirement 1 security policies and procedures ${POLICY}`),
  N('1.1.2', `Requirement 1 ${ROLES}`),
  N(
    '1.2.1',
    'Configuration standards for network security controls defined and kept',
    "the templates are the configuration standard in code; their approval and upkeep are the entity's",
  ),
  N(
    '1.2.2',
    'Changes to network connections and NSC configurations follow change control',
    "make diff gives reviewers each change (security group and IAM tables); approval records are the entity's",
  ),
  E(
    '1.2.3',
    'An accurate network diagram of all connections to the CDE kept',
    "the diagram covers the platform's VPC; connections outside these templates (offices, processors, peering) are the entity's",
    ['network.svg'],
  ),
  E(
    '1.2.4',
    'An accurate data-flow diagram of account data across systems and networks kept',
    "flows inside the application and to third parties (processors, acquirers) are the entity's",
    ['data-flow.svg'],
  ),
  E('1.2.5', 'Allowed services, protocols and ports identified, approved and justified by business need'),
  N(
    '1.2.6',
    'Security features defined for services and protocols deemed insecure',
    'the platform allows none (TLS everywhere, PCI-TLS-*); any the entity adds needs its own justification',
  ),
  N('1.2.7', 'NSC configurations reviewed at least every six months', "AWS Config history and make diff support the review; the review itself is the entity's"),
  E(
    '1.2.8',
    'NSC configuration files secured and consistent with the running configuration',
    'consistency with the deployed stacks: CloudFormation drift detection (make stackset-drift) at run time',
  ),
  E('1.3.1', 'Inbound traffic to the CDE restricted to what is needed'),
  E('1.3.2', 'Outbound traffic from the CDE restricted to what is needed'),
  N('1.3.3', 'NSCs between wireless networks and the CDE', NO_WIRELESS),
  E('1.4.1', 'NSCs between trusted and untrusted networks'),
  E('1.4.2', 'Inbound traffic from untrusted networks restricted'),
  A('1.4.3', 'Anti-spoofing measures detect and block forged source addresses', 'the VPC network drops packets with forged source addresses (source/destination checks)'),
  E('1.4.4', 'Components storing cardholder data not reachable from untrusted networks'),
  P(
    '1.4.5',
    'Disclosure of internal IP addresses and routing limited to authorised parties',
    'the front door hides internal addresses; the application must not return them in responses or errors',
  ),
  N('1.5.1', 'Controls on devices that connect to both untrusted networks and the CDE', 'staff laptops and workstations'),
  // 2 — secure configurations
  N('2.1.1', `Requirement 2 security policies and procedures ${POLICY}`),
  N('2.1.2', `Requirement 2 ${ROLES}`),
  E('2.2.1', 'Configuration standards for all system components developed and applied'),
  E('2.2.2', 'Vendor default accounts disabled or their passwords changed'),
  N(
    '2.2.3',
    'Primary functions needing different security levels kept apart',
    'the platform runs one function per task, database and cache; the entity keeps it so for what it adds',
  ),
  P('2.2.4', 'Only needed services, protocols, daemons and functions enabled', 'what runs inside the application image'),
  E('2.2.5', 'Insecure services, protocols or daemons justified and secured'),
  E('2.2.6', 'System security parameters set to prevent misuse'),
  E('2.2.7', 'Non-console administrative access encrypted with strong cryptography'),
  N('2.3.1', 'Wireless vendor defaults changed', NO_WIRELESS),
  N('2.3.2', 'Wireless encryption keys changed when staff leave', NO_WIRELESS),
  // 3 — stored account data
  N('3.1.1', `Requirement 3 security policies and procedures ${POLICY}`),
  N('3.1.2', `Requirement 3 ${ROLES}`),
  P(
    '3.2.1',
    'Account data storage minimised by retention and disposal policies',
    'what the application stores and for how long; lifecycle rules and backup retention of the platform support it',
  ),
  P('3.3.1', 'Sensitive authentication data not kept after authorisation', "the application's data handling"),
  P('3.3.1.1', 'Full track data not kept after authorisation', "the application's data handling"),
  P('3.3.1.2', 'Card verification codes not kept after authorisation', "the application's data handling"),
  P('3.3.1.3', 'PINs and PIN blocks not kept after authorisation', "the application's data handling"),
  P('3.3.2', 'Sensitive authentication data stored before authorisation is encrypted', "the application's data handling"),
  N('3.3.3', 'Issuers: sensitive authentication data kept only with a business need, and secured', 'issuing functions only'),
  P('3.4.1', 'PAN masked when displayed', "the application's screens and reports"),
  N('3.4.2', 'Remote-access technologies stop copying or moving PAN', "remote-access tooling of the entity's staff"),
  E('3.5.1', 'Stored PAN rendered unreadable', 'storage-level encryption only: PAN itself must be encrypted, tokenised or truncated by the application (3.5.1.2)'),
  P('3.5.1.1', 'Hashes of PAN are keyed cryptographic hashes', "the application's hashing of PAN"),
  P(
    '3.5.1.2',
    'Disk- or partition-level encryption used for PAN only with another 3.5.1 method (or on removable media)',
    'RDS, EFS and S3 encryption here is storage-level: the application must add field-level encryption, tokenisation or truncation of PAN',
  ),
  A('3.5.1.3', 'Disk-level encryption keys managed apart from operating-system authentication', 'AWS storage encryption keys are held in KMS, never in the operating system'),
  E('3.6.1', 'Keys protected against disclosure and misuse'),
  N(
    '3.6.1.1',
    'Service providers: a documented description of the cryptographic architecture',
    "the kms layer (one key per data class) is its technical part; the document is the entity's",
  ),
  E('3.6.1.2', 'Secret and private keys stored in a secure form', 'key material is in KMS HSMs (AWS)'),
  A('3.6.1.3', 'Access to clear-text key components limited to the fewest custodians', 'KMS key material never leaves the HSMs in clear text'),
  A('3.6.1.4', 'Keys stored in the fewest possible locations', 'KMS keeps key material in its HSM fleet only'),
  A('3.7.1', 'Key-management procedures for strong key generation', 'KMS generates keys in FIPS 140-3 validated HSMs'),
  A('3.7.2', 'Key-management procedures for secure key distribution', 'KMS never distributes key material'),
  A('3.7.3', 'Key-management procedures for secure key storage', 'KMS HSMs'),
  E('3.7.4', 'Keys changed at the end of their cryptoperiod'),
  R('3.7.5', 'Keys retired or replaced when their integrity is weakened or suspected compromised', "KMS key state at run time; the decision to retire is the entity's procedure", [
    'KMS_CMK_NOT_SCHEDULED_FOR_DELETION',
  ]),
  A('3.7.6', 'Split knowledge and dual control for manual clear-text key operations', 'KMS offers no manual clear-text key operations'),
  A('3.7.7', 'Unauthorised substitution of keys prevented', 'KMS key IDs are immutable; key policies are evaluated by PCI-KMS-002'),
  N('3.7.8', 'Key custodians acknowledge their responsibilities'),
  N('3.7.9', 'Service providers: guidance to customers on keys they share', 'no keys are shared with customers'),
  // 4 — transmission
  N('4.1.1', `Requirement 4 security policies and procedures ${POLICY}`),
  N('4.1.2', `Requirement 4 ${ROLES}`),
  E('4.2.1', 'Strong cryptography protects PAN sent over open, public networks'),
  R(
    '4.2.1.1',
    'Inventory of trusted keys and certificates kept',
    "AWS Certificate Manager lists the certificates in use (NLB certificate parameter); the inventory is the entity's",
    ['ELBV2_ACM_CERTIFICATE_REQUIRED'],
  ),
  N('4.2.1.2', 'Wireless networks carrying PAN use strong cryptography', NO_WIRELESS),
  N('4.2.2', 'PAN sent through end-user messaging is secured', 'e-mail, chat and messaging by staff'),
  // 5 — malware
  N('5.1.1', `Requirement 5 security policies and procedures ${POLICY}`),
  N('5.1.2', `Requirement 5 ${ROLES}`),
  R(
    '5.2.1',
    'Anti-malware deployed on components at risk',
    'Amazon GuardDuty Runtime Monitoring for ECS on Fargate and Malware Protection for S3 (not deployed by these templates)',
  ),
  R('5.2.2', 'Anti-malware detects, removes, blocks or contains known malware', 'Amazon GuardDuty (account level)'),
  N('5.2.3', 'Components not at risk of malware evaluated periodically'),
  N('5.2.3.1', 'Frequency of those evaluations set by targeted risk analysis'),
  R('5.3.1', 'Anti-malware kept current', 'GuardDuty is kept current by AWS once enabled in the account'),
  R('5.3.2', 'Anti-malware scans periodically or analyses behaviour continuously', 'GuardDuty Runtime Monitoring (continuous)'),
  N('5.3.2.1', 'Frequency of periodic malware scans set by targeted risk analysis'),
  N('5.3.3', 'Removable media scanned or protected', 'no removable media in the platform'),
  R('5.3.4', 'Anti-malware audit logs enabled and kept', 'GuardDuty findings exported to the log archive (Security Hub / EventBridge)'),
  R('5.3.5', 'Anti-malware cannot be disabled by users without authorisation', 'GuardDuty delegated administration and service control policies of the organization'),
  N('5.4.1', 'Anti-phishing mechanisms protect users', 'e-mail security of the entity'),
  // 6 — secure systems and software
  N('6.1.1', `Requirement 6 security policies and procedures ${POLICY}`),
  N('6.1.2', `Requirement 6 ${ROLES}`),
  N('6.2.1', 'Bespoke and custom software developed securely'),
  N('6.2.2', 'Developers trained in secure software at least yearly'),
  N('6.2.3', 'Bespoke software reviewed before release'),
  N('6.2.3.1', 'Manual code reviews by someone other than the author, approved by management'),
  P(
    '6.2.4',
    'Software engineering techniques prevent common attacks',
    "the application's code (injection, XSS, access-control flaws); WAF (PCI-WAF-002) is a second line, not a substitute",
  ),
  E('6.3.1', 'Security vulnerabilities identified, ranked and managed', "findings of image scans and Amazon Inspector at run time, and their triage (the entity's)"),
  E('6.3.2', 'Inventory of bespoke and third-party software components kept', "digest-pinned images name what runs; the software bill of materials of each image is the entity's"),
  E('6.3.3', 'Security patches installed in time'),
  E('6.4.1', 'Public-facing web applications protected against attacks'),
  E('6.4.2', 'An automated technical solution detects and blocks web attacks in front of public web applications'),
  P('6.4.3', 'Payment-page scripts authorised, integrity-checked and inventoried', 'the payment pages served to consumers'),
  E('6.5.1', 'Changes to production follow change control', "approval records and the review itself are the entity's (make diff output supports them)"),
  N('6.5.2', 'After a significant change, applicable requirements confirmed in place', 'make check on the changed templates supports it'),
  N('6.5.3', 'Pre-production environments separated from production', "separate accounts per environment (stacksets manifests); the account structure is the entity's"),
  N('6.5.4', 'Roles and functions separated between production and pre-production'),
  N('6.5.5', 'Live PANs not used in pre-production'),
  N('6.5.6', 'Test data and accounts removed before a system goes live'),
  // 7 — access restriction
  N('7.1.1', `Requirement 7 security policies and procedures ${POLICY}`),
  N('7.1.2', `Requirement 7 ${ROLES}`),
  E('7.2.1', 'An access-control model covers all components and grants least privilege', "people's access (SSO permission sets, IAM users) is the entity's"),
  E('7.2.2', 'Access assigned by job classification and least privilege', "people's access is the entity's"),
  N('7.2.3', 'Required privileges approved by authorised personnel'),
  R('7.2.4', 'User accounts and privileges reviewed at least every six months', "IAM Access Analyzer (unused access) and IAM Identity Center reports; the review is the entity's"),
  E('7.2.5', 'Application and system accounts granted least privilege'),
  R('7.2.5.1', 'Access of application and system accounts reviewed periodically', "IAM Access Analyzer unused-access findings on the platform roles; the review is the entity's"),
  P('7.2.6', 'User access to query stored cardholder data restricted', 'database users and queries of the application (RDS IAM authentication is on: PCI-AUTH-004)'),
  A('7.3.1', 'An access-control system restricts access by need to know', "AWS IAM is the access-control system; the platform's roles are evaluated by PCI-IAM-*"),
  A('7.3.2', 'The access-control system enforces privileges by job classification', 'AWS IAM'),
  A('7.3.3', 'The access-control system defaults to deny all', 'AWS IAM denies what no policy allows'),
  // 8 — identification and authentication
  N('8.1.1', `Requirement 8 security policies and procedures ${POLICY}`),
  N('8.1.2', `Requirement 8 ${ROLES}`),
  E('8.2.1', 'Every user has a unique ID before access', "people's identities (the identity provider) are the entity's"),
  E('8.2.2', 'Shared, group or generic accounts only when necessary, managed and attributable'),
  N('8.2.3', 'Service providers with remote access to customer premises use unique factors per customer'),
  N('8.2.4', 'Adding, deleting and modifying user IDs authorised and managed'),
  N('8.2.5', 'Access of terminated users revoked at once'),
  R('8.2.6', 'Inactive user accounts removed or disabled within 90 days', 'IAM credential report and the identity provider', ['IAM_USER_UNUSED_CREDENTIALS_CHECK']),
  N('8.2.7', 'Third-party remote-access accounts enabled only when needed and monitored'),
  P('8.2.8', 'Idle sessions re-authenticate after 15 minutes', "the application's sessions and the console session length of the identity provider"),
  E('8.3.1', 'User and administrator access authenticated', "people's authentication (identity provider) is the entity's"),
  E('8.3.2', 'Authentication factors unreadable in storage and transmission'),
  N('8.3.3', 'Identity verified before an authentication factor is changed'),
  R('8.3.4', 'Invalid authentication attempts limited (lock-out)', "the identity provider's lock-out policy (IAM Identity Center or the corporate IdP)"),
  N('8.3.5', 'First-use and reset passwords unique and changed at first use'),
  R('8.3.6', 'Passwords at least 12 characters with letters and digits', 'IAM account password policy or the identity provider', ['IAM_PASSWORD_POLICY']),
  R('8.3.7', 'New passwords differ from the last four', 'IAM account password policy or the identity provider', ['IAM_PASSWORD_POLICY']),
  N('8.3.8', 'Authentication policies documented and communicated'),
  E('8.3.9', 'Single-factor passwords changed at least every 90 days (or access analysed dynamically)', "people's passwords: the identity provider"),
  P('8.3.10', 'Service providers: customers told to change single-factor passwords', "the application's customer accounts"),
  P('8.3.10.1', 'Service providers: customer passwords changed every 90 days or analysed dynamically', "the application's customer accounts"),
  N('8.3.11', 'Physical or logical authentication tokens assigned to one person'),
  R('8.4.1', 'MFA for non-console administrative access into the CDE', 'IAM Identity Center / IdP MFA; root MFA', [
    'ROOT_ACCOUNT_MFA_ENABLED',
    'MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS',
  ]),
  R('8.4.2', 'MFA for all access into the CDE', "IAM Identity Center / IdP MFA; the application's own MFA for its users", ['MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS']),
  R('8.4.3', 'MFA for remote network access from outside the entity', 'the identity provider and any VPN (none in the platform)'),
  R('8.5.1', 'MFA systems resist replay and cannot be bypassed', "the identity provider's configuration"),
  N('8.6.1', 'Interactive login by system or application accounts managed'),
  E('8.6.2', 'Passwords of application and system accounts not hard-coded'),
  E('8.6.3', 'Passwords of application and system accounts protected and changed periodically'),
  // 9 — physical access (AWS data centres; the entity's own sites)
  N('9.1.1', `Requirement 9 security policies and procedures ${POLICY}`),
  N('9.1.2', `Requirement 9 ${ROLES}`),
  A('9.2.1', 'Facility entry controls restrict physical access to systems in the CDE'),
  A('9.2.1.1', 'Individual physical access to sensitive areas monitored and recorded'),
  A('9.2.2', 'Publicly accessible network jacks restricted'),
  A('9.2.3', 'Physical access to wireless access points, gateways and network hardware restricted'),
  A('9.2.4', 'Consoles in sensitive areas locked when unattended'),
  A('9.3.1', 'Procedures authorise and manage staff physical access to the CDE'),
  A('9.3.1.1', 'Physical access to sensitive areas controlled and revoked at termination'),
  A('9.3.2', 'Visitors authorised, escorted and identified'),
  A('9.3.3', 'Visitor badges surrendered or deactivated'),
  A('9.3.4', 'A visitor log kept'),
  E('9.4.1', 'Media with cardholder data physically secured', "physical media are AWS's (AWS PCI DSS AOC); backups are checked here"),
  A('9.4.1.1', 'Offline media backups stored securely'),
  A('9.4.1.2', 'Security of offline backup locations reviewed yearly'),
  E('9.4.2', 'Media classified by sensitivity'),
  A('9.4.3', 'Media sent outside the facility secured'),
  A('9.4.4', 'Management approves media moved outside the facility'),
  A('9.4.5', 'Inventory logs of electronic media kept'),
  A('9.4.5.1', 'Electronic media inventories at least yearly'),
  N('9.4.6', 'Hard-copy materials with cardholder data destroyed when no longer needed'),
  A('9.4.7', 'Electronic media with cardholder data destroyed or made unrecoverable', 'AWS media sanitisation (NIST 800-88)'),
  N('9.5.1', 'POI devices protected from tampering and substitution', 'card-present terminals, if any'),
  N('9.5.1.1', 'An up-to-date list of POI devices kept'),
  N('9.5.1.2', 'POI device surfaces inspected periodically'),
  N('9.5.1.2.1', 'Frequency of POI inspections set by targeted risk analysis'),
  N('9.5.1.3', 'Staff near POI devices trained to spot tampering'),
  // 10 — logging and monitoring
  N('10.1.1', `Requirement 10 security policies and procedures ${POLICY}`),
  N('10.1.2', `Requirement 10 ${ROLES}`),
  E('10.2.1', 'Audit logs enabled and active for all components and cardholder data'),
  E('10.2.1.1', 'Audit logs capture every individual access to cardholder data', "access through the application and the database: the application's logs and pgaudit"),
  E('10.2.1.2', 'Audit logs capture every action by administrative accounts', 'actions inside the application and the database (pgaudit)'),
  R(
    '10.2.1.3',
    'Audit logs capture every access to audit logs',
    'CloudTrail data events on the audit and log-archive buckets and CloudWatch Logs read calls; the trail here logs data events of the data bucket only',
  ),
  E('10.2.1.4', 'Audit logs capture invalid logical access attempts', 'failed logins to the application and the database'),
  E('10.2.1.5', 'Audit logs capture changes to identification and authentication credentials', 'changes inside the identity provider and the application'),
  E('10.2.1.6', 'Audit logs capture starting, stopping or pausing of audit logs'),
  E('10.2.1.7', 'Audit logs capture creation and deletion of system-level objects'),
  E('10.2.2', 'Audit logs record user, event type, time, outcome, origin and affected resource'),
  E('10.3.1', 'Read access to audit logs limited to a job-related need', 'who holds read permissions in the account (IAM at run time)'),
  E('10.3.2', 'Audit log files protected from modification'),
  E('10.3.3', 'Audit logs promptly backed up to a central store that is hard to alter'),
  E('10.3.4', 'Change detection on audit logs (file integrity) alerts on modification'),
  E('10.4.1', 'Security events and critical-component logs reviewed at least daily', "the daily review itself is the entity's (people or a SIEM)"),
  E('10.4.1.1', 'Automated mechanisms perform audit log reviews', 'GuardDuty and Security Hub findings at run time'),
  N('10.4.2', 'Logs of all other components reviewed periodically'),
  N('10.4.2.1', 'Frequency of those reviews set by targeted risk analysis'),
  N('10.4.3', 'Exceptions and anomalies found in reviews addressed'),
  E('10.5.1', 'Audit log history kept at least 12 months, three months at hand'),
  A('10.6.1', 'System clocks synchronised', 'Amazon Time Sync Service'),
  A('10.6.2', 'Systems configured with correct and consistent time', 'Amazon Time Sync Service'),
  A('10.6.3', 'Time synchronisation settings and data protected', 'Amazon Time Sync Service'),
  E('10.7.1', 'Service providers: failures of critical security control systems detected, alerted and addressed', "who answers and how fast (10.7.3) is the entity's"),
  E('10.7.2', 'Failures of critical security control systems detected, alerted and addressed', "who answers and how fast (10.7.3) is the entity's"),
  N('10.7.3', 'Failures of critical security controls responded to promptly'),
  // 11 — testing
  N('11.1.1', `Requirement 11 security policies and procedures ${POLICY}`),
  N('11.1.2', `Requirement 11 ${ROLES}`),
  N('11.2.1', 'Authorised and unauthorised wireless access points managed', NO_WIRELESS),
  N('11.2.2', 'Inventory of authorised wireless access points kept', NO_WIRELESS),
  E('11.3.1', 'Internal vulnerability scans at least every three months', 'scans of running components (Amazon Inspector) and their rescans are run-time evidence'),
  R('11.3.1.1', 'Vulnerabilities below high/critical managed by targeted risk analysis', "Amazon Inspector findings; the risk analysis is the entity's"),
  R('11.3.1.2', 'Internal vulnerability scans are authenticated', 'Amazon Inspector (agent-based and ECR image scans are authenticated by construction)'),
  N('11.3.1.3', 'Internal scans after every significant change'),
  N('11.3.2', 'External vulnerability scans by an ASV at least every three months'),
  N('11.3.2.1', 'External scans after every significant change'),
  N('11.4.1', 'A penetration-testing methodology defined and applied'),
  N('11.4.2', 'Internal penetration test at least yearly and after significant changes'),
  N('11.4.3', 'External penetration test at least yearly and after significant changes'),
  N('11.4.4', 'Exploitable vulnerabilities found by penetration tests corrected and retested'),
  N('11.4.5', 'Segmentation controls penetration-tested at least yearly', "the segmentation proof (PCI-SEG-*) shows the intended segmentation; the test itself is the entity's"),
  N('11.4.6', 'Service providers: segmentation tested every six months', "the segmentation proof (PCI-SEG-*) supports it; the test is the entity's"),
  N('11.4.7', "Multi-tenant service providers support customers' penetration tests"),
  R(
    '11.5.1',
    'Intrusion detection or prevention watches the CDE perimeter and critical points',
    'Amazon GuardDuty over VPC flow logs, DNS and CloudTrail (flow logs: PCI-NET-006); not deployed by these templates',
  ),
  R('11.5.1.1', 'Service providers: intrusion detection finds covert malware channels', 'Amazon GuardDuty (DNS and flow-log analysis)'),
  R(
    '11.5.2',
    'A change-detection mechanism alerts on unauthorised changes to critical files',
    'AWS Config records configuration changes (PCI-LOG-010); container root file systems are read-only (PCI-CTR-001), so files cannot change rather than being detected',
  ),
  P('11.6.1', 'Change and tamper detection on payment pages as consumers receive them', 'the payment pages served to consumers'),
  // 12 — policies and programmes
  N('12.1.1', 'An overall information security policy established and published'),
  N('12.1.2', 'The security policy reviewed at least yearly'),
  N('12.1.3', "The policy defines everyone's security roles"),
  N('12.1.4', 'Responsibility for information security assigned to an executive'),
  N('12.2.1', 'Acceptable-use policies for end-user technologies'),
  N('12.3.1', 'Targeted risk analysis for each requirement with a flexible frequency'),
  N('12.3.2', 'Targeted risk analysis for each requirement met by the customized approach'),
  N('12.3.3', 'Cipher suites and protocols in use documented and reviewed yearly', "the TLS rules name the policies in use (PCI-TLS-*); the review is the entity's"),
  N('12.3.4', 'Hardware and software technologies reviewed yearly'),
  N('12.4.1', 'Executive responsibility for protecting cardholder data and PCI DSS compliance'),
  N('12.4.2', 'Service providers: quarterly reviews that staff follow the security tasks'),
  N('12.4.2.1', 'Service providers: those reviews documented'),
  E('12.5.1', 'An inventory of in-scope system components kept', 'components outside these templates'),
  N('12.5.2', 'PCI DSS scope documented and confirmed at least yearly', 'the diagrams and this coverage map support it'),
  N('12.5.2.1', 'Service providers: scope confirmed every six months'),
  N('12.5.3', 'Service providers: scope reviewed after significant organizational change'),
  N('12.6.1', 'A security awareness programme'),
  N('12.6.2', 'The awareness programme reviewed yearly'),
  N('12.6.3', 'Staff trained on hire and yearly'),
  N('12.6.3.1', 'Training covers phishing and social engineering'),
  N('12.6.3.2', 'Training covers acceptable use'),
  N('12.7.1', 'Staff screened before hire'),
  N('12.8.1', 'A list of third-party service providers kept', 'AWS is one: see the inherited requirements'),
  N('12.8.2', 'Written agreements with third-party service providers'),
  N('12.8.3', 'A process for engaging third-party service providers'),
  N('12.8.4', "Third-party service providers' PCI DSS status monitored yearly", "AWS's AOC is in AWS Artifact"),
  N('12.8.5', 'Which requirements each third-party provider manages is recorded', 'this map\'s "inherited from AWS" entries list AWS\'s share'),
  A('12.9.1', 'Third-party service providers acknowledge their responsibility in writing', 'AWS customer agreement and AWS PCI DSS AOC'),
  A('12.9.2', "Third-party service providers support customers' requests for compliance information", 'AWS Artifact and the AWS PCI DSS responsibility summary'),
  E('12.10.1', 'An incident response plan ready to be activated', "the plan itself is the entity's; the rules check the recovery capabilities it relies on"),
  N('12.10.2', 'The incident response plan reviewed and tested yearly'),
  N('12.10.3', 'Staff available around the clock to respond to incidents'),
  N('12.10.4', 'Incident responders trained'),
  N('12.10.4.1', 'Frequency of incident-response training set by targeted risk analysis'),
  E('12.10.5', 'The incident response plan includes alerts from security monitoring'),
  N('12.10.6', 'The incident response plan evolves with lessons learned'),
  R('12.10.7', 'Procedures for PAN found where it is not expected', "Amazon Macie discovery of PAN in S3; the procedure is the entity's"),
];

/** Short descriptions by requirement number (what the report shows beside a number). */
export const REQUIREMENTS: Readonly<Record<string, string>> = Object.fromEntries(CATALOGUE.map((e) => [e.id, e.title]));

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
