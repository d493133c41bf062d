#!/usr/bin/env bash
# The local AWS emulator (moto server + the project's compatibility patches), in the background.
#   emulator.sh up      start it on EMULATOR_HOST:EMULATOR_PORT (default 127.0.0.1:5000) and wait
#                       until it answers; a no-op when this checkout's emulator already answers there (another one on the port is refused)
#   emulator.sh down    stop the one this script started (pid file); a no-op when none runs
#   emulator.sh status  exit 0 when it answers
# State: .local/emulator/ (pid file, log, resource-info.json). Everything lives in memory: a
# stopped emulator forgets every stack.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HOST="${EMULATOR_HOST:-127.0.0.1}"
PORT="${EMULATOR_PORT:-5000}"
STATE="$ROOT/.local/emulator"
PID_FILE="$STATE/moto-$PORT.pid"
LOG="$STATE/moto-$PORT.log"
INFO="$STATE/resource-info.json"
PYTHON="$ROOT/.venv/bin/python"
TSX="$ROOT/node_modules/.bin/tsx"

answers() {
  "$PYTHON" - "$HOST" "$PORT" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(f"http://{sys.argv[1]}:{sys.argv[2]}/moto-api/config", timeout=2).read()
PY
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

resource_info() {
  # The launcher's view of templates-src/resource-types.json + resource-info.ts; refreshed when they change.
  local sources=("$ROOT/templates-src/resource-types.json" "$ROOT/templates-src/spec-types/resource-info.ts" "$ROOT/scripts/emulator/export-resource-info.ts")
  local stale=0 source
  [[ -f "$INFO" ]] || stale=1
  for source in "${sources[@]}"; do [[ "$source" -nt "$INFO" ]] && stale=1; done
  if (( stale )); then
    [[ -x "$TSX" ]] || { echo "emulator: $TSX is missing; run make install" >&2; exit 1; }
    "$TSX" "$ROOT/scripts/emulator/export-resource-info.ts" "$INFO"
  fi
}

up() {
  [[ -x "$PYTHON" ]] || { echo "emulator: $PYTHON is missing; run make install" >&2; exit 1; }
  if answers; then
    # Another checkout's emulator (or anything else) on this port would serve other state and
    # another resource-type list: refuse it rather than test against it.
    if ! running_pid >/dev/null; then
      echo "emulator: http://$HOST:$PORT answers, but no emulator of this checkout runs (no live pid in ${PID_FILE#"$ROOT"/}): stop the other one, or use another port (EMULATOR_PORT=…)" >&2
      exit 1
    fi
    resource_info
    echo "emulator: already answering on http://$HOST:$PORT"
    if [[ -f "$INFO" && ( "$ROOT/templates-src/resource-types.json" -nt "$INFO" || "$ROOT/templates-src/spec-types/resource-info.ts" -nt "$INFO" ) ]]; then
      echo "emulator: note: the resource types changed since it started; restart it to pick them up (make local-down local-up)" >&2
    fi
    return 0
  fi
  mkdir -p "$STATE"
  resource_info
  EMULATOR_HOST="$HOST" EMULATOR_PORT="$PORT" EMULATOR_RESOURCE_INFO="$INFO" \
    nohup "$PYTHON" "$ROOT/scripts/emulator/launcher.py" >"$LOG" 2>&1 9>&- &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 150); do
    if answers; then
      echo "emulator: up on http://$HOST:$PORT (pid $(cat "$PID_FILE"), log ${LOG#"$ROOT"/})"
      return 0
    fi
    if ! running_pid >/dev/null; then
      echo "emulator: the launcher exited; last lines of ${LOG#"$ROOT"/}:" >&2
      tail -n 20 "$LOG" >&2
      rm -f "$PID_FILE"
      exit 1
    fi
    sleep 0.2
  done
  echo "emulator: no answer on http://$HOST:$PORT after 30 s; see ${LOG#"$ROOT"/}" >&2
  exit 1
}

down() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "emulator: not running (no live pid in ${PID_FILE#"$ROOT"/})"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$PID_FILE"
  echo "emulator: stopped (pid $pid)"
}

locked_up() {
  # Test files start it side by side: one starts it, the others find it answering.
  mkdir -p "$STATE"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$STATE/moto-$PORT.lock"
    flock 9
  fi
  up
}

case "${1:-}" in
  up) locked_up ;;
  down) down ;;
  status) answers ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
