// prod: Multi-AZ everywhere, deletion protection on, one NAT gateway per AZ, DR copy, locked
// backup vault.
export default {
  Environment: 'prod',
  VpcCidr: '10.30.0.0/16',
  NatGatewayCount: 3,
  DbInstanceClass: 'db.r7g.large',
  DbAllocatedStorageGiB: 200,
  DbMaxAllocatedStorageGiB: 2000,
  DbMultiAz: 'true',
  DbBackupRetentionDays: 35,
  DeletionProtection: 'true',
  CacheNodeType: 'cache.r7g.large',
  CacheNodeCount: 3,
  StreamMode: 'ON_DEMAND',
  EnableVaultLock: 'true',
  // Per deployment (example values: set yours before deploying to a real account): the public
  // host names of the NLB certificate and of the API's custom domain, and the truststore of the
  // CAs that issue merchant client certificates (mutual TLS). Values each account and region hold
  // themselves — the certificate ARNs, the S3 prefix list, the DR region — are read from SSM
  // parameters there (see the *Parameter parameters), not set here. Per release: image digests —
  // the zero digests are placeholders for the release pipeline.
  BackendHostname: 'backend.prod.payments.example.com',
  ApiDomainName: 'api.prod.payments.example.com',
  MtlsTruststoreUri: 's3://payment-pki-111122223333/truststores/merchants-prod.pem',
  ContainerImageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
  XRayDaemonImageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
  // Security alarms reach the on-call team (required outside dev, PCI DSS 10.7.2).
  AlarmEmail: 'payments-security-alerts@example.com',
  // Audit logs replicate to the organization's log-archive account (required outside dev, PCI DSS 10.3.3).
  LogArchiveBucketArn: 'arn:aws:s3:::payment-log-archive-999988887777',
  LogArchiveAccountId: '999988887777',
  LogArchiveKmsKeyArn: 'arn:aws:kms:us-east-1:999988887777:key/99999999-9999-4999-8999-999999999999',
};
