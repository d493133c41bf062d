// The pull-request review: the compliance delta (PCI rules whose status changes between base and
// head), make diff FORMAT=markdown|json as the comment body alone, the comment script end to end
// against a local HTTP server standing in for the GitHub REST API (create, then update the same
// comment), and the workflow linted by actionlint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED, GENERATED_TEMPLATES, ROOT } from '../scripts/lib/paths.js';
import { runDiff } from '../scripts/lib/diff/cli.js';
import { BODY_LIMIT, commentBody, MARKER } from '../scripts/lib/review/comment.js';
import { complianceDelta, renderDeltaMarkdown } from '../scripts/lib/review/compliance-delta.js';

/** generated/templates + parameters copied, with one edit to a layer. */
function variant(edit: (network: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pr-review-'));
  cpSync(GENERATED_TEMPLATES, join(dir, 'templates'), { recursive: true });
  cpSync(join(GENERATED, 'parameters'), join(dir, 'parameters'), { recursive: true });
  const file = join(dir, 'templates', 'network.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return dir;
}
const noFlowLogs = (text: string): string => {
  const next = text.replace(/^ {2}VpcFlowLog:\n(?: {4}.*\n)+/m, '');
  assert.notEqual(next, text, 'the fixture edit removed the flow log');
  return next;
};

test('compliance delta: turning off flow logs shows PCI-NET-006 now failing, per context, first', () => {
  const base = variant((t) => t);
  const head = variant(noFlowLogs);
  const delta = complianceDelta(
    { templates: join(base, 'templates'), parameters: join(base, 'parameters') },
    { templates: join(head, 'templates'), parameters: join(head, 'parameters') },
  );
  const flow = delta.changes.filter((c) => c.ruleId === 'PCI-NET-006');
  assert.ok(flow.length > 0, JSON.stringify(delta.changes.slice(0, 3)));
  assert.ok(
    flow.every((c) => c.before === 'pass' && c.after === 'fail' && c.kind === 'now failing'),
    JSON.stringify(flow),
  );
  assert.equal(delta.changes[0]!.kind, 'now failing', 'what turned to failing comes first');
  const markdown = renderDeltaMarkdown(delta);
  assert.match(markdown, /> \[!CAUTION\]/);
  assert.match(markdown, /🔴 \| PCI-NET-006 VPC flow logs capture ALL traffic \| [\d.]+/);
  const same = complianceDelta(
    { templates: join(base, 'templates'), parameters: join(base, 'parameters') },
    { templates: join(base, 'templates'), parameters: join(base, 'parameters') },
  );
  assert.deepEqual(same.changes, []);
  assert.match(renderDeltaMarkdown(same), /No PCI rule changes status/);
});

test('make diff FORMAT=markdown | json: the delta first, the diff after; JSON for tools', async () => {
  const base = variant((t) => t);
  const head = variant(noFlowLogs);
  const environment = { repo: ROOT, templatesDir: join(head, 'templates'), env: {} };
  const markdown = await runDiff(['--before-dir', join(base, 'templates'), '--after-dir', join(head, 'templates'), '--format', 'markdown'], environment);
  assert.equal(markdown.exitCode, 0, markdown.output);
  assert.ok(markdown.output.startsWith('### Compliance delta'), markdown.output.slice(0, 200));
  assert.ok(markdown.output.indexOf('PCI-NET-006') < markdown.output.indexOf('DATA-LOSS GATE'), 'the delta before the diff');
  const json = await runDiff(['--before-dir', join(base, 'templates'), '--after-dir', join(head, 'templates'), '--format', 'json'], environment);
  const parsed = JSON.parse(json.output) as { gate: { blocked: boolean }; templates: { name: string; status: string }[]; compliance: { changes: { ruleId: string }[] } };
  assert.equal(parsed.gate.blocked, false);
  assert.deepEqual(
    parsed.templates.filter((t) => t.status !== 'unchanged').map((t) => t.name),
    ['network.yaml'],
  );
  assert.ok(
    parsed.compliance.changes.some((c) => c.ruleId === 'PCI-NET-006'),
    'the delta is in the JSON',
  );
});

test('`make diff FORMAT=markdown > file` is the comment body alone: no make command line', () => {
  const run = spawnSync('make', ['-s', '-o', '.venv/.installed', '-o', 'node_modules/.installed', 'diff', 'FORMAT=markdown', 'BASE=HEAD'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MAKEFLAGS: '', MAKELEVEL: '' },
  });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  assert.ok(run.stdout.startsWith('### Compliance delta'), `first line: ${run.stdout.split('\n')[0]}`);
  assert.doesNotMatch(run.stdout, /scripts\/diff\.ts/, 'no echoed recipe');
});

/** A stand-in for the GitHub REST API issue comments endpoints, with their paging. */
async function fakeGitHub(): Promise<{ url: string; comments: Map<number, string>; requests: string[]; close: () => void }> {
  const comments = new Map<number, string>();
  for (let i = 1; i <= 100; i++) comments.set(i, `someone else's comment ${i}`); // the marker must be found on page 2
  let next = 1000;
  const requests: string[] = [];
  const read = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => resolve(text));
    });
  const server = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.headers.authorization !== 'Bearer test-token') return void res.writeHead(401).end('{"message":"Bad credentials"}');
    const url = new URL(req.url!, 'http://x');
    const list = /^\/repos\/acme\/payments\/issues\/7\/comments$/.exec(url.pathname);
    const one = /^\/repos\/acme\/payments\/issues\/comments\/(\d+)$/.exec(url.pathname);
    res.setHeader('content-type', 'application/json');
    if (list && req.method === 'GET') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const all = [...comments].map(([id, body]) => ({ id, body }));
      return void res.end(JSON.stringify(all.slice((page - 1) * perPage, page * perPage)));
    }
    if (list && req.method === 'POST') {
      const id = next++;
      comments.set(id, JSON.parse(await read(req)).body);
      return void res.writeHead(201).end(JSON.stringify({ id }));
    }
    if (one && req.method === 'PATCH' && comments.has(Number(one[1]))) {
      comments.set(Number(one[1]), JSON.parse(await read(req)).body);
      return void res.end(JSON.stringify({ id: Number(one[1]) }));
    }
    res.writeHead(404).end('{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, comments, requests, close: () => server.close() };
}

