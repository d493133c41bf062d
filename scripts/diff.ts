// make diff: semantic diff of generated/templates against a git ref (BASE, default the merge base
// with main) or a deployed stack (STACK), with the data-loss gate. See docs/diff.md.
import { PROJECT_ENVIRONMENT, runDiff } from './lib/diff/cli.js';

const { exitCode, output } = await runDiff(process.argv.slice(2), PROJECT_ENVIRONMENT(process.env), process.stdout.isTTY === true);
(exitCode === 2 ? process.stderr : process.stdout).write(output);
process.exitCode = exitCode;
