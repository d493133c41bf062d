// Templates of a deployed stack (STACK=<name>): the root's original template, then each nested
// stack's, read through the AWS API (the local emulator unless TARGET=aws). A nested stack is
// matched to a layer file by its logical ID, through the TemplateURL the new root gives it
// (NetworkStack -> network.yaml).
import { ROOT_TEMPLATE, DiffInputError, type CfnTemplate, type TemplateSet } from './types.js';
import { parseTemplateText } from './source-dir.js';

/** Runs one AWS CLI call (`aws <args> --output json`) and returns the parsed answer. */
export type AwsCall = (args: readonly string[]) => any;

const NESTED_STACK = 'AWS::CloudFormation::Stack';
const MAX_DEPTH = 5;

function deployedTemplate(call: AwsCall, stack: string): CfnTemplate {
  const answer = call(['cloudformation', 'get-template', '--stack-name', stack, '--template-stage', 'Original']);
  const body = answer?.TemplateBody;
  // The CLI hands JSON bodies back already parsed, YAML bodies as text.
  if (typeof body === 'string') return parseTemplateText(body, `stack ${stack}`);
  if (body && typeof body === 'object') return body as CfnTemplate;
  throw new DiffInputError(`stack ${stack}: get-template returned no TemplateBody`);
}

function physicalIds(call: AwsCall, stack: string): Map<string, string> {
  const answer = call(['cloudformation', 'list-stack-resources', '--stack-name', stack]);
  const ids = new Map<string, string>();
  for (const r of answer?.StackResourceSummaries ?? []) {
    if (r.ResourceType === NESTED_STACK && r.PhysicalResourceId && r.ResourceStatus !== 'DELETE_COMPLETE') ids.set(r.LogicalResourceId, r.PhysicalResourceId);
  }
  return ids;
}

/** The layer file of a nested stack: what the new template calls it, else the platform's naming (FooStack -> foo.yaml). */
export function nestedFileName(logicalId: string, newParent: CfnTemplate | undefined): string {
  const url = newParent?.Resources?.[logicalId]?.Properties?.TemplateURL;
  if (typeof url === 'string' && !url.includes('://')) return url;
  return `${logicalId.replace(/Stack$/, '').toLowerCase()}.yaml`;
}

function load(call: AwsCall, stack: string, file: string, after: TemplateSet, into: Map<string, CfnTemplate>, depth: number): void {
  const template = deployedTemplate(call, stack);
  into.set(file, template);
  const nested = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === NESTED_STACK);
  if (nested.length === 0 || depth >= MAX_DEPTH) return;
  const ids = physicalIds(call, stack);
  for (const [logicalId, resource] of nested) {
    const child = nestedFileName(logicalId, after.templates.get(file));
    // The deployed TemplateURL is the packaged S3 copy; the layer's own diff shows its content, so
    // the URL itself is not a change worth reporting.
    if (resource.Properties) resource.Properties = { ...resource.Properties, TemplateURL: child };
    const physical = ids.get(logicalId);
    if (!physical) continue; // declared but not created (a condition was false): nothing deployed to compare
    if (into.has(child)) throw new DiffInputError(`stack ${stack}: nested stacks ${logicalId} and another both map to ${child}`);
    load(call, physical, child, after, into, depth + 1);
  }
}

export function templatesFromStack(stackName: string, after: TemplateSet, call: AwsCall, label = `deployed stack ${stackName}`): TemplateSet {
  const templates = new Map<string, CfnTemplate>();
  load(call, stackName, ROOT_TEMPLATE, after, templates, 0);
  return { label, templates };
}
