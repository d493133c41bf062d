// Layer 2 — network: a /16 VPC over 3 AZs in three tiers, each tier one /18 of the VPC:
//   public   (/18 #0): NAT gateways only — nothing else has a public address;
//   private  (/18 #1): tasks, the internal NLB, EFS mount targets, interface endpoints; egress via NAT;
//   isolated (/18 #2): RDS and Redis; no route out of the VPC, guarded by its own NACL.
// Security groups are chained by reference (NLB → app → database/cache/EFS/endpoints); every
// group starts with no egress. VPC flow logs (ALL) go to a KMS-encrypted group kept ≥ 365 days.
import type { PlatformConfig } from '../config.js';
import { Cidr, Equals, GetAZs, If, Join, Not, Or, Select, Sub, type Intrinsic } from '../core/intrinsics.js';
import type { ResourceHandle, Template } from '../core/template.js';
import {
  assumeRolePolicy,
  encryptedLogGroup,
  envName,
  keyArnParameter,
  layerTemplate,
  logGroupArns,
  logRetentionParameter,
  policyDocument,
  ssmValueParameter,
  stringParameter,
  platformRole,
} from './common.js';

const AZ_INDEXES = [0, 1, 2] as const;
type Tier = 'Public' | 'Private' | 'Isolated';
const TIER_INDEX: Record<Tier, number> = { Public: 0, Private: 1, Isolated: 2 };

/** CDK's "no egress" rule: an ICMP type that matches nothing, replacing the default allow-all egress. */
// ICMP type 252 code 252 to the limited-broadcast address: a rule that matches nothing, so that
// CloudFormation drops the default allow-all egress (type and code alike, so that no scanner reads
// a port range into it).
const NO_EGRESS = { IpProtocol: 'icmp', FromPort: 252, ToPort: 252, CidrIp: '255.255.255.255/32', Description: 'No egress by default (replaces allow-all)' };

/** PascalCase logical-ID stem of an endpoint service suffix: "ecr.api" → "EcrApi". */
const endpointId = (service: string): string =>
  service
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

