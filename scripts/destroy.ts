// make destroy ENV=dev|staging|prod: asks first (CONFIRM=<env> answers without a terminal; prod needs CONFIRM=prod);
// DELETE_RETAINED=1 (not prod) also deletes what the stack delete keeps, so the environment can be deployed again
import { AwsTargetError } from './lib/aws.js';
import { DeployFailedError } from './lib/deploy/deploy.js';
import { destroyPlatform, terminalQuestion } from './lib/deploy/destroy.js';
import { DeployInputError } from './lib/deploy/inputs.js';

function envArgument(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--env');
  return index >= 0 ? argv[index + 1] : process.env.ENV;
}

destroyPlatform({
  env: envArgument(process.argv.slice(2)) ?? '',
  confirm: process.env.CONFIRM,
  deleteRetained: process.env.DELETE_RETAINED === '1',
  ask: terminalQuestion(),
}).catch((error: unknown) => {
  if (error instanceof DeployFailedError) {
    console.error(error.message);
    process.exit(1);
  }
  if (error instanceof DeployInputError || error instanceof AwsTargetError) {
    console.error(`destroy: ${error.message}`);
    process.exit(2);
  }
  throw error;
});
