// make generate: every generated artifact from its sources, in dependency order — spec types,
// templates and parameter files, StackSet handler permissions, the compliance report, the
// emulator coverage table, the counts and tables of README.md and docs/.
//
//   tsx scripts/generate.ts            bring every stale artifact up to date, say which
//   tsx scripts/generate.ts --check    change nothing; exit 1 naming what is stale
import { generate } from './lib/generate/artifacts.js';

const check = process.argv.includes('--check');
const unknown = process.argv.slice(2).filter((a) => a !== '--check');
if (unknown.length > 0) {
  console.error(`generate: unknown argument ${unknown.join(' ')}\nusage: tsx scripts/generate.ts [--check]`);
  process.exit(2);
}
try {
  const stale = await generate({ write: !check, log: (line) => console.log(line) });
  for (const s of stale) console.log(`  ${s.action === 'remove' ? (check ? 'extra  ' : 'removed') : check ? 'stale  ' : 'wrote  '} ${s.path}`);
  if (check && stale.length > 0) {
    console.log(`generate: ${stale.length} generated file(s) are stale: run make generate and commit`);
    process.exitCode = 1;
  } else console.log(check ? 'generate: every generated file is current' : `generate: ${stale.length} file(s) updated`);
} catch (error) {
  console.error(`generate: ${(error as Error).message}`);
  process.exitCode = 1;
}
