// The one template type and loader: a parsed CloudFormation template in long form (the YAML/JSON
// reader with the short-form tags is templates-src/core/yaml.ts), its shape checked the way
// CloudFormation requires it — a Resources mapping, each resource with a Type
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html) — and
// the nested stacks it declares.
import { posix } from 'node:path';
import { parseTemplate } from '../../../templates-src/core/yaml.js';

interface CfnParameter {
  Type?: unknown;
  Default?: unknown;
  AllowedValues?: unknown;
  AllowedPattern?: unknown;
  NoEcho?: unknown;
  [key: string]: unknown;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: unknown;
  Condition?: unknown;
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: unknown;
  UpdateReplacePolicy?: unknown;
  [attribute: string]: unknown;
}

interface CfnOutput {
  Value?: unknown;
  Description?: unknown;
  Condition?: unknown;
  Export?: unknown;
  [key: string]: unknown;
}

export interface CfnTemplate {
  AWSTemplateFormatVersion?: unknown;
  Description?: unknown;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, CfnParameter>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
  [section: string]: unknown;
}

/** A template that is not one CloudFormation can read; the message names the file and the path in it. */
export class TemplateShapeError extends Error {}

export interface ShapeProblem {
  readonly path: string;
  /** Set when the problem is one resource's. */
  readonly logicalId?: string;
  readonly rule: string;
  readonly allowed: string;
}

const isMapping = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** What keeps a parsed document from being a template (empty when it is one). */
export function shapeProblems(document: Record<string, unknown>): ShapeProblem[] {
  const resources = document.Resources;
  if (!isMapping(resources)) return [{ path: 'Resources', rule: 'a template needs a Resources section', allowed: 'a mapping of logical IDs to resources' }];
  return Object.entries(resources).flatMap(([logicalId, resource]) =>
    isMapping(resource) && typeof resource.Type === 'string' && resource.Type !== ''
      ? []
      : [{ path: `Resources.${logicalId}`, logicalId, rule: 'a resource needs a Type', allowed: 'a string such as AWS::S3::Bucket' }],
  );
}

/** Parses YAML or JSON (short-form tags included) into a checked template; throws TemplateShapeError naming `file`. */
export function loadTemplate(text: string, file: string): CfnTemplate {
  let document: Record<string, unknown>;
  try {
    document = parseTemplate(text, file);
  } catch (error) {
    const message = (error as Error).message;
    throw new TemplateShapeError(message.startsWith(file) ? message : `${file}: ${message}`);
  }
  const [problem] = shapeProblems(document);
  if (problem) throw new TemplateShapeError(`${file}: ${problem.path}: ${problem.rule} (${problem.allowed})`);
  return document as CfnTemplate;
}

/** Parses without checking the shape: for the validator, which reports every shape problem as a finding. */
export const parseTemplateDocument = (text: string, file: string): CfnTemplate => parseTemplate(text, file) as CfnTemplate;

export const NESTED_STACK = 'AWS::CloudFormation::Stack';

export interface NestedStack {
  readonly logicalId: string;
  readonly resource: CfnResource;
  /** The TemplateURL as written (a string, or an intrinsic). */
  readonly templateUrl: unknown;
  /** The template file it names, when TemplateURL is a local path (not yet packaged), relative to the parent. */
  readonly localFile?: string;
}

/** A TemplateURL that names a local file (no URL scheme: not https://, s3://, file:…). */
export const isLocalTemplateUrl = (url: unknown): url is string => typeof url === 'string' && url !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(url);

/** The AWS::CloudFormation::Stack resources of a template, in template order. */
export function nestedStacks(template: CfnTemplate | undefined): NestedStack[] {
  return Object.entries(template?.Resources ?? {})
    .filter(([, resource]) => resource?.Type === NESTED_STACK)
    .map(([logicalId, resource]) => {
      const templateUrl = resource.Properties?.TemplateURL;
      return isLocalTemplateUrl(templateUrl) ? { logicalId, resource, templateUrl, localFile: templateUrl } : { logicalId, resource, templateUrl };
    });
}

/** A nested template's file relative to the directory of its parent's file. */
export const childFile = (parentFile: string, localFile: string): string => posix.normalize(posix.join(posix.dirname(parentFile), localFile));
