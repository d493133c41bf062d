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
  DrRegion: 'none',
  // Per deployment: the ACM certificate of the NLB listener (its name is BackendHostname). The
  // value here is the example account's; set yours before deploying to a real account.
  CertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/11111111-1111-4111-8111-111111111111',
};
