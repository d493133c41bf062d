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
  // Release pipeline: pin the released image by digest, e.g. ContainerImage: '<account>.dkr.ecr.<region>.amazonaws.com/payment-app@sha256:<digest>'.
  DrRegion: 'us-west-2',
  EnableVaultLock: 'true',
  // Per deployment: the ACM certificate of the NLB listener (its name is BackendHostname). The
  // value here is the example account's; set yours before deploying to a real account.
  CertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/33333333-3333-4333-8333-333333333333',
};
