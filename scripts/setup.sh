#!/usr/bin/env bash
# Installs what Studydesk needs to build and test on Debian/Ubuntu, skipping what is
# already there: system libraries (WebKitGTK...), test tools (Xvfb, WebKitWebDriver,
# a D-Bus notification server, PostgreSQL), the UI's npm packages and tauri-driver.
#   scripts/setup.sh          build + run dependencies
#   scripts/setup.sh --test   also what the tests need
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# poppler-utils: the reports tests read the PDFs back (pdftotext, pdfinfo); fonts-noto-cjk
# is also the font PDF reports embed. fonts-noto-color-emoji: course, activity and post
# emoji render in colour (a fresh Debian
# has no colour emoji font and shows empty boxes). fonts-dejavu-core: the UI's Latin font
# on Linux (ui/src/styles.css; nearly always there already, as fontconfig pulls it in).
build_pkgs="poppler-utils libwebkit2gtk-4.1-dev build-essential curl file libssl-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev libxss-dev libx11-dev libdbus-1-dev pkg-config fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji xdg-desktop-portal-gtk"
# gdb: an e2e app that does not exit is dumped thread by thread (tests/e2e/lib.mjs).
# gnome-keyring: a real Secret Service for the keychain test (crates/core/tests/secrets_keychain.rs).
# mariadb-server: the MySQL/MariaDB sources test starts its own server (crates/core/tests/insights_mysql.rs).
test_pkgs="xvfb xauth imagemagick dbus-x11 webkit2gtk-driver dunst postgresql sqlite3 xdotool trayer gdb gnome-keyring mariadb-server"
pkgs="$build_pkgs"
[ $want_test = 1 ] && pkgs="$pkgs $test_pkgs"

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: these packages are missing and this is not a Debian/Ubuntu system:$missing" >&2
    echo "setup: see README.md for macOS and Windows" >&2
    exit 1
  fi
  echo "setup: installing$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: Rust is missing; install it from https://rustup.rs (stable, 1.90 or newer) and run this again" >&2
  exit 1
fi
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)'; then
  echo "setup: Node.js 20.19 or newer is needed for the UI build (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# The UI's packages, exactly as locked.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ $want_test = 1 ]; then
  if ! command -v tauri-driver >/dev/null; then
    cargo install tauri-driver --locked --quiet
  fi
  if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # The Tauri CLI, pinned in the root package-lock.json: scripts/install-test.sh bundles the
  # .deb with it.
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
echo "setup: ready"
