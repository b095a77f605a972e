// Tauri's beforeBundleCommand (tauri.conf.json), on every platform (Node is already needed
// to build the UI): builds the command-line tool in the app's profile and copies it to
// target/bundle-extra/, where the .deb and .rpm take it from (bundle.linux.*.files), so an
// installed package has /usr/bin/studydesk-cli beside the app for the OS timer and scripts.
// Tauri says which profile through TAURI_ENV_DEBUG ("true" for `build --debug`).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const debug = process.env.TAURI_ENV_DEBUG === "true";
const exe = process.platform === "win32" ? "studydesk-cli.exe" : "studydesk-cli";
execFileSync("cargo", ["build", ...(debug ? [] : ["--release"]), "-p", "studydesk-cli"], { cwd: root, stdio: "inherit" });
const target = process.env.CARGO_TARGET_DIR ? path.resolve(root, process.env.CARGO_TARGET_DIR) : path.join(root, "target");
mkdirSync(path.join(root, "target", "bundle-extra"), { recursive: true });
copyFileSync(path.join(target, debug ? "debug" : "release", exe), path.join(root, "target", "bundle-extra", exe));
