//! The IPC test harness shared by the app package's command tests: the real command
//! handler on Tauri's mock runtime (no window, no display), the core on a real SQLite
//! file in a temporary folder, a clock the test sets, and calls made exactly as the UI
//! makes them (JSON arguments, or a raw body with headers). (`tests/ipc/` is a module,
//! not a test target; each test file includes it with `mod ipc;`.)
#![allow(dead_code)] // each test file uses its own part

use serde_json::Value;
use std::sync::Arc;
use studydesk_app::{with_commands, Backend};
use studydesk_core::clock::ManualClock;
use tauri::http::HeaderMap;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

pub struct Harness {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    pub clock: ManualClock,
    pub dir: tempfile::TempDir,
}

impl Harness {
    /// A new data folder, the clock at 2026-11-22T01:00Z.
    pub fn new() -> Harness {
        Harness::on(tempfile::tempdir().unwrap())
    }

    /// The app on an existing folder (which may hold anything, even a file that is not
    /// a database).
    pub fn on(dir: tempfile::TempDir) -> Harness {
        let clock = ManualClock::new(chrono::DateTime::parse_from_rfc3339("2026-11-22T01:00:00Z").unwrap().into());
        let backend = Backend::open(Some(dir.path().to_path_buf()), Arc::new(clock.clone()));
        let app = with_commands(mock_builder(), backend).build(mock_context(noop_assets())).expect("app builds");
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
        Harness { _app: app, window, clock, dir }
    }

    pub fn invoke(&self, cmd: &str, body: InvokeBody, headers: HeaderMap) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body,
            headers,
            invoke_key: INVOKE_KEY.to_string(),
        };
        tauri::test::get_ipc_response(&self.window, request).map(|body| match body {
            InvokeResponseBody::Json(s) => serde_json::from_str(&s).unwrap(),
            InvokeResponseBody::Raw(b) => serde_json::from_slice(&b).unwrap(),
        })
    }

    /// A command with JSON arguments, as `invoke(cmd, args)` in the UI.
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.invoke(cmd, InvokeBody::Json(args), HeaderMap::new())
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    pub fn err(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args).expect_err(&format!("{cmd} should fail"))
    }
}
