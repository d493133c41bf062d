// AWS-NET-002: compute in the VPC (ECS tasks, Lambda functions with VpcConfig) whose only way to
// AWS is the VPC endpoints needs an endpoint for every service it calls, with private DNS so the
// SDKs' default endpoint names resolve to it: ECR (api + dkr) and S3 (image layers, gateway) for
// image pulls, CloudWatch Logs for awslogs, Secrets Manager for injected secrets, and the service
// of every action its roles allow. Without one the call times out at run time.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
// https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns
import { resolveResource, resources, subOf, visit, type AwsRule, type AwsRuleFinding, type AwsRuleInput, type ResourceEntry } from '../aws-rules.js';

/** IAM action prefix → endpoint service names (suffix of com.amazonaws.<region>.). */
const ENDPOINTS_OF_ACTION: Readonly<Record<string, readonly string[]>> = {
  ecr: ['ecr.api', 'ecr.dkr', 's3'],
  logs: ['logs'],
  secretsmanager: ['secretsmanager'],
  kms: ['kms'],
  kinesis: ['kinesis-streams'],
  xray: ['xray'],
  sts: ['sts'],
  s3: ['s3'],
  dynamodb: ['dynamodb'],
  elasticache: ['elasticache'],
  ecs: ['ecs'],
  cloudwatch: ['monitoring'],
  sqs: ['sqs'],
  sns: ['sns'],
  ssm: ['ssm'],
  events: ['events'],
};

function endpointServices(input: AwsRuleInput): { services: Set<string>; findings: AwsRuleFinding[] } {
  const services = new Set<string>();
  const findings: AwsRuleFinding[] = [];
  for (const endpoint of resources(input, 'AWS::EC2::VPCEndpoint')) {
    const text = typeof endpoint.properties.ServiceName === 'string' ? endpoint.properties.ServiceName : subOf(endpoint.properties.ServiceName)?.text;
    const service = text?.replace(/^com\.amazonaws\.(\$\{AWS::Region\}|[a-z0-9-]+)\./, '');
    if (!service) continue;
    services.add(service);
    if (endpoint.properties.VpcEndpointType === 'Interface' && endpoint.properties.PrivateDnsEnabled !== true) {
      findings.push({
        file: endpoint.file,
        logicalId: endpoint.logicalId,
        path: 'Properties.PrivateDnsEnabled',
        message: `the ${service} interface endpoint has no private DNS: the SDKs' default endpoint names do not resolve to it`,
      });
    }
  }
  return { services, findings };
}

function actionsOf(role: { properties: Record<string, unknown> } | undefined): string[] {
  const actions: string[] = [];
  visit(role?.properties.Policies, 'Policies', (node) => {
    const action = node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as { Action?: unknown }).Action : undefined;
    if (typeof action === 'string') actions.push(action);
    else if (Array.isArray(action)) actions.push(...action.filter((a): a is string => typeof a === 'string'));
  });
  const managed = JSON.stringify(role?.properties.ManagedPolicyArns ?? []);
  if (/AWSXRayDaemonWriteAccess/.test(managed)) actions.push('xray:PutTraceSegments');
  return actions;
}

function needs(input: AwsRuleInput, entry: ResourceEntry): Map<string, string> {
  const need = new Map<string, string>();
  const add = (service: string, why: string) => need.has(service) || need.set(service, why);
  const roleNeeds = (roleValue: unknown, what: string) => {
    for (const action of actionsOf(resolveResource(input, entry.file, roleValue))) {
      for (const service of ENDPOINTS_OF_ACTION[action.split(':')[0]] ?? []) add(service, `${what} calls ${action}`);
    }
  };
  if (entry.type === 'AWS::ECS::TaskDefinition') {
    roleNeeds(entry.properties.ExecutionRoleArn, 'the execution role');
    roleNeeds(entry.properties.TaskRoleArn, 'the task role');
    for (const c of (entry.properties.ContainerDefinitions ?? []) as Record<string, unknown>[]) {
      if ((c.LogConfiguration as { LogDriver?: unknown } | undefined)?.LogDriver === 'awslogs') add('logs', `container ${String(c.Name)} logs with awslogs`);
      if (Array.isArray(c.Secrets) && c.Secrets.length > 0) add('secretsmanager', `container ${String(c.Name)} has secrets injected`);
      add('ecr.api', `container ${String(c.Name)} pulls its image from ECR`);
      add('ecr.dkr', `container ${String(c.Name)} pulls its image from ECR`);
      add('s3', `container ${String(c.Name)} pulls image layers from S3`);
    }
  } else {
    roleNeeds(entry.properties.Role, 'the function role');
  }
  return need;
}

const rule: AwsRule = {
  id: 'AWS-NET-002',
  title: 'VPC-attached tasks and functions have an endpoint (with private DNS) for every AWS service they call',
  docs: [
    'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html',
    'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html',
    'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html',
  ],
  check(input) {
    const { services, findings } = endpointServices(input);
    if (services.size === 0) return findings; // no endpoint model in these templates (egress by NAT)
    const callers = [...resources(input, 'AWS::ECS::TaskDefinition'), ...resources(input, 'AWS::Lambda::Function').filter((f) => f.properties.VpcConfig !== undefined)];
    for (const caller of callers) {
      for (const [service, why] of needs(input, caller)) {
        if (!services.has(service))
          findings.push({
            file: caller.file,
            logicalId: caller.logicalId,
            path: 'Properties',
            message: `${why}, but the VPC has no com.amazonaws.<region>.${service} endpoint: the call cannot leave the private tier`,
          });
      }
    }
    return findings;
  },
};
export default rule;
