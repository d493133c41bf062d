// make validate: proves every template is one CloudFormation will accept, before anything reaches
// AWS — ajv schema validation against the provider schemas, cross-stack integrity, cfn-lint.
//
//   tsx scripts/validate.ts [--dir <templates dir>] [--no-cfn-lint] [--strict] [--processes N] [--no-cache] [file …]
//
// Exit code 0 when valid, 1 on any error (or cfn-lint warning; any warning with --strict), 2 on bad usage.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATED_TEMPLATES } from './lib/paths.js';
import { MissingInstallError } from './lib/validate/cfn-lint-install.js';
import { formatReport, validateAll } from './lib/validate/run.js';

const USAGE = 'usage: validate.ts [--dir <templates dir>] [--no-cfn-lint] [--strict] [--processes N] [--no-cache] [file …]';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        dir: { type: 'string' },
        'no-cfn-lint': { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        processes: { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`validate: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dir = values.dir === undefined ? undefined : resolve(values.dir);
  if (dir !== undefined && !existsSync(dir)) {
    console.error(`validate: --dir ${values.dir}: no such directory`);
    return 2;
  }
  const missing = positionals.filter((file) => !existsSync(resolve(dir ?? GENERATED_TEMPLATES, file)));
  if (missing.length > 0) {
    console.error(`validate: no such template in ${dir ?? GENERATED_TEMPLATES}: ${missing.join(', ')}`);
    return 2;
  }
  const processes = values.processes === undefined ? undefined : Number(values.processes);
  if (processes !== undefined && !(Number.isInteger(processes) && processes >= 1)) {
    console.error(`validate: --processes ${values.processes}: must be a whole number ≥ 1`);
    return 2;
  }
  try {
    const result = await validateAll({
      dir,
      files: positionals.length > 0 ? positionals : undefined,
      cfnLint: !values['no-cfn-lint'],
      strict: values.strict,
      cfnLintProcesses: processes,
      diskCache: !values['no-cache'],
    });
    console.log(formatReport(result));
    return result.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof MissingInstallError) {
      console.error(`validate: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
