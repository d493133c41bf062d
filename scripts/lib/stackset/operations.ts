// Waiting on a stack set operation while showing what happens per account and region: each
// poll reads the operation and its per-instance results, and prints the instances whose status
// changed since the last poll, with a done/total count.
//
// What AWS does that the wait has to live with
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperation.html):
//  - an operation may sit QUEUED behind others (managed execution queues every operation that
//    arrives while one runs); the timeout counts from when it leaves QUEUED, not from the start;
//  - StackSet APIs throttle at fleet scale: the SDK retries adaptively, and a poll that still
//    fails with throttling or a network error is waited out here (the operation goes on in AWS
//    either way), never the end of the run;
//  - credentials that expire while waiting end the wait with what to do next: the operation IDs
//    of the run are kept in .local/stackset/ (`OperationLog`), and the next run resumes there.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { awsErrorName } from '../aws.js';
import { ROOT } from '../paths.js';
import type { StackSetApi, StackSetOperation, StackSetOperationResultSummary } from './api.js';

export const TERMINAL_OPERATION = new Set(['SUCCEEDED', 'FAILED', 'STOPPED']);
const TERMINAL_RESULT = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface WaitOptions {
  readonly pollMs: number;
  /** Longest a RUNNING operation is waited for (queued time not counted). */
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Longest pause between polls while AWS throttles (default 60 s). */
  readonly maxBackoffMs?: number;
}

export interface FinishedOperation {
  readonly operation: StackSetOperation;
  readonly results: readonly StackSetOperationResultSummary[];
  readonly seconds: number;
}

export class OperationTimeout extends Error {}
/** The credentials ran out while an operation went on in AWS. */
export class CredentialsExpired extends Error {}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Errors a poll waits out: AWS throttling, server errors, the network (the operation is unaffected). */
const TRANSIENT = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'InvalidClientTokenId']);

const isTransient = (e: unknown): boolean => {
  const name = awsErrorName(e) ?? (e as { code?: string; name?: string })?.code ?? (e as { name?: string })?.name;
  return name !== undefined && TRANSIENT.has(name);
};
const isExpired = (e: unknown): boolean => EXPIRED.has(awsErrorName(e) ?? '');

function resultLine(label: string, r: StackSetOperationResultSummary, done: number, total: number): string {
  const where = `${(r.Account ?? '').padEnd(12)}  ${(r.Region ?? '').padEnd(15)}`;
  const reason = r.StatusReason ? `  ${r.StatusReason}` : '';
  return `  ${label.padEnd(7)} ${where} ${(r.Status ?? '').padEnd(9)} [${done}/${total}]${reason}`;
}

export async function waitForOperation(api: StackSetApi, stackSetName: string, operationId: string, label: string, options: WaitOptions): Promise<FinishedOperation> {
  const started = Date.now();
  let runningSince: number | undefined;
  const sleep = options.sleep ?? defaultSleep;
  const lastStatus = new Map<string, string>();
  let backoff = options.pollMs;
  let lastQueued = false;
  for (;;) {
    let operation: StackSetOperation;
    let results: StackSetOperationResultSummary[];
    try {
      operation = await api.describeOperation(stackSetName, operationId);
      results = await api.listOperationResults(stackSetName, operationId);
      backoff = options.pollMs;
    } catch (e) {
      if (isExpired(e)) {
        throw new CredentialsExpired(
          `credentials expired while waiting on ${label} operation ${operationId}, which goes on in AWS; renew them and run again: the run resumes waiting on it`,
        );
      }
      if (!isTransient(e)) throw e;
      backoff = Math.min(Math.max(backoff * 2, 1000), options.maxBackoffMs ?? 60_000);
      options.log(
        `  ${label} operation ${operationId}: ${awsErrorName(e) ?? (e as Error).message} while polling; the operation goes on in AWS, polling again in ${Math.round(backoff / 1000)} s`,
      );
      await sleep(backoff);
      continue;
    }
    const queued = operation.Status === 'QUEUED';
    if (queued && !lastQueued) options.log(`  ${label} operation ${operationId}: QUEUED behind another operation of the stack set`);
    lastQueued = queued;
    if (!queued && runningSince === undefined) runningSince = Date.now();
    const done = results.filter((r) => TERMINAL_RESULT.has(r.Status ?? '')).length;
    for (const r of results) {
      const key = `${r.Account}|${r.Region}`;
      if (lastStatus.get(key) === r.Status) continue;
      lastStatus.set(key, r.Status ?? '');
      options.log(resultLine(label, r, done, results.length));
    }
    if (TERMINAL_OPERATION.has(operation.Status ?? '')) {
      const seconds = (Date.now() - started) / 1000;
      const reason = operation.StatusReason ? ` (${operation.StatusReason})` : '';
      if (results.length === 0) options.log(`  ${label} operation ${operationId}: no per-instance results reported`);
      options.log(`  ${label} operation ${operationId}: ${operation.Status}${reason} after ${seconds.toFixed(1)} s`);
      return { operation, results, seconds };
    }
    if (runningSince !== undefined && Date.now() - runningSince > options.timeoutMs) {
      throw new OperationTimeout(
        `operation ${operationId} (${label}) still ${operation.Status} after ${Math.round(options.timeoutMs / 60000)} min of running; it goes on in AWS — ` +
          'run again to resume waiting on it, or make stackset-stop to stop it',
      );
    }
    await sleep(options.pollMs);
  }
}

// --- the operations of a run, kept across runs -------------------------------------------------

export interface LoggedOperation {
  readonly operationId: string;
  readonly label: string;
  readonly startedAt: string;
}

/**
 * The operation IDs a run started, in .local/stackset/<account>-<region>-<stack set>.json: written
 * before each operation is started (the ID is ours: the SDK's OperationId idempotency token), so
 * an interrupted run, expired credentials or a lost response leave the next run something to
 * resume waiting on. An operation leaves the log when it has ended.
 */
export class OperationLog {
  /** `prefix`: the file name without the stack set's name, for the logs of the run's other stack sets. */
  constructor(
    readonly file: string,
    private readonly prefix?: string,
  ) {}

  static for(account: string, region: string, stackSetName: string, dir = join(ROOT, '.local', 'stackset')): OperationLog {
    const prefix = join(dir, `${account}-${region}-`);
    return new OperationLog(`${prefix}${stackSetName}.json`, prefix);
  }

  /** The log of another stack set of the same account and region (the DR vault stack set); undefined for a log made from a file. */
  forStackSet(stackSetName: string): OperationLog | undefined {
    return this.prefix === undefined ? undefined : new OperationLog(`${this.prefix}${stackSetName}.json`, this.prefix);
  }

  list(): LoggedOperation[] {
    if (!existsSync(this.file)) return [];
    try {
      return (JSON.parse(readFileSync(this.file, 'utf8')) as { operations?: LoggedOperation[] }).operations ?? [];
    } catch {
      return [];
    }
  }

  private write(operations: readonly LoggedOperation[]): void {
    if (operations.length === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, `${JSON.stringify({ operations }, null, 2)}\n`);
  }

  add(entry: LoggedOperation): void {
    this.write([...this.list().filter((o) => o.operationId !== entry.operationId), entry]);
  }

  remove(operationId: string): void {
    this.write(this.list().filter((o) => o.operationId !== operationId));
  }
}
