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
};
