#!/usr/bin/env bash
# Insights in the real app, release build: a 12-widget dashboard over ten years of data
# opened and drawn, and a 100,000-row line chart under the pointer (tests/e2e/bench-insights.mjs
# says what is measured). Prints a markdown table for docs/benchmarks.md.
#
#   scripts/bench-insights.sh                  build, make the data, 5 launches
#   BENCH_RUNS=10 scripts/bench-insights.sh    more launches
#   E2E_SKIP_BUILD=1 scripts/bench-insights.sh use the release binaries and UI already built
#   BENCH_DATA=DIR scripts/bench-insights.sh   reuse a data folder made by an earlier run
#
# The data comes from the `insights/` criterion bench, which keeps its folder when
# STUDYDESK_BENCH_KEEP names one (ten years of sessions, tasks, reminders, posts; My study
# with 12 widgets over the ten years); the app's clock starts where the bench's did.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${TAURI_DRIVER_PORT:-4444}"
log() { printf '==> %s\n' "$*" >&2; }
# shellcheck source=lib/webdriver.sh
source "$ROOT/scripts/lib/webdriver.sh"
webdriver_require bench
bench_build --release

DATA="${BENCH_DATA:-$ROOT/target/bench-insights-data}"
if [[ ! -f "$DATA/studydesk.db" ]]; then
  log "making ten years of data with the insights bench (kept in $DATA)"
  STUDYDESK_BENCH_KEEP="$DATA" cargo bench -p studydesk-core --bench core -- 'insights/dashboard' >&2
fi
export STUDYDESK_BENCH_KEEP="$DATA"

# After the build: the lock is for the port (one e2e, install test or benchmark at a time).
webdriver_lock
webdriver_tools
webdriver_isolate bench-insights
export STUDYDESK_APP="$(realpath "${STUDYDESK_APP:-$ROOT/target/release/studydesk}")"
export STUDYDESK_CLI="$(realpath "${STUDYDESK_CLI:-$ROOT/target/release/studydesk-cli}")"

webdriver_run "$RUN_DIR/tauri-driver.log" node bench-insights.mjs
