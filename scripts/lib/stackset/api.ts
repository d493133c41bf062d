// The StackSet calls this tool makes, each a thin typed wrapper over one AWS SDK v3 command of
// the clients of scripts/lib/aws.ts (adaptive retry, the target's endpoint and credentials).
// Every list call goes through the SDK's paginator (or, where the SDK has none, the same loop
// over NextToken), so a fleet of any size is read whole.
//
// Everything above this file talks to a `StackSetApi`; tests build it over clients whose
// requests are answered with recorded AWS responses (test/lib/recorded-aws.ts).
//
// @aws-sdk/client-cloudformation 3.1169.0 (the newest) lacks three members of CreateStackSet /
// UpdateStackSet that CloudFormation has (botocore 1.44.8 documents them):
// ExecutionRoleTemplateBody, ExecutionRoleTemplateUrl and StackSetOutputBucket (the custom
// execution role template of SERVICE_MANAGED stack sets), and DescribeStackSet's
// StackSetOutputBucketPath. `customExecutionRoleMiddleware` appends the request members to the
// serialized AWS Query form; `outputBucketPathMiddleware` reads the response member from the
// raw XML. Both go on the commands that have them and nowhere else.
import {
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DeleteStackInstancesCommand,
  DescribeStackInstanceCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  DetectStackSetDriftCommand,
  ListStackInstanceResourceDriftsCommand,
  StopStackSetOperationCommand,
  UpdateStackInstancesCommand,
  UpdateStackSetCommand,
  paginateListStackInstances,
  paginateListStackSetOperationResults,
  paginateListStackSetOperations,
  type CallAs,
  type CreateStackInstancesCommandInput,
  type CreateStackSetCommandInput,
  type DeleteStackInstancesCommandInput,
  type DetectStackSetDriftCommandInput,
  type StackInstance,
  type StackInstanceResourceDriftsSummary,
  type StackInstanceSummary,
  type StackSet,
  type StackSetOperation,
  type StackSetOperationResultSummary,
  type StackSetOperationSummary,
  type UpdateStackInstancesCommandInput,
  type UpdateStackSetCommandInput,
} from '@aws-sdk/client-cloudformation';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { isAwsError, type AwsClients } from '../aws.js';

export type { StackInstance, StackInstanceSummary, StackSetOperation, StackSetOperationResultSummary, StackSetOperationSummary };

/** The request members of the custom execution role template (CreateStackSet / UpdateStackSet, SERVICE_MANAGED). */
export interface CustomExecutionRole {
  readonly ExecutionRoleTemplateBody?: string;
  readonly ExecutionRoleTemplateUrl?: string;
  readonly StackSetOutputBucket?: string;
}

/** DescribeStackSet's StackSet, with the member the SDK does not know. */
export type DescribedStackSet = StackSet & { readonly StackSetOutputBucketPath?: string };

/** RFC 3986 form encoding, as the SDK's AWS Query serializer writes every other member. */
const formEncode = (value: string): string => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The form fields `members` adds to an AWS Query request body (undefined members are left out). */
export function customExecutionRoleFields(members: CustomExecutionRole): string {
  return (['ExecutionRoleTemplateBody', 'ExecutionRoleTemplateUrl', 'StackSetOutputBucket'] as const)
    .filter((key) => members[key] !== undefined)
    .map((key) => `&${key}=${formEncode(members[key]!)}`)
    .join('');
}

interface MiddlewareStackOf {
  addRelativeTo(middleware: unknown, options: { relation: 'before' | 'after'; toMiddleware: string; name: string; override?: boolean }): void;
}

/**
 * Serialize step, after the SDK's serializer: the custom execution role members appended to the
 * AWS Query form body. Signing (finalizeRequest) and Content-Length (build) come later, so both
 * cover them. https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html
 */
function customExecutionRoleMiddleware(members: CustomExecutionRole) {
  const fields = customExecutionRoleFields(members);
  return (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
    const request = args.request as { body?: unknown };
    if (fields && typeof request.body === 'string') request.body += fields;
    return next(args);
  };
}

function withCustomExecutionRole<C extends { middlewareStack: unknown }>(command: C, members: CustomExecutionRole): C {
  if (customExecutionRoleFields(members) === '') return command;
  (command.middlewareStack as MiddlewareStackOf).addRelativeTo(customExecutionRoleMiddleware(members), {
    relation: 'after',
    toMiddleware: 'serializerMiddleware',
    name: 'stacksetCustomExecutionRoleMembers',
  });
  return command;
}

/** The text of `<StackSetOutputBucketPath>` in a DescribeStackSet XML response, if any. */
export const outputBucketPathOf = (xml: string): string | undefined =>
  /<StackSetOutputBucketPath>([^<]*)<\/StackSetOutputBucketPath>/.exec(xml)?.[1]?.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/**
 * Deserialize step, between the HTTP handler and the SDK's deserializer: reads the raw XML once,
 * keeps StackSetOutputBucketPath, and hands the same bytes on to the deserializer.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSet.html
 */
function outputBucketPathMiddleware(found: (path: string | undefined) => void) {
  return (next: (args: unknown) => Promise<{ response: unknown }>) => async (args: unknown) => {
    const result = await next(args);
    const response = result.response as { body?: unknown };
    const bytes = await bodyBytes(response.body);
    if (bytes) {
      found(outputBucketPathOf(new TextDecoder().decode(bytes)));
      response.body = bytes;
    }
    return result;
  };
}

async function bodyBytes(body: unknown): Promise<Uint8Array | undefined> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
    return Buffer.concat(chunks);
  }
  return undefined;
}

const isNotFound = (e: unknown): boolean => isAwsError(e, 'StackSetNotFoundException');

