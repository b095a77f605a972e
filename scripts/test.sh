#!/usr/bin/env bash
# Runs every test of Studydesk, installing what is missing first (scripts/setup.sh --test).
# CI (.ci/run) runs exactly this. Steps:
#   1. seed schema coverage (../shared/tools/schema_check.py, when ../shared is there)
#   2. the UI build (the app embeds ui/dist), then Rust: core, CLI, IPC command tests, the
#      sync server and devices syncing through it (real PostgreSQL via pg_virtualenv), and
#      the idle-time test against a real X server (Xvfb)
#   3. the TypeScript bindings generated from Rust match the committed ones
#   4. UI type check and component tests (Vitest)
#   5. the real app end to end under Xvfb through WebDriver (scripts/e2e.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test

step() { printf '\n== %s\n' "$*"; }

if [ -f ../shared/tools/schema_check.py ]; then
  step "schema: every seed table and column has a home"
  python3 ../shared/tools/schema_check.py ../shared/seeds
fi

step "UI build"
(cd ui && npm run build --silent)

step "Rust tests: core, CLI, IPC commands, and the sync server on a throwaway PostgreSQL"
# pg_virtualenv (postgresql-common) starts a private cluster for the command, exports its
# PG* variables (the server tests read them) and removes it afterwards; -t: also as root.
pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_virtualenv -v "$pg_version" -t -- cargo test --workspace --locked

# --workspace keeps the features of the step above, so nothing is compiled again.
step "system idle time from a real X server (Xvfb)"
xvfb-run -a cargo test --workspace --locked --test idle_x11 -- --nocapture

step "reminders reach a real notification server over a real session bus (Xvfb + dunst)"
xvfb-run -a dbus-run-session -- cargo test --workspace --locked --test remind_dbus -- --nocapture --test-threads=1

step "the app in the background: headless --remind-once, one instance per data folder (Xvfb + D-Bus)"
xvfb-run -a dbus-run-session -- cargo test --workspace --locked --test background_app -- --nocapture --test-threads=1

step "TypeScript bindings are committed as generated"
if ! git diff --quiet -- ui/src/api/bindings || [ -n "$(git status --porcelain -- ui/src/api/bindings)" ]; then
  git status --short -- ui/src/api/bindings
  git diff --stat -- ui/src/api/bindings
  echo "the Rust types changed: run 'cargo test -p studydesk-core' and commit ui/src/api/bindings" >&2
  exit 1
fi
echo "bindings up to date"

step "UI type check and component tests"
(cd ui && npm run typecheck --silent && npm test --silent)

step "end to end: the real app under Xvfb"
scripts/e2e.sh
