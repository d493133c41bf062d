// dev: the cheapest settings that still satisfy every PCI control (encryption, TLS, logging
// ≥ 12 months, segmentation, backups stay on; only size, redundancy, deletion protection and the
// DR copy go down).
export default {
  Environment: 'dev',
  VpcCidr: '10.10.0.0/16',
  NatGatewayCount: 1,
  DbInstanceClass: 'db.t4g.micro',
  DbAllocatedStorageGiB: 20,
  DbMaxAllocatedStorageGiB: 100,
  DbMultiAz: 'false',
  DbBackupRetentionDays: 7,
  DeletionProtection: 'false',
  CacheNodeType: 'cache.t4g.micro',
  CacheNodeCount: 1,
  CacheSnapshotRetentionDays: 1,
  StreamMode: 'PROVISIONED',
  StreamShardCount: 1,
  StreamRetentionHours: 24,
  // Per deployment (example values: set yours before deploying to a real account): the public
  // host names of the NLB certificate and of the API's custom domain, and the truststore of the
  // CAs that issue merchant client certificates (mutual TLS). Values each account and region hold
  // themselves — the certificate ARNs, the S3 prefix list, the DR region — are read from SSM
  // parameters there (see the *Parameter parameters), not set here. Per release: image digests —
  // the zero digests are placeholders for the release pipeline.
  BackendHostname: 'backend.dev.payments.example.com',
  ApiDomainName: 'api.dev.payments.example.com',
  MtlsTruststoreUri: 's3://payment-pki-111122223333/truststores/merchants-dev.pem',
  ContainerImageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
  XRayDaemonImageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
  // Test data must stay removable in dev.
  AuditObjectLockMode: 'GOVERNANCE',
};
