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
  DrRegion: 'us-west-2',
  // Per deployment: the ACM certificate of the NLB listener (its name is BackendHostname). The
  // value here is the example account's; set yours before deploying to a real account.
  CertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/22222222-2222-4222-8222-222222222222',
};
