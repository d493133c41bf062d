// IAM policy documents as the rules read them: identity policies of roles and managed policies,
// resource policies of buckets, keys, topics, secrets, file systems, APIs, log destinations.
import type { CheckContext, EvaluatedResource } from './rule-context.js';
import { substitute, textOf } from '../cfn/index.js';
import { list, record } from './rule-kit.js';

export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  /** Where the document sits, e.g. Properties.Policies[0].PolicyDocument. */
  readonly path: string;
  /** Undefined when the document could not be read (a string that is not JSON). */
  readonly statements?: readonly Statement[];
}

/** A policy given as an object, a JSON string, or a Fn::Sub of a JSON string. */
export function parseDocument(value: unknown): readonly Statement[] | undefined {
  let doc: unknown = value;
  const text = textOf(doc);
  if (text !== undefined) {
    try {
      // Every variable reads as one placeholder; ${!Literal} is the literal text ${Literal}.
      doc = JSON.parse(substitute(text, () => 'SUB').text);
    } catch {
      return undefined;
    }
  }
  const statements = record(doc).Statement;
  if (statements === undefined) return undefined;
  return list(statements).map((s) => record(s) as Statement);
}

/** Identity-based policy documents (what a role or policy lets its principals do). */
export function identityPolicies(resource: EvaluatedResource): PolicyDocument[] {
  const p = resource.properties;
  switch (resource.type) {
    case 'AWS::IAM::Role':
      return list(p.Policies).map((policy, i) => ({
        path: `Properties.Policies[${i}] (${String(record(policy).PolicyName ?? i)})`,
        statements: parseDocument(record(policy).PolicyDocument),
      }));
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
      return [{ path: 'Properties.PolicyDocument', statements: parseDocument(p.PolicyDocument) }];
    default:
      return [];
  }
}

/** Resource-based policy types and where their document lives. */
export const RESOURCE_POLICY_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::KMS::Key': 'KeyPolicy',
  'AWS::SecretsManager::ResourcePolicy': 'ResourcePolicy',
  'AWS::Logs::ResourcePolicy': 'PolicyDocument',
  'AWS::EFS::FileSystem': 'FileSystemPolicy',
  'AWS::ApiGateway::RestApi': 'Policy',
  'AWS::Backup::BackupVault': 'AccessPolicy',
  'AWS::ECR::Repository': 'RepositoryPolicyText',
};

export function resourcePolicy(resource: EvaluatedResource): PolicyDocument | undefined {
  const property = RESOURCE_POLICY_PROPERTIES[resource.type];
  const value = property ? resource.properties[property] : undefined;
  if (value === undefined) return undefined;
  return { path: `Properties.${property}`, statements: parseDocument(value) };
}

export const actionsOf = (s: Statement): string[] => list(s.Action).map(String);
export const resourcesOf = (s: Statement): unknown[] => list(s.Resource);
export const isAllow = (s: Statement): boolean => s.Effect === 'Allow';

/** Whether a principal (Principal element) includes everyone. */
export function principalIsAnyone(principal: unknown): boolean {
  if (principal === '*') return true;
  const p = record(principal);
  return list(p.AWS).some((v) => v === '*') || list(p.CanonicalUser).some((v) => v === '*');
}

/** Service principals named in a Principal element. */
export const servicePrincipals = (principal: unknown): string[] => list(record(principal).Service).map(String);

/** Condition keys (lower-cased) a statement tests, over every operator. */
function conditionKeys(s: Statement): Set<string> {
  const keys = new Set<string>();
  for (const block of Object.values(record(s.Condition))) for (const key of Object.keys(record(block))) keys.add(key.toLowerCase());
  return keys;
}

/** Condition keys that pin a statement to this account, organisation, network path or caller. */
const SCOPING_CONDITION_KEYS = new Set([
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:principalarn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'aws:vpcsourceip',
  'kms:calleraccount',
  'kms:viaservice',
  'elasticfilesystem:accessedviamounttarget',
  'aws:principalservicename',
  'aws:calledvia',
]);

export const isScoped = (s: Statement): boolean => [...conditionKeys(s)].some((k) => SCOPING_CONDITION_KEYS.has(k) || k.startsWith('kms:encryptioncontext'));

/** The statement denies requests that do not use TLS (aws:SecureTransport false). */
export function deniesInsecureTransport(s: Statement): boolean {
  if (s.Effect !== 'Deny') return false;
  const bool = record(record(s.Condition).Bool);
  const value = Object.entries(bool).find(([k]) => k.toLowerCase() === 'aws:securetransport')?.[1];
  return list(value).some((v) => v === false || String(v).toLowerCase() === 'false');
}

/** The statement denies TLS versions below 1.2 (s3:TlsVersion NumericLessThan 1.2). */
export function deniesOldTls(s: Statement): boolean {
  if (s.Effect !== 'Deny') return false;
  const less = record(record(s.Condition).NumericLessThan);
  const value = Object.entries(less).find(([k]) => /:tlsversion$/i.test(k))?.[1];
  return list(value).some((v) => Number(v) >= 1.2);
}

/** Resource policies in the context that point at `target` (a bucket policy's Bucket, a topic policy's Topics …). */
export function policiesFor(ctx: CheckContext, target: EvaluatedResource, type: string): EvaluatedResource[] {
  return ctx.referrers(target, type).map((r) => r.from);
}
