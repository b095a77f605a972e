#!/usr/bin/env bash
# The .deb as a user installs it (issue 17, "Installing"): bundles the app already built in
# target/debug into a .deb, installs it with apt (which resolves its dependencies), starts
# the installed /usr/bin/studydesk under Xvfb through tauri-driver on a fresh data folder,
# loads the sample data and sees Home, runs the installed /usr/bin/studydesk-cli on the same
# folder, then removes the package and checks the data folder is still there, unchanged.
#
#   scripts/install-test.sh                        bundle target/debug into a .deb, test it
#   INSTALL_TEST_DEB=path/to/x.deb scripts/install-test.sh   test that .deb instead
#
# Needs root or sudo (apt-get install / remove), target/debug/studydesk (scripts/e2e.sh
# builds it; nothing is compiled here; the CLI is inside it, `studydesk --cli`), the
# e2e tools (see scripts/e2e.sh) and the root's npm packages (the pinned Tauri CLI:
# scripts/setup.sh --test). It refuses to run when a studydesk package is already installed
# (it would replace and then remove it). The package is removed on the way out, whether the
# test passed or not.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${TAURI_DRIVER_PORT:-4444}"
log() { printf '==> %s\n' "$*" >&2; }
fail() { echo "install-test: $*" >&2; exit 1; }
SECONDS=0

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-test: installing a .deb needs root: run this as root, or install sudo (not found)" >&2; exit 2; }
  SUDO=(sudo)
fi
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)

if dpkg-query -W -f='${Status}' studydesk 2>/dev/null | grep -q "installed"; then
  echo "install-test: the studydesk package is already installed here; this test would replace it and then remove it. Remove it first (apt-get remove studydesk)." >&2
  exit 2
fi
for tool in xvfb-run dbus-run-session WebKitWebDriver node npm dpkg-deb apt-get sha256sum; do
  command -v "$tool" >/dev/null || { echo "install-test: '$tool' is not installed (scripts/setup.sh --test)" >&2; exit 2; }
done

# --- the .deb -------------------------------------------------------------------------
if [[ -n "${INSTALL_TEST_DEB:-}" ]]; then
  deb="$(realpath "$INSTALL_TEST_DEB")"
  [[ -f "$deb" ]] || fail "no $INSTALL_TEST_DEB"
