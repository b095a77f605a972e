#!/usr/bin/env bash
# Installs what is missing, builds the UI and the app, and opens Studydesk on a local
# SQLite file (the OS data folder, or --data-dir DIR). First launch offers sample data.
#   scripts/run.sh [--data-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
(cd ui && npm run build --silent)
cargo build -p studydesk -p studydesk-cli
exec target/debug/studydesk "$@"
