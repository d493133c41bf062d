#!/usr/bin/env bash
# CI hook: prints the semantic diff of this change against main in the CI log (docs/diff.md).
#
#   base     the merge base of HEAD with origin/main (else main). On main itself that is HEAD: the
#            diff is empty and this never fails.
#   gate     on a branch, exits 1 when the data-loss gate fires. A replacement made on purpose is
#            accepted by a trailer in a commit message of the branch, reviewed like the code:
#                Allow-Replace: database.yaml:Database
#            (ALLOW_REPLACE from the environment is added to those.)
#   markdown DIFF_MARKDOWN=<file> also writes the pull-request rendering to that file.
#
# No base to compare with (no main, or a shallow clone without the merge base) is reported and
# skipped, not failed: fetch main (git fetch origin main, or a deeper clone) to get the gate.
set -euo pipefail
cd "$(dirname "$0")/.."
TSX=node_modules/.bin/tsx

branch=""
for candidate in origin/main main; do
  if git rev-parse --verify --quiet "${candidate}^{commit}" >/dev/null; then branch=$candidate; break; fi
done
if [ -z "$branch" ]; then
  echo "ci-diff: SKIPPED - no origin/main or main in this clone to compare with (git fetch origin main)"
  exit 0
fi
if ! base=$(git merge-base HEAD "$branch" 2>/dev/null); then
  echo "ci-diff: SKIPPED - no merge base of HEAD and $branch (shallow clone? git fetch --unshallow)"
  exit 0
fi

# Allow-Replace trailers of the commits on this branch, plus ALLOW_REPLACE if set.
trailers=$(git log --format='%(trailers:key=Allow-Replace,valueonly,separator=%x2C)' "${base}..HEAD" | paste -sd, -)
allow=$(printf '%s,%s' "${ALLOW_REPLACE:-}" "$trailers" | tr -s ',' | sed 's/^,//; s/,$//')
[ -n "$allow" ] && echo "ci-diff: allowed by commit trailers / ALLOW_REPLACE: $allow"

echo "ci-diff: generated/ of this change against $branch (merge base $(git rev-parse --short "$base"))"
status=0
ALLOW_REPLACE="$allow" "$TSX" scripts/diff.ts --base "$base" --no-color || status=$?
if [ -n "${DIFF_MARKDOWN:-}" ] && [ "$status" -ne 2 ]; then
  ALLOW_REPLACE="$allow" "$TSX" scripts/diff.ts --base "$base" --format markdown >"$DIFF_MARKDOWN" || true
  echo "ci-diff: markdown written to $DIFF_MARKDOWN"
fi
exit "$status"