export function buildNetwork(config: PlatformConfig): Template {
  const t = layerTemplate(
    'network',
    'PCI payment platform - layer 2: 3-AZ VPC with public/private/isolated tiers, NAT, flow logs, VPC endpoints, NACLs and chained security groups.',
    'Internal',
  );
  const { ports } = config;

  const vpcCidr = t.parameter(
    'VpcCidr',
    {
      ...stringParameter(
        'IPv4 CIDR of the VPC; a private /16 (each tier gets one /18, each subnet a /20).',
        '^(10\\.\\d{1,3}|172\\.(1[6-9]|2\\d|3[01])|192\\.168)\\.0\\.0/16$',
        'must be a private /16, e.g. 10.20.0.0/16',
      ),
      Default: '10.0.0.0/16',
    },
    'Network',
  );
  const natCount = t.parameter(
    'NatGatewayCount',
    { Type: 'Number', Description: 'NAT gateways (one per AZ for high availability; 1 is the cheapest for dev).', Default: 3, AllowedValues: [1, 2, 3] },
    'Network',
  );
  // Outbound from the CDE is only what it needs (PCI DSS 1.3.2): AWS services through the
  // endpoints, S3 through the gateway endpoint (its region's managed prefix list), and — only when
  // configured — the card processor's range through NAT. Nothing else leaves the VPC.
  // The AWS-managed S3 prefix list (com.amazonaws.<region>.s3) has a different ID in every region
  // and CloudFormation has no function that looks it up, so each account keeps it in an SSM
  // parameter per region and the template resolves it there: one StackSet operation serves every
  // region, with no per-region override.
  // https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#aws-ssm-parameter-types
  const s3PrefixList = t.parameter(
    'S3PrefixListIdParameter',
    ssmValueParameter(
      "this region's AWS-managed S3 prefix list ID (pl-...; aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.<region>.s3). The app reaches S3 (ECR image layers, its data bucket) through the gateway endpoint and nowhere else outside the VPC.",
      '/payment/network/s3-prefix-list-id',
    ),
    'Network',
  );
  const processorCidr = t.parameter(
    'ProcessorEgressCidr',
    {
      ...stringParameter(
        'IPv4 range of the card processor the application calls over HTTPS through NAT; empty for none. Never 0.0.0.0/0.',
        '^$|^(\\d{1,3}\\.){3}\\d{1,3}/(1[6-9]|2\\d|3[0-2])$',
        'must be empty or an IPv4 CIDR of /16 or narrower',
      ),
      Default: '',
    },
    'Network',
  );
  const retention = logRetentionParameter(t);
  const logsKey = t.parameter('LogsKeyArn', keyArnParameter('CloudWatch Logs'), 'Keys');

  const twoNats = t.condition('HasTwoOrMoreNatGateways', Or(Equals(natCount.ref, 2), Equals(natCount.ref, 3)));
  const threeNats = t.condition('HasThreeNatGateways', Equals(natCount.ref, 3));
  const hasProcessor = t.condition('HasProcessorEgress', Not(Equals(processorCidr.ref, '')));

  const vpc = t.resource('Vpc', 'AWS::EC2::VPC', {
    CidrBlock: vpcCidr.ref,
    EnableDnsHostnames: true,
    EnableDnsSupport: true,
    InstanceTenancy: 'default',
    Tags: [{ Key: 'Name', Value: envName('vpc') }],
  });

  const tierBlock = (tier: Tier): Intrinsic => Select(TIER_INDEX[tier], Cidr(vpcCidr.ref, 4, 14));
  const subnets: Record<Tier, ResourceHandle<'AWS::EC2::Subnet'>[]> = { Public: [], Private: [], Isolated: [] };
  for (const tier of Object.keys(TIER_INDEX) as Tier[]) {
    for (const az of AZ_INDEXES) {
      subnets[tier].push(
        t.resource(`${tier}Subnet${az + 1}`, 'AWS::EC2::Subnet', {
          VpcId: vpc.ref,
          AvailabilityZone: Select(az, GetAZs('')),
          CidrBlock: Select(az, Cidr(tierBlock(tier), 4, 12)),
          MapPublicIpOnLaunch: false,
          Tags: [
            { Key: 'Name', Value: envName(`${tier.toLowerCase()}-${az + 1}`) },
            { Key: 'Tier', Value: tier },
          ],
        }),
      );
    }
  }

  // Public tier: internet gateway, NAT gateways.
  const igw = t.resource('InternetGateway', 'AWS::EC2::InternetGateway', { Tags: [{ Key: 'Name', Value: envName('igw') }] });
  const attachment = t.resource('InternetGatewayAttachment', 'AWS::EC2::VPCGatewayAttachment', { VpcId: vpc.ref, InternetGatewayId: igw.ref });
  const publicRoutes = t.resource('PublicRouteTable', 'AWS::EC2::RouteTable', { VpcId: vpc.ref, Tags: [{ Key: 'Name', Value: envName('public') }] });
  t.resource(
    'PublicDefaultRoute',
    'AWS::EC2::Route',
    { RouteTableId: publicRoutes.ref, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw.ref },
    {
      DependsOn: [attachment],
      suppress: {
        guard: {
          NO_UNRESTRICTED_ROUTE_TO_IGW: {
            reason: 'The public tier holds only the NAT gateways, whose way out is this route; no task, database or endpoint has a public address.',
            requirement: '1.3.2',
            compensatingControl:
              'PCI-SEG-001/003 prove that nothing in the private and isolated tiers is reachable from the internet; PCI-NET-003 forbids public IPs; outbound security group rules name their destinations.',
          },
        },
      },
    },
  );
  subnets.Public.forEach((subnet, i) =>
    t.resource(`PublicSubnet${i + 1}RouteTableAssociation`, 'AWS::EC2::SubnetRouteTableAssociation', { SubnetId: subnet.ref, RouteTableId: publicRoutes.ref }),
  );

  const natConditions = [undefined, twoNats, threeNats];
  const nats = AZ_INDEXES.map((az) => {
    const condition = natConditions[az];
    const eip = t.resource(
      `NatGateway${az + 1}Eip`,
      'AWS::EC2::EIP',
      { Domain: 'vpc', Tags: [{ Key: 'Name', Value: envName(`nat-${az + 1}`) }] },
      { Condition: condition, DependsOn: [attachment] },
    );
    return t.resource(
      `NatGateway${az + 1}`,
      'AWS::EC2::NatGateway',
      { AllocationId: eip.getAtt('AllocationId'), SubnetId: subnets.Public[az].ref, ConnectivityType: 'public', Tags: [{ Key: 'Name', Value: envName(`nat-${az + 1}`) }] },
      { Condition: condition },
    );
  });
  // Each private subnet uses its own AZ's NAT gateway when there is one, else the first.
  const natFor = [nats[0].ref, If(twoNats, nats[1].ref, nats[0].ref), If(threeNats, nats[2].ref, If(twoNats, nats[1].ref, nats[0].ref))];

  // Private tier: one route table per AZ, default route to NAT.
  const privateRouteTables = AZ_INDEXES.map((az) => {
    const table = t.resource(`PrivateRouteTable${az + 1}`, 'AWS::EC2::RouteTable', { VpcId: vpc.ref, Tags: [{ Key: 'Name', Value: envName(`private-${az + 1}`) }] });
    t.resource(`PrivateDefaultRoute${az + 1}`, 'AWS::EC2::Route', { RouteTableId: table.ref, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natFor[az] });
    t.resource(`PrivateSubnet${az + 1}RouteTableAssociation`, 'AWS::EC2::SubnetRouteTableAssociation', { SubnetId: subnets.Private[az].ref, RouteTableId: table.ref });
    return table;
  });

  // Isolated tier: a route table with the local route only.
  const isolatedRoutes = t.resource('IsolatedRouteTable', 'AWS::EC2::RouteTable', { VpcId: vpc.ref, Tags: [{ Key: 'Name', Value: envName('isolated') }] });
  subnets.Isolated.forEach((subnet, i) =>
    t.resource(`IsolatedSubnet${i + 1}RouteTableAssociation`, 'AWS::EC2::SubnetRouteTableAssociation', { SubnetId: subnet.ref, RouteTableId: isolatedRoutes.ref }),
  );

  // Isolated tier NACL (stateless): in, only the data ports from the private tier and the tier's own
  // replication traffic; out, only replies to the private tier and the tier itself. Within the tier
  // TCP on every port: RDS Multi-AZ and Redis replication run over TCP on ports AWS does not
  // document; nothing else (DNS, metadata and time sync are not filtered by NACLs:
  // https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html).
  const nacl = t.resource('IsolatedNetworkAcl', 'AWS::EC2::NetworkAcl', { VpcId: vpc.ref, Tags: [{ Key: 'Name', Value: envName('isolated') }] });
  const naclEntries: { id: string; rule: number; egress: boolean; protocol: number; cidr: Intrinsic; from?: number; to?: number }[] = [
    { id: 'IsolatedNaclInPostgresFromPrivate', rule: 100, egress: false, protocol: 6, cidr: tierBlock('Private'), from: ports.postgres, to: ports.postgres },
    { id: 'IsolatedNaclInRedisFromPrivate', rule: 110, egress: false, protocol: 6, cidr: tierBlock('Private'), from: ports.redis, to: ports.redis },
    { id: 'IsolatedNaclInWithinTier', rule: 120, egress: false, protocol: 6, cidr: tierBlock('Isolated'), from: 0, to: 65535 },
    { id: 'IsolatedNaclOutRepliesToPrivate', rule: 100, egress: true, protocol: 6, cidr: tierBlock('Private'), from: 1024, to: 65535 },
    { id: 'IsolatedNaclOutWithinTier', rule: 110, egress: true, protocol: 6, cidr: tierBlock('Isolated'), from: 0, to: 65535 },
  ];
  const withinTier = {
    suppress: {
      guard: {
        EC2_NETWORK_ACL_PORT_RANGE_RULE: {
          reason: 'Every TCP port, but only between the isolated subnets: RDS Multi-AZ and ElastiCache replication use ports AWS does not document.',
          requirement: '1.3.1',
          compensatingControl:
            "The data stores' security groups admit only the app and rotation tiers on their ports (PCI-SEG-002); nothing outside the tier gets more than 5432/6379 in and replies out.",
        },
      },
    },
  };
  for (const e of naclEntries) {
    t.resource(
      e.id,
      'AWS::EC2::NetworkAclEntry',
      {
        NetworkAclId: nacl.ref,
        RuleNumber: e.rule,
        Egress: e.egress,
        Protocol: e.protocol,
        RuleAction: 'allow',
        CidrBlock: e.cidr,
        ...(e.from !== undefined ? { PortRange: { From: e.from, To: e.to ?? e.from } } : {}),
      },
      e.id.endsWith('WithinTier') ? withinTier : {},
    );
  }
  subnets.Isolated.forEach((subnet, i) =>
    t.resource(`IsolatedSubnet${i + 1}NetworkAclAssociation`, 'AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: subnet.ref, NetworkAclId: nacl.ref }),
  );

  // Flow logs: every accepted and rejected flow, to an encrypted group kept ≥ 12 months.
  const flowLogGroup = encryptedLogGroup(t, 'FlowLogGroup', Sub(`/${config.namePrefix}/\${Environment}/vpc-flow-logs`), logsKey, retention);
  const flowLogRole = platformRole(t, 'FlowLogRole', {
    Description: 'Lets VPC Flow Logs write to the flow log group only',
    AssumeRolePolicyDocument: assumeRolePolicy('vpc-flow-logs.amazonaws.com'),
    Policies: [
      {
        PolicyName: 'write-flow-log-group',
        PolicyDocument: policyDocument({
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
          Resource: [logGroupArns(flowLogGroup).group, logGroupArns(flowLogGroup).streams],
        }),
      },
    ],
  });
  t.resource('VpcFlowLog', 'AWS::EC2::FlowLog', {
    ResourceId: vpc.ref,
    ResourceType: 'VPC',
    TrafficType: 'ALL',
    LogDestinationType: 'cloud-watch-logs',
    LogGroupName: flowLogGroup.ref,
    DeliverLogsPermissionArn: flowLogRole.getAtt('Arn'),
    MaxAggregationInterval: 60,
  });

  // Security groups, chained by reference. Each starts with no egress.
  const sg = (id: string, description: string) =>
    t.resource(id, 'AWS::EC2::SecurityGroup', {
      GroupDescription: description,
      VpcId: vpc.ref,
      SecurityGroupEgress: [NO_EGRESS],
      Tags: [{ Key: 'Name', Value: envName(id.replace(/SecurityGroup$/, '').replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())) }],
    });
  const nlbSg = sg('NlbSecurityGroup', 'Internal NLB behind the API Gateway VPC link: reaches the app tier only');
  const appSg = sg('AppSecurityGroup', 'Application tasks: reached only from the NLB');
  const dbSg = sg('DatabaseSecurityGroup', 'RDS PostgreSQL: reached only from the app tier on 5432');
  const cacheSg = sg('CacheSecurityGroup', 'ElastiCache Redis: reached only from the app tier on 6379');
  const efsSg = sg('EfsSecurityGroup', 'EFS mount targets: reached only from the app tier on 2049');
  const endpointSg = sg('EndpointSecurityGroup', 'Interface VPC endpoints: reached only from the app tier and the rotation function on 443');
  const rotationSg = sg('RotationSecurityGroup', 'Secret rotation function: reaches AWS APIs on 443 and Redis on 6379 only; reached by nothing');

  const flow = (id: string, from: ResourceHandle<'AWS::EC2::SecurityGroup'>, to: ResourceHandle<'AWS::EC2::SecurityGroup'>, port: number, what: string) => {
    t.resource(`${id}Egress`, 'AWS::EC2::SecurityGroupEgress', {
      GroupId: from.getAtt('GroupId'),
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      DestinationSecurityGroupId: to.getAtt('GroupId'),
      Description: what,
    });
    t.resource(`${id}Ingress`, 'AWS::EC2::SecurityGroupIngress', {
      GroupId: to.getAtt('GroupId'),
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      SourceSecurityGroupId: from.getAtt('GroupId'),
      Description: what,
    });
  };
  flow('NlbToApp', nlbSg, appSg, ports.app, 'NLB to application tasks (TLS)');
  flow('AppToDatabase', appSg, dbSg, ports.postgres, 'Application to PostgreSQL (TLS enforced by rds.force_ssl)');
  flow('AppToCache', appSg, cacheSg, ports.redis, 'Application to Redis (TLS required)');
  flow('AppToEfs', appSg, efsSg, ports.nfs, 'Application to EFS (TLS via the EFS mount helper)');
  flow('AppToEndpoints', appSg, endpointSg, 443, 'Application to AWS interface endpoints (HTTPS)');
  flow('RotationToEndpoints', rotationSg, endpointSg, 443, 'Rotation function to the Secrets Manager, ElastiCache and ECS endpoints (HTTPS)');
  // The rotation's testSecret step authenticates to Redis with the new AUTH token (TLS).
  flow('RotationToCache', rotationSg, cacheSg, ports.redis, 'Rotation function to Redis: tests the new AUTH token (TLS)');
  t.resource('AppToS3Egress', 'AWS::EC2::SecurityGroupEgress', {
    GroupId: appSg.getAtt('GroupId'),
    IpProtocol: 'tcp',
    FromPort: 443,
    ToPort: 443,
    DestinationPrefixListId: s3PrefixList.ref,
    Description: 'Application to S3 through the gateway endpoint (ECR image layers, data bucket), HTTPS',
  });
  t.resource(
    'AppToProcessorEgress',
    'AWS::EC2::SecurityGroupEgress',
    {
      GroupId: appSg.getAtt('GroupId'),
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      CidrIp: processorCidr.ref,
      Description: 'Application to the card processor over HTTPS (through NAT)',
    },
    { Condition: hasProcessor },
  );

  // VPC endpoints: gateway endpoints on the private route tables, interface endpoints in the private tier.
  for (const service of config.gatewayEndpoints) {
    t.resource(`${endpointId(service)}GatewayEndpoint`, 'AWS::EC2::VPCEndpoint', {
      VpcId: vpc.ref,
      ServiceName: Sub(`com.amazonaws.\${AWS::Region}.${service}`),
      VpcEndpointType: 'Gateway',
      RouteTableIds: privateRouteTables.map((rt) => rt.ref),
    });
  }
  for (const service of config.interfaceEndpoints) {
    t.resource(`${endpointId(service)}Endpoint`, 'AWS::EC2::VPCEndpoint', {
      VpcId: vpc.ref,
      ServiceName: Sub(`com.amazonaws.\${AWS::Region}.${service}`),
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      SubnetIds: subnets.Private.map((s) => s.ref),
      SecurityGroupIds: [endpointSg.getAtt('GroupId')],
    });
  }

  const ids = (tier: Tier): Intrinsic =>
    Join(
      ',',
      subnets[tier].map((s) => s.ref),
    );
  t.output('VpcId', { Value: vpc.ref, Description: 'VPC ID.' });
  t.output('VpcCidr', { Value: vpc.getAtt('CidrBlock'), Description: 'VPC IPv4 CIDR.' });
  t.output('PublicSubnetIds', { Value: ids('Public'), Description: 'Public subnet IDs (NAT gateways only), comma-separated, AZ order.' });
  t.output('PrivateSubnetIds', { Value: ids('Private'), Description: 'Private subnet IDs (tasks, NLB, EFS, endpoints), comma-separated, AZ order.' });
  t.output('IsolatedSubnetIds', { Value: ids('Isolated'), Description: 'Isolated subnet IDs (RDS, Redis; no internet route), comma-separated, AZ order.' });
  const sgOutputs: [string, ResourceHandle<'AWS::EC2::SecurityGroup'>][] = [
    ['NlbSecurityGroupId', nlbSg],
    ['AppSecurityGroupId', appSg],
    ['DatabaseSecurityGroupId', dbSg],
    ['CacheSecurityGroupId', cacheSg],
    ['EfsSecurityGroupId', efsSg],
    ['EndpointSecurityGroupId', endpointSg],
    ['RotationSecurityGroupId', rotationSg],
  ];
  for (const [name, group] of sgOutputs) t.output(name, { Value: group.getAtt('GroupId'), Description: `Security group ID: ${name.replace(/SecurityGroupId$/, '')} tier.` });
  t.output('FlowLogGroupName', { Value: flowLogGroup.ref, Description: 'VPC flow log group.' });
  return t;
}
