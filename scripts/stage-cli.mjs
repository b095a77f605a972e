// Tauri's beforeBundleCommand (tauri.conf.json), on every platform (Node is already needed
// to build the UI): builds the command-line tool in the app's profile and copies it to
// target/bundle-extra/, where the .deb and .rpm take it from (bundle.linux.*.files), so an
// installed package has /usr/bin/studydesk-cli beside the app for the OS timer and scripts.
// Tauri says which profile through TAURI_ENV_DEBUG ("true" for `build --debug`).
//
// STUDYDESK_CLI_PREBUILT=1: no cargo build, the binary already in target/<profile>/ is
// copied (it must exist). scripts/install-test.sh sets it: there the CLI was built by
// `cargo test --workspace --no-run` with the workspace's features, and a
// `cargo build -p studydesk-cli` would resolve the features of that package alone and
// compile part of the dependency tree a second time.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const debug = process.env.TAURI_ENV_DEBUG === "true";
const exe = process.platform === "win32" ? "studydesk-cli.exe" : "studydesk-cli";
const target = process.env.CARGO_TARGET_DIR ? path.resolve(root, process.env.CARGO_TARGET_DIR) : path.join(root, "target");
const built = path.join(target, debug ? "debug" : "release", exe);
if (process.env.STUDYDESK_CLI_PREBUILT === "1") {
  if (!existsSync(built)) {
    console.error(`stage-cli: STUDYDESK_CLI_PREBUILT=1 but ${built} does not exist (build it first, or unset the variable)`);
    process.exit(1);
  }
  console.log(`stage-cli: using the prebuilt ${path.relative(root, built)} (STUDYDESK_CLI_PREBUILT=1)`);
} else {
  execFileSync("cargo", ["build", ...(debug ? [] : ["--release"]), "-p", "studydesk-cli"], { cwd: root, stdio: "inherit" });
}
mkdirSync(path.join(root, "target", "bundle-extra"), { recursive: true });
copyFileSync(built, path.join(root, "target", "bundle-extra", exe));
