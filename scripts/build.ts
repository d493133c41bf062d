// make build: renders every template and parameter file into generated/.
// Files in generated/templates and generated/parameters that the sources no longer produce are removed.
import { mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderAll, TEMPLATES_DIR, PARAMETERS_DIR, STANDALONE_DIR, STACKSETS_DIR } from './lib/render.js';
import { GENERATED } from './lib/paths.js';

const started = performance.now();
let files: Map<string, string>;
try {
  files = renderAll();
} catch (error) {
  // Template and parameter-file errors already name the template/file, the path and what is allowed.
  console.error(`build failed:\n${(error as Error).message}`);
  process.exit(1);
}
let changed = 0;
for (const [path, text] of files) {
  const target = join(GENERATED, path);
  mkdirSync(dirname(target), { recursive: true });
  if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
    writeFileSync(target, text);
    changed++;
  }
}
for (const dir of [TEMPLATES_DIR, PARAMETERS_DIR, STANDALONE_DIR, STACKSETS_DIR]) {
  if (!existsSync(join(GENERATED, dir))) continue;
  for (const name of readdirSync(join(GENERATED, dir))) {
    if (!files.has(`${dir}/${name}`)) {
      rmSync(join(GENERATED, dir, name));
      console.log(`build: removed stale generated/${dir}/${name}`);
      changed++;
    }
  }
}
const ms = (performance.now() - started).toFixed(0);
console.log(`build: ${files.size} files in generated/ (${changed} changed) in ${ms} ms`);
