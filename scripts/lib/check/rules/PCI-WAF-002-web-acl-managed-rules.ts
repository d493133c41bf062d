// The web ACL actually blocks attacks: AWS managed common, known-bad-inputs and SQL-injection rule
// groups in blocking mode, plus a per-IP rate limit.
import { eachResource, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::WAFv2::WebACL'] as const;
const REQUIRED_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet'];

const rule: Rule = {
  id: 'PCI-WAF-002',
  title: 'WAF web ACLs block with the AWS managed common, bad-inputs and SQLi rules and a rate limit',
  requirements: ['6.4.2', '6.4.1'],
  references: { securityHub: ['WAF.10'], configRules: ['wafv2-webacl-not-empty'] },
  resourceTypes: TYPES,
  notChecked:
    "rules excluded or overridden to Count inside a managed rule group (RuleActionOverrides), and the quality of the managed rules (AWS's); 6.4.2 also asks that alerts are investigated (the entity's)",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (acl) => {
        const rules = list(acl.properties.Rules).map(record);
        const groups = new Map<string, Record<string, unknown>>();
        for (const r of rules) {
          const managed = record(record(r.Statement).ManagedRuleGroupStatement);
          if (managed.VendorName === 'AWS' && typeof managed.Name === 'string') groups.set(managed.Name, r);
        }
        const counting = (r: Record<string, unknown>): boolean => record(r.OverrideAction).Count !== undefined;
        return [
          ...REQUIRED_GROUPS.map((g) =>
            !groups.has(g) ? `missing AWS managed rule group ${g}` : counting(groups.get(g)!) && `${g} is in count mode (OverrideAction Count): it blocks nothing`,
          ),
          !rules.some((r) => record(r.Statement).RateBasedStatement !== undefined && record(r.Action).Block !== undefined) && 'no blocking rate-based rule (per-IP rate limit)',
        ];
      },
      `blocks with ${REQUIRED_GROUPS.join(', ')} and a rate limit`,
    ),
};
export default rule;
