//! The fuzzer's corpus and findings as regression tests: every saved input of every
//! target runs again here (in the test build, with overflow checks) and must finish
//! without a panic, within the hang limit. A finding stays in `findings/` after its fix,
//! so the bug it found cannot come back.

use std::time::Instant;
use studydesk_fuzz::driver::{self, HANG_MS};
use studydesk_fuzz::targets::{self, ipc};

fn replay_folder(target: &targets::Target, dir: &std::path::Path) -> usize {
    let inputs = driver::inputs_in(dir);
    for (path, data) in &inputs {
        let t0 = Instant::now();
        let out = driver::replay(target, data);
        let ms = t0.elapsed().as_millis() as u64;
        assert!(out.is_ok(), "{}: panicked: {}", path.display(), out.unwrap_err());
        // Debug builds are several times slower than the fuzzer's: allow for it.
        assert!(ms < 4 * HANG_MS, "{}: took {ms} ms", path.display());
    }
    inputs.len()
}

#[test]
fn saved_corpus_and_findings_replay_without_panic_or_hang() {
    driver::quiet_panics();
    let mut total = 0;
    for target in targets::all() {
        total += replay_folder(target, &driver::corpus_dir(target.name));
        total += replay_folder(target, &driver::findings_dir(target.name));
    }
    assert!(total > 0, "no saved input at all: the corpus folders are missing");
}

/// A seed that serde refuses reaches no command code: every command's synthesized
/// arguments must deserialize, so each command is fuzzed past its argument parsing.
#[test]
fn every_ipc_command_has_arguments_that_deserialize() {
    driver::quiet_panics();
    let refused: Vec<String> = ipc::COMMANDS
        .iter()
        .filter_map(|c| {
            let args = (c.seed)();
            let out = (c.run)(&args, b"", None);
            match out {
                Err(e) if e.contains(":args:") => Some(format!("{} ({})", e, serde_json::Value::Object(args))),
                _ => None,
            }
        })
        .collect();
    assert!(refused.is_empty(), "{} of {} commands refused their seed:\n{}", refused.len(), ipc::COMMANDS.len(), refused.join("\n"));
    assert!(ipc::COMMANDS.len() > 200, "the command list lost commands: {}", ipc::COMMANDS.len());
}

#[test]
fn seeds_of_every_target_run() {
    driver::quiet_panics();
    for target in targets::all() {
        let seeds = (target.seeds)();
        assert!(!seeds.is_empty(), "{} has no seed", target.name);
        // The first few only: the whole ICS corpus is the core's own test.
        for s in seeds.iter().take(20) {
            assert!(driver::replay(target, s).is_ok(), "{}: a seed panicked", target.name);
        }
    }
}
