// Real AWS SDK v3 clients whose requests never leave the process: each one is answered with a
// recorded AWS response. Responses are written as the SDK's output shape (which is the API
// Reference's response shape) and turned into what the service puts on the wire — AWS Query XML
// for CloudFormation and STS, JSON for Organizations, SSM and ACM, REST for S3 — so the SDK's own
// deserializers, paginators, retry and our middleware all run exactly as against AWS.
//
//   const aws = recordedAws({ cloudformation: { DescribeStackSet: {...}, ListStackInstances: [page1, page2] } });
//   new StackSetApi(aws.clients.admin) ...; aws.calls   // every call: service, command, input, account, region, body
//
// A table entry is a response, a list of responses (one per call, the last one repeats), a
// function (input, call) => response, or { $error: { code, message?, status? } }.
import { ACMClient } from '@aws-sdk/client-acm';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { Readable } from 'node:stream';
import type { AwsClients } from '../../scripts/lib/aws.js';
import type { AccountClients, StackSetClients } from '../../scripts/lib/stackset/clients.js';

type Service = 'cloudformation' | 'sts' | 's3' | 'organizations' | 'ssm' | 'acm';

interface RecordedCall {
  readonly service: Service;
  /** The SDK command without "Command", e.g. "DescribeStackSet". */
  readonly command: string;
  readonly input: Record<string, any>;
  /** The target account of an in-account client; undefined for the administration account. */
  readonly account?: string;
  readonly region: string;
  /** The serialized request body, as it went on the wire. */
  readonly body: string;
}

export interface RecordedError {
  readonly $error: { readonly code: string; readonly message?: string; readonly status?: number };
}

type Entry = unknown;
export type Responses = Partial<Record<Service, Record<string, Entry>>>;

export interface RecordedAws {
  readonly clients: StackSetClients;
  readonly calls: RecordedCall[];
  /** The calls of one command (optionally of one service). */
  callsOf(command: string, service?: Service): RecordedCall[];
}

export const awsError = (code: string, message = code, status = 400): RecordedError => ({ $error: { code, message, status } });

