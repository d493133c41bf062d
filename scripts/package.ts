// make package: uploads the nested templates (content-addressed) and writes build/packaged/root.yaml.
//   TARGET=local (default: the emulator) | TARGET=aws AWS_REGION=... [ARTIFACT_BUCKET=...]
//   [ARTIFACT_READERS_ORG=o-...] [ARTIFACT_READERS_ACCOUNTS=111111111111,222222222222]
import { relative } from 'node:path';
import { AwsTargetError, callerIdentity, resolveTarget } from './lib/aws.js';
import { packageTemplates, PackageError, type ArtifactReaders } from './lib/package.js';
import { ROOT } from './lib/paths.js';

function readersFromEnvironment(environment: NodeJS.ProcessEnv): ArtifactReaders | undefined {
  const organizationId = environment.ARTIFACT_READERS_ORG?.trim() || undefined;
  const accounts = environment.ARTIFACT_READERS_ACCOUNTS?.split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return organizationId || accounts?.length ? { organizationId, accounts } : undefined;
}

async function main(): Promise<void> {
  const started = performance.now();
  const target = resolveTarget();
  await callerIdentity(target);
  const result = await packageTemplates({ target, bucket: process.env.ARTIFACT_BUCKET?.trim() || undefined, readers: readersFromEnvironment(process.env) });
  for (const key of result.uploaded) console.log(`package: uploaded s3://${result.bucket}/${key}`);
  console.log(
    `package: ${result.uploaded.length} uploaded, ${result.skipped.length} unchanged (already in s3://${result.bucket}) in ${(performance.now() - started).toFixed(0)} ms`,
  );
  console.log(`package: packaged root ${relative(ROOT, result.rootTemplatePath)} (${result.rootTemplateUrl})`);
}

main().catch((error: unknown) => {
  if (error instanceof PackageError || error instanceof AwsTargetError) {
    console.error(`package: ${error.message}`);
    process.exit(1);
  }
  throw error;
});
