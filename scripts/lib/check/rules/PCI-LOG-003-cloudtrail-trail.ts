// The account trail logs management events in every region, with file integrity validation.
import { eachResource, isFalse, isTrue, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::CloudTrail::Trail'] as const;

const rule: Rule = {
  id: 'PCI-LOG-003',
  title: 'CloudTrail is logging, multi-region, with global events, log file validation and CloudWatch Logs delivery',
  requirements: ['10.2.1', '10.2.1.2', '10.2.1.4', '10.2.1.5', '10.2.1.6', '10.2.1.7', '10.2.2', '10.3.4', '10.4.1'],
  references: {
    securityHub: ['CloudTrail.1', 'CloudTrail.3', 'CloudTrail.4', 'CloudTrail.5'],
    configRules: ['cloudtrail-enabled', 'multi-region-cloudtrail-enabled', 'cloud-trail-log-file-validation-enabled', 'cloud-trail-cloud-watch-logs-enabled'],
  },
  resourceTypes: TYPES,
  notChecked:
    "events inside the application and the database (logins, privilege changes, object creation there are the application's and pgaudit's, 10.2.1.x); an organization trail when EnableCloudTrail=false (verify it in the management account); that the CloudWatch Logs delivery keeps working (CloudTrail.5 at run time)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (trail) => {
        const p = trail.properties;
        const selectors = list(p.EventSelectors).map(record);
        return [
          !isTrue(p.IsLogging) && 'IsLogging is not true',
          !isTrue(p.EnableLogFileValidation) && 'EnableLogFileValidation is not true: tampering with log files goes unnoticed',
          !isTrue(p.IsMultiRegionTrail) && 'IsMultiRegionTrail is not true: activity in other regions is not logged',
          isFalse(p.IncludeGlobalServiceEvents) && 'IncludeGlobalServiceEvents is false: IAM and STS events are not logged',
          p.CloudWatchLogsLogGroupArn === undefined && 'no CloudWatchLogsLogGroupArn: events are not streamed to CloudWatch Logs for automated review and alarms',
          selectors.length > 0 &&
            selectors.every((s) => isFalse(s.IncludeManagementEvents) || (s.ReadWriteType !== undefined && s.ReadWriteType !== 'All')) &&
            'event selectors exclude (some) management events',
        ];
      },
      'logging management events in all regions to CloudWatch Logs, log file validation on',
    ),
};
export default rule;
