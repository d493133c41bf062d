// Deployability checks: what only real AWS would reject, each encoded from the AWS documentation
// it cites. One file per check in scripts/lib/validate/aws-rules/, discovered like the PCI rules
// (scripts/lib/discover-rules.ts):
//
//   export default {
//     id: 'AWS-<AREA>-<NNN>', title: '…',
//     docs: ['https://docs.aws.amazon.com/…'],          // the pages whose constraints it encodes
//     check: ({ file, template, templates }) => [{ logicalId, path, rule, allowed }],
//   } satisfies AwsRule;
//
// make validate runs every check over every template; a check that throws is an error finding of
// its own (its other results are lost, the other checks still run).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfnResource, CfnTemplate, PropertiesOf } from '../cfn/index.js';
import { crashDescription, discoverRules } from '../discover-rules.js';
import type { Finding, Severity } from './findings.js';

export interface AwsRuleInput {
  /** The template's file name, relative to the validated directory (network.yaml). */
  readonly file: string;
  readonly template: CfnTemplate;
  /** Every template of the directory by file name (a nested stack's child, a sibling layer). */
  readonly templates: ReadonlyMap<string, CfnTemplate>;
}

/** What a check reports; the runner adds the file, the check name and the rule ID. */
export interface AwsRuleFinding {
  /** Default error: AWS would reject the template. */
  readonly severity?: Severity;
  readonly logicalId?: string;
  /** Where inside the entry, e.g. Properties.DBInstanceClass. */
  readonly path: string;
  /** What is wrong. */
  readonly rule: string;
  /** What AWS accepts. */
  readonly allowed?: string;
}

export interface AwsRule {
  readonly id: string;
  readonly title: string;
  /** AWS documentation URLs of the constraints the check encodes. */
  readonly docs: readonly string[];
  check(input: AwsRuleInput): readonly AwsRuleFinding[];
}

export const AWS_RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'aws-rules');
export const AWS_RULE_ID = /^AWS-[A-Z0-9]+-\d{3}$/;

export function awsRuleProblems(rule: AwsRule): string[] {
  const docs = rule.docs as unknown;
  return Array.isArray(docs) && docs.length > 0 && docs.every((d) => typeof d === 'string' && d.startsWith('https://'))
    ? []
    : ['docs: the AWS documentation URLs (https://…) of the constraints it encodes'];
}

export const loadAwsRules = (dir: string = AWS_RULES_DIR): Promise<readonly AwsRule[]> => discoverRules<AwsRule>({ dir, idPattern: AWS_RULE_ID, problems: awsRuleProblems });

/** Every check over one template, as validate findings (check "aws", the rule prefixed with its ID). */
export function runAwsRules(rules: readonly AwsRule[], input: AwsRuleInput): Finding[] {
  return rules.flatMap((rule): Finding[] => {
    try {
      return rule.check(input).map((f) => ({ severity: f.severity ?? 'error', check: 'aws', file: input.file, logicalId: f.logicalId, path: f.path, rule: `${rule.id} ${f.rule}`, allowed: f.allowed }));
    } catch (error) {
      return [{ severity: 'error', check: 'aws', file: input.file, path: '-', rule: `${rule.id} crashed: ${crashDescription(error)}`, allowed: `a check that runs to completion (${rule.title})` }];
    }
  });
}

/** The resources of one type in a template, with their properties typed by the spec types. */
export function resourcesOfType<T extends string>(template: CfnTemplate, type: T): { readonly logicalId: string; readonly resource: CfnResource; readonly properties: PropertiesOf<T> }[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => resource?.Type === type)
    .map(([logicalId, resource]) => ({ logicalId, resource, properties: (resource.Properties ?? {}) as PropertiesOf<T> }));
}
