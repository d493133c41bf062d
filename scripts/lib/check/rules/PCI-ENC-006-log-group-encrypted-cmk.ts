// CloudWatch Logs groups (flow logs, application, API access, WAF, audit) are encrypted with the logs key.
import { cmkProblem, eachResource, keyEvidence } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::Logs::LogGroup'] as const;

const rule: Rule = {
  id: 'PCI-ENC-006',
  title: 'CloudWatch Logs log groups are encrypted with the logs customer-managed key',
  requirements: ['3.5.1'],
  references: { securityHub: [], configRules: ['cloudwatch-log-group-encrypted'] },
  resourceTypes: TYPES,
  notChecked:
    "who can read the log events (IAM grants of logs:GetLogEvents/StartQuery in the account: 10.3.1 at run time with IAM Access Analyzer); that the application keeps PAN out of its logs (3.3, 3.4: the application's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (group) => [cmkProblem(ctx, group, group.properties.KmsKeyId, ['Logs'], 'log events (KmsKeyId)')],
      (group) => keyEvidence(ctx, group, group.properties.KmsKeyId, 'log events'),
    ),
};
export default rule;
