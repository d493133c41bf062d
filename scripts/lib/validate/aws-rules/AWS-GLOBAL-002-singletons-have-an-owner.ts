// AWS-GLOBAL-002: resources of which an account (or an account and region) holds exactly one
// must be switchable off by a parameter (a Condition), so a rollout plan can give each exactly one
// owner: a second AWS Config recorder or delivery channel fails, a second API Gateway account
// setting silently replaces the first (and deleting its stack breaks logging for every API).
// https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-account.html
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html
import { resources, type AwsRule, type AwsRuleFinding } from '../aws-rules.js';

const SINGLETONS: Readonly<Record<string, string>> = {
  'AWS::ApiGateway::Account': 'one API Gateway account setting (CloudWatch role) per account and region',
  'AWS::Config::ConfigurationRecorder': 'one configuration recorder per account and region',
  'AWS::Config::DeliveryChannel': 'one delivery channel per account and region',
  'AWS::ECR::RegistryPolicy': 'one registry policy per account and region',
  'AWS::ECR::ReplicationConfiguration': 'one replication configuration per registry',
  'AWS::ECR::RegistryScanningConfiguration': 'one scanning configuration per registry',
  'AWS::GuardDuty::Detector': 'one detector per account and region',
  'AWS::SecurityHub::Hub': 'one hub per account and region',
  'AWS::IAM::AccountAlias': 'one account alias',
};

const rule: AwsRule = {
  id: 'AWS-GLOBAL-002',
  title: 'Per-account and per-account-region singletons can be switched off (one owner per scope)',
  docs: [
    'https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-account.html',
  ],
  check(input) {
    const findings: AwsRuleFinding[] = [];
    for (const entry of resources(input)) {
      const what =
        SINGLETONS[entry.type] ??
        (entry.type === 'AWS::CloudTrail::Trail' && entry.properties.IsMultiRegionTrail === true
          ? 'one multi-region trail records every region of the account (an organization trail may already)'
          : undefined);
      if (what && typeof entry.resource.Condition !== 'string') {
        findings.push({
          file: entry.file,
          logicalId: entry.logicalId,
          path: 'Condition',
          message: `${entry.type}: there is ${what}; give it a Condition on a parameter so only one instance per scope creates it`,
        });
      }
    }
    return findings;
  },
};
export default rule;
