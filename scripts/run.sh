#!/usr/bin/env bash
# Installs what is missing, builds the UI and the app, and opens Studydesk on a local
# SQLite file (the OS data folder, or --data-dir DIR). First launch offers sample data.
#   scripts/run.sh [--data-dir DIR]
#   STUDYDESK_BUILD=debug scripts/run.sh   the debug build: compiles sooner, runs slower
# The release build is the default: it reaches Home about three times as fast as the
# debug build (docs/benchmarks.md, start-up); its first compile is the longer one.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${STUDYDESK_BUILD:-release}"
case "$profile" in
  release) cargo_profile=(--release) ;;
  debug) cargo_profile=() ;;
  *) echo "run.sh: STUDYDESK_BUILD is 'release' (the default) or 'debug', not '$profile'" >&2; exit 2 ;;
esac
scripts/setup.sh
(cd ui && npm run build --silent)
cargo build "${cargo_profile[@]}" -p studydesk -p studydesk-cli
exec "target/$profile/studydesk" "$@"
