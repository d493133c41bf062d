// A StackSet administration account answered with recorded AWS responses, for the rollout tests:
// the responses are the API Reference's shapes (the recorded-aws harness puts them on the wire);
// the little state kept between them is only what AWS documents about the order of calls:
//  - an operation is RUNNING on its first poll and then ends (SUCCEEDED unless `failing` says so);
//  - without managed execution, an operation started while another runs is refused with
//    OperationInProgressException (API_CreateStackInstances, API_UpdateStackSet: Errors);
//  - UpdateStackSet refuses ManagedExecution together with the template or parameters
//    ("Cannot update ManagedExecution while updating StackSet Template or Parameters"), and while
//    operations run or queue (API_ManagedExecution: "You can't modify your StackSet's execution
//    configuration while there are running or queued operations for that StackSet").
import type { AwsTarget } from '../../scripts/lib/aws.js';
import { StackSetApi } from '../../scripts/lib/stackset/api.js';
import type { StackSetSpec } from '../../scripts/lib/stackset/manifest.js';
import type { RolloutContext } from '../../scripts/lib/stackset/rollout.js';
import type { PackageTemplates } from '../../scripts/lib/stackset/template-source.js';
import { awsError, formFields, recordedAws, type RecordedAws, type Responses } from './recorded-aws.js';

export const ADMIN_ACCOUNT = '123456789012';
const AWS_TARGET: AwsTarget = { kind: 'aws', region: 'us-east-1', env: {} };

interface Instance {
  Account: string;
  Region: string;
  Status: string;
  StackInstanceStatus?: { DetailedStatus: string };
  StatusReason?: string;
  StackId?: string;
  OrganizationalUnitId?: string;
  ParameterOverrides?: { ParameterKey: string; ParameterValue: string }[];
}

export interface FakeOptions {
  /** The stack set as DescribeStackSet returns it; none: it does not exist yet. */
  stackSet?: Record<string, any>;
  instances?: Instance[];
  /** Operations already listed (auto-deployment, a console user, an earlier run). */
  operations?: { OperationId: string; Action: string; Status: string }[];
  /** Polls of DescribeStackSetOperation answered with these errors first (throttling …). */
  pollErrors?: unknown[];
  /** Operation results: FAILED for the instances this says (of the stack set named, when it matters). */
  failing?: (account: string, region: string, stackSetName: string) => string | undefined;
  /** Responses of the target accounts (read path). */
  inAccount?: (account: string, region: string) => Responses;
  /** Extra responses of the administration account (Organizations, S3 …). */
  extra?: Responses;
}

export interface FakeAws {
  readonly aws: RecordedAws;
  readonly ctx: RolloutContext;
  readonly logLines: string[];
  /** UpdateStackSet calls as the API got them (form fields). */
  updates(): Record<string, string>[];
}

const PACKAGED = 'https://payment-cfn-artifacts-123456789012-us-east-1.s3.us-east-1.amazonaws.com/templates/root-0123456789abcdef.yaml';

/** A packager that uploads nothing: the platform's root as if packaged (tests never reach S3 for it). */
const fakePackager =
  (rootText: string): PackageTemplates =>
  async () => {
    const file = `/tmp/stackset-test-root-${process.pid}.yaml`;
    (await import('node:fs')).writeFileSync(file, rootText);
    return {
      bucket: 'payment-cfn-artifacts-123456789012-us-east-1',
      rootTemplatePath: file,
      rootTemplateUrl: PACKAGED,
      uploaded: [],
      skipped: ['templates/root-0123456789abcdef.yaml', 'templates/network-0123456789abcdef.yaml'],
    };
  };

