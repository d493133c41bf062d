// AWS-NET-001: a task in the private tier reaches AWS only through VPC endpoints: ecr.api and
// ecr.dkr serve the registry of their own region, and image layers come from that region's S3
// through the gateway endpoint. An image on public.ecr.aws, Docker Hub or another region's
// registry cannot be pulled there and the task never starts (the X-Ray sidecar on public.ecr.aws
// did exactly that). Every container image must be built in the template from the region the
// stack runs in (`<account>.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/…`); public images go
// through an ECR pull-through cache rule of that registry.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
import { resources, subOf, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const REGIONAL_ECR = /\.dkr\.ecr\.\$\{AWS::Region\}\.(\$\{AWS::URLSuffix\}|amazonaws\.com)\//;

const rule: AwsRule = {
  id: 'AWS-NET-001',
  title: "Container images come from the ECR registry of the stack's own region",
  docs: ['https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html', 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html'],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const task of resources(input, 'AWS::ECS::TaskDefinition')) {
      const containers = (task.properties.ContainerDefinitions ?? []) as Record<string, unknown>[];
      containers.forEach((c, i) => {
        const text = typeof c.Image === 'string' ? c.Image : subOf(c.Image)?.text;
        if (text !== undefined && REGIONAL_ECR.test(text)) return;
        findings.push({
          file: task.file,
          logicalId: task.logicalId,
          path: `Properties.ContainerDefinitions[${i}].Image`,
          message: `container ${String(c.Name)}: the image ${text === undefined ? '(a parameter value)' : `"${text}"`} is not built from this region's ECR registry (<account>.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/…): without internet egress only this region's registry is reachable through the VPC endpoints; pull public images through an ECR pull-through cache rule`,
        });
      });
    }
    return findings;
  },
};
export default rule;
