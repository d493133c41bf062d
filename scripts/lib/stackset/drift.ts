// `make stackset-drift`: drift of every layer of every instance.
//
// StackSet drift detection (DetectStackSetDrift) checks the stack of each instance and keeps the
// stack set's drift status; like DetectStackDrift it does not descend into nested stacks
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-drift.html), and the
// platform's instance stack holds nothing but its layers. So, after the stack set's own
// detection, each instance's root and every nested stack is detected on its own, in the target
// account through the read-only role (read-path.ts), and the output is account × region × layer
// → drifted resources with their property differences.
import type { StackResourceDrift } from '@aws-sdk/client-cloudformation';
import type { AwsTarget } from '../aws.js';
import { mapLimited, type DescribedStackSet, type StackInstanceSummary, type StackSetApi } from './api.js';
import type { StackSetClients } from './clients.js';
import { readRoleOf, type StackSetSpec } from './manifest.js';
import { waitForOperation, type WaitOptions } from './operations.js';
import { instanceStacks, layerDrift, type LayerDrift } from './read-path.js';

/** The emulator has no drift detection (moto answers 500); a distinct outcome, not a crash. */
export class DriftNotSupported extends Error {}
export class StackSetMissing extends Error {}

interface InstanceDrift {
  readonly account: string;
  readonly region: string;
  readonly layers: readonly LayerDrift[];
  /** Why the layers could not be read (no read role there, …). */
  readonly error?: string;
}

export interface DriftReport {
  readonly operationId: string;
  readonly details?: DescribedStackSet['StackSetDriftDetectionDetails'];
  readonly instances: readonly StackInstanceSummary[];
  readonly layers: readonly InstanceDrift[];
}

/** The gist of a failed call: an HTML error page's title, else its last line. */
export function callError(e: unknown): string {
  const text = (e as Error).message ?? String(e);
  const title = /<title>([^<]+)<\/title>/.exec(text);
  if (title) return `HTTP ${title[1]}`;
  if (/Deserialization error|Unable to parse|Expected closing tag|Invalid character/i.test(text) && /html/i.test(JSON.stringify((e as { $response?: unknown }).$response ?? '')))
    return 'HTTP 500 (an HTML error page)';
  return text.split('\n').filter(Boolean).slice(-1)[0] ?? text;
}

export interface DriftContext {
  readonly api: StackSetApi;
  readonly clients: StackSetClients;
  readonly target: AwsTarget;
}

export async function detectDrift(spec: StackSetSpec, ctx: DriftContext, wait: WaitOptions): Promise<DriftReport> {
  const { api, target } = ctx;
  const name = spec.manifest.stackSetName;
  if (!(await api.describeStackSet(name))) throw new StackSetMissing(`stack set ${name} does not exist in ${target.region}: run make stackset MANIFEST=${spec.file} first`);
  const prefs = spec.manifest.operationPreferences;
  let operationId: string;
  try {
    operationId = await api.detectDrift({
      StackSetName: name,
      ...(prefs?.maxConcurrentCount !== undefined
        ? { OperationPreferences: { MaxConcurrentCount: prefs.maxConcurrentCount, FailureToleranceCount: prefs.failureToleranceCount ?? 0 } }
        : {}),
    });
  } catch (e) {
    if (target.kind === 'local') {
      throw new DriftNotSupported(
        `not supported by the emulator: detect-stack-set-drift answered ${callError(e)} (moto 5.2.5 implements neither DetectStackSetDrift nor DetectStackDrift)`,
      );
    }
    throw e;
  }
  await waitForOperation(api, name, operationId, 'DRIFT', wait);
  const details = (await api.describeStackSet(name))?.StackSetDriftDetectionDetails;
  const instances = await api.listStackInstances(name);
  const readRole = readRoleOf(spec.manifest);
  const layers = await mapLimited(
    instances.filter((i) => i.StackId),
    4,
    async (i): Promise<InstanceDrift> => {
      const where = { account: i.Account ?? '', region: i.Region ?? '' };
      try {
        const cfn = ctx.clients.inAccount(where.account, where.region, readRole).cloudformation;
        return { ...where, layers: await layerDrift(cfn, await instanceStacks(cfn, i.StackId!), wait.pollMs) };
      } catch (e) {
        return { ...where, layers: [], error: `${readRole}: ${(e as Error).message.split('\n')[0]}` };
      }
    },
  );
  return { operationId, details, instances, layers };
}

const byWhere = (a: { account: string; region: string }, b: { account: string; region: string }): number => (a.account + a.region < b.account + b.region ? -1 : 1);

function resourceLines(r: StackResourceDrift): string[] {
  const lines = [`  ${(r.StackResourceDriftStatus ?? '').padEnd(8)} ${r.ResourceType}  ${r.LogicalResourceId}${r.PhysicalResourceId ? ` (${r.PhysicalResourceId})` : ''}`];
  for (const p of r.PropertyDifferences ?? []) lines.push(`           ${p.PropertyPath}: ${p.DifferenceType} expected ${p.ExpectedValue}, actual ${p.ActualValue}`);
  return lines;
}

export function formatDrift(name: string, report: DriftReport): string[] {
  const lines: string[] = [];
  const d = report.details;
  if (d?.DriftStatus !== undefined) {
    lines.push(
      `stack set ${name}: ${d.DriftStatus} (instance stacks only) — ${d.DriftedStackInstancesCount ?? '?'} drifted, ${d.InSyncStackInstancesCount ?? '?'} in sync, ` +
        `${d.InProgressStackInstancesCount ?? 0} in progress, ${d.FailedStackInstancesCount ?? 0} failed of ${d.TotalStackInstancesCount ?? report.instances.length} instances`,
    );
  }
  lines.push(`${'account'.padEnd(12)}  ${'region'.padEnd(15)}  ${'layer'.padEnd(20)}  drift`);
  const sorted = [...report.layers].sort(byWhere);
  for (const i of sorted) {
    if (i.error) lines.push(`${i.account.padEnd(12)}  ${i.region.padEnd(15)}  ${'(not read)'.padEnd(20)}  ${i.error}`);
    for (const l of i.layers) {
      const count = l.drifts.length > 0 ? `  ${l.drifts.length} resource${l.drifts.length === 1 ? '' : 's'}` : '';
      lines.push(
        `${i.account.padEnd(12)}  ${i.region.padEnd(15)}  ${l.layer.padEnd(20)}  ${l.status}${count}${l.reason && l.status !== 'IN_SYNC' && l.status !== 'DRIFTED' ? ` (${l.reason})` : ''}`,
      );
    }
  }
  const drifted = sorted.flatMap((i) => i.layers.filter((l) => l.drifts.length > 0).map((l) => ({ ...i, layer: l })));
  if (drifted.length === 0) {
    lines.push('no drifted resources in any layer');
    return lines;
  }
  for (const { account, region, layer } of drifted) {
    lines.push('', `${account} ${region} ${layer.layer}: ${layer.drifts.length} drifted resource${layer.drifts.length === 1 ? '' : 's'}`);
    for (const r of layer.drifts) lines.push(...resourceLines(r));
  }
  return lines;
}

/** Instances with a drifted resource in any layer. */
export const driftedCount = (report: DriftReport): number => report.layers.filter((i) => i.layers.some((l) => l.drifts.length > 0)).length;
