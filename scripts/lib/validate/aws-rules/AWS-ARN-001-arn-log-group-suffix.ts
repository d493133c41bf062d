// AWS-ARN-001: `Fn::GetAtt <AWS::Logs::LogGroup>.Arn` is arn:…:log-group:NAME:* (it already ends in
// ":*"). An ARN built by appending to it (`${Arn}:log-stream:*`) names nothing: the task execution
// role could not create its log streams and no task started. Build such ARNs from the group name.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html#aws-resource-logs-loggroup-return-values
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html#amazoncloudwatchlogs-resources-for-iam-policies
import { getAttOf, resources, subOf, visit, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const rule: AwsRule = {
  id: 'AWS-ARN-001',
  title: 'No ARN is built by appending to a log group Arn attribute (it already ends in ":*")',
  docs: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html#aws-resource-logs-loggroup-return-values',
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html#amazoncloudwatchlogs-resources-for-iam-policies',
  ],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const [file, tree] of input.templates) {
      const types = Object.fromEntries(Object.entries((tree.Resources ?? {}) as Record<string, { Type?: string }>).map(([id, r]) => [id, r.Type]));
      const isLogGroupArn = (value: unknown): boolean => {
        const att = getAttOf(value);
        return att !== undefined && att[1] === 'Arn' && types[att[0]] === 'AWS::Logs::LogGroup';
      };
      for (const entry of resources({ ...input, templates: new Map([[file, tree]]) })) {
        visit(entry.properties, 'Properties', (node, path) => {
          const sub = subOf(node);
          if (sub) {
            for (const match of sub.text.matchAll(/\$\{([^}!][^}]*)\}(.?)/g)) {
              const [, name, next] = match;
              const appended = next !== '' && next !== '"';
              const arn = name in sub.variables ? isLogGroupArn(sub.variables[name]) : /^([A-Za-z0-9]+)\.Arn$/.test(name) && types[name.split('.')[0]] === 'AWS::Logs::LogGroup';
              if (arn && appended)
                findings.push({
                  file,
                  logicalId: entry.logicalId,
                  path,
                  message: `Fn::Sub appends "${sub.text.slice((match.index ?? 0) + name.length + 3)}" to the Arn of a log group, which already ends in ":*": build the ARN from the group name (arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:NAME:log-stream:*)`,
                });
            }
          }
          const join = node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)['Fn::Join'] : undefined;
          if (Array.isArray(join) && Array.isArray(join[1])) {
            const parts = join[1] as unknown[];
            parts.forEach((part, i) => {
              if (isLogGroupArn(part) && i < parts.length - 1)
                findings.push({
                  file,
                  logicalId: entry.logicalId,
                  path,
                  message: 'Fn::Join appends to the Arn of a log group, which already ends in ":*": build the ARN from the group name',
                });
            });
          }
        });
      }
    }
    return findings;
  },
};
export default rule;
