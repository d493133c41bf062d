// Deployability checks: what real AWS rejects (or accepts and then fails at run time) although
// the schemas, cfn-lint and the emulator accept it. One check per file in aws-rules/, named
// AWS-<AREA>-<NNN>-<what>.ts and discovered like the PCI rules (scripts/lib/discover-rules.ts),
// each exporting `default` an AwsRule that names the AWS documentation it encodes. The checks see
// a whole directory of templates at once (a constraint often spans layers) and, for
// generated/templates, make check's evaluation per environment. A check that throws is an error
// finding of its own; the other checks still run.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContexts, type ContextSpec } from '../check/evaluated-platform.js';
import { loadInputs, type ParameterSet } from '../check/inputs.js';
import type { CfnTemplate } from '../cfn/index.js';
import { crashDescription, discoverRules } from '../discover-rules.js';
import type { Finding } from './findings.js';

export interface AwsRuleInput {
  /** The validated directory. */
  readonly dir: string;
  /** File name (e.g. compute.yaml) → template in long form. */
  readonly templates: ReadonlyMap<string, CfnTemplate>;
  /** generated/parameters/<env>.json beside generated/templates (none for other directories). */
  readonly parameterSets: readonly ParameterSet[];
  /** make check's evaluation: defaults and every parameter file, intrinsics resolved per environment. */
  readonly contexts: () => readonly ContextSpec[];
}

export interface AwsRuleFinding {
  readonly file: string;
  readonly logicalId?: string;
  readonly path: string;
  /** What is wrong and what AWS does with it. */
  readonly message: string;
}

export interface AwsRule {
  /** AWS-<AREA>-<NNN> */
  readonly id: string;
  readonly title: string;
  /** AWS documentation pages the check encodes. */
  readonly docs: readonly string[];
  check(input: AwsRuleInput): AwsRuleFinding[];
}

const AWS_RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'aws-rules');
const AWS_RULE_ID = /^AWS-[A-Z0-9]+-\d{3}$/;

function awsRuleProblems(rule: AwsRule): string[] {
  const docs = rule.docs as unknown;
  return Array.isArray(docs) && docs.length > 0 && docs.every((d) => typeof d === 'string' && d.startsWith('https://'))
    ? []
    : ['docs: the AWS documentation URLs (https://…) of the constraints it encodes'];
}

/** Every check of the folder, in ID order; a malformed, misnamed or duplicate one is an error. */
export const loadAwsRules = (dir: string = AWS_RULES_DIR): Promise<readonly AwsRule[]> => discoverRules<AwsRule>({ dir, idPattern: AWS_RULE_ID, problems: awsRuleProblems });

/**
 * The input of the checks for one directory of templates, with the parameter files of
 * <dir>/../parameters when dir is a templates/ directory (generated/templates, or a fixture's).
 * A directory that holds templates/ (and parameters/) is read as that pair.
 */
export function awsRuleInput(dir: string): AwsRuleInput {
  if (existsSync(join(dir, 'templates'))) dir = join(dir, 'templates');
  const parametersDir = join(dir, '..', 'parameters');
  const withParameters = basename(dir) === 'templates' && existsSync(parametersDir);
  const inputs = loadInputs(dir, withParameters ? parametersDir : undefined);
  let contexts: ContextSpec[] | undefined;
  return {
    dir,
    templates: new Map(inputs.templates.map((t) => [basename(t.file), t.tree])),
    parameterSets: inputs.parameterSets,
    contexts: () => (contexts ??= buildContexts(inputs)),
  };
}

/** Runs the checks over one directory, as validate findings (check "aws", the rule prefixed with its ID). */
export function runAwsRules(rules: readonly AwsRule[], input: AwsRuleInput): Finding[] {
  return rules.flatMap((rule): Finding[] => {
    try {
      return rule
        .check(input)
        .map((f) => ({ severity: 'error', check: 'aws', file: f.file, logicalId: f.logicalId, path: f.path, rule: `${rule.id} ${f.message}`, allowed: `see ${rule.docs[0]}` }));
    } catch (error) {
      return [
        {
          severity: 'error',
          check: 'aws',
          file: '-',
          path: '-',
          rule: `${rule.id} crashed: ${crashDescription(error)}`,
          allowed: `a check that runs to completion (${rule.title})`,
        },
      ];
    }
  });
}

// --- helpers shared by the checks ------------------------------------------------------------------

