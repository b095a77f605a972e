//! Fuzzing on stable Rust (issue 18 item 7): no nightly toolchain, no sanitizer, no
//! coverage instrumentation. A harness per target turns bytes into a call of the real
//! code; an in-process driver mutates a corpus and runs each input under three guards.
//!
//! Contract of a run (`scripts/fuzz.sh [SECONDS_PER_TARGET]`, see [`driver`]):
//! - Targets: `ics` (the ICS reader: parse, read, expand each series), `csv` (a CSV
//!   data source read whole as an import reads it), `sync` (a push body decoded and
//!   validated as the server does, a pull page decoded and applied as a device does),
//!   `ipc` (every IPC command: its JSON arguments deserialized as the shell does, its
//!   check, and for local, query and raw commands the facade method on a temporary
//!   database).
//! - A finding is a panic (caught per input), a hang (one input over [`driver::HANG_MS`]),
//!   or more than [`cap::CAP_BYTES`] live in the process at once (the allocator refuses
//!   and the worker stops). Each is written to `crates/fuzz/findings/<target>/`.
//! - Feedback without coverage: each input answers a short signature of what happened
//!   (the error's kind and message with its numbers blanked, or a bucketed size of a
//!   success); an input with a signature not seen before joins the corpus. Small ones are
//!   saved to `crates/fuzz/corpus/<target>/` (bounded), which the regression test
//!   (`tests/regression.rs`) replays with the findings on every `cargo test`.

pub mod cap;
pub mod driver;
pub mod json;
pub mod mutate;
pub mod targets;
