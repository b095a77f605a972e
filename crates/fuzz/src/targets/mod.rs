//! The harnesses: one [`Target`] per surface that reads bytes a user, a file or a server
//! can choose. Each `run` must never panic, hang or take more than the cap, whatever the
//! bytes; what it answers is only a signature of the outcome (see the crate docs).

pub mod app;
pub mod csv;
pub mod ics;
pub mod ipc;
pub mod sync;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;

pub struct Target {
    pub name: &'static str,
    /// Runs one input and answers the signature of what happened.
    pub run: fn(&[u8]) -> String,
    /// Starting inputs besides the saved corpus (test fixtures, generated examples).
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Tokens the mutator inserts (keywords of the format).
    pub dict: &'static [&'static [u8]],
    /// A structure-aware mutation, tried on half of the mutants when present.
    pub mutate: Option<fn(&mut crate::mutate::Rng, &[u8]) -> Option<Vec<u8>>>,
    /// Longest input tried.
    pub max_len: usize,
    /// Uses the temporary database of [`app`] (the driver opens it before the clock starts).
    pub uses_app: bool,
}

pub fn all() -> [&'static Target; 4] {
    [&ics::TARGET, &csv::TARGET, &sync::TARGET, &ipc::TARGET]
}

pub fn find(name: &str) -> Option<&'static Target> {
    all().into_iter().find(|t| t.name == name)
}

/// The crate's folder (corpus, findings), from the build.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's root.
pub fn repo_dir() -> PathBuf {
    crate_dir().join("../..")
}

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The words already looked for in the current input, with the answer: one push of
    /// 190 changes repeats the same few words in every message.
    static LOOKED_UP: RefCell<HashMap<String, bool>> = RefCell::new(HashMap::new());
}

/// Notes the input about to run, so [`shape`] can tell its words from the message's: as
/// a message would quote it, with folded lines joined (an ICS word split by "\r\n " is
/// one word in the message) and in ASCII lower case (messages quote names in either case).
pub fn set_input(data: &[u8]) {
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        i.clear();
        let mut k = 0;
        while k < data.len() {
            let fold = [&b"\r\n "[..], b"\r\n\t", b"\n ", b"\n\t"].into_iter().find(|f| data[k..].starts_with(f));
            match fold {
                Some(f) => k += f.len(),
                None => {
                    i.push(data[k].to_ascii_lowercase());
                    k += 1;
                }
            }
        }
    });
    LOOKED_UP.with(|l| l.borrow_mut().clear());
}

/// Adds `text` to what [`set_input`] noted: the input as a reader decoded it (a CSV in
/// UTF-16 or Shift_JIS quotes its words back in UTF-8, which its bytes do not hold).
pub fn also_input(text: &str) {
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        i.push(0);
        i.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
    });
    LOOKED_UP.with(|l| l.borrow_mut().clear());
}

/// Whether the input holds `word`. A substring search (memchr's), once per word and input:
/// the naive scan took 2 s of a 2.7 MB push in the message shapes alone, which the
/// watchdog counted as the target's hang (session 23).
fn in_input(word: &str) -> bool {
    if let Some(known) = LOOKED_UP.with(|l| l.borrow().get(word).copied()) {
        return known;
    }
    let found = INPUT.with(|i| memchr::memmem::find(&i.borrow(), word.as_bytes()).is_some());
    LOOKED_UP.with(|l| l.borrow_mut().insert(word.to_string(), found));
    found
}

/// A message's shape: its plain lower-case words only, cut short. Numbers, names and
/// words the input itself holds (quoted back in the message) are left out, so
/// "line 12: foo is not a component" and "line 13: bar is not..." are one outcome and
/// the corpus grows by kinds of outcome, not by every value the mutator writes.
pub fn shape(message: &str) -> String {
    let words = message
        .split(|c: char| c.is_whitespace() || c == ':' || c == ',')
        .filter(|w| !w.is_empty() && w.len() <= 16 && w.bytes().all(|b| b.is_ascii_lowercase()))
        .filter(|w| !in_input(w));
    let mut out = String::new();
    // The first few words name the rule; later ones are more often the input's own.
    for w in words.take(6) {
        if out.len() + w.len() > 60 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// A count in powers of two, so sizes give a few signatures, not one per size.
pub fn bucket(n: usize) -> u32 {
    usize::BITS - n.leading_zeros()
}

/// The signature of a core error: its kind and its message's shape.
pub fn core_error(e: studydesk_core::CoreError) -> String {
    let api = studydesk_core::error::ApiError::from(e);
    format!("{:?}:{}", api.kind, shape(&api.message))
}

/// A scratch folder for a target's temporary data folders: the driver gives each worker
/// one and removes it when the worker ends (even one ended by a hang).
pub fn scratch() -> PathBuf {
    std::env::var_os("STUDYDESK_FUZZ_SCRATCH").map(PathBuf::from).unwrap_or_else(std::env::temp_dir)
}
