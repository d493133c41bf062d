// The template a stack set is created from, and whether the deployed one differs.
//
// The platform root has nested stacks: it is packaged (layers uploaded to the artifact bucket,
// readable by the target accounts; TemplateURLs rewritten) and the stack set gets the packaged
// root's URL. A single template without nested stacks (the tests' small template) goes inline.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadTemplate, nestedStacks, type CfnTemplate } from '../cfn/index.js';
import type { AwsTarget } from '../aws.js';
import { GENERATED_TEMPLATES } from '../paths.js';
import { mapLimited } from './api.js';
import { KEY_PREFIX, defaultBucketName, planPackage, templateUrl } from '../package.js';
import { DEFAULT_TEMPLATE, type StackSetSpec } from './manifest.js';

/** CloudFormation's limit for an inline TemplateBody. */
const TEMPLATE_BODY_LIMIT = 51_200;

export interface TemplateSource {
  readonly templateBody?: string;
  readonly templateUrl?: string;
  /** The text the stack set will hold (DescribeStackSet's TemplateBody after the update). */
  readonly text: string;
  readonly uploaded: readonly string[];
  readonly skipped: readonly string[];
  /** The artifact bucket and the key prefix of the packaged templates (nested templates only). */
  readonly bucket?: string;
  readonly keyPrefix?: string;
}

/** scripts/lib/package.ts (issue #8): uploads the layers content-addressed, writes the packaged root. */
export type PackageTemplates = (opts: {
  target: AwsTarget;
  region?: string;
  bucket?: string;
  readers?: { organizationId?: string; accounts?: string[] };
}) => Promise<{ bucket: string; rootTemplatePath: string; rootTemplateUrl: string; uploaded: string[]; skipped: string[] }>;

export class TemplateSourceError extends Error {}

/** Loaded on first use, so that plan and the manifest checks never need the packager. */
async function loadPackager(): Promise<PackageTemplates> {
  const modulePath = '../package.js';
  try {
    const module = (await import(modulePath)) as { packageTemplates?: PackageTemplates };
    if (typeof module.packageTemplates === 'function') return module.packageTemplates;
  } catch (e) {
    throw new TemplateSourceError(`packaging the platform needs scripts/lib/package.ts (make package): ${(e as Error).message.split('\n')[0]}`);
  }
  throw new TemplateSourceError('scripts/lib/package.ts does not export packageTemplates');
}

/**
 * The packaged platform as it would be, without calling AWS (keys are content hashes): when the
 * stack set already holds exactly this root, every template it names is in the bucket already and
 * nothing needs uploading — the run skips packaging.
 */
export function alreadyPackaged(spec: StackSetSpec, target: AwsTarget, account: string, deployedBody: string | undefined): TemplateSource | undefined {
  if (!spec.hasNestedStacks || deployedBody === undefined) return undefined;
  const bucket = defaultBucketName(account, target.region);
  const plan = planPackage(GENERATED_TEMPLATES, (key) => templateUrl(bucket, key, target));
  const root = plan[plan.length - 1];
  if (root.text !== deployedBody) return undefined;
  return { templateUrl: templateUrl(bucket, root.key, target), text: root.text, uploaded: [], skipped: plan.map((t) => t.key), bucket, keyPrefix: KEY_PREFIX };
}

export async function templateForStackSet(
  spec: StackSetSpec,
  target: AwsTarget,
  packager?: PackageTemplates,
  deployed?: { account: string; body?: string },
): Promise<TemplateSource> {
  const known = deployed && !packager ? alreadyPackaged(spec, target, deployed.account, deployed.body) : undefined;
  if (known) return known;
  if (!spec.hasNestedStacks) {
    const bytes = Buffer.byteLength(spec.templateText);
    if (bytes > TEMPLATE_BODY_LIMIT) {
      throw new TemplateSourceError(
        `${spec.template}: ${bytes} bytes, over the ${TEMPLATE_BODY_LIMIT}-byte inline template limit; only the platform root (${DEFAULT_TEMPLATE}) is packaged to S3`,
      );
    }
    return { templateBody: spec.templateText, text: spec.templateText, uploaded: [], skipped: [] };
  }
  const packageTemplates = packager ?? (await loadPackager());
  // No readers: the packager would rewrite the whole bucket policy for this manifest's accounts;
  // artifact-readers.ts merges this stack set's readers into it instead.
  const result = await packageTemplates({ target });
  return {
    templateUrl: result.rootTemplateUrl,
    text: readFileSync(result.rootTemplatePath, 'utf8'),
    uploaded: result.uploaded,
    skipped: result.skipped,
    bucket: result.bucket,
    keyPrefix: KEY_PREFIX,
  };
}

/** Bucket and key of an S3 object URL (virtual-hosted or path style). */
export function s3Location(url: string): { bucket: string; key: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const virtualHosted = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(parsed.hostname);
  if (virtualHosted) return { bucket: virtualHosted[1], key: path };
  if (/^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.test(parsed.hostname)) {
    const slash = path.indexOf('/');
    return slash > 0 ? { bucket: path.slice(0, slash), key: path.slice(slash + 1) } : undefined;
  }
  return undefined;
}

/** The root with every nested stack's TemplateURL blanked: what is left must match as is. */
function withoutTemplateUrls(tree: CfnTemplate): CfnTemplate {
  const copy = structuredClone(tree);
  for (const { resource } of nestedStacks(copy)) if (resource.Properties) resource.Properties.TemplateURL = '(packaged)';
  return copy;
}

/**
 * What differs between the deployed stack set template and the local one, without packaging
 * (plan changes nothing): the root is compared with TemplateURLs left out, and each nested
 * template deployed is read back from S3 and compared with generated/templates/<layer>.yaml.
 */
export async function templateDifferences(spec: StackSetSpec, deployedBody: string | undefined, readS3: (bucket: string, key: string) => Promise<string>): Promise<string[]> {
  if (deployedBody === undefined) return ['the deployed template could not be read'];
  if (!spec.hasNestedStacks) return deployedBody === spec.templateText ? [] : [`${spec.template} differs from the deployed template`];
  const local = loadTemplate(spec.templateText, spec.template);
  let deployed: CfnTemplate;
  try {
    deployed = loadTemplate(deployedBody, 'deployed template');
  } catch {
    return ['the deployed template is not a template this tool can read'];
  }
  const changes: string[] = [];
  if (!isDeepStrictEqual(withoutTemplateUrls(local), withoutTemplateUrls(deployed))) changes.push(`${spec.template} (outside the nested stacks' TemplateURLs)`);
  const layerChanges = await mapLimited(nestedStacks(local), 4, async ({ logicalId: id, templateUrl }): Promise<string | undefined> => {
    const file = String(templateUrl);
    const deployedUrl = deployed.Resources?.[id]?.Properties?.TemplateURL;
    const location = typeof deployedUrl === 'string' ? s3Location(deployedUrl) : undefined;
    if (!location) return `${file}: new nested stack ${id}`;
    const localPath = join(GENERATED_TEMPLATES, file);
    if (!existsSync(localPath)) return `${file}: missing from generated/templates (run make build)`;
    try {
      const deployedLayer = loadTemplate(await readS3(location.bucket, location.key), String(deployedUrl));
      return isDeepStrictEqual(loadTemplate(readFileSync(localPath, 'utf8'), file), deployedLayer) ? undefined : `${file} changed`;
    } catch (e) {
      return `${file}: the deployed copy ${deployedUrl} could not be read (${(e as Error).message.split('\n')[0]}); counted as changed`;
    }
  });
  changes.push(...layerChanges.filter((c): c is string => c !== undefined));
  return changes;
}
