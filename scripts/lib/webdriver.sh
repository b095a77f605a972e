# Shared by scripts/e2e.sh and the scripts/bench-*.sh: the tools the WebDriver runs need,
# a fresh isolated home for one run, and running a command under Xvfb + a private session
# bus with tauri-driver listening. Source it after setting ROOT and PORT; it defines:
#   webdriver_require WHO      stop (exit 2) when a tool the runs need is not installed
#   bench_build ARGS...        unless E2E_SKIP_BUILD=1: the UI, then the app and the CLI
#                              (cargo build ARGS, e.g. --release)
#   webdriver_tools            install tauri-driver and tests/e2e's npm packages if missing
#   webdriver_lock             wait for any other run on this tauri-driver port (e2e, install
#                              test, benchmarks) to end: they share the port and would steal
#                              each other's sessions
#   webdriver_isolate NAME     fresh HOME / XDG_* / TMPDIR under RUN_DIR (removed on exit)
#   webdriver_run LOG CMD...   run CMD in tests/e2e inside Xvfb with tauri-driver up

webdriver_require() {
  local tool
  for tool in xvfb-run dbus-run-session WebKitWebDriver node npm cargo; do
    command -v "$tool" >/dev/null || { echo "$1: '$tool' is not installed (see scripts/e2e.sh)" >&2; exit 2; }
  done
}

bench_build() {
  [[ "${E2E_SKIP_BUILD:-0}" == 1 ]] && return 0
  if [[ ! -d ui/node_modules ]]; then log "npm ci (ui)"; npm --prefix ui ci --no-audit --no-fund; fi
  log "building the UI"; npm --prefix ui run build >/dev/null
  log "building the app and the CLI $*"; cargo build "$@" -p studydesk -p studydesk-cli
}

webdriver_lock() {
  local lock="${TMPDIR:-/tmp}/studydesk-e2e-$PORT.lock"
  exec 9>"$lock"
  if ! flock -n 9; then log "another run on port $PORT holds $lock: waiting"; flock 9; fi
}

webdriver_tools() {
  if ! command -v tauri-driver >/dev/null; then
    log "installing tauri-driver"; cargo install tauri-driver --locked
  fi
  export PATH="$HOME/.cargo/bin:$PATH"
  if [[ ! -d tests/e2e/node_modules ]] || [[ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]]; then
    log "npm ci (tests/e2e)"; npm --prefix tests/e2e ci --no-audit --no-fund
  fi
}

# The document portal (started by the webview through the session bus) mounts a FUSE
# file system at $XDG_RUNTIME_DIR/doc; it can still be going away when the bus ends.
webdriver_cleanup() {
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    if mountpoint -q "$RUN_DIR/runtime/doc" 2>/dev/null; then fusermount -u "$RUN_DIR/runtime/doc" 2>/dev/null || true; fi
    rm -rf "$RUN_DIR" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "warning: could not remove $RUN_DIR" >&2
}

# The webview keeps its own data under ~/.local/share/<identifier>, GTK/fontconfig caches
# under ~/.cache: every run gets a fresh home so runs cannot see each other.
webdriver_isolate() {
  RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/studydesk-$1.XXXXXX")"
  trap webdriver_cleanup EXIT
  mkdir -p "$RUN_DIR"/{home,data,config,cache,tmp,runtime}
  chmod 700 "$RUN_DIR/runtime"
  export HOME="$RUN_DIR/home" XDG_DATA_HOME="$RUN_DIR/data" XDG_CONFIG_HOME="$RUN_DIR/config" \
    XDG_CACHE_HOME="$RUN_DIR/cache" XDG_RUNTIME_DIR="$RUN_DIR/runtime" TMPDIR="$RUN_DIR/tmp"
  export LANG=C.UTF-8 LC_ALL=C.UTF-8
  export TAURI_DRIVER_PORT="$PORT"
  # Do not add WEBKIT_DISABLE_DMABUF_RENDERER / LIBGL_ALWAYS_SOFTWARE / NO_AT_BRIDGE here:
  # with them WebKitWebDriver's screenshot command hung (measured, WebKitGTK 2.50).
  # tauri#12742 (a 25 s start delay without xdg-desktop-portal) did not show here, neither
  # with xdg-desktop-portal-gtk installed nor with no portal service on the bus: ~1 s.
}

# Inside Xvfb and a private session bus: start tauri-driver (its output to LOG), wait for
# its port, run CMD in tests/e2e, and always stop tauri-driver (by its pid) on the way out.
webdriver_run() {
  local driver_log="$1"; shift
  xvfb-run -a -s "-screen 0 1440x900x24" dbus-run-session -- bash -c '
    set -u
    log="$0"
    # WebKitWebDriver listens on the next port (tauri-driver would use 4445 for every run,
    # so a second run on this machine would reach the driver of the first).
    # A desktop session has an unlocked keyring: the app keeps the passwords of database sources
    # in it (a real Secret Service, its keyring in the XDG_DATA_HOME of this run).
    if command -v gnome-keyring-daemon >/dev/null; then
      printf e2e-login | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null 2>&1 || true
    fi
    tauri-driver --port "$TAURI_DRIVER_PORT" --native-port "$((TAURI_DRIVER_PORT + 1))" >"$log" 2>&1 &
    driver=$!
    trap "kill $driver 2>/dev/null; wait $driver 2>/dev/null" EXIT
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$TAURI_DRIVER_PORT") 2>/dev/null && break
      kill -0 $driver 2>/dev/null || { echo "tauri-driver exited:"; cat "$log"; exit 3; }
      sleep 0.1
    done
    cd tests/e2e && "$@"
  ' "$driver_log" "$@"
}
