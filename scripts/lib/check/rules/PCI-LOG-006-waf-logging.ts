// The web ACL logs every evaluated request and publishes its metrics.
import { eachResource, isTrue, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::WAFv2::WebACL'] as const;

const rule: Rule = {
  id: 'PCI-LOG-006',
  title: 'WAF web ACLs have logging and CloudWatch metrics enabled',
  requirements: ['10.2.1', '6.4.2'],
  references: { securityHub: ['WAF.11', 'WAF.12'], configRules: ['wafv2-logging-enabled'] },
  resourceTypes: TYPES,
  notChecked: 'where WAF logs are kept and for how long (PCI-LOG-001 covers the log group)',
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (acl) => {
        const logging = ctx
          .referrers(acl, 'AWS::WAFv2::LoggingConfiguration')
          .map((r) => r.from)
          .filter((l) => ctx.resolveResource(l, l.properties.ResourceArn) === acl);
        const visibility = [record(acl.properties.VisibilityConfig), ...list(acl.properties.Rules).map((r) => record(record(r).VisibilityConfig))];
        return [
          logging.length === 0 && 'no WAFv2 LoggingConfiguration for this web ACL',
          visibility.some((v) => !isTrue(v.CloudWatchMetricsEnabled)) && 'CloudWatch metrics are off for the web ACL or one of its rules',
        ];
      },
      (acl) =>
        `logged by ${ctx
          .referrers(acl, 'AWS::WAFv2::LoggingConfiguration')
          .map((r) => r.from.logicalId)
          .join(', ')}; metrics on`,
    ),
};
export default rule;
