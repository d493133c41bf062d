// Least privilege: no policy allows "*" or "<service>:*", or everything-but (NotAction).
import { RESOURCE_POLICY_PROPERTIES, actionsOf, identityPolicies, isAllow, resourcePolicy, type PolicyDocument } from '../policy.js';
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', ...Object.keys(RESOURCE_POLICY_PROPERTIES)] as const;

function problems(doc: PolicyDocument): string[] {
  if (!doc.statements) return [`${doc.path}: policy document is not readable`];
  return doc.statements.filter(isAllow).flatMap((s, i) => {
    const where = `${doc.path} statement ${s.Sid ?? i}`;
    const wild = actionsOf(s).filter((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));
    return [
      ...(wild.length > 0 ? [`${where} allows ${wild.join(', ')}: name the actions`] : []),
      ...(s.NotAction !== undefined ? [`${where} uses NotAction with Allow: it grants everything else`] : []),
    ];
  });
}

const rule: Rule = {
  id: 'PCI-IAM-001',
  title: 'No policy allows wildcard actions (*, service:*) or Allow + NotAction',
  requirements: ['7.2.1', '7.2.2', '7.2.5'],
  references: { securityHub: ['IAM.1', 'IAM.21'], configRules: ['iam-policy-no-statements-with-admin-access', 'iam-policy-no-statements-with-full-access'] },
  resourceTypes: TYPES,
  notChecked: 'permissions granted outside these templates (users, SSO permission sets, other stacks: IAM Access Analyzer and access reviews, 7.2.4)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (r) => {
        const docs = [...identityPolicies(r), ...[resourcePolicy(r)].filter((d): d is PolicyDocument => d !== undefined)];
        return docs.flatMap(problems);
      },
      'allows named actions only',
    ),
};
export default rule;
