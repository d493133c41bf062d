// The StackSet API calls, made with the AWS CLI of the project's virtualenv (the same CLI and
// target as scripts/lib/aws.ts). Requests go as --cli-input-json, so values with commas or
// spaces (CIDR lists, descriptions) need no shorthand escaping. Calls are async so that
// per-instance reads (describe-stack-instance) can run a few at a time.
//
// Everything above this file talks to a `StackSetApi`, which tests replace with recorded
// responses or wrap to count calls.
import { spawn } from 'node:child_process';
import { AwsCallError, awsCli, type AwsTarget } from '../aws.js';

/**
 * Runs one CLI command (e.g. ['cloudformation', 'describe-stack-set']) with a JSON request;
 * resolves with the parsed JSON output, or the text itself when `raw` (s3 cp … -).
 */
export type AwsRunner = (command: readonly string[], input?: Readonly<Record<string, unknown>>, options?: { raw?: boolean }) => Promise<any>;

/** The AWS CLI against a target (the emulator or a real account), in the target's region. */
export function cliRunner(target: AwsTarget): AwsRunner {
  return (command, input, options = {}) =>
    new Promise((resolve, reject) => {
      const args = [...command, ...(input ? ['--cli-input-json', JSON.stringify(input)] : []), '--output', 'json', '--region', target.region];
      const child = spawn(awsCli(), args, { env: target.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', (e) => reject(new AwsCallError(`aws ${command.join(' ')}: ${e.message}`, '', null)));
      child.on('close', (code) => {
        if (code !== 0) {
          reject(new AwsCallError(`aws ${command.join(' ')} failed: ${stderr.trim()}`, stderr, code));
          return;
        }
        if (options.raw) {
          resolve(stdout);
          return;
        }
        const out = stdout.trim();
        try {
          resolve(out ? JSON.parse(out) : null);
        } catch {
          reject(new AwsCallError(`aws ${command.join(' ')}: output is not JSON: ${out.slice(0, 200)}`, stderr, code));
        }
      });
    });
}

export interface RecordedCall {
  readonly command: string;
  readonly input?: Readonly<Record<string, unknown>>;
}

/** Wraps a runner and records every call (tests assert that a bad manifest makes none). */
export function recordingRunner(inner: AwsRunner): { runner: AwsRunner; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  return {
    calls,
    runner: (command, input, options) => {
      calls.push({ command: command.join(' '), input });
      return inner(command, input, options);
    },
  };
}

// --- Response shapes (the fields this tool reads) -----------------------------------------------

export interface ApiParameter {
  readonly ParameterKey: string;
  readonly ParameterValue?: string;
}
export interface ApiTag {
  readonly Key: string;
  readonly Value: string;
}
export interface ApiStackSet {
  readonly StackSetName: string;
  readonly StackSetId?: string;
  readonly Status?: string;
  readonly Description?: string;
  readonly TemplateBody?: string;
  readonly Parameters?: readonly ApiParameter[];
  readonly Tags?: readonly ApiTag[];
  readonly AdministrationRoleARN?: string;
  readonly ExecutionRoleName?: string;
  readonly PermissionModel?: string;
  readonly ManagedExecution?: { readonly Active?: boolean };
  readonly AutoDeployment?: { readonly Enabled?: boolean; readonly RetainStacksOnAccountRemoval?: boolean };
  readonly StackSetDriftDetectionDetails?: Readonly<Record<string, unknown>>;
}
export interface ApiInstanceSummary {
  readonly Account: string;
  readonly Region: string;
  readonly OrganizationalUnitId?: string;
  readonly Status?: string;
  readonly StatusReason?: string;
  readonly StackInstanceStatus?: { readonly DetailedStatus?: string };
  readonly DriftStatus?: string;
  readonly LastDriftCheckTimestamp?: string;
  readonly StackId?: string;
}
export interface ApiInstance extends ApiInstanceSummary {
  readonly ParameterOverrides?: readonly ApiParameter[];
}
export interface ApiOperation {
  readonly OperationId: string;
  readonly Action?: string;
  readonly Status: string;
  readonly StatusReason?: string;
  readonly CreationTimestamp?: string;
  readonly EndTimestamp?: string;
}
export interface ApiOperationResult {
  readonly Account: string;
  readonly Region: string;
  readonly Status: string;
  readonly StatusReason?: string;
  readonly OrganizationalUnitId?: string;
}
export interface ApiResourceDrift {
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType: string;
  readonly StackResourceDriftStatus: string;
  readonly PropertyDifferences?: readonly { PropertyPath: string; ExpectedValue: string; ActualValue: string; DifferenceType: string }[];
}

const CFN = (command: string): string[] => ['cloudformation', command];

export const isNotFound = (e: unknown): boolean => e instanceof AwsCallError && /StackSetNotFound/.test(e.stderr + e.message);

/** The StackSet calls this tool makes, each a thin wrapper over one API action. */
export class StackSetApi {
  constructor(
    readonly run: AwsRunner,
    /** CallAs for SERVICE_MANAGED stack sets run from a delegated administrator account. */
    readonly callAs?: 'SELF' | 'DELEGATED_ADMIN',
  ) {}

  private withCallAs(input: Record<string, unknown>): Record<string, unknown> {
    return this.callAs ? { ...input, CallAs: this.callAs } : input;
  }

  async callerAccount(): Promise<string> {
    const identity = await this.run(['sts', 'get-caller-identity']);
    return identity.Account as string;
  }

  /** The stack set, or undefined when it does not exist. */
  async describeStackSet(name: string): Promise<ApiStackSet | undefined> {
    try {
      const out = await this.run(CFN('describe-stack-set'), this.withCallAs({ StackSetName: name }));
      const stackSet = out?.StackSet as ApiStackSet | undefined;
      return stackSet && stackSet.Status !== 'DELETED' ? stackSet : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async createStackSet(input: Record<string, unknown>): Promise<void> {
    await this.run(CFN('create-stack-set'), this.withCallAs(input));
  }

  async updateStackSet(input: Record<string, unknown>): Promise<string> {
    return (await this.run(CFN('update-stack-set'), this.withCallAs(input))).OperationId;
  }

  async listStackInstances(name: string): Promise<ApiInstanceSummary[]> {
    return (await this.run(CFN('list-stack-instances'), this.withCallAs({ StackSetName: name })))?.Summaries ?? [];
  }

  async describeStackInstance(name: string, account: string, region: string): Promise<ApiInstance> {
    const input = { StackSetName: name, StackInstanceAccount: account, StackInstanceRegion: region };
    return (await this.run(CFN('describe-stack-instance'), this.withCallAs(input))).StackInstance;
  }

  async createStackInstances(input: Record<string, unknown>): Promise<string> {
    return (await this.run(CFN('create-stack-instances'), this.withCallAs(input))).OperationId;
  }

  async updateStackInstances(input: Record<string, unknown>): Promise<string> {
    return (await this.run(CFN('update-stack-instances'), this.withCallAs(input))).OperationId;
  }

  async deleteStackInstances(input: Record<string, unknown>): Promise<string> {
    return (await this.run(CFN('delete-stack-instances'), this.withCallAs(input))).OperationId;
  }

  async describeOperation(name: string, operationId: string): Promise<ApiOperation> {
    return (await this.run(CFN('describe-stack-set-operation'), this.withCallAs({ StackSetName: name, OperationId: operationId }))).StackSetOperation;
  }

  async listOperationResults(name: string, operationId: string): Promise<ApiOperationResult[]> {
    return (await this.run(CFN('list-stack-set-operation-results'), this.withCallAs({ StackSetName: name, OperationId: operationId })))?.Summaries ?? [];
  }

  async listOperations(name: string): Promise<ApiOperation[]> {
    return (await this.run(CFN('list-stack-set-operations'), this.withCallAs({ StackSetName: name })))?.Summaries ?? [];
  }

  async detectDrift(input: Record<string, unknown>): Promise<string> {
    return (await this.run(CFN('detect-stack-set-drift'), this.withCallAs(input))).OperationId;
  }

  async listInstanceResourceDrifts(name: string, account: string, region: string, operationId: string): Promise<ApiResourceDrift[]> {
    const input = {
      StackSetName: name,
      StackInstanceAccount: account,
      StackInstanceRegion: region,
      OperationId: operationId,
      StackInstanceResourceDriftStatuses: ['MODIFIED', 'DELETED'],
    };
    return (await this.run(CFN('list-stack-instance-resource-drifts'), this.withCallAs(input)))?.Summaries ?? [];
  }

  /** A text object from S3 (a packaged nested template), for the plan's template comparison. */
  async s3Text(bucket: string, key: string): Promise<string> {
    return (await this.run(['s3', 'cp', `s3://${bucket}/${key}`, '-'], undefined, { raw: true })) as string;
  }
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
