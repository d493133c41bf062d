// make deploy ENV=dev|staging|prod   (TARGET=local, the emulator, by default; TARGET=aws for a real account)
import { AwsTargetError } from './lib/aws.js';
import { deployPlatform, DeployFailedError } from './lib/deploy/deploy.js';
import { DeployInputError } from './lib/deploy/inputs.js';
import { PackageError } from './lib/package.js';

function envArgument(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--env');
  return index >= 0 ? argv[index + 1] : process.env.ENV;
}

deployPlatform({ env: envArgument(process.argv.slice(2)) ?? '' }).catch((error: unknown) => {
  if (error instanceof DeployFailedError) {
    console.error(error.message);
    process.exit(1);
  }
  if (error instanceof DeployInputError || error instanceof PackageError || error instanceof AwsTargetError) {
    console.error(`deploy: ${error.message}`);
    process.exit(2);
  }
  throw error;
});
