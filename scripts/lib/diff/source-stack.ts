// Templates of a deployed stack (STACK=<name>): the root's original template, then each nested
// stack's, read through a StackReader (the AWS SDK in scripts/lib/deploy/stacks.ts: the local
// emulator unless TARGET=aws; recorded answers in tests). A nested stack is
// matched to a layer file by its logical ID, through the TemplateURL the new root gives it
// (NetworkStack -> network.yaml).
import { ROOT_TEMPLATE, DiffInputError, type CfnTemplate, type TemplateSet } from './types.js';

/** What the diff reads of a deployed stack: its template, and its nested stacks (logical ID -> stack ID). */
export interface StackReader {
  template(stack: string): Promise<CfnTemplate>;
  nestedStacks(stack: string): Promise<ReadonlyMap<string, string>>;
}

const NESTED_STACK = 'AWS::CloudFormation::Stack';
const MAX_DEPTH = 5;

/** The layer file of a nested stack: what the new template calls it, else the platform's naming (FooStack -> foo.yaml). */
export function nestedFileName(logicalId: string, newParent: CfnTemplate | undefined): string {
  const url = newParent?.Resources?.[logicalId]?.Properties?.TemplateURL;
  if (typeof url === 'string' && !url.includes('://')) return url;
  return `${logicalId.replace(/Stack$/, '').toLowerCase()}.yaml`;
}

async function load(reader: StackReader, stack: string, file: string, after: TemplateSet, into: Map<string, CfnTemplate>, depth: number): Promise<void> {
  const template = await reader.template(stack);
  into.set(file, template);
  const nested = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === NESTED_STACK);
  if (nested.length === 0 || depth >= MAX_DEPTH) return;
  const ids = await reader.nestedStacks(stack);
  for (const [logicalId, resource] of nested) {
    const child = nestedFileName(logicalId, after.templates.get(file));
    // The deployed TemplateURL is the packaged S3 copy; the layer's own diff shows its content, so
    // the URL itself is not a change worth reporting.
    if (resource.Properties) resource.Properties = { ...resource.Properties, TemplateURL: child };
    const physical = ids.get(logicalId);
    if (!physical) continue; // declared but not created (a condition was false): nothing deployed to compare
    if (into.has(child)) throw new DiffInputError(`stack ${stack}: nested stacks ${logicalId} and another both map to ${child}`);
    await load(reader, physical, child, after, into, depth + 1);
  }
}

export async function templatesFromStack(stackName: string, after: TemplateSet, reader: StackReader, label = `deployed stack ${stackName}`): Promise<TemplateSet> {
  const templates = new Map<string, CfnTemplate>();
  await load(reader, stackName, ROOT_TEMPLATE, after, templates, 0);
  return { label, templates };
}
