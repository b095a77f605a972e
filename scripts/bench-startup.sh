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
# shellcheck source=lib/webdriver.sh
source "$ROOT/scripts/lib/webdriver.sh"
webdriver_require bench
bench_build

webdriver_tools
webdriver_isolate bench
export STUDYDESK_APP="$(realpath "${STUDYDESK_APP:-$ROOT/target/debug/studydesk}")"
export STUDYDESK_CLI="$(realpath "${STUDYDESK_CLI:-$ROOT/target/debug/studydesk-cli}")"

webdriver_run "$RUN_DIR/tauri-driver.log" node bench-startup.mjs
