// AWS-IAM-001: every IAM role of the platform carries the permissions boundary. The StackSet
// execution role may create or change a role only when iam:PermissionsBoundary is the platform's
// boundary (payment-platform-boundary, generated/stacksets/), so a role without PermissionsBoundary
// is refused (AccessDenied) and the first rollout fails on it; a role's effective permissions are
// the intersection of its own policies and its boundary.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html
//
// The roles are made by templates-src/layers/common.ts platformRole(): PermissionsBoundary is
// Fn::If [HasPermissionsBoundary, arn:…:policy/${PermissionsBoundaryName}, AWS::NoValue], so
// make deploy (no boundary by default) and StackSets (the boundary set) use the same templates.
// generated/stacksets is not checked: its roles (administration, execution, read-only) are
// created by an administrator, and the execution role is the one the boundary cannot hold.
import { basename } from 'node:path';
import { resources, subOf, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const POLICY_ARN = /^arn:(aws[a-z-]*|\$\{AWS::Partition\}):iam::([0-9]{12}|\$\{AWS::AccountId\}):policy\//;

const isPolicyArn = (value: unknown): boolean => {
  const text = typeof value === 'string' ? value : subOf(value)?.text;
  return text !== undefined && POLICY_ARN.test(text);
};

const isNoValue = (value: unknown): boolean => value !== null && typeof value === 'object' && (value as { Ref?: unknown }).Ref === 'AWS::NoValue';

/** Why the PermissionsBoundary value does not give the role a boundary, or undefined. */
function boundaryProblem(value: unknown): string | undefined {
  if (value === undefined) return 'no PermissionsBoundary';
  if (isPolicyArn(value)) return undefined;
  const branches = value !== null && typeof value === 'object' ? (value as { 'Fn::If'?: unknown })['Fn::If'] : undefined;
  if (Array.isArray(branches) && branches.length === 3) {
    const [, whenSet, otherwise] = branches;
    if (isPolicyArn(whenSet) && (isNoValue(otherwise) || isPolicyArn(otherwise))) return undefined;
    return 'PermissionsBoundary is an Fn::If whose branches are not a managed policy ARN (arn:…:iam::<account>:policy/<name>) and AWS::NoValue';
  }
  return 'PermissionsBoundary is not a managed policy ARN (arn:…:iam::<account>:policy/<name>)';
}

const rule: AwsRule = {
  id: 'AWS-IAM-001',
  title: "Every IAM role carries the platform's permissions boundary (the StackSet execution role creates no role without it)",
  docs: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html'],
  check(input) {
    if (basename(input.dir) === 'stacksets') return [];
    const findings: AwsRuleFinding[] = [];
    for (const role of resources(input, 'AWS::IAM::Role')) {
      const problem = boundaryProblem(role.properties.PermissionsBoundary);
      if (problem) {
        findings.push({
          file: role.file,
          logicalId: role.logicalId,
          path: 'Properties.PermissionsBoundary',
          message: `${problem}: the StackSet execution role creates roles only with the permissions boundary (iam:PermissionsBoundary), so this role fails the rollout; create it with platformRole() (templates-src/layers/common.ts)`,
        });
      }
    }
    return findings;
  },
};
export default rule;
