// The pull-request workflow's last step: posts (or updates) the one review comment.
//   tsx scripts/pr-comment.ts <review.md>
// Environment (set by .github/workflows/pull-request.yml): GITHUB_TOKEN, GITHUB_REPOSITORY,
// PR_NUMBER, GITHUB_API_URL (default https://api.github.com).
import { readFileSync } from 'node:fs';
import { upsertReviewComment } from './lib/review/comment.js';

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const file = argv[0];
  const missing = ['GITHUB_TOKEN', 'GITHUB_REPOSITORY', 'PR_NUMBER'].filter((name) => !env[name]);
  if (!file || missing.length > 0) {
    console.error(`pr-comment: usage: tsx scripts/pr-comment.ts <review.md>${missing.length ? `; missing in the environment: ${missing.join(', ')}` : ''}`);
    process.exit(2);
  }
  const pullRequest = Number(env.PR_NUMBER);
  if (!Number.isInteger(pullRequest) || pullRequest <= 0) {
    console.error(`pr-comment: PR_NUMBER=${env.PR_NUMBER}: not a pull-request number`);
    process.exit(2);
  }
  const result = await upsertReviewComment(
    { apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com', repository: env.GITHUB_REPOSITORY!, pullRequest, token: env.GITHUB_TOKEN! },
    readFileSync(file, 'utf8'),
  );
  console.log(`pr-comment: ${result.action} comment ${result.id} on ${env.GITHUB_REPOSITORY}#${pullRequest}`);
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  console.error(`pr-comment: ${(error as Error).message}`);
  process.exit(1);
});
