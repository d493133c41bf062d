// staging: production shape (Multi-AZ, protection, DR copy) at smaller sizes, so releases are
// rehearsed on the same topology.
export default {
  Environment: 'staging',
  VpcCidr: '10.20.0.0/16',
  NatGatewayCount: 3,
  DbInstanceClass: 'db.t4g.medium',
  DbAllocatedStorageGiB: 50,
  DbMultiAz: 'true',
  DeletionProtection: 'true',
  CacheNodeType: 'cache.t4g.small',
  CacheNodeCount: 2,
  StreamMode: 'PROVISIONED',
  StreamShardCount: 1,
  // Per deployment (example values: set yours before deploying to a real account): the public
  // host names of the NLB certificate and of the API's custom domain, and the truststore of the
  // CAs that issue merchant client certificates (mutual TLS). Values each account and region hold
  // themselves — the certificate ARNs, the S3 prefix list, the DR region — are read from SSM
  // parameters there (see the *Parameter parameters), not set here. Per release: image digests —
  // the zero digests are placeholders for the release pipeline.
  BackendHostname: 'backend.staging.payments.example.com',
  ApiDomainName: 'api.staging.payments.example.com',
  MtlsTruststoreUri: 's3://payment-pki-111122223333/truststores/merchants-staging.pem',
  ContainerImageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
  XRayDaemonImageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
  // Security alarms reach the on-call team (required outside dev, PCI DSS 10.7.2).
  AlarmEmail: 'payments-security-alerts+staging@example.com',
  AuditObjectLockMode: 'GOVERNANCE',
  // The organization's log-archive account (another account; PCI DSS 10.3.3): every CloudTrail and
  // Config file is replicated there, required outside dev.
  LogArchiveBucketArn: 'arn:aws:s3:::payment-log-archive-999988887777',
  LogArchiveAccountId: '999988887777',
  LogArchiveKmsKeyArn: 'arn:aws:kms:us-east-1:999988887777:key/99999999-9999-4999-8999-999999999999',
};
