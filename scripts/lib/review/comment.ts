// One pull-request comment that is updated, never duplicated: the review (compliance delta, diff)
// is posted once and edited on every new push. The comment is found again by a marker line (an
// HTML comment, invisible in the rendering) among the issue comments of the pull request.
// GitHub REST API (https://docs.github.com/en/rest/issues/comments):
//   GET   /repos/{owner}/{repo}/issues/{number}/comments?per_page=100&page=N   list (paged)
//   POST  /repos/{owner}/{repo}/issues/{number}/comments                     create {body}
//   PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}                 update {body}
// A comment body is at most 65,536 characters; a longer review is cut with a note.

export const MARKER = '<!-- payment-platform-review -->';
export const BODY_LIMIT = 65_536;

export interface CommentTarget {
  /** https://api.github.com, or a test server. */
  readonly apiUrl: string;
  /** owner/name */
  readonly repository: string;
  readonly pullRequest: number;
  readonly token: string;
}

interface IssueComment {
  readonly id: number;
  readonly body?: string;
}

/** The body as posted: marker first, cut to GitHub's limit. */
export function commentBody(review: string): string {
  const body = `${MARKER}\n${review}`;
  if (body.length <= BODY_LIMIT) return body;
  const note = '\n\n> The review is longer than a pull-request comment can be; the rest is in the workflow log (make diff FORMAT=markdown).\n';
  return body.slice(0, BODY_LIMIT - note.length) + note;
}

async function github(target: CommentTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${target.apiUrl.replace(/\/$/, '')}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${target.token}`,
      'x-github-api-version': '2022-11-28',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`GitHub API ${method} ${path}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

/** The review comment already on the pull request (its marker), if any. */
async function findReviewComment(target: CommentTarget): Promise<IssueComment | undefined> {
  for (let page = 1; ; page++) {
    const comments = (await github(target, 'GET', `/repos/${target.repository}/issues/${target.pullRequest}/comments?per_page=100&page=${page}`)) as IssueComment[];
    const found = comments.find((c) => c.body?.startsWith(MARKER));
    if (found) return found;
    if (comments.length < 100) return undefined;
  }
}

/** Creates the review comment, or updates the one there. */
export async function upsertReviewComment(target: CommentTarget, review: string): Promise<{ action: 'created' | 'updated'; id: number }> {
  const body = commentBody(review);
  const existing = await findReviewComment(target);
  if (existing) {
    await github(target, 'PATCH', `/repos/${target.repository}/issues/comments/${existing.id}`, { body });
    return { action: 'updated', id: existing.id };
  }
  const created = (await github(target, 'POST', `/repos/${target.repository}/issues/${target.pullRequest}/comments`, { body })) as IssueComment;
  return { action: 'created', id: created.id };
}