export function fakeStackSetAws(spec: StackSetSpec, options: FakeOptions = {}): FakeAws {
  // One state per stack set name: a platform manifest's run also manages its DR vault stack set.
  interface SetState {
    stackSet?: Record<string, any>;
    instances: Instance[];
    operations: { OperationId: string; Action: string; Status: string; polls: number; where?: { Account: string; Region: string }[] }[];
  }
  const sets = new Map<string, SetState>([
    [
      spec.manifest.stackSetName,
      { stackSet: options.stackSet, instances: [...(options.instances ?? [])], operations: [...(options.operations ?? [])].map((o) => ({ ...o, polls: 0 })) },
    ],
  ]);
  const of = (name: string): SetState => {
    if (!sets.has(name)) sets.set(name, { instances: [], operations: [] });
    return sets.get(name)!;
  };
  const pollErrors = [...(options.pollErrors ?? [])];
  let bucketPolicy: string | undefined;
  const uploaded = new Set<string>();
  const logLines: string[] = [];
  const running = (st: SetState) => st.operations.filter((o) => ['RUNNING', 'QUEUED'].includes(o.Status));
  const managed = (st: SetState) => Boolean(st.stackSet?.ManagedExecution?.Active);
  const start = (name: string, action: string, id: string, where: { Account: string; Region: string }[]) => {
    const st = of(name);
    if (running(st).length > 0 && !managed(st))
      return awsError('OperationInProgressException', `Another Operation on StackSet [${name}] is in progress: ${running(st)[0].OperationId}`);
    if (st.operations.some((o) => o.OperationId === id)) return awsError('OperationIdAlreadyExistsException', `Operation ${id} already exists`);
    st.operations.unshift({ OperationId: id, Action: action, Status: 'RUNNING', polls: 0, where });
    return { OperationId: id };
  };
  const targets = (input: any): { Account: string; Region: string }[] => {
    const accounts: string[] = input.Accounts ?? input.DeploymentTargets?.Accounts ?? input.DeploymentTargets?.OrganizationalUnitIds ?? [];
    return (input.Regions ?? []).flatMap((Region: string) => accounts.map((Account) => ({ Account, Region })));
  };
  const cloudformation: Record<string, unknown> = {
    DescribeStackSet: (input: any) => {
      const st = of(input.StackSetName);
      return st.stackSet ? { StackSet: st.stackSet } : awsError('StackSetNotFoundException', `StackSet ${input.StackSetName} not found`);
    },
    CreateStackSet: (input: any) => {
      // As DescribeStackSet reports it (a TemplateURL's template as its body: the fake packager's root is the spec's text).
      of(input.StackSetName).stackSet = {
        StackSetName: input.StackSetName,
        Status: 'ACTIVE',
        Parameters: input.Parameters,
        Tags: input.Tags,
        Description: input.Description,
        ManagedExecution: input.ManagedExecution,
        PermissionModel: input.PermissionModel,
        TemplateBody: input.TemplateBody ?? spec.templateText,
        AdministrationRoleARN: input.AdministrationRoleARN,
        ExecutionRoleName: input.ExecutionRoleName,
        AutoDeployment: input.AutoDeployment,
      };
      return { StackSetId: `${input.StackSetName}:1` };
    },
    UpdateStackSet: (input: any, call: { body: string }) => {
      const st = of(input.StackSetName);
      const fields = formFields(call.body);
      const changesTemplate = 'TemplateURL' in fields || 'TemplateBody' in fields || Object.keys(fields).some((k) => /^Parameters\.member\.\d+\.ParameterValue$/.test(k));
      const changesManaged = input.ManagedExecution && Boolean(input.ManagedExecution.Active) !== managed(st);
      if (changesManaged && changesTemplate) return awsError('InvalidOperationException', 'Cannot update ManagedExecution while updating StackSet Template or Parameters');
      if (changesManaged && running(st).length > 0)
        return awsError('InvalidOperationException', "You can't modify your StackSet's execution configuration while there are running or queued operations");
      const answer = start(input.StackSetName, 'UPDATE', input.OperationId, st.instances);
      if (!('$error' in (answer as object)) && changesManaged) st.stackSet = { ...st.stackSet, ManagedExecution: { Active: input.ManagedExecution.Active } };
      return answer;
    },
    CreateStackInstances: (input: any) => {
      const answer = start(input.StackSetName, 'CREATE', input.OperationId, targets(input));
      if (!('$error' in (answer as object))) {
        for (const t of targets(input))
          of(input.StackSetName).instances.push({
            ...t,
            Status: 'OUTDATED',
            StackInstanceStatus: { DetailedStatus: 'PENDING' },
            StackId: `arn:aws:cloudformation:${t.Region}:${t.Account}:stack/StackSet-${input.StackSetName}-${t.Account}/1`,
            ParameterOverrides: input.ParameterOverrides ?? [],
          });
      }
      return answer;
    },
    UpdateStackInstances: (input: any) => start(input.StackSetName, 'UPDATE', input.OperationId, targets(input)),
    DeleteStackInstances: (input: any) => start(input.StackSetName, 'DELETE', input.OperationId, targets(input)),
    ListStackInstances: (input: any) => ({ Summaries: of(input.StackSetName).instances.map(({ ParameterOverrides: _, ...s }) => s) }),
    DescribeStackInstance: (input: any) => {
      const found = of(input.StackSetName).instances.find((i) => i.Account === input.StackInstanceAccount && i.Region === input.StackInstanceRegion);
      return found ? { StackInstance: found } : awsError('StackInstanceNotFoundException', 'Stack instance not found');
    },
    ListStackSetOperations: (input: any) => ({ Summaries: of(input.StackSetName).operations.map((o) => ({ OperationId: o.OperationId, Action: o.Action, Status: o.Status })) }),
    DescribeStackSetOperation: (input: any) => {
      if (pollErrors.length > 0) return pollErrors.shift();
      const st = of(input.StackSetName);
      const op = st.operations.find((o) => o.OperationId === input.OperationId);
      if (!op) return awsError('OperationNotFoundException', `Operation ${input.OperationId} not found`);
      op.polls++;
      if (op.Status === 'RUNNING' && op.polls >= 2) {
        op.Status = 'SUCCEEDED';
        for (const w of op.where ?? []) {
          const i = st.instances.find((x) => x.Account === w.Account && x.Region === w.Region);
          const reason = options.failing?.(w.Account, w.Region, input.StackSetName);
          if (i)
            Object.assign(
              i,
              reason
                ? { Status: 'OUTDATED', StackInstanceStatus: { DetailedStatus: 'FAILED' }, StatusReason: reason }
                : { Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' }, StatusReason: undefined },
            );
        }
      }
      return { StackSetOperation: { OperationId: op.OperationId, Action: op.Action, Status: op.Status } };
    },
    ListStackSetOperationResults: (input: any) => {
      const op = of(input.StackSetName).operations.find((o) => o.OperationId === input.OperationId);
      return {
        Summaries: (op?.where ?? []).map((w) => ({
          ...w,
          Status: op!.Status === 'RUNNING' ? 'RUNNING' : options.failing?.(w.Account, w.Region, input.StackSetName) ? 'FAILED' : 'SUCCEEDED',
          StatusReason: options.failing?.(w.Account, w.Region, input.StackSetName),
        })),
      };
    },
    StopStackSetOperation: (input: any) => {
      const op = of(input.StackSetName).operations.find((o) => o.OperationId === input.OperationId);
      if (!op) return awsError('OperationNotFoundException', 'not found');
      op.Status = 'STOPPED';
      return {};
    },
  };
  const responses: Responses = {
    ...options.extra,
    cloudformation: { ...cloudformation, ...(options.extra?.cloudformation ?? {}) },
    sts: { GetCallerIdentity: { Account: ADMIN_ACCOUNT, Arn: `arn:aws:iam::${ADMIN_ACCOUNT}:user/ops`, UserId: 'ops' }, ...(options.extra?.sts ?? {}) },
    s3: {
      GetBucketPolicy: () => (bucketPolicy ? { Policy: bucketPolicy } : awsError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404)),
      PutBucketPolicy: (input: { Policy: string }) => {
        bucketPolicy = input.Policy;
        return {};
      },
      // Uploads of the administration account (the custom execution role template): an object absent until put.
      HeadObject: (input: { Key: string }) => (uploaded.has(input.Key) ? {} : awsError('NotFound', 'Not Found', 404)),
      PutObject: (input: { Key: string }) => {
        uploaded.add(input.Key);
        return { ETag: '"0"' };
      },
      ...(options.extra?.s3 ?? {}),
    },
  };
  const aws = recordedAws(responses, options.inAccount ?? ((_, region) => healthyAccount(region)));
  const ctx: RolloutContext = {
    api: new StackSetApi(aws.clients.admin, spec.manifest.permissions.model === 'SERVICE_MANAGED' ? spec.manifest.permissions.callAs : undefined),
    clients: aws.clients,
    target: AWS_TARGET,
    log: (line) => logLines.push(line),
    deleteStacks: false,
    wait: { pollMs: 0, timeoutMs: 60_000, sleep: async () => undefined } as never,
    packager: fakePackager(spec.templateText),
  };
  return {
    aws,
    ctx,
    logLines,
    updates: () =>
      aws
        .callsOf('UpdateStackSet')
        .filter((c) => c.input.StackSetName === spec.manifest.stackSetName)
        .map((c) => formFields(c.body)),
  };
}

