#!/usr/bin/env bash
# The sync server's tests (crates/server) on a real, throwaway PostgreSQL: pg_virtualenv
# (Debian's postgresql-common) creates a cluster, exports PGHOST/PGPORT/PGUSER/PGPASSWORD/
# PGDATABASE for the command and deletes the cluster afterwards. -t: run as the current
# user even as root (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pg_virtualenv >/dev/null; then
  echo "pg_virtualenv is missing: run scripts/setup.sh --test (installs postgresql)" >&2
  exit 1
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
exec pg_virtualenv -v "$version" -t -- cargo test -p studydesk-server --locked "$@"
