#!/usr/bin/env bash
# Fuzzes the ICS reader, CSV import, the sync wire and every IPC command's arguments
# (crates/fuzz) for SECONDS_PER_TARGET each (default 60), at the lowest CPU priority, and
# prints executions and findings per target. Findings land in crates/fuzz/findings/<target>/
# and new small inputs in crates/fuzz/corpus/<target>/; `cargo test -p studydesk-fuzz`
# replays both. Exit status 1 when anything was found.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (targets: ics csv sync ipc)
#   FUZZ_PROFILE=release scripts/fuzz.sh 600             # a release build instead
#   STUDYDESK_FUZZ_SAVE=0 scripts/fuzz.sh ...             # do not add to the corpus
#
# The default build is the test build (`dev`): the dependencies are compiled at
# opt-level 2 there (see the root Cargo.toml), the crates are shared with `cargo test`
# (no second full build, 15-25 minutes on the 2-core machine), and overflow checks and
# debug assertions stay on, so an arithmetic overflow is a finding, as with cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${FUZZ_PROFILE:-dev}"
cargo build --profile "$profile" -p studydesk-fuzz --bin studydesk-fuzz
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
exec nice -n 19 "target/$dir/studydesk-fuzz" "${1:-60}" "${@:2}"
