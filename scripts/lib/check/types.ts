// Shared shapes of the compliance check: rules, findings and results.
import type { CheckContext } from './rule-context.js';

/** What a rule says about one resource in one evaluation context. */
export interface RuleFinding {
  readonly layer: string;
  readonly logicalId: string;
  readonly type: string;
  readonly pass: boolean;
  readonly message: string;
}

interface RuleReferences {
  /** AWS Security Hub control IDs (PCI DSS v4.0.1 standard and the controls behind the same check). */
  readonly securityHub: readonly string[];
  /** AWS Config managed rule identifiers of the "Operational Best Practices for PCI DSS" conformance pack. */
  readonly configRules: readonly string[];
}

/** Where a control is enforced: everywhere, or only where production data lives (prod and the defaults). */
type RuleScope = 'all' | 'production';

export interface Rule {
  /** e.g. PCI-ENC-001; the rule's file is scripts/lib/check/rules/<id>-<slug>.ts. */
  readonly id: string;
  readonly title: string;
  /** PCI DSS v4.0 requirement numbers this control evidences. */
  readonly requirements: readonly string[];
  readonly references: RuleReferences;
  /** Resource types the rule inspects; none present → not applicable. */
  readonly resourceTypes: readonly string[];
  readonly scope?: RuleScope;
  /**
   * What the rule does not check that its requirements need (shown in the coverage map): the
   * residue an assessor must get from run-time evidence or the entity. "" only when nothing is left.
   */
  readonly notChecked: string;
  /** A pure check over one evaluation context (templates with parameters resolved). */
  check(context: CheckContext): RuleFinding[];
}

export type Status = 'pass' | 'fail' | 'suppressed' | 'not-applicable';

export interface ResourceResult {
  readonly layer: string;
  readonly logicalId: string;
  readonly type: string;
  readonly status: Exclude<Status, 'not-applicable'>;
  readonly message: string;
  /** The reason written in the resource's Metadata.Suppressions.pci, for suppressed findings. */
  readonly reason?: string;
}

/** One rule evaluated in one context (all parameter variants of that context merged). */
export interface RuleResult {
  readonly ruleId: string;
  readonly context: string;
  readonly status: Status;
  /** Why the rule is not applicable, when it is not. */
  readonly note?: string;
  readonly resources: readonly ResourceResult[];
}
