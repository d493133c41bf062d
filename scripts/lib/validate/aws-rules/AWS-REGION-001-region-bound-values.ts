// AWS-REGION-001: identifiers that exist in one region only — managed prefix lists (pl-…), ACM
// certificates, ECR registries, availability zone names, AMIs — must not be literals in a
// template or a parameter file: the same stack set instance goes to several regions (the
// prod manifest deploys to eu-west-1 and eu-central-1 with us-east-1's S3 prefix list). Resolve
// them in the target account and region (SSM parameter types, Fn::GetAZs, ${AWS::Region}).
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#aws-ssm-parameter-types
// https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html
// https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html
import { resources, visit, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const REGION = '[a-z]{2}(-gov)?-[a-z]+-\\d';
const REGION_BOUND: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /^pl-[0-9a-f]{8,17}$/, what: 'a managed prefix list ID (each region has its own)' },
  { pattern: new RegExp(`^arn:aws[a-z-]*:acm:${REGION}:`), what: 'an ACM certificate ARN (a certificate serves its own region only)' },
  { pattern: new RegExp(`\\.dkr\\.ecr\\.${REGION}\\.amazonaws\\.com`), what: "an ECR registry of one region (unreachable from another region's private tier)" },
  { pattern: new RegExp(`^${REGION}[a-z]$`), what: 'an availability zone name' },
  { pattern: /^ami-[0-9a-f]{8,17}$/, what: 'an AMI ID (each region has its own)' },
];

const boundKind = (value: unknown): string | undefined => (typeof value === 'string' ? REGION_BOUND.find((b) => b.pattern.test(value))?.what : undefined);

const rule: AwsRule = {
  id: 'AWS-REGION-001',
  title: 'No region-bound identifier is fixed in a template or parameter file',
  docs: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#aws-ssm-parameter-types',
    'https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html',
    'https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html',
  ],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const set of input.parameterSets) {
      for (const [name, value] of Object.entries(set.values)) {
        const what = boundKind(value);
        if (what)
          findings.push({
            file: set.file,
            path: name,
            message: `"${value}" is ${what}: read it in the target account and region (an AWS::SSM::Parameter::Value<String> parameter) instead of fixing it per environment`,
          });
      }
    }
    for (const [file, tree] of input.templates) {
      for (const [name, spec] of Object.entries((tree.Parameters ?? {}) as Record<string, { Default?: unknown }>)) {
        const what = boundKind(spec.Default);
        if (what) findings.push({ file, logicalId: name, path: `Parameters.${name}.Default`, message: `the default "${String(spec.Default)}" is ${what}` });
      }
    }
    for (const entry of resources(input)) {
      visit(entry.properties, 'Properties', (node, path) => {
        const what = boundKind(node);
        if (what) findings.push({ file: entry.file, logicalId: entry.logicalId, path, message: `"${String(node)}" is ${what}` });
      });
    }
    return findings;
  },
};
export default rule;
