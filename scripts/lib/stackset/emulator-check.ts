// The emulator's word is not enough: moto reports every stack instance CURRENT / SUCCEEDED,
// even when the stack it created in the target account rolled back. On the emulator, the final
// table is therefore checked against the stacks themselves: assume the execution role in each
// target account (moto maps the temporary credentials to that account, as AWS does), find the
// instance's stack, and report its real status and first failure reason.
//
// On real AWS the instance status is CloudFormation's own and needs no such check.
import type { AwsTarget } from '../aws.js';
import { cliRunner, mapLimited, type AwsRunner } from './api.js';
import type { StackSetSpec } from './manifest.js';
import type { FinalRow } from './report.js';

const HEALTHY = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

interface ApiStack {
  readonly StackName: string;
  readonly StackId: string;
  readonly StackStatus: string;
  readonly StackStatusReason?: string;
  readonly ParentId?: string;
}
interface ApiEvent {
  readonly ResourceStatus?: string;
  readonly ResourceStatusReason?: string;
  readonly LogicalResourceId?: string;
}

/** Instance stacks are StackSet-<name>-<id> in AWS; moto 5.2.5 names them StackSet:<name>. */
export const isInstanceStackOf = (stackSetName: string, stackName: string): boolean =>
  stackName === `StackSet:${stackSetName}` || stackName.startsWith(`StackSet-${stackSetName}-`);

interface Credentials {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
}

/** A runner whose calls go to the credentials' account, in `region`. */
function runnerAs(target: AwsTarget, c: Credentials, region: string): AwsRunner {
  const env = { ...target.env, AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken, AWS_REGION: region, AWS_DEFAULT_REGION: region };
  return cliRunner({ ...target, region, env });
}

/** The first resource failure of a stack or of the stacks nested in it (the root cause, not "Embedded stack … failed"). */
function firstFailure(eventsByStack: readonly ApiEvent[][]): string | undefined {
  for (const events of eventsByStack) {
    const failed = [...events].reverse().find((e) => /_FAILED$/.test(e.ResourceStatus ?? '') && e.ResourceStatusReason && !/^(Embedded stack|The following resource\(s\) failed)/.test(e.ResourceStatusReason));
    if (failed) return `${failed.LogicalResourceId}: ${failed.ResourceStatusReason}`;
  }
  return undefined;
}

export interface StackCheck {
  readonly status: string;
  readonly reason?: string;
}

/** The real status of each instance's stack (key account|region), read in the target accounts. */
export async function checkInstanceStacks(target: AwsTarget, run: AwsRunner, spec: StackSetSpec, rows: readonly FinalRow[]): Promise<Map<string, StackCheck>> {
  const permissions = spec.manifest.permissions;
  const checks = new Map<string, StackCheck>();
  if (permissions.model !== 'SELF_MANAGED') return checks;
  const name = spec.manifest.stackSetName;
  const accounts = [...new Set(rows.map((r) => r.account))];
  const credentials = new Map(
    await mapLimited(accounts, 4, async (account) => {
      const roleArn = `arn:aws:iam::${account}:role/${permissions.executionRoleName}`;
      const { Credentials: c } = await run(['sts', 'assume-role'], { RoleArn: roleArn, RoleSessionName: 'stackset-check' });
      return [account, c as Credentials] as const;
    }),
  );
  await mapLimited(rows, 4, async (row) => {
    const regional = runnerAs(target, credentials.get(row.account)!, row.region);
    const stacks: ApiStack[] = (await regional(['cloudformation', 'describe-stacks']))?.Stacks ?? [];
    const own = stacks.find((s) => !s.ParentId && isInstanceStackOf(name, s.StackName));
    if (!own) {
      checks.set(`${row.account}|${row.region}`, { status: 'NO STACK', reason: `no stack ${name} instance in ${row.account} ${row.region}` });
      return;
    }
    if (HEALTHY.has(own.StackStatus)) {
      checks.set(`${row.account}|${row.region}`, { status: own.StackStatus });
      return;
    }
    const family = [own, ...stacks.filter((s) => s.ParentId === own.StackId)];
    const events = await Promise.all(family.reverse().map(async (s) => ((await regional(['cloudformation', 'describe-stack-events'], { StackName: s.StackId }))?.StackEvents ?? []) as ApiEvent[]));
    checks.set(`${row.account}|${row.region}`, { status: own.StackStatus, reason: firstFailure(events) ?? own.StackStatusReason });
  });
  return checks;
}

/** Rows with the stacks' real status folded in: an unhealthy stack makes its instance failed. */
export function withStackChecks(rows: readonly FinalRow[], checks: ReadonlyMap<string, StackCheck>): FinalRow[] {
  return rows.map((row) => {
    const check = checks.get(`${row.account}|${row.region}`);
    if (!check || HEALTHY.has(check.status)) return row;
    return { ...row, status: `${row.status} stack ${check.status}`, reason: `emulator: the instance's stack is ${check.status}${check.reason ? `: ${check.reason}` : ''}`, failed: true };
  });
}
