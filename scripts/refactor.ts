// make refactor ENV=dev|staging|prod [APPLY=1]: the stack refactor for the stateful resources the
// new templates rename or move between layers (scripts/lib/deploy/refactor.ts). Without APPLY it
// shows the mappings and CloudFormation's planned actions; with APPLY=1 it executes them. Then
// make deploy has nothing to replace.
import { awsClients, AwsTargetError, callerIdentity, resolveTarget } from './lib/aws.js';
import { checkEnvironment, DeployInputError, stackNameFor } from './lib/deploy/inputs.js';
import { formatPlan, planRefactor, runRefactor } from './lib/deploy/refactor.js';
import { describeStack, nestedStacks, stackReader } from './lib/deploy/stacks.js';
import { deploymentTemplates } from './lib/deploy/deploy.js';
import { templatesFromStack } from './lib/diff/source-stack.js';
import { planPackage, templateUrl, defaultBucketName, packageTemplates } from './lib/package.js';
import { GENERATED_TEMPLATES } from './lib/paths.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const env = checkEnvironment(argv[argv.indexOf('--env') + 1] ?? process.env.ENV);
  const target = resolveTarget();
  const identity = await callerIdentity(target);
  const stackName = stackNameFor(env);
  const stack = await describeStack(target, stackName);
  if (!stack) throw new DeployInputError(`no stack ${stackName}: nothing deployed to refactor`);
  const after = deploymentTemplates(GENERATED_TEMPLATES, 'root.yaml');
  const before = await templatesFromStack(stack.StackId, after, stackReader(target));
  const plan = planRefactor(before, after);
  const layers = await nestedStacks(target, stack.StackId);
  const fileToLayer = new Map(Object.entries(after.templates.get('root.yaml')?.Resources ?? {}).map(([id, r]) => [String(r.Properties?.TemplateURL ?? ''), id]));
  const stackOf = (template: string): string => (template === 'root.yaml' ? stack.StackId : (layers.get(fileToLayer.get(template) ?? '') ?? template));
  console.log(`refactor: ${stackName}: ${plan.moves.length} resource(s) to move or rename`);
  for (const line of formatPlan(plan, (t) => `${t} (${stackOf(t).split('/')[1] ?? stackOf(t)})`)) console.log(line);
  if (plan.moves.length === 0) return;
  if (plan.issues.length > 0) process.exit(2);
  const packaged = await packageTemplates({ target });
  const bucket = packaged.bucket ?? defaultBucketName(identity.account, target.region);
  const keys = new Map(planPackage(GENERATED_TEMPLATES, (key) => templateUrl(bucket, key, target)).map((t) => [`${t.name}.yaml`, t.key]));
  const apply = process.env.APPLY === '1';
  const run = await runRefactor(
    awsClients(target).cloudformation(),
    plan,
    stackOf,
    (t) => templateUrl(bucket, keys.get(t)!, target),
    apply,
    (line) => console.log(line),
  );
  console.log(
    apply
      ? `refactor: ${run.id} ${run.status}: make deploy ENV=${env} now has nothing to replace`
      : `refactor: ${run.id} planned, not executed: APPLY=1 make refactor ENV=${env} runs it`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof DeployInputError || error instanceof AwsTargetError) {
    console.error(`refactor: ${error.message}`);
    process.exit(2);
  }
  console.error(`refactor: ${(error as Error).message}`);
  process.exit(1);
});
