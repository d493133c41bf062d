// A suppression is evidence too: it names an existing rule and says why, in words.
import { MIN_REASON_LENGTH } from '../engine.js';
import { finding, record } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';

export const rule: Rule = {
  id: 'PCI-GOV-001',
  title: 'Suppressions name an existing rule and give a written reason',
  requirements: ['1.2.5', '6.5.1'],
  references: { securityHub: [], configRules: [] },
  resourceTypes: ['*'],
  check: (ctx): RuleFinding[] =>
    ctx.allResources().flatMap((r) => {
      const suppressions = record(r.metadata.Suppressions);
      if (!('pci' in suppressions)) return [];
      const pci = suppressions.pci;
      if (pci === null || typeof pci !== 'object' || Array.isArray(pci)) return [finding(r, false, 'Metadata.Suppressions.pci must map rule IDs to reasons')];
      const problems: string[] = [];
      for (const [id, reason] of Object.entries(pci)) {
        if (ctx.ruleIds.size > 0 && !ctx.ruleIds.has(id)) problems.push(`suppresses ${id}, which is not a rule (known: PCI-<AREA>-<NNN>)`);
        if (typeof reason !== 'string' || reason.trim().length < MIN_REASON_LENGTH) problems.push(`suppression of ${id} has no written reason (at least ${MIN_REASON_LENGTH} characters)`);
      }
      return [finding(r, problems.length === 0, problems.length === 0 ? `suppresses ${Object.keys(pci).join(', ')} with reasons` : problems.join('; '))];
    }),
};
export default rule;
