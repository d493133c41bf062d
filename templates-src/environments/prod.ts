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
  DrRegion: 'us-west-2',
  EnableVaultLock: 'true',
  // Per deployment: the ACM certificate of the NLB listener (its name is BackendHostname). The
  // value here is the example account's; set yours before deploying to a real account.
  CertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/33333333-3333-4333-8333-333333333333',
  // Per region: the AWS-managed S3 prefix list (this is us-east-1's; StackSet manifests override
  // it per region). Per release: images pinned by digest — the zero digests are placeholders
  // for the release pipeline to set (make deploy checks the pattern, not the registry).
  S3PrefixListId: 'pl-63a5400a',
  ContainerImage: '111122223333.dkr.ecr.us-east-1.amazonaws.com/payment-app:1.0.0@sha256:0000000000000000000000000000000000000000000000000000000000000000',
  XRayDaemonImage: 'public.ecr.aws/xray/aws-xray-daemon:3.x@sha256:0000000000000000000000000000000000000000000000000000000000000000',
};
