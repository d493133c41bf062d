// Container definitions and image references of ECS task definitions, for the container rules.
import { parseSub, subVariables } from '../cfn/index.js';
import type { CheckContext, EvaluatedResource } from './rule-context.js';
import { list, record, show, textOf } from './rule-kit.js';

export const containersOf = (task: EvaluatedResource): Record<string, unknown>[] => list(task.properties.ContainerDefinitions).map(record);

/** An image reference as text: a literal, or the text of a Fn::Sub with what is known filled in. */
const imageText = textOf;

export type ImagePin = { kind: 'digest' } | { kind: 'tag'; tag: string } | { kind: 'untagged' } | { kind: 'unknown'; text: string };

/** How an image reference is pinned: by digest, by tag, not at all, or unknown until deployment. */
function imagePin(value: unknown): ImagePin {
  const text = imageText(value);
  if (text === undefined) return { kind: 'unknown', text: show(value) };
  if (/@sha256:[0-9a-f]{64}$/.test(text)) return { kind: 'digest' };
  const lastSlash = text.lastIndexOf('/');
  const colon = text.lastIndexOf(':');
  const endsWithVariable = 'variable' in (parseSub(text).at(-1) ?? {});
  if (colon <= lastSlash) return endsWithVariable ? { kind: 'unknown', text } : { kind: 'untagged' };
  const tag = text.slice(colon + 1);
  return subVariables(tag).length > 0 ? { kind: 'unknown', text } : { kind: 'tag', tag };
}

/**
 * A parameter that is required at deploy time (no default, no value in this context) is still
 * provably pinned when its AllowedPattern admits only digest references: CloudFormation rejects
 * any other value before it creates anything.
 */
const DIGEST_ONLY_PATTERN = /@sha256:\[a-f0-9\]\{64\}\$$/;

/** A digest parameter on its own (the template builds the reference: registry/repository@${Digest}). */
const DIGEST_PARAMETER_PATTERN = '^sha256:[a-f0-9]{64}$';

/** imagePin, also reading the AllowedPattern of a parameter that is only known at deploy time. */
export function imagePinIn(ctx: CheckContext, task: EvaluatedResource, image: unknown): ImagePin {
  const layer = ctx.layer(task.layer);
  const unsetPattern = (name: unknown): string | undefined =>
    typeof name === 'string' && layer?.parameters.get(name)?.kind === 'unset' ? layer.parameterSpecs[name]?.AllowedPattern : undefined;
  const name = image !== null && typeof image === 'object' && Object.keys(image).length === 1 ? (image as { Ref?: unknown }).Ref : undefined;
  const pattern = unsetPattern(name);
  if (typeof pattern === 'string' && DIGEST_ONLY_PATTERN.test(pattern) && !pattern.includes('|')) return { kind: 'digest' };
  // Fn::Sub ending in "@${Digest}", Digest a deploy-time parameter that admits only sha256 digests.
  const sub = image !== null && typeof image === 'object' ? (image as { 'Fn::Sub'?: unknown })['Fn::Sub'] : undefined;
  const [text, variables] = (Array.isArray(sub) ? sub : [sub, {}]) as [unknown, Record<string, unknown>];
  const digest = typeof text === 'string' ? /@\$\{([A-Za-z0-9]+)\}$/.exec(text)?.[1] : undefined;
  if (digest !== undefined) {
    const variable = variables?.[digest] as { Ref?: unknown } | undefined;
    if (unsetPattern(variable === undefined ? digest : variable?.Ref) === DIGEST_PARAMETER_PATTERN) return { kind: 'digest' };
  }
  return imagePin(image);
}
