// `make stackset-plan PREVIEW=1`: what an update would do inside every deployed instance, layer
// by layer — a change set with IncludeNestedStacks in the target account (through the read-only
// role, which may create change sets named payment-preview-* and never execute one), printed as
// added / modified / replaced / removed, the data-loss gate applied per account, then deleted.
// Instances not deployed yet would create the whole platform and are listed as such.
import { isStateful } from '../diff/stateful.js';
import { allows, parseAllowList, type AllowEntry } from '../diff/allow.js';
import { mapLimited, type StackSetApi } from './api.js';
import type { StackSetClients } from './clients.js';
import { readRoleOf, type StackSetSpec } from './manifest.js';
import { previewInstance, type PreviewChange } from './read-path.js';
import { toParameterList } from './reconcile.js';
import { PREVIEW_CHANGE_SET_PREFIX } from '../../../templates-src/stackset-roles.js';

export class PreviewError extends Error {}

export interface InstancePreview {
  readonly account: string;
  readonly region: string;
  readonly changes: readonly PreviewChange[];
  readonly note?: string;
  /** Stateful resources replaced or removed, not allowed by ALLOW_REPLACE. */
  readonly blocked: readonly PreviewChange[];
  readonly error?: string;
}

const loses = (c: PreviewChange): boolean =>
  isStateful(c.type) && (c.action === 'Remove' || (c.action === 'Modify' && (c.replacement === 'True' || c.replacement === 'Conditional')));

/** Change name of one preview run: unique, and within the read-only role's allowed prefix. */
const previewChangeSetName = (now = Date.now()): string => `${PREVIEW_CHANGE_SET_PREFIX}${now.toString(36)}`;

export interface PreviewContext {
  readonly api: StackSetApi;
  readonly clients: StackSetClients;
  readonly pollMs: number;
  readonly allowReplace?: string;
}

/** `template`: the packaged root's URL, or { body } of a template the stack set holds inline (the DR vault's). */
export async function previewRollout(spec: StackSetSpec, template: string | { readonly body: string }, ctx: PreviewContext): Promise<InstancePreview[]> {
  const source = typeof template === 'string' ? { templateUrl: template } : { templateBody: template.body };
  const name = spec.manifest.stackSetName;
  if (!(await ctx.api.describeStackSet(name))) {
    throw new PreviewError(
      `${spec.file}: stackSetName: stack set ${name} does not exist, so there is nothing to preview; run make stackset MANIFEST=${spec.file} first (no change set was created)`,
    );
  }
  const allowances: AllowEntry[] = parseAllowList(ctx.allowReplace, 'ALLOW_REPLACE');
  const summaries = (await ctx.api.listStackInstances(name)).filter((s) => s.StackId);
  const readRole = readRoleOf(spec.manifest);
  const changeSetName = previewChangeSetName();
  return mapLimited(summaries, 4, async (s): Promise<InstancePreview> => {
    const account = s.Account ?? '';
    const region = s.Region ?? '';
    const desired = spec.instances.find((i) => i.region === region && (i.unit.id === account || i.unit.id === s.OrganizationalUnitId));
    const parameters = toParameterList({ ...spec.parameters, ...(desired?.overrides ?? {}) });
    try {
      const cfn = ctx.clients.inAccount(account, region, readRole).cloudformation;
      const { changes, note } = await previewInstance(cfn, { stackId: s.StackId!, ...source, parameters, changeSetName, pollMs: ctx.pollMs });
      const blocked = changes.filter((c) => loses(c) && !allowances.some((a) => allows(a, c.layer, [c.logicalId])));
      return { account, region, changes, note, blocked };
    } catch (e) {
      return { account, region, changes: [], blocked: [], error: (e as Error).message.split('\n')[0] };
    }
  });
}

const ACTION_WORD: Record<string, string> = { Add: '+ add', Remove: '- remove', Import: '+ import', Dynamic: '~ dynamic' };

function changeWord(c: PreviewChange): string {
  if (c.action === 'Modify') return c.replacement === 'True' ? '! replace' : c.replacement === 'Conditional' ? '! may replace' : '~ modify';
  return ACTION_WORD[c.action] ?? c.action;
}

export function formatPreview(previews: readonly InstancePreview[], notDeployed: readonly string[]): string[] {
  const lines: string[] = ['preview (change sets with IncludeNestedStacks in each account, deleted after reading):'];
  for (const p of [...previews].sort((a, b) => (a.account + a.region < b.account + b.region ? -1 : 1))) {
    if (p.error) {
      lines.push(`  ${p.account} ${p.region}: not previewed: ${p.error}`);
      continue;
    }
    if (p.changes.length === 0) {
      lines.push(`  ${p.account} ${p.region}: ${p.note ?? 'no changes'}`);
      continue;
    }
    lines.push(`  ${p.account} ${p.region}: ${p.changes.length} change${p.changes.length === 1 ? '' : 's'}`);
    for (const c of p.changes) lines.push(`    ${changeWord(c).padEnd(14)} ${c.layer.padEnd(20)} ${c.logicalId} (${c.type})${loses(c) ? '  [data]' : ''}`);
    for (const b of p.blocked)
      lines.push(
        `    data-loss gate: ${p.account} ${p.region} ${b.layer} ${b.logicalId} (${b.type}) would be ${b.action === 'Remove' ? 'removed' : 'replaced'}; ALLOW_REPLACE=${b.layer}:${b.logicalId} accepts it`,
      );
  }
  for (const where of notDeployed) lines.push(`  ${where}: not deployed yet: make stackset creates the whole platform there`);
  return lines;
}
