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
  // Per region: the AWS-managed S3 prefix list (this is us-east-1's; StackSet manifests override
  // it per region). Per release: images pinned by digest — the zero digests are placeholders
  // for the release pipeline to set (make deploy checks the pattern, not the registry).
  S3PrefixListId: 'pl-63a5400a',
  ContainerImage: '111122223333.dkr.ecr.us-east-1.amazonaws.com/payment-app:1.0.0@sha256:0000000000000000000000000000000000000000000000000000000000000000',
  XRayDaemonImage: 'public.ecr.aws/xray/aws-xray-daemon:3.x@sha256:0000000000000000000000000000000000000000000000000000000000000000',
};
