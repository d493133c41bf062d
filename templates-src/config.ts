// Build-time platform choices: what every environment shares. What varies between environments
// or accounts is a CloudFormation Parameter instead (see the layers and environments/).

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** Data classes, each with its own customer-managed KMS key (kms layer). */
export const KEY_CLASSES = ['Database', 'Cache', 'Storage', 'Secrets', 'Streaming', 'Logs', 'Backup', 'Audit', 'Notifications'] as const;
export type KeyClass = (typeof KEY_CLASSES)[number];

/** Values of the DataClassification tag. */
export type DataClassification = 'Restricted' | 'Confidential' | 'Internal';

export interface PlatformConfig {
  /** Prefix of every name the platform sets: payment-<thing>-<env>. */
  readonly namePrefix: string;
  /** Availability zones the VPC spans (subnets per tier). */
  readonly availabilityZones: 3;
  /** Ports of the tiers, used by security groups, NACLs and the segmentation proof. */
  readonly ports: { readonly frontDoor: 443; readonly app: number; readonly postgres: 5432; readonly redis: 6379; readonly nfs: 2049 };
  /** Interface VPC endpoints in the private tier (service name suffixes). */
  readonly interfaceEndpoints: readonly string[];
  /** Gateway VPC endpoints. */
  readonly gatewayEndpoints: readonly string[];
}

export const PLATFORM: PlatformConfig = {
  namePrefix: 'payment',
  availabilityZones: 3,
  ports: { frontDoor: 443, app: 8443, postgres: 5432, redis: 6379, nfs: 2049 },
  interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'kms', 'kinesis-streams', 'sts', 'xray', 'monitoring', 'elasticache', 'ecs'],
  gatewayEndpoints: ['s3', 'dynamodb'],
};
