// Turns a segmentation property into rule findings (one per resource it speaks about).
import type { CheckContext } from './rule-context.js';
import { finding } from './rule-kit.js';
import type { PropertyId } from './segmentation.js';
import type { RuleFinding } from './types.js';

export function propertyFindings(ctx: CheckContext, id: PropertyId): RuleFinding[] {
  const property = ctx.segmentation().properties[id];
  if (!property.applicable) return [];
  return property.findings.map((f) => finding(f.resource, f.holds, f.message));
}
