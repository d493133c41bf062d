// An exception is evidence too. Every entry of the register (Metadata.Suppressions: PCI rules,
// cfn-lint, checkov, cfn_nag, parliament, guard) names what it suppresses and says why in words; a PCI
// suppression names an existing rule; a requirement, when given, is a PCI DSS v4.0.1 number; and
// an exception past its expiry date fails, so make check fails until it is renewed or removed.
import { MIN_REASON_LENGTH } from '../engine.js';
import { REQUIREMENTS } from '../requirements.js';
import { finding, record } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';
import { exceptionsOf, isExpired, REGISTER_TOOLS, today } from '../../evidence/exceptions.js';

const rule: Rule = {
  id: 'PCI-GOV-001',
  title: 'Exceptions name an existing rule or finding, give a written reason, the requirement they touch and a compensating control, and have not expired',
  requirements: ['1.2.5', '6.5.1'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: ['*'],
  notChecked: 'whether the reason is true and the compensating control works: each exception is for the assessor to review (PCI DSS Appendix B/C worksheets)',
  check: (ctx): RuleFinding[] => {
    const day = today();
    const all = exceptionsOf(ctx);
    return ctx.allResources().flatMap((r) => {
      const register = r.metadata.Suppressions;
      if (register === undefined) return [];
      if (register === null || typeof register !== 'object' || Array.isArray(register))
        return [finding(r, false, 'Metadata.Suppressions must map tools to finding IDs and their exceptions')];
      const problems: string[] = [];
      for (const tool of Object.keys(record(register)))
        if (!(REGISTER_TOOLS as readonly string[]).includes(tool)) problems.push(`Metadata.Suppressions.${tool}: not a tool of the register (${REGISTER_TOOLS.join(', ')})`);
      const mine = all.filter((e) => e.layer === r.layer && e.logicalId === r.logicalId);
      for (const e of mine) {
        const name = `${e.tool} ${e.id}`;
        if (e.tool === 'pci' && ctx.ruleIds.size > 0 && !ctx.ruleIds.has(e.id)) problems.push(`suppresses ${e.id}, which is not a rule (known: PCI-<AREA>-<NNN>)`);
        if (e.reason.length < MIN_REASON_LENGTH) problems.push(`suppression of ${name} has no written reason (at least ${MIN_REASON_LENGTH} characters)`);
        if (e.requirement === undefined) problems.push(`suppression of ${name} names no requirement it touches (suppress: { …: { reason, requirement, compensatingControl } })`);
        else if (!(e.requirement in REQUIREMENTS)) problems.push(`suppression of ${name} names requirement ${e.requirement}, which is not a PCI DSS v4.0.1 requirement`);
        if ((e.compensatingControl ?? '').trim().length < MIN_REASON_LENGTH)
          problems.push(`suppression of ${name} names no compensating control (at least ${MIN_REASON_LENGTH} characters)`);
        if (isExpired(e, day)) problems.push(`the exception for ${name} expired on ${e.expires}: renew it with a new review or fix the finding`);
      }
      return [
        finding(
          r,
          problems.length === 0,
          problems.length === 0
            ? `exceptions ${mine.map((e) => `${e.tool} ${e.id}`).join(', ')} with reasons${
                mine.some((e) => e.expires)
                  ? `, valid until ${mine
                      .filter((e) => e.expires)
                      .map((e) => e.expires)
                      .join(', ')}`
                  : ''
              }`
            : problems.join('; '),
        ),
      ];
    });
  },
};
export default rule;
