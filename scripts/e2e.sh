#!/usr/bin/env bash
# End-to-end tests of the real Studydesk app (tests/e2e), under Xvfb + a session bus,
# through tauri-driver and WebKitWebDriver.
#
#   scripts/e2e.sh                 build what is missing or stale, then run the tests
#   E2E_SKIP_BUILD=1 scripts/e2e.sh  use the binaries already in target/debug
#
# Needs (apt): libwebkit2gtk-4.1-dev xvfb xauth imagemagick dbus-x11 webkit2gtk-driver.
# Screenshots land in tests/e2e/artifacts/ (git-ignored). Exits non-zero if any test fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${TAURI_DRIVER_PORT:-4444}"
log() { printf '==> %s\n' "$*" >&2; }
SECONDS=0

for tool in xvfb-run dbus-run-session WebKitWebDriver import node npm cargo; do
  command -v "$tool" >/dev/null || { echo "e2e: '$tool' is not installed (see the header of $0)" >&2; exit 2; }
done

# --- build ---------------------------------------------------------------------------
if [[ "${E2E_SKIP_BUILD:-0}" != 1 ]]; then
  if [[ ! -d ui/node_modules ]]; then log "npm ci (ui)"; npm --prefix ui ci --no-audit --no-fund; fi
  log "building the UI"; npm --prefix ui run build
  # ui/dist must exist before cargo compiles the app (it is embedded).
  log "building the app and the CLI"; cargo build -p studydesk -p studydesk-cli
fi
for bin in target/debug/studydesk target/debug/studydesk-cli; do
  [[ -x "$bin" ]] || { echo "e2e: $bin is missing (run without E2E_SKIP_BUILD)" >&2; exit 2; }
done

if ! command -v tauri-driver >/dev/null; then
  log "installing tauri-driver"; cargo install tauri-driver --locked
fi
export PATH="$HOME/.cargo/bin:$PATH"

if [[ ! -d tests/e2e/node_modules ]] || [[ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]]; then
  log "npm ci (tests/e2e)"; npm --prefix tests/e2e ci --no-audit --no-fund
fi

# --- isolation -----------------------------------------------------------------------
# The webview keeps its own data under ~/.local/share/<identifier>, GTK/fontconfig caches
# under ~/.cache: give every run a fresh home so runs cannot see each other.
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/studydesk-e2e.XXXXXX")"
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
export LANG=C.UTF-8 LC_ALL=C.UTF-8
export TAURI_DRIVER_PORT="$PORT" STUDYDESK_APP="$ROOT/target/debug/studydesk" STUDYDESK_CLI="$ROOT/target/debug/studydesk-cli"
# Do not add WEBKIT_DISABLE_DMABUF_RENDERER / LIBGL_ALWAYS_SOFTWARE / NO_AT_BRIDGE here:
# with them WebKitWebDriver's screenshot command hung (measured, WebKitGTK 2.50).
# tauri#12742 (a 25 s start delay without xdg-desktop-portal) did not show here, neither with
# xdg-desktop-portal-gtk installed nor with no portal service on the bus: launch ~1 s.
rm -rf tests/e2e/artifacts && mkdir -p tests/e2e/artifacts
export E2E_ARTIFACTS="$ROOT/tests/e2e/artifacts"
DRIVER_LOG="$E2E_ARTIFACTS/tauri-driver.log"

# --- run -----------------------------------------------------------------------------
# Inside Xvfb and a private session bus: start tauri-driver, wait for its port, run the
# tests, and always stop tauri-driver (by its pid) on the way out.
log "running the tests (run dir $RUN_DIR)"
set +e
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
  cd tests/e2e && node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs
' "$DRIVER_LOG"
status=$?
set -e

elapsed=$SECONDS
if [[ $status -eq 0 ]]; then log "e2e passed in ${elapsed}s (screenshots in tests/e2e/artifacts)"; else log "e2e FAILED (exit $status) after ${elapsed}s; tauri-driver log: $DRIVER_LOG"; fi
exit $status
