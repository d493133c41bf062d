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
  // Per region: the AWS-managed S3 prefix list (this is us-east-1's; StackSet manifests override
  // it per region). Per release: images pinned by digest — the zero digests are placeholders
  // for the release pipeline to set (make deploy checks the pattern, not the registry).
  S3PrefixListId: 'pl-63a5400a',
  ContainerImage: '111122223333.dkr.ecr.us-east-1.amazonaws.com/payment-app:1.0.0@sha256:0000000000000000000000000000000000000000000000000000000000000000',
  XRayDaemonImage: 'public.ecr.aws/xray/aws-xray-daemon:3.x@sha256:0000000000000000000000000000000000000000000000000000000000000000',
};