else
  [[ -x target/debug/studydesk ]] || { echo "install-test: target/debug/studydesk is missing: build it first (cargo test --workspace --no-run, or scripts/e2e.sh)" >&2; exit 2; }
  [[ -x node_modules/.bin/tauri ]] || { echo "install-test: the Tauri CLI is missing: run scripts/setup.sh --test (npm ci at the root)" >&2; exit 2; }
  rm -f target/debug/bundle/deb/*.deb
  # `tauri bundle` packages what target/debug holds (it compiles nothing); the package's
  # studydesk-cli is a script calling `studydesk --cli` (src-tauri/packaging/studydesk-cli).
  # It writes the bundle type into target/debug/studydesk and writes the original back
  # afterwards (even with --no-binary-patching): with that binary running (an e2e or bench
  # run) it fails with "Text file busy" (seen with the release binary, CLI 2.12.6).
  log "bundling target/debug into a .deb ($(node_modules/.bin/tauri --version))"
  t0=$SECONDS
  node_modules/.bin/tauri bundle --debug --bundles deb --ci
  log "bundled in $((SECONDS - t0)) s"
  debs=(target/debug/bundle/deb/*.deb)
  [[ ${#debs[@]} -eq 1 && -f "${debs[0]}" ]] || fail "expected one .deb in target/debug/bundle/deb, found: ${debs[*]}"
  deb="$ROOT/${debs[0]}"
fi

size=$(stat -c %s "$deb")
log "$(basename "$deb"): $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.1f MiB", s / 1048576 }'))"
info="$(dpkg-deb -I "$deb")"
printf '%s\n' "$info" | grep -E '^ (Package|Version|Architecture|Installed-Size|Depends|Section|Description):' >&2
depends="$(dpkg-deb -f "$deb" Depends)"
for dep in fonts-dejavu-core fonts-noto-color-emoji libxss1 libwebkit2gtk-4.1-0 libgtk-3-0; do
  [[ ",$depends," == *[\ ,]"$dep"[\ ,\(]* ]] || fail "the .deb does not depend on $dep (Depends: $depends)"
done
[[ "$(dpkg-deb -f "$deb" Package)" == studydesk ]] || fail "the package is not called studydesk"
description="$(dpkg-deb -f "$deb" Description)"
[[ "$description" == "A local-first study dashboard"* ]] || fail "unexpected Description: $description"
[[ "$description" == *"studydesk-cli"* ]] || fail "the long description is missing from Description: $description"
contents="$(dpkg-deb -c "$deb" | awk '{ sub(/^\.?\//, "", $NF); print $NF }')"
for f in usr/bin/studydesk usr/bin/studydesk-cli usr/share/applications/Studydesk.desktop usr/share/metainfo/app.studydesk.desktop.metainfo.xml; do
  grep -qFx "$f" <<<"$contents" || fail "the .deb does not contain /$f"
done

# shellcheck source=lib/webdriver.sh
source "$ROOT/scripts/lib/webdriver.sh"

# --- one run at a time (e2e, benchmarks and this share tauri-driver's port) ----------------
webdriver_lock

# A tauri-driver that is not ours (started by hand, without the lock) would take this
# run's session: its own could not listen, and the wait below would reach the other.
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || (exec 3<>"/dev/tcp/127.0.0.1/$((PORT + 1))") 2>/dev/null; then
  echo "install-test: port $PORT or $((PORT + 1)) is already in use (another tauri-driver?): stop it, or set TAURI_DRIVER_PORT to a free port" >&2
  exit 2
fi

webdriver_tools
webdriver_isolate install
export E2E_ARTIFACTS="${E2E_ARTIFACTS:-$ROOT/tests/e2e/artifacts/install}"
rm -rf "$E2E_ARTIFACTS" && mkdir -p "$E2E_ARTIFACTS"

# --- install --------------------------------------------------------------------------
installed=0
remove_package() {
  [[ $installed == 1 ]] || return 0
  log "removing the package"
  "${APT[@]}" remove -y -q studydesk >&2 || echo "install-test: apt-get remove studydesk failed" >&2
  installed=0
}
# webdriver_isolate's EXIT trap removes the run's folder: remove the package first.
trap 'remove_package; webdriver_cleanup' EXIT

log "apt-get install $deb"
t0=$SECONDS
installed=1
"${APT[@]}" install -y -q "$deb" >&2
log "installed in $((SECONDS - t0)) s"
dpkg-query -W -f='${Status}\n' studydesk | grep -q "install ok installed" || fail "dpkg does not list studydesk as installed"
for f in /usr/bin/studydesk /usr/bin/studydesk-cli; do [[ -x $f ]] || fail "$f is missing after the install"; done
for f in /usr/share/applications/Studydesk.desktop /usr/share/metainfo/app.studydesk.desktop.metainfo.xml; do [[ -f $f ]] || fail "$f is missing after the install"; done
/usr/bin/studydesk-cli --version >&2

# --- run ------------------------------------------------------------------------------
export INSTALL_TEST_DATA_DIR="$RUN_DIR/home/studydesk-data"
mkdir -p "$INSTALL_TEST_DATA_DIR"
export STUDYDESK_APP=/usr/bin/studydesk STUDYDESK_CLI=/usr/bin/studydesk-cli
log "running the installed app (tests/e2e/installed-deb.mjs)"
webdriver_run "$E2E_ARTIFACTS/tauri-driver.log" node --test --test-reporter=spec ./installed-deb.mjs \
  || fail "the installed app failed (tauri-driver log: $E2E_ARTIFACTS/tauri-driver.log)"

# --- remove: the program goes, the user's data stays ----------------------------------
db="$INSTALL_TEST_DATA_DIR/studydesk.db"
[[ -s $db ]] || fail "$db does not exist after the run"
before="$(find "$INSTALL_TEST_DATA_DIR" -type f -print0 | sort -z | xargs -0 sha256sum)"
remove_package
if dpkg-query -W -f='${Status}' studydesk 2>/dev/null | grep -q "ok installed"; then fail "studydesk is still installed after apt-get remove"; fi
for f in /usr/bin/studydesk /usr/bin/studydesk-cli /usr/share/applications/Studydesk.desktop; do
  [[ ! -e $f ]] || fail "$f is still there after apt-get remove"
done
after="$(find "$INSTALL_TEST_DATA_DIR" -type f -print0 | sort -z | xargs -0 sha256sum)"
[[ "$before" == "$after" ]] || fail "the data folder changed when the package was removed:"$'\n'"before:"$'\n'"$before"$'\n'"after:"$'\n'"$after"
if command -v sqlite3 >/dev/null; then
  check="$(sqlite3 "file:$db?mode=ro" 'PRAGMA integrity_check' 2>&1)"
  [[ $check == ok ]] || fail "$db after the removal: integrity_check says $check"
fi
log "removed: /usr/bin/studydesk and /usr/bin/studydesk-cli are gone, the data folder is unchanged ($(du -sh "$INSTALL_TEST_DATA_DIR" | cut -f1), $(wc -l <<<"$after") files)"
log "install test passed in ${SECONDS}s"
