#!/usr/bin/env bash
# End-to-end tests of the real Studydesk app (tests/e2e), under Xvfb + a session bus,
# through tauri-driver and WebKitWebDriver.
#
#   scripts/e2e.sh                 build what is missing or stale, then run the tests
#   E2E_SKIP_BUILD=1 scripts/e2e.sh  use the binaries already in target/debug
#   scripts/e2e.sh sync calendar   only tests/e2e/sync.test.mjs and calendar.test.mjs
#
# Needs (apt): libwebkit2gtk-4.1-dev xvfb xauth imagemagick dbus-x11 webkit2gtk-driver.
# Screenshots land in tests/e2e/artifacts/ (git-ignored). Exits non-zero if any test fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The sync test needs PostgreSQL: run everything inside a throwaway cluster (pg_virtualenv,
# from postgresql-common) that exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE.
if [[ -z "${PGHOST:-}" ]] && command -v pg_virtualenv >/dev/null; then
  exec pg_virtualenv -v "$(ls /usr/lib/postgresql | sort -n | tail -1)" -t -- "$0" "$@"
fi
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
  # The same build as the test step (cargo test builds every binary for its integration
  # tests): a narrower `cargo build -p ...` would unify other features and compile again.
  log "building the app, the CLI and the sync server"; cargo test --workspace --locked --no-run
fi
for bin in target/debug/studydesk target/debug/studydesk-cli target/debug/studydesk-server; do
  [[ -x "$bin" ]] || { echo "e2e: $bin is missing (run without E2E_SKIP_BUILD)" >&2; exit 2; }
done

# shellcheck source=lib/webdriver.sh
source "$ROOT/scripts/lib/webdriver.sh"
webdriver_tools

# --- one run at a time ----------------------------------------------------------------
# tauri-driver listens on one fixed port and the artifacts folder is shared: a second run on
# this machine (another checkout, a CI run) waits here rather than failing half-way.
webdriver_lock

# --- isolation -----------------------------------------------------------------------
webdriver_isolate e2e
# Links the app opens reach tests/e2e/bin/xdg-open, which only records them in E2E_OPENED
# (no browser under Xvfb; the calendar test reads it).
export PATH="$ROOT/tests/e2e/bin:$PATH" E2E_OPENED="$RUN_DIR/opened.txt"
export STUDYDESK_APP="$ROOT/target/debug/studydesk" STUDYDESK_CLI="$ROOT/target/debug/studydesk-cli"
# E2E_ARTIFACTS=DIR keeps this run's screenshots apart from another checkout's run.
export E2E_ARTIFACTS="${E2E_ARTIFACTS:-$ROOT/tests/e2e/artifacts}"
rm -rf "$E2E_ARTIFACTS" && mkdir -p "$E2E_ARTIFACTS"
DRIVER_LOG="$E2E_ARTIFACTS/tauri-driver.log"

# --- run -----------------------------------------------------------------------------
log "running the tests (run dir $RUN_DIR)"
set +e
tests=()
if [[ $# -gt 0 ]]; then
  for name in "$@"; do
    [[ -f "tests/e2e/$name.test.mjs" ]] || { echo "e2e: no tests/e2e/$name.test.mjs" >&2; exit 2; }
    tests+=("./$name.test.mjs")
  done
else
  for f in tests/e2e/*.test.mjs; do tests+=("./${f#tests/e2e/}"); done
fi
webdriver_run "$DRIVER_LOG" node --test --test-concurrency=1 --test-reporter=spec "${tests[@]}"
status=$?
set -e

elapsed=$SECONDS
if [[ $status -eq 0 ]]; then log "e2e passed in ${elapsed}s (screenshots in tests/e2e/artifacts)"; else log "e2e FAILED (exit $status) after ${elapsed}s; tauri-driver log: $DRIVER_LOG"; fi
exit $status
