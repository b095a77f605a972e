#!/usr/bin/env bash
# When the window first shows the page on screen, for Studydesk and the bare Tauri app,
# alternated (issue 17): benches/first-pixels/watch.py reads the window's pixels from the
# X server from the moment it is mapped. Uses the release builds already made by
# scripts/bench-startup.sh (run that first); python-xlib goes into a venv under target/.
#
#   scripts/bench-first-pixels.sh            8 launches of each
#   BENCH_RUNS=10 scripts/bench-first-pixels.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${BENCH_RUNS:-8}"
APP=target/release/studydesk CLI=target/release/studydesk-cli BARE=target/release/bare-tauri-app
for exe in "$APP" "$CLI" "$BARE"; do
  [[ -x "$exe" ]] || { echo "bench-first-pixels: $exe is missing: run scripts/bench-startup.sh --vs-bare first" >&2; exit 2; }
done
VENV=target/first-pixels-venv
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet python-xlib
fi

if [[ -z "${BENCH_FIRST_PIXELS_INNER:-}" ]]; then
  exec env BENCH_FIRST_PIXELS_INNER=1 xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- "$0" "$@"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$CLI" --data-dir "$work/template" sample-data >/dev/null

launch() { # KIND EXE NAME TEMPLATE
  local dir="$work/$1-$RANDOM$RANDOM" t pid
  mkdir -p "$dir"
  [[ -n "$4" ]] && cp -r "$4/." "$dir/"
  t="$(date +%s.%N)"
  "$2" --data-dir "$dir" >/dev/null 2>&1 &
  pid=$!
  printf '%s %s\n' "$1" "$("$VENV/bin/python" benches/first-pixels/watch.py "$3" "$t")"
  sleep 1
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

{
  launch warmup "$APP" Studydesk "$work/template" >/dev/null
  launch warmup "$BARE" "Bare Tauri" "" >/dev/null
  for _ in $(seq 1 "$RUNS"); do
    launch studydesk "$APP" Studydesk "$work/template"
    launch bare "$BARE" "Bare Tauri" ""
  done
} | tee "$work/runs.txt"

python3 - "$work/runs.txt" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    kind, data = line.split(" ", 1)
    runs.setdefault(kind, []).append(json.loads(data))
print()
print("| app | window mapped (median, min-max) | page on screen (median, min-max) | blank after the map (median) |")
print("|---|---|---|---|")
for kind in ("studydesk", "bare"):
    rs = [r for r in runs.get(kind, []) if r.get("drawn")]
    m = [r["mapped"] for r in rs]; d = [r["drawn"] for r in rs]; gap = [r["drawn"] - r["mapped"] for r in rs]
    print(f"| {kind} | {statistics.median(m):.0f} ms ({min(m)}-{max(m)}) | {statistics.median(d):.0f} ms ({min(d)}-{max(d)}) | {statistics.median(gap):.0f} ms |")
s = {r["drawn"] for r in runs.get("studydesk", []) if r.get("drawn")}
b = {r["drawn"] for r in runs.get("bare", []) if r.get("drawn")}
if s and b:
    print(f"\nStudydesk / bare, page on screen, ratio of medians: {statistics.median(s) / statistics.median(b):.2f}")
PY
