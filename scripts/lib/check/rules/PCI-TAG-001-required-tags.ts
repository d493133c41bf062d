// Every taggable resource carries the inventory tags the platform relies on for scope and data
// classification: PCICompliant, DataClassification, Environment.
import { finding } from '../rule-kit.js';
import type { Rule, RuleFinding } from '../types.js';

export const CLASSIFICATIONS = ['Restricted', 'Confidential', 'Internal'];

const rule: Rule = {
  id: 'PCI-TAG-001',
  title: 'Taggable resources carry PCICompliant, DataClassification and Environment tags',
  requirements: ['12.5.1', '9.4.2'],
  references: { securityHub: [], configRules: ['required-tags'] },
  resourceTypes: ['*'],
  notChecked: "that the tags are true (a bucket tagged Internal that holds PAN): data discovery (Amazon Macie) and the entity's inventory review",
  check: (ctx): RuleFinding[] =>
    ctx.allResources().flatMap((r) => {
      const tags = ctx.tags(r);
      if (!tags) return [];
      const classification = tags.get('DataClassification');
      const problems = [
        tags.get('PCICompliant') === undefined && 'no PCICompliant tag',
        classification === undefined
          ? 'no DataClassification tag'
          : typeof classification === 'string' && !CLASSIFICATIONS.includes(classification) && `DataClassification "${classification}" is not one of ${CLASSIFICATIONS.join(', ')}`,
        tags.get('Environment') === undefined && 'no Environment tag',
      ].filter((p): p is string => typeof p === 'string');
      return [finding(r, problems.length === 0, problems.length === 0 ? `DataClassification ${typeof classification === 'string' ? classification : 'set'}` : problems.join('; '))];
    }),
};
export default rule;
