#!/usr/bin/env bash
# Cold start to a rendered Home, and memory of the whole process tree, of the real app.
#
#   scripts/bench-startup.sh                 5 launches of target/debug/studydesk
#   BENCH_RUNS=10 scripts/bench-startup.sh   more launches
#   E2E_SKIP_BUILD=1 scripts/bench-startup.sh  use the binaries already built
#   STUDYDESK_APP=target/release/studydesk scripts/bench-startup.sh  another build
#
# Each launch: a copy of a data dir holding the sample data (studydesk-cli sample-data),
# a WebDriver session through tauri-driver (which starts the app) and a wait for
# [data-testid="home"]; then PSS/RSS from /proc/PID/smaps_rollup for the app and its
# descendants (WebKitWebProcess, WebKitNetworkProcess). Prints a markdown table.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${TAURI_DRIVER_PORT:-4444}"
log() { printf '==> %s\n' "$*" >&2; }

for tool in xvfb-run dbus-run-session WebKitWebDriver node npm cargo; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is not installed (see scripts/e2e.sh)" >&2; exit 2; }
done

if [[ "${E2E_SKIP_BUILD:-0}" != 1 ]]; then
  if [[ ! -d ui/node_modules ]]; then log "npm ci (ui)"; npm --prefix ui ci --no-audit --no-fund; fi
  log "building the UI"; npm --prefix ui run build >/dev/null
  log "building the app and the CLI"; cargo build -p studydesk -p studydesk-cli
fi
command -v tauri-driver >/dev/null || { log "installing tauri-driver"; cargo install tauri-driver --locked; }
export PATH="$HOME/.cargo/bin:$PATH"
if [[ ! -d tests/e2e/node_modules ]] || [[ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]]; then
  log "npm ci (tests/e2e)"; npm --prefix tests/e2e ci --no-audit --no-fund
fi

# Same isolation as scripts/e2e.sh: a fresh HOME / XDG_* / TMPDIR for this run.
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/studydesk-bench.XXXXXX")"
# The document portal (started by the webview through the session bus) mounts a FUSE
# file system at $XDG_RUNTIME_DIR/doc; it can still be going away when the bus ends.
cleanup_run_dir() {
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    if mountpoint -q "$RUN_DIR/runtime/doc" 2>/dev/null; then fusermount -u "$RUN_DIR/runtime/doc" 2>/dev/null || true; fi
    rm -rf "$RUN_DIR" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "warning: could not remove $RUN_DIR" >&2
}
trap cleanup_run_dir EXIT
mkdir -p "$RUN_DIR"/{home,data,config,cache,tmp,runtime}
chmod 700 "$RUN_DIR/runtime"
export HOME="$RUN_DIR/home" XDG_DATA_HOME="$RUN_DIR/data" XDG_CONFIG_HOME="$RUN_DIR/config" \
  XDG_CACHE_HOME="$RUN_DIR/cache" XDG_RUNTIME_DIR="$RUN_DIR/runtime" TMPDIR="$RUN_DIR/tmp"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_AT_BRIDGE=1
export TAURI_DRIVER_PORT="$PORT"
export STUDYDESK_APP="$(realpath "${STUDYDESK_APP:-$ROOT/target/debug/studydesk}")"
export STUDYDESK_CLI="$(realpath "${STUDYDESK_CLI:-$ROOT/target/debug/studydesk-cli}")"

xvfb-run -a -s "-screen 0 1440x900x24" dbus-run-session -- bash -c '
  set -u
  tauri-driver --port "$TAURI_DRIVER_PORT" >"$0" 2>&1 &
  driver=$!
  trap "kill $driver 2>/dev/null; wait $driver 2>/dev/null" EXIT
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$TAURI_DRIVER_PORT") 2>/dev/null && break
    kill -0 $driver 2>/dev/null || { echo "tauri-driver exited:"; cat "$0"; exit 3; }
    sleep 0.1
  done
  cd tests/e2e && node bench-startup.mjs
' "$RUN_DIR/tauri-driver.log"
