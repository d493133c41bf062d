// When the platform brings its own AWS Config recorder (accounts without Control Tower), it
// records every resource type including global ones, and delivers encrypted with the audit key.
import { cmkProblem, finding, isTrue, record } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';

const rule: Rule = {
  id: 'PCI-LOG-010',
  title: 'AWS Config records all resources and delivers with the audit key',
  requirements: ['10.2.1', '1.2.8'],
  references: { securityHub: ['Config.1'], configRules: [] },
  resourceTypes: ['AWS::Config::ConfigurationRecorder', 'AWS::Config::DeliveryChannel'],
  notChecked: 'accounts where the recorder is not created here (Control Tower): its settings are verified in the account (Config.1); Config rule compliance results (run time)',
  check: (ctx): RuleFinding[] => [
    ...ctx.resources('AWS::Config::ConfigurationRecorder').map((r) => {
      const group = record(r.properties.RecordingGroup);
      const problems = [
        !isTrue(group.AllSupported) && 'RecordingGroup.AllSupported is not true',
        !isTrue(group.IncludeGlobalResourceTypes) && 'RecordingGroup.IncludeGlobalResourceTypes is not true (IAM changes unrecorded)',
      ].filter((p): p is string => typeof p === 'string');
      return finding(r, problems.length === 0, problems.length === 0 ? 'records all resource types, global ones included' : problems.join('; '));
    }),
    ...ctx.resources('AWS::Config::DeliveryChannel').map((d) => {
      const problem = cmkProblem(ctx, d, d.properties.S3KmsKeyArn, ['Audit'], 'configuration snapshots (S3KmsKeyArn)');
      return finding(d, !problem, problem ?? 'deliveries encrypted with the audit key');
    }),
  ],
};
export default rule;
