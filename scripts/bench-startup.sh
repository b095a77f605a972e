#!/usr/bin/env bash
# Cold start to a rendered Home, and memory of the whole process tree, of the real app,
# alone or alternated with a bare Tauri app built from benches/bare-app (issue 17).
#
#   scripts/bench-startup.sh                 5 launches of the release build
#   scripts/bench-startup.sh --vs-bare       alternated with the bare app; prints the ratios
#   BENCH_RUNS=10 scripts/bench-startup.sh   more launches (10 of each for the issue's figures)
#   E2E_SKIP_BUILD=1 scripts/bench-startup.sh  use the binaries already built
#   BENCH_DEBUG_BUILD=1 scripts/bench-startup.sh  the debug build (its figures do not count)
#
# Each launch: a copy of a data dir holding the sample data (studydesk-cli sample-data),
# a WebDriver session through tauri-driver (which starts the app), a wait inside the page
# for Home with its tasks; then PSS/RSS from /proc/PID/smaps_rollup for the app and its
# descendants (WebKitWebProcess, WebKitNetworkProcess). Prints a markdown table
# (tests/e2e/bench-startup.mjs). The bare app is its own workspace built into target/,
# reusing the app's compiled dependencies.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${TAURI_DRIVER_PORT:-4444}"
log() { printf '==> %s\n' "$*" >&2; }
vs_bare=0
for arg in "$@"; do
  case "$arg" in
    --vs-bare) vs_bare=1 ;;
    *) echo "bench-startup: unknown argument '$arg' (see the header of $0)" >&2; exit 2 ;;
  esac
done
profile=release
cargo_profile=(--release)
if [[ "${BENCH_DEBUG_BUILD:-0}" == 1 ]]; then profile=debug; cargo_profile=(); fi

# shellcheck source=lib/webdriver.sh
source "$ROOT/scripts/lib/webdriver.sh"
webdriver_require bench
bench_build "${cargo_profile[@]}"
if [[ $vs_bare == 1 && "${E2E_SKIP_BUILD:-0}" != 1 ]]; then
  log "building the bare Tauri app ($profile)"
  cargo build "${cargo_profile[@]}" --locked --manifest-path benches/bare-app/Cargo.toml --target-dir "$ROOT/target"
fi

# After the build: the lock is for the port (one e2e, install test or benchmark at a time).
webdriver_lock
webdriver_tools
webdriver_isolate bench
export STUDYDESK_APP="$(realpath "${STUDYDESK_APP:-$ROOT/target/$profile/studydesk}")"
export STUDYDESK_CLI="$(realpath "${STUDYDESK_CLI:-$ROOT/target/$profile/studydesk-cli}")"
export BENCH_BUILD="$profile"
if [[ $vs_bare == 1 ]]; then export BENCH_VS="$ROOT/target/$profile/bare-tauri-app"; fi

webdriver_run "$RUN_DIR/tauri-driver.log" node bench-startup.mjs