export interface ResourceEntry {
  readonly file: string;
  readonly logicalId: string;
  readonly type: string;
  readonly resource: Record<string, unknown>;
  readonly properties: Record<string, unknown>;
}

/** Every resource of every template, in file and logical-ID order. */
export function resources(input: AwsRuleInput, type?: string): ResourceEntry[] {
  const out: ResourceEntry[] = [];
  for (const [file, tree] of input.templates) {
    for (const [logicalId, raw] of Object.entries((tree.Resources ?? {}) as Record<string, Record<string, unknown>>)) {
      if (type !== undefined && raw.Type !== type) continue;
      out.push({ file, logicalId, type: String(raw.Type), resource: raw, properties: (raw.Properties ?? {}) as Record<string, unknown> });
    }
  }
  return out;
}

/** Calls visit for every node under value with its path (long-form intrinsics are ordinary maps here). */
export function visit(value: unknown, path: string, fn: (node: unknown, path: string) => void): void {
  fn(value, path);
  if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`, fn));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`, fn);
}

/** The text and variables of a long-form Fn::Sub node, if it is one. */
export function subOf(node: unknown): { text: string; variables: Record<string, unknown> } | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node) || !('Fn::Sub' in node) || Object.keys(node).length !== 1) return undefined;
  const args = (node as Record<string, unknown>)['Fn::Sub'];
  if (typeof args === 'string') return { text: args, variables: {} };
  if (Array.isArray(args) && typeof args[0] === 'string') return { text: args[0], variables: (args[1] ?? {}) as Record<string, unknown> };
  return undefined;
}

/** Resources of one context (all layers), for checks on per-environment values. */
export function contextResources(context: ContextSpec) {
  return context.layers.flatMap((layer) => [...layer.resources.values()]);
}

export interface ResolvedResource {
  readonly file: string;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
  readonly resource: Record<string, unknown>;
}

const refOf = (value: unknown): string | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { Ref?: unknown }).Ref === 'string'
    ? (value as { Ref: string }).Ref
    : undefined;
const getAttOf = (value: unknown): [string, string] | undefined => {
  const args = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)['Fn::GetAtt'] : undefined;
  return Array.isArray(args) && typeof args[0] === 'string' && typeof args[1] === 'string' ? [args[0], args[1]] : undefined;
};

/**
 * The resource a value stands for, across nested stacks: a Ref or GetAtt of a resource of the
 * same template, or a Ref to a parameter the root feeds from another layer's output
 * (GetAtt <Stack>.Outputs.<Name>), followed to the resource that output names.
 */
export function resolveResource(input: AwsRuleInput, file: string, value: unknown, depth = 0): ResolvedResource | undefined {
  if (depth > 5) return undefined;
  const tree = input.templates.get(file);
  if (!tree) return undefined;
  const resourcesOf = (tree.Resources ?? {}) as Record<string, Record<string, unknown>>;
  const name = refOf(value) ?? getAttOf(value)?.[0];
  if (name === undefined) return undefined;
  const own = resourcesOf[name];
  if (own) return { file, logicalId: name, type: String(own.Type), properties: (own.Properties ?? {}) as Record<string, unknown>, resource: own };
  if (!(name in ((tree.Parameters ?? {}) as object))) return undefined;
  const root = input.templates.get('root.yaml');
  if (!root || file === 'root.yaml') return undefined;
  for (const stack of Object.values((root.Resources ?? {}) as Record<string, Record<string, unknown>>)) {
    const props = (stack.Properties ?? {}) as { TemplateURL?: unknown; Parameters?: Record<string, unknown> };
    if (stack.Type !== 'AWS::CloudFormation::Stack' || typeof props.TemplateURL !== 'string' || basename(props.TemplateURL) !== file) continue;
    const source = getAttOf(props.Parameters?.[name]);
    if (!source || !source[1].startsWith('Outputs.')) return undefined;
    const sourceStack = ((root.Resources ?? {}) as Record<string, Record<string, { TemplateURL?: unknown }>>)[source[0]];
    const sourceFile = typeof sourceStack?.Properties?.TemplateURL === 'string' ? basename(sourceStack.Properties.TemplateURL) : undefined;
    const output = sourceFile ? ((input.templates.get(sourceFile)?.Outputs ?? {}) as Record<string, { Value?: unknown }>)[source[1].slice('Outputs.'.length)] : undefined;
    return sourceFile && output ? resolveResource(input, sourceFile, output.Value, depth + 1) : undefined;
  }
  return undefined;
}

export { refOf, getAttOf };