/** Operation statuses in which an operation still holds (or waits for) the stack set. */
export const ACTIVE_OPERATION = new Set(['RUNNING', 'QUEUED', 'STOPPING']);

/** Collects every item of a paginator's pages. */
async function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => readonly T[] | undefined): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}

/** The StackSet calls this tool makes, each a thin wrapper over one API action. */
export class StackSetApi {
  constructor(
    readonly clients: AwsClients,
    /** CallAs for SERVICE_MANAGED stack sets run from a delegated administrator account. */
    readonly callAs?: CallAs,
  ) {}

  private get cfn() {
    return this.clients.cloudformation();
  }

  private get as(): { CallAs?: CallAs } {
    return this.callAs ? { CallAs: this.callAs } : {};
  }

  async callerAccount(): Promise<string> {
    return (await this.clients.sts().send(new GetCallerIdentityCommand({}))).Account ?? '';
  }

  /** The stack set (with StackSetOutputBucketPath when AWS reports one), or undefined when it does not exist. */
  async describeStackSet(name: string): Promise<DescribedStackSet | undefined> {
    let outputBucketPath: string | undefined;
    const command = new DescribeStackSetCommand({ StackSetName: name, ...this.as });
    (command.middlewareStack as unknown as MiddlewareStackOf).addRelativeTo(
      outputBucketPathMiddleware((path) => (outputBucketPath = path)),
      {
        relation: 'after',
        toMiddleware: 'deserializerMiddleware',
        name: 'stacksetOutputBucketPath',
      },
    );
    try {
      const stackSet = (await this.cfn.send(command)).StackSet;
      if (!stackSet || stackSet.Status === 'DELETED') return undefined;
      return outputBucketPath !== undefined ? { ...stackSet, StackSetOutputBucketPath: outputBucketPath } : stackSet;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async createStackSet(input: CreateStackSetCommandInput, role: CustomExecutionRole = {}): Promise<void> {
    await this.cfn.send(withCustomExecutionRole(new CreateStackSetCommand({ ...input, ...this.as }), role));
  }

  async updateStackSet(input: UpdateStackSetCommandInput, role: CustomExecutionRole = {}): Promise<string> {
    return (await this.cfn.send(withCustomExecutionRole(new UpdateStackSetCommand({ ...input, ...this.as }), role))).OperationId ?? '';
  }

  async listStackInstances(name: string): Promise<StackInstanceSummary[]> {
    return collect(paginateListStackInstances({ client: this.cfn }, { StackSetName: name, ...this.as }), (page) => page.Summaries);
  }

  async describeStackInstance(name: string, account: string, region: string): Promise<StackInstance | undefined> {
    const input = { StackSetName: name, StackInstanceAccount: account, StackInstanceRegion: region, ...this.as };
    return (await this.cfn.send(new DescribeStackInstanceCommand(input))).StackInstance;
  }

  async createStackInstances(input: CreateStackInstancesCommandInput): Promise<string> {
    return (await this.cfn.send(new CreateStackInstancesCommand({ ...input, ...this.as }))).OperationId ?? '';
  }

  async updateStackInstances(input: UpdateStackInstancesCommandInput): Promise<string> {
    return (await this.cfn.send(new UpdateStackInstancesCommand({ ...input, ...this.as }))).OperationId ?? '';
  }

  async deleteStackInstances(input: DeleteStackInstancesCommandInput): Promise<string> {
    return (await this.cfn.send(new DeleteStackInstancesCommand({ ...input, ...this.as }))).OperationId ?? '';
  }

  async describeOperation(name: string, operationId: string): Promise<StackSetOperation> {
    const out = await this.cfn.send(new DescribeStackSetOperationCommand({ StackSetName: name, OperationId: operationId, ...this.as }));
    return out.StackSetOperation ?? { OperationId: operationId };
  }

  async listOperationResults(name: string, operationId: string): Promise<StackSetOperationResultSummary[]> {
    return collect(paginateListStackSetOperationResults({ client: this.cfn }, { StackSetName: name, OperationId: operationId, ...this.as }), (page) => page.Summaries);
  }

  /** Every operation of the stack set, newest first (as AWS lists them). */
  async listOperations(name: string): Promise<StackSetOperationSummary[]> {
    return collect(paginateListStackSetOperations({ client: this.cfn }, { StackSetName: name, ...this.as }), (page) => page.Summaries);
  }

  async stopOperation(name: string, operationId: string): Promise<void> {
    await this.cfn.send(new StopStackSetOperationCommand({ StackSetName: name, OperationId: operationId, ...this.as }));
  }

  async detectDrift(input: DetectStackSetDriftCommandInput): Promise<string> {
    return (await this.cfn.send(new DetectStackSetDriftCommand({ ...input, ...this.as }))).OperationId ?? '';
  }

  /** The instance's drifted resources (MODIFIED or DELETED); the SDK has no paginator for this call. */
  async listInstanceResourceDrifts(name: string, account: string, region: string, operationId: string): Promise<StackInstanceResourceDriftsSummary[]> {
    const all: StackInstanceResourceDriftsSummary[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.cfn.send(
        new ListStackInstanceResourceDriftsCommand({
          StackSetName: name,
          StackInstanceAccount: account,
          StackInstanceRegion: region,
          OperationId: operationId,
          StackInstanceResourceDriftStatuses: ['MODIFIED', 'DELETED'],
          NextToken,
          ...this.as,
        }),
      );
      all.push(...(page.Summaries ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return all;
  }

  /** A text object from S3 (a packaged nested template), for the plan's template comparison. */
  async s3Text(bucket: string, key: string): Promise<string> {
    const out = await this.clients.s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToString('utf8')) ?? '';
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
