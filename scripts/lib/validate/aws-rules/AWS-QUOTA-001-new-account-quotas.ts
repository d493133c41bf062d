// AWS-QUOTA-001: the platform must deploy into a fresh account with default quotas, and
// environments that share an account must fit together. Checked per environment (parameter set)
// and for dev + staging together (they commonly share a non-production account), per region:
//  - Lambda: a new account's concurrency quota is 10 and Lambda keeps 10 unreserved, so the
//    reserved concurrency of all functions must be 0;
//  - Elastic IP addresses: 5 per region; VPCs: 5 per region; NAT gateways: 5 per AZ;
//  - interface VPC endpoints: 50 per VPC; AWS Config rules: 1000 per region.
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
// https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html
// https://docs.aws.amazon.com/config/latest/developerguide/configlimits.html
import type { ContextSpec } from '../../check/evaluated-platform.js';
import { contextResources, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const LAMBDA_ACCOUNT_CONCURRENCY = 10;
const LAMBDA_MIN_UNRESERVED = 10;
const PER_REGION: readonly { readonly type: string; readonly limit: number; readonly what: string; readonly where?: (p: Record<string, unknown>) => boolean }[] = [
  { type: 'AWS::EC2::EIP', limit: 5, what: 'Elastic IP addresses per region' },
  { type: 'AWS::EC2::VPC', limit: 5, what: 'VPCs per region' },
  { type: 'AWS::Config::ConfigRule', limit: 1000, what: 'AWS Config rules per region' },
];
const NAT_PER_AZ = 5;
const INTERFACE_ENDPOINTS_PER_VPC = 50;

function problems(label: string, contexts: readonly ContextSpec[]): string[] {
  const out: string[] = [];
  const all = contexts.flatMap(contextResources);
  const reserved = all.reduce(
    (sum, r) => sum + (r.type === 'AWS::Lambda::Function' && typeof r.properties.ReservedConcurrentExecutions === 'number' ? r.properties.ReservedConcurrentExecutions : 0),
    0,
  );
  if (reserved > LAMBDA_ACCOUNT_CONCURRENCY - LAMBDA_MIN_UNRESERVED)
    out.push(
      `${label}: ${reserved} reserved Lambda concurrency; a new account allows ${LAMBDA_ACCOUNT_CONCURRENCY} and Lambda keeps ${LAMBDA_MIN_UNRESERVED} unreserved, so the function create fails`,
    );
  for (const q of PER_REGION) {
    const count = all.filter((r) => r.type === q.type).length;
    if (count > q.limit) out.push(`${label}: ${count} ${q.what}, over the default quota of ${q.limit}`);
  }
  const natsPerAz = new Map<string, number>();
  for (const nat of all.filter((r) => r.type === 'AWS::EC2::NatGateway'))
    natsPerAz.set(JSON.stringify(nat.properties.SubnetId), (natsPerAz.get(JSON.stringify(nat.properties.SubnetId)) ?? 0) + 1);
  if (contexts.length * Math.max(0, ...natsPerAz.values()) > NAT_PER_AZ) out.push(`${label}: more than ${NAT_PER_AZ} NAT gateways in one AZ`);
  for (const context of contexts) {
    const endpoints = contextResources(context).filter((r) => r.type === 'AWS::EC2::VPCEndpoint' && r.properties.VpcEndpointType === 'Interface').length;
    if (endpoints > INTERFACE_ENDPOINTS_PER_VPC) out.push(`${context.variant}: ${endpoints} interface endpoints in one VPC, over the quota of ${INTERFACE_ENDPOINTS_PER_VPC}`);
  }
  return out;
}

const rule: AwsRule = {
  id: 'AWS-QUOTA-001',
  title: 'Each environment, and dev with staging, fits the default quotas of a new account',
  docs: [
    'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html',
    'https://docs.aws.amazon.com/config/latest/developerguide/configlimits.html',
  ],
  check(input) {
    const contexts = input.contexts();
    const groups: [string, ContextSpec[]][] = contexts.map((c) => [c.variant, [c]]);
    const shared = contexts.filter((c) => c.name === 'dev' || c.name === 'staging');
    if (new Set(shared.map((c) => c.name)).size === 2) groups.push(['dev and staging in one account', shared]);
    return groups.flatMap(([label, group]) => problems(label, group)).map((message): AwsRuleFinding => ({ file: input.dir, path: '-', message }));
  },
};
export default rule;
