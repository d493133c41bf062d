// AWS-WAF-001: WAF logs to CloudWatch Logs only into a log group whose name starts with
// aws-waf-logs-, named by its ARN without the ":*" suffix that GetAtt <LogGroup>.Arn carries.
// https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
import { getAttOf, resolveResource, resources, subOf, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const rule: AwsRule = {
  id: 'AWS-WAF-001',
  title: 'WAF log destinations are aws-waf-logs-* log groups named without ":*"',
  docs: ['https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html'],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const logging of resources(input, 'AWS::WAFv2::LoggingConfiguration')) {
      ((logging.properties.LogDestinationConfigs ?? []) as unknown[]).forEach((destination, i) => {
        const path = `Properties.LogDestinationConfigs[${i}]`;
        const att = getAttOf(destination);
        if (att?.[1] === 'Arn') {
          findings.push({
            file: logging.file,
            logicalId: logging.logicalId,
            path,
            message: 'GetAtt <LogGroup>.Arn ends in ":*", which WAF rejects: build the ARN from the group name',
          });
          return;
        }
        const sub = subOf(destination);
        const text = typeof destination === 'string' ? destination : sub?.text;
        if (!text?.includes(':logs:')) return;
        if (text.endsWith(':*')) findings.push({ file: logging.file, logicalId: logging.logicalId, path, message: 'the log group ARN ends in ":*", which WAF rejects' });
        const nameVariable = /log-group:\$\{([^}]+)\}$/.exec(text)?.[1];
        const group = nameVariable ? resolveResource(input, logging.file, sub?.variables[nameVariable] ?? { Ref: nameVariable }) : undefined;
        const groupName = group ? group.properties.LogGroupName : /log-group:([^:]+)$/.exec(text)?.[1];
        const nameText = typeof groupName === 'string' ? groupName : subOf(groupName)?.text;
        if (nameText !== undefined && !nameText.startsWith('aws-waf-logs-'))
          findings.push({
            file: logging.file,
            logicalId: logging.logicalId,
            path,
            message: `the log group name "${nameText}" does not start with aws-waf-logs-: WAF refuses the destination`,
          });
      });
    }
    return findings;
  },
};
export default rule;
