// A node:test reporter for progress while `make test` runs: one line when a test file starts and
// when it ends (pass/fail, its time, how many are left), and every 30 s of quiet, which files are
// still running. node:test holds the detailed (spec/TAP) results of a file back until the files
// before it have finished, so without this, piped output goes silent for minutes.
//
//   node --test --test-reporter=spec --test-reporter-destination=stdout \
//        --test-reporter=./scripts/test-progress.mjs --test-reporter-destination=stderr test/*.test.ts
// Plain JavaScript: node loads reporters before any --import loader, so it cannot be TypeScript.
import { relative } from 'node:path';
import { Transform } from 'node:stream';

/** @typedef {{ type: string, data?: { name?: string, file?: string, details?: { passed?: boolean } } }} TestEvent */

const QUIET_MS = 30_000;
const started = Date.now();
/** @param {number} ms */
const clock = (ms) => `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;
/** @param {string} file */
const shown = (file) => relative(process.cwd(), file) || file;

/** @type {Map<string, number>} */
const running = new Map();
/** @type {Set<string>} */
const queued = new Set();
let finished = 0;
let failed = 0;
let lastLine = Date.now();

/** Events about a whole file (node:test names the file's own test after its path). */
/** @param {TestEvent} event */
const fileOf = (event) => (event.data?.file && event.data.name === event.data.file ? event.data.file : undefined);

/** @param {TestEvent} event @returns {string | undefined} */
function lineFor(event) {
  const file = fileOf(event);
  if (!file) return undefined;
  const now = Date.now();
  if (event.type === 'test:enqueue') queued.add(file);
  if (event.type === 'test:dequeue') {
    running.set(file, now);
    return `test: [${clock(now - started)}] start ${shown(file)}`;
  }
  if (event.type === 'test:complete') {
    const began = running.get(file) ?? now;
    running.delete(file);
    finished++;
    const passed = event.data?.details?.passed !== false;
    if (!passed) failed++;
    const left = queued.size - finished;
    return `test: [${clock(now - started)}] ${passed ? '✔' : '✖ FAILED'} ${shown(file)} ${((now - began) / 1000).toFixed(1)} s (${finished} done${failed > 0 ? `, ${failed} failed` : ''}, ${left} to go)`;
  }
  return undefined;
}

const reporter = new Transform({
  writableObjectMode: true,
  transform(event, _encoding, done) {
    const line = lineFor(event);
    if (line) {
      lastLine = Date.now();
      this.push(`${line}\n`);
    }
    done();
  },
  flush(done) {
    clearInterval(heartbeat);
    this.push(`test: [${clock(Date.now() - started)}] ${finished} files done${failed > 0 ? `, ${failed} FAILED` : ''}\n`);
    done();
  },
});

const heartbeat = setInterval(() => {
  if (Date.now() - lastLine < QUIET_MS || running.size === 0) return;
  lastLine = Date.now();
  const now = Date.now();
  reporter.push(`test: [${clock(now - started)}] still running: ${[...running].map(([file, since]) => `${shown(file)} (${clock(now - since)})`).join(', ')}\n`);
}, 5_000);
heartbeat.unref();

export default reporter;