test('the comment script against a stand-in GitHub API: creates the comment, then updates the same one', async () => {
  const github = await fakeGitHub();
  const dir = mkdtempSync(join(tmpdir(), 'pr-comment-'));
  // The script runs as its own process (as in the workflow); asynchronously, so this process's server answers it.
  const run = (token: string): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'pr-comment.ts'), join(dir, 'review.md')], {
        cwd: ROOT,
        env: { ...process.env, GITHUB_API_URL: github.url, GITHUB_TOKEN: token, GITHUB_REPOSITORY: 'acme/payments', PR_NUMBER: '7' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  const post = (text: string) => {
    writeFileSync(join(dir, 'review.md'), text);
    return run('test-token');
  };
  try {
    const first = await post('### Compliance delta\nfirst push\n');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /created comment 1000 on acme\/payments#7/);
    const second = await post('### Compliance delta\nsecond push\n');
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /updated comment 1000 on acme\/payments#7/);
    const ours = [...github.comments].filter(([, body]) => body.startsWith(MARKER));
    assert.deepEqual(ours, [[1000, `${MARKER}\n### Compliance delta\nsecond push\n`]], 'one comment, updated, not duplicated');
    assert.equal(github.comments.size, 101, "nobody else's comment was touched");
    assert.ok(github.requests.includes('PATCH /repos/acme/payments/issues/comments/1000'), github.requests.join('\n'));
    const refused = await run('wrong');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /HTTP 401/);
  } finally {
    github.close();
  }
});

test('a review longer than a comment can be is cut, with a note', () => {
  const body = commentBody('x'.repeat(BODY_LIMIT + 10));
  assert.ok(body.length <= BODY_LIMIT, String(body.length));
  assert.match(body, /longer than a pull-request comment can be/);
});

const hasGo = spawnSync('go', ['version']).status === 0;
test(
  'the pull-request workflow passes actionlint',
  { skip: hasGo ? false : 'Go is not installed: actionlint (github.com/rhysd/actionlint) is built with go install; make lint-workflows needs it' },
  () => {
    const run = spawnSync('make', ['-s', 'lint-workflows'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MAKEFLAGS: '', MAKELEVEL: '' } });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    assert.ok(existsSync(join(ROOT, '.tools', 'actionlint')), 'actionlint was installed into .tools/');
    // actionlint really reads the workflow: a broken copy fails.
    const broken = mkdtempSync(join(tmpdir(), 'actionlint-'));
    writeFileSync(
      join(broken, 'bad.yml'),
      readFileSync(join(ROOT, '.github', 'workflows', 'pull-request.yml'), 'utf8').replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    needz: [nothing]'),
    );
    const bad = spawnSync(join(ROOT, '.tools', 'actionlint'), ['-no-color', join(broken, 'bad.yml')], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0, 'a broken workflow is reported');
  },
);
