// Who can assume a role is pinned: no open principal; service principals only with
// aws:SourceAccount/aws:SourceArn (confused-deputy protection).
import { isAllow, isScoped, parseDocument, principalIsAnyone, servicePrincipals } from '../policy.js';
import { eachResource } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::IAM::Role'] as const;

const rule: Rule = {
  id: 'PCI-IAM-004',
  title: 'Role trust policies name their principals and pin service principals to the account',
  requirements: ['7.2.1', '7.2.2', '8.2.2'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: TYPES,
  notChecked: 'who in the account may call sts:AssumeRole on roles trusting the account root (IAM at run time)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (role) => {
        const statements = parseDocument(role.properties.AssumeRolePolicyDocument);
        if (!statements) return ['AssumeRolePolicyDocument is missing or unreadable'];
        return statements
          .filter(isAllow)
          .flatMap((s, i) => [
            principalIsAnyone(s.Principal) && `statement ${s.Sid ?? i}: any principal may assume the role`,
            servicePrincipals(s.Principal).length > 0 &&
              !isScoped(s) &&
              `statement ${s.Sid ?? i}: ${servicePrincipals(s.Principal).join(', ')} may assume the role for any account (add aws:SourceAccount or aws:SourceArn)`,
          ])
          .filter((p): p is string => typeof p === 'string');
      },
      'trusted principals named and pinned to the account',
    ),
};
export default rule;