const QUERY: ReadonlySet<Service> = new Set(['cloudformation', 'sts']);
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** AWS Query XML of an output value: members as elements, lists as <member> items. */
function xmlOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${xmlOf(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([key, v]) => v !== undefined && key !== '$metadata')
      .map(([key, v]) => `<${key}>${xmlOf(v)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** JSON protocols carry timestamps as epoch seconds. */
function jsonOf(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (typeof value === 'string' && ISO_DATE.test(value)) return Date.parse(value) / 1000;
  if (Array.isArray(value)) return value.map(jsonOf);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonOf(v)]));
  return value;
}

interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

const wire = (statusCode: number, body: string, headers: Record<string, string> = {}): WireResponse => ({
  statusCode,
  headers: { 'x-amzn-requestid': 'recorded', ...headers },
  body: Readable.from([Buffer.from(body)]),
});

function errorResponse(service: Service, error: RecordedError['$error']): WireResponse {
  const status = error.status ?? 400;
  const message = error.message ?? error.code;
  if (QUERY.has(service)) {
    return wire(
      status,
      `<ErrorResponse><Error><Type>Sender</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>recorded</RequestId></ErrorResponse>`,
      { 'content-type': 'text/xml' },
    );
  }
  if (service === 's3') return wire(status, `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(message)}</Message></Error>`, { 'content-type': 'application/xml' });
  return wire(status, JSON.stringify({ __type: error.code, message }), { 'x-amzn-errortype': error.code, 'content-type': 'application/x-amz-json-1.1' });
}

/** S3's REST XML of the list-shaped outputs the tools read: flattened lists, one element per item. */
function s3Xml(command: string, output: any): string | undefined {
  const ns = 'http://s3.amazonaws.com/doc/2006-03-01/';
  const fields = (item: Record<string, unknown>): string =>
    Object.entries(item)
      .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
      .join('');
  const items = (name: string, list: Record<string, unknown>[] | undefined): string => (list ?? []).map((item) => `<${name}>${fields(item)}</${name}>`).join('');
  const scalars = (keys: readonly string[]): string => fields(Object.fromEntries(keys.filter((k) => output[k] !== undefined).map((k) => [k, output[k]])));
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
  if (command === 'ListObjectVersions')
    return `<ListVersionsResult xmlns="${ns}">${scalars(['IsTruncated', 'NextKeyMarker', 'NextVersionIdMarker'])}${items('Version', output.Versions)}${items('DeleteMarker', output.DeleteMarkers)}</ListVersionsResult>`;
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
  if (command === 'DeleteObjects') return `<DeleteResult xmlns="${ns}">${items('Deleted', output.Deleted)}${items('Error', output.Errors)}</DeleteResult>`;
  return undefined;
}

function successResponse(service: Service, command: string, output: any): WireResponse {
  if (QUERY.has(service)) {
    const ns = service === 'sts' ? 'https://sts.amazonaws.com/doc/2011-06-15/' : 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
    return wire(
      200,
      `<${command}Response xmlns="${ns}"><${command}Result>${xmlOf(output ?? {})}</${command}Result><ResponseMetadata><RequestId>recorded</RequestId></ResponseMetadata></${command}Response>`,
      { 'content-type': 'text/xml' },
    );
  }
  if (service === 's3') {
    if (command === 'GetObject') return wire(200, String(output?.Body ?? ''), { 'content-type': 'text/yaml' });
    if (command === 'GetBucketPolicy') return wire(200, String(output?.Policy ?? ''), { 'content-type': 'application/json' });
    if (command === 'HeadObject') return wire(200, '', { 'content-length': '0' });
    const xml = s3Xml(command, output ?? {});
    if (xml !== undefined) return wire(200, xml, { 'content-type': 'application/xml' });
    return wire(output?.$status ?? 204, '');
  }
  return wire(200, JSON.stringify(jsonOf(output ?? {})), { 'content-type': 'application/x-amz-json-1.1' });
}

const isError = (value: unknown): value is RecordedError => Boolean(value && typeof value === 'object' && '$error' in value);

export function recordedAws(responses: Responses, inAccount: (account: string, region: string) => Responses = () => responses): RecordedAws {
  const calls: RecordedCall[] = [];
  const counts = new Map<string, number>();
  let sequence = 0;

  function answer(service: Service, table: Responses, call: RecordedCall): WireResponse {
    const key = `${call.account ?? 'admin'}|${service}|${call.command}`;
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    const entry = table[service]?.[call.command];
    if (entry === undefined) return errorResponse(service, { code: 'NoRecordedResponse', message: `no recorded response for ${service} ${call.command}`, status: 400 });
    const value =
      typeof entry === 'function'
        ? (entry as (input: any, call: RecordedCall, n: number) => unknown)(call.input, call, n)
        : Array.isArray(entry)
          ? entry[Math.min(n, entry.length - 1)]
          : entry;
    return isError(value) ? errorResponse(service, value.$error) : successResponse(service, call.command, value);
  }

  function client<C extends { middlewareStack: any }>(
    Ctor: new (config: any) => C,
    service: Service,
    region: string,
    table: () => Responses,
    account?: string,
    extra: object = {},
  ): C {
    // Which command a request is: noted before serialization, carried to the handler in a header
    // (requests of one client may be in flight together).
    const pending = new Map<string, { command: string; input: Record<string, any> }>();
    const requestHandler = {
      handle: async (request: { body?: unknown; headers: Record<string, string> }) => {
        const body = typeof request.body === 'string' ? request.body : '';
        const noted = pending.get(request.headers['x-recorded-id'])!;
        const call: RecordedCall = { service, command: noted.command, input: noted.input, account, region, body };
        calls.push(call);
        return { response: answer(service, table(), call) };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
    const made = new Ctor({
      region,
      credentials: { accessKeyId: 'recorded', secretAccessKey: 'recorded' },
      maxAttempts: 1,
      requestHandler,
      ...extra,
    });
    made.middlewareStack.add(
      (next: (args: any) => Promise<unknown>, context: { commandName?: string; recordedId?: string }) => async (args: { input: Record<string, any> }) => {
        context.recordedId = String(++sequence);
        pending.set(context.recordedId, { command: String(context.commandName).replace(/Command$/, ''), input: structuredClone(args.input) });
        return next(args);
      },
      { step: 'initialize', name: 'recordedCommand', priority: 'high' },
    );
    made.middlewareStack.add(
      (next: (args: any) => Promise<unknown>, context: { recordedId?: string }) => async (args: { request: { headers: Record<string, string> } }) => {
        args.request.headers['x-recorded-id'] = context.recordedId!;
        return next(args);
      },
      { step: 'build', name: 'recordedCommandHeader' },
    );
    return made;
  }

  const adminClients = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!adminClients.has(key)) adminClients.set(key, make());
    return adminClients.get(key) as T;
  };
  const admin: AwsClients = {
    cloudformation: (region = 'us-east-1') => once(`cfn/${region}`, () => client(CloudFormationClient, 'cloudformation', region, () => responses)),
    s3: (region = 'us-east-1') => once(`s3/${region}`, () => client(S3Client, 's3', region, () => responses, undefined, { forcePathStyle: true })),
    sts: (region = 'us-east-1') => once(`sts/${region}`, () => client(STSClient, 'sts', region, () => responses)),
    organizations: () => once('org', () => client(OrganizationsClient, 'organizations', 'us-east-1', () => responses)),
    of: (Client) => {
      throw new Error(`recorded AWS: ${Client.name} is not recorded here (only CloudFormation, S3, STS and Organizations are)`);
    },
  };
  const accountClients = new Map<string, AccountClients>();
  const clients: StackSetClients = {
    admin,
    inAccount(account, region) {
      const key = `${account}/${region}`;
      if (!accountClients.has(key)) {
        const responsesThere = inAccount(account, region);
        const table = () => responsesThere;
        accountClients.set(key, {
          cloudformation: client(CloudFormationClient, 'cloudformation', region, table, account),
          s3: client(S3Client, 's3', region, table, account, { forcePathStyle: true }),
          ssm: client(SSMClient, 'ssm', region, table, account),
          acm: client(ACMClient, 'acm', region, table, account),
        });
      }
      return accountClients.get(key)!;
    },
  };
  return { clients, calls, callsOf: (command, service) => calls.filter((c) => c.command === command && (!service || c.service === service)) };
}

/** The form fields of an AWS Query request body. */
export const formFields = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body));
