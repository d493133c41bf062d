// No role, user or group carries an administrative or full-access AWS managed policy.
import { eachResource, list, show, textOf } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::IAM::Role'] as const;
const BROAD = /(AdministratorAccess|PowerUserAccess|IAMFullAccess|FullAccess)$/;

const rule: Rule = {
  id: 'PCI-IAM-003',
  title: 'Roles carry no administrator or full-access managed policies',
  requirements: ['7.2.1', '7.2.2'],
  references: { securityHub: ['IAM.1'], configRules: ['iam-policy-blacklisted-check'] },
  resourceTypes: TYPES,
  notChecked: "users, groups and SSO permission sets of the account (the entity's identity provider, 7.2.x/8.2.x)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (role) =>
        list(role.properties.ManagedPolicyArns)
          .map((arn) => textOf(arn) ?? show(arn))
          .filter((text) => BROAD.test(text))
          .map((text) => `managed policy ${text} grants far more than the role needs`),
      'no administrator or full-access managed policy',
    ),
};
export default rule;
