// Waiting on a stack set operation while showing what happens per account and region: each
// poll reads the operation and its per-instance results, and prints the instances whose status
// changed since the last poll, with a done/total count.
import type { ApiOperation, ApiOperationResult, StackSetApi } from './api.js';

export const TERMINAL_OPERATION = new Set(['SUCCEEDED', 'FAILED', 'STOPPED']);
const TERMINAL_RESULT = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface WaitOptions {
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface FinishedOperation {
  readonly operation: ApiOperation;
  readonly results: readonly ApiOperationResult[];
  readonly seconds: number;
}

export class OperationTimeout extends Error {}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function resultLine(label: string, r: ApiOperationResult, done: number, total: number): string {
  const where = `${r.Account.padEnd(12)}  ${r.Region.padEnd(15)}`;
  const reason = r.StatusReason ? `  ${r.StatusReason}` : '';
  return `  ${label.padEnd(7)} ${where} ${r.Status.padEnd(9)} [${done}/${total}]${reason}`;
}

export async function waitForOperation(api: StackSetApi, stackSetName: string, operationId: string, label: string, options: WaitOptions): Promise<FinishedOperation> {
  const started = Date.now();
  const sleep = options.sleep ?? defaultSleep;
  const lastStatus = new Map<string, string>();
  for (;;) {
    const operation = await api.describeOperation(stackSetName, operationId);
    const results = await api.listOperationResults(stackSetName, operationId);
    const done = results.filter((r) => TERMINAL_RESULT.has(r.Status)).length;
    for (const r of results) {
      const key = `${r.Account}|${r.Region}`;
      if (lastStatus.get(key) === r.Status) continue;
      lastStatus.set(key, r.Status);
      options.log(resultLine(label, r, done, results.length));
    }
    if (TERMINAL_OPERATION.has(operation.Status)) {
      const seconds = (Date.now() - started) / 1000;
      const reason = operation.StatusReason ? ` (${operation.StatusReason})` : '';
      if (results.length === 0) options.log(`  ${label} operation ${operationId}: no per-instance results reported`);
      options.log(`  ${label} operation ${operationId}: ${operation.Status}${reason} after ${seconds.toFixed(1)} s`);
      return { operation, results, seconds };
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new OperationTimeout(`operation ${operationId} (${label}) still ${operation.Status} after ${Math.round(options.timeoutMs / 60000)} min; it goes on in AWS — run again later or watch it in the console`);
    }
    await sleep(options.pollMs);
  }
}