/** The DR region a healthy account names in `region` (the two EU regions back each other up; elsewhere none). */
const drRegionIn = (region?: string): string => (region === 'eu-west-1' ? 'eu-central-1' : region === 'eu-central-1' ? 'eu-west-1' : 'none');

/** A target account whose instance stacks (root and nested) completed, whose SSM parameters and certificates exist. */
export function healthyAccount(region?: string): Responses {
  return {
    cloudformation: {
      DescribeStacks: (input: { StackName: string }) => ({
        Stacks: [
          { StackId: input.StackName, StackName: input.StackName.split('/')[1] ?? input.StackName, StackStatus: 'CREATE_COMPLETE', CreationTime: '2026-11-20T10:00:00.000Z' },
        ],
      }),
      ListStackResources: { StackResourceSummaries: [] },
      DescribeStackEvents: { StackEvents: [] },
    },
    s3: { HeadObject: {} },
    ssm: {
      GetParameters: (input: { Names: string[] }) => ({
        Parameters: input.Names.map((Name) => ({
          Name,
          Type: 'String',
          Value: Name.includes('certificate') ? 'arn:aws:acm:eu-west-1:111111111111:certificate/abc' : Name.includes('dr-region') ? drRegionIn(region) : 'value',
        })),
        InvalidParameters: [],
      }),
    },
    acm: { DescribeCertificate: { Certificate: { CertificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc', Status: 'ISSUED' } } },
  };
}
