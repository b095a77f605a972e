#!/usr/bin/env bash
# Runs every test of Studydesk, installing what is missing first (scripts/setup.sh --test).
# CI (.ci/run) runs exactly this. Steps:
#   1. seed schema coverage (../shared/tools/schema_check.py, when ../shared is there)
#   2. the UI build (the app embeds ui/dist), then Rust: core, CLI, IPC command tests, the
#      sync server and devices syncing through it (real PostgreSQL via pg_virtualenv), and
#      the idle-time test against a real X server (Xvfb)
#   3. the TypeScript bindings, commands and limits generated from Rust match the committed ones
#   4. UI type check and component tests (Vitest)
#   5. the real app end to end under Xvfb through WebDriver (scripts/e2e.sh)
#   6. the .deb: bundled from that build, installed with apt, run, removed (scripts/install-test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test

step() { printf '\n== %s\n' "$*"; }

# Disk: a CI run once stopped with "No space left on device" while linking the server's
# test binaries. Incremental compilation keeps a second copy of every workspace crate's
# build state that a one-off run never reuses, so CI turns it off, and the run says how
# much room it starts and ends with.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
free_kib=$(df -Pk . | awk 'NR==2 {print $4}')
printf 'disk: %s GiB free at the start\n' "$((free_kib / 1048576))"
if [ "$free_kib" -lt $((20 * 1048576)) ]; then
  echo "test.sh: only $((free_kib / 1024)) MiB free here; the build and tests need about 20 GiB (a run measured 15 GiB)" >&2
  exit 1
fi
trap 'df -Ph . | awk "NR==2 {print \"disk: \" \$4 \" free at the end\"}"' EXIT

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

# The display and session-bus tests run the test binaries the step above built, directly:
# `cargo test --test NAME` selects fewer packages, so cargo unifies other features and
# recompiled Tauri's build chain for it (2 min 47 s measured on 2 cores).
artifacts=$(mktemp)
trap 'rm -f "$artifacts"; df -Ph . | awk "NR==2 {print \"disk: \" \$4 \" free at the end\"}"' EXIT
cargo test --workspace --locked --no-run --message-format=json >"$artifacts"
# run_test_bin TARGET PACKAGE_DIR ARGS...: the integration test TARGET, run from its package
# (as cargo runs it).
run_test_bin() {
  local name="$1" dir="$2"; shift 2
  local bin
  bin=$(python3 - "$artifacts" "$name" <<'PY'
import json, sys
path, name = sys.argv[1], sys.argv[2]
for line in open(path):
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == name and m.get("executable"):
        print(m["executable"])
PY
)
  [ -n "$bin" ] || { echo "test.sh: no test binary $name was built" >&2; exit 1; }
  (cd "$dir" && "$@" "$bin" --nocapture --test-threads=1)
}

step "system idle time from a real X server (Xvfb)"
run_test_bin idle_x11 . xvfb-run -a

step "reminders reach a real notification server over a real session bus (Xvfb + dunst)"
run_test_bin remind_dbus crates/cli xvfb-run -a dbus-run-session --

step "insights alerts reach a real notification server over a real session bus (Xvfb + dunst)"
run_test_bin alerts_dbus crates/cli xvfb-run -a dbus-run-session --

step "database passwords in a real Secret Service (gnome-keyring on a private session bus), and the encrypted file without one"
run_test_bin secrets_keychain crates/core dbus-run-session --

step "the app in the background: headless --remind-once, one instance per data folder (Xvfb + D-Bus)"
run_test_bin background_app . xvfb-run -a dbus-run-session --

step "TypeScript bindings, commands and limits are committed as generated"
# ui/src/api/bindings: ts-rs; commands.ts and limits.ts: crates/core/src/api/typescript.rs.
generated=(ui/src/api/bindings ui/src/api/commands.ts ui/src/api/limits.ts)
if ! git diff --quiet -- "${generated[@]}" || [ -n "$(git status --porcelain -- "${generated[@]}")" ]; then
  git status --short -- "${generated[@]}"
  git diff --stat -- "${generated[@]}"
  echo "the Rust types, commands or limits changed: run 'cargo test -p studydesk-core' and commit ${generated[*]}" >&2
  exit 1
fi
echo "bindings, commands and limits up to date"

step "UI type check and component tests"
(cd ui && npm run typecheck --silent && npm test --silent)

step "end to end: the real app under Xvfb"
scripts/e2e.sh

step "the .deb installs, runs, and uninstalls leaving the data"
# Bundles the debug build above (nothing compiles again), apt-get install, the installed
# app and CLI on a fresh data folder, apt-get remove. Needs root or sudo.
scripts/install-test.sh
