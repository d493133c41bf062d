// The PCI rules: every file of scripts/lib/check/rules/ (discovered, no index), checked for what
// a control needs to be evidence — PCI DSS requirement numbers, Security Hub / AWS Config
// references, the resource types it inspects.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverRules } from '../discover-rules.js';
import type { Rule } from './types.js';

export const RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'rules');
const PCI_RULE_ID = /^PCI-[A-Z]+-\d{3}$/;

function pciRuleProblems(rule: Rule): string[] {
  const problems: string[] = [];
  if (!Array.isArray(rule.requirements) || rule.requirements.length === 0 || !rule.requirements.every((r) => /^\d+(\.\d+)+$/.test(r)))
    problems.push('requirements: PCI DSS v4.0 requirement numbers such as 3.5.1');
  if (!Array.isArray(rule.resourceTypes) || rule.resourceTypes.length === 0) problems.push("resourceTypes: the resource types it inspects ('*' for all)");
  if (!Array.isArray(rule.references?.securityHub) || !Array.isArray(rule.references?.configRules))
    problems.push('references: { securityHub: [...], configRules: [...] } (empty lists when there is no equivalent)');
  if (rule.scope !== undefined && rule.scope !== 'all' && rule.scope !== 'production') problems.push("scope: 'all' or 'production'");
  return problems;
}

export const loadPciRules = (dir: string = RULES_DIR): Promise<readonly Rule[]> => discoverRules<Rule>({ dir, idPattern: PCI_RULE_ID, problems: pciRuleProblems });

/** Every PCI rule, in ID order. */
export const RULES: readonly Rule[] = await loadPciRules();
