// Resource policies (buckets, topics, keys, secrets, file systems, APIs, vaults, repositories,
// log destinations, Lambda permissions) never open the resource to everyone without a condition
// that pins the caller to this account, organisation or network path.
import { RESOURCE_POLICY_PROPERTIES, isAllow, isScoped, principalIsAnyone, resourcePolicy } from '../policy.js';
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = [...Object.keys(RESOURCE_POLICY_PROPERTIES), 'AWS::Lambda::Permission'] as const;

const rule: Rule = {
  id: 'PCI-IAM-005',
  title: 'Resource policies do not grant access to everyone',
  requirements: ['7.2.1', '1.4.4'],
  references: {
    securityHub: ['S3.2', 'S3.3', 'Lambda.1', 'KMS.5', 'SNS.4'],
    configRules: ['s3-bucket-public-read-prohibited', 's3-bucket-public-write-prohibited', 'lambda-function-public-access-prohibited', 's3-bucket-policy-grantee-check'],
  },
  resourceTypes: TYPES,
  notChecked: 'policies added outside these templates (account-level S3 Block Public Access, IAM Access Analyzer external-access findings)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (r) => {
        if (r.type === 'AWS::Lambda::Permission') {
          const open =
            r.properties.Principal === '*' && r.properties.SourceArn === undefined && r.properties.SourceAccount === undefined && r.properties.PrincipalOrgID === undefined;
          return [open && 'Lambda permission for Principal "*" without SourceArn/SourceAccount/PrincipalOrgID: anyone may invoke'];
        }
        const doc = resourcePolicy(r);
        if (!doc) return [];
        if (!doc.statements) return [`${doc.path} is not readable`];
        return doc.statements
          .filter(isAllow)
          .map((s, i) => principalIsAnyone(s.Principal) && !isScoped(s) && `${doc.path} statement ${s.Sid ?? i} allows any principal without a pinning condition`);
      },
      (r) =>
        r.type === 'AWS::Lambda::Permission'
          ? 'invocation pinned to a source'
          : resourcePolicy(r)
            ? 'resource policy grants named or pinned principals only'
            : 'no resource policy (access through identity policies only)',
    ),
};
export default rule;
