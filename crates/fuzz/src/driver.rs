//! The driver. A parent ([`run_all`]) runs each target for its share of time in a child
//! process of its own (a worker, [`work`]), so a hang or an allocation over the cap ends
//! only that worker: the parent saves the input that did it, notes the finding and starts
//! a new worker for the time left.
//!
//! A worker runs the target's seeds and saved corpus, then mutants of its corpus until its
//! time is up. Before each input it writes the input to `<scratch>/current` (one `pwrite`
//! of its length and bytes), which is how the parent knows what a dead worker ran. Per
//! input: `catch_unwind` (a panic is a finding, saved at once, and the worker goes on),
//! a watchdog thread (an input running over [`HANG_MS`] ends the worker with
//! [`EXIT_HANG`]), and the allocator's cap (over [`crate::cap::CAP_BYTES`] ends it with
//! [`EXIT_OVER_CAP`]). An input slower than [`HANG_MS`] that still finished is a finding
//! too.

use crate::mutate::{mutate, Rng};
use crate::targets::{self, Target};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::FileExt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One input running longer than this is a hang.
pub const HANG_MS: u64 = 1000;

/// The hang limit of this run: [`HANG_MS`], or `STUDYDESK_FUZZ_HANG_MS` (lower it to
/// collect the slowest inputs as findings).
pub fn hang_ms() -> u64 {
    std::env::var("STUDYDESK_FUZZ_HANG_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(HANG_MS)
}
pub const EXIT_HANG: i32 = 71;
pub const EXIT_OVER_CAP: i32 = 72;
/// Largest input saved to the corpus, and the most the corpus of one target may hold.
const CORPUS_FILE_MAX: usize = 4 * 1024;
const CORPUS_DIR_MAX: u64 = 64 * 1024;
const CORPUS_DIR_FILES: usize = 150;
/// Bounds of a worker's memory of outcomes and inputs (a run of hours stays small).
const MAX_CORPUS: usize = 8192;
const MAX_SIGNATURES: usize = 100_000;

/// What one worker (or all of a target's workers) did.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    pub execs: u64,
    pub seconds: f64,
    pub corpus: usize,
    pub signatures: usize,
    pub panics: u64,
    pub hangs: u64,
    pub over_cap: u64,
    pub crashes: u64,
    pub peak_bytes: usize,
    pub slowest_ms: u64,
    pub saved: usize,
}

impl Stats {
    /// Adds `o`'s counts (not its seconds: workers of one target share them).
    pub fn add(&mut self, o: &Stats) {
        self.execs += o.execs;
        self.corpus = self.corpus.max(o.corpus);
        self.signatures = self.signatures.max(o.signatures);
        self.panics += o.panics;
        self.hangs += o.hangs;
        self.over_cap += o.over_cap;
        self.crashes += o.crashes;
        self.peak_bytes = self.peak_bytes.max(o.peak_bytes);
        self.slowest_ms = self.slowest_ms.max(o.slowest_ms);
        self.saved += o.saved;
    }

    pub fn findings(&self) -> u64 {
        self.panics + self.hangs + self.over_cap + self.crashes
    }
}

pub fn findings_dir(target: &str) -> PathBuf {
    targets::crate_dir().join("findings").join(target)
}

pub fn corpus_dir(target: &str) -> PathBuf {
    targets::crate_dir().join("corpus").join(target)
}

/// A short name for an input: the FNV-1a hash of its bytes.
pub fn name_of(data: &[u8]) -> String {
    let h = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("{h:016x}")
}

/// The inputs of a folder (a finding's `.why` note left out), by name.
pub fn inputs_in(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return vec![] };
    let mut paths: Vec<PathBuf> =
        entries.flatten().map(|e| e.path()).filter(|p| p.is_file() && p.extension().is_none_or(|x| x != "why")).collect();
    paths.sort();
    paths.into_iter().filter_map(|p| std::fs::read(&p).ok().map(|d| (p, d))).collect()
}

static PANIC: Mutex<String> = Mutex::new(String::new());

thread_local! {
    static REPLAYING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panics inside [`replay`] are findings, not noise: the hook keeps their message and
/// where, quietly. Any other panic (a failed test assertion) is printed as usual.
pub fn quiet_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !REPLAYING.with(|r| r.get()) {
            return default(info);
        }
        let message = info.payload().downcast_ref::<&str>().map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        *PANIC.lock().unwrap_or_else(|p| p.into_inner()) = format!("{at}: {message}");
    }));
}

/// One input through `target`, its panic caught: the signature, or the panic's words.
pub fn replay(target: &Target, data: &[u8]) -> Result<String, String> {
    targets::set_input(data);
    REPLAYING.with(|r| r.set(true));
    let out = catch_unwind(AssertUnwindSafe(|| (target.run)(data)));
    REPLAYING.with(|r| r.set(false));
    out.map_err(|_| PANIC.lock().unwrap_or_else(|p| p.into_inner()).clone())
}

/// Milliseconds since the worker started; 0 while no input runs.
static STARTED_MS: AtomicU64 = AtomicU64::new(0);

fn watchdog(epoch: Instant) {
    let limit = hang_ms();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(50));
        let started = STARTED_MS.load(Ordering::Relaxed);
        let now = epoch.elapsed().as_millis() as u64 + 1;
        if started != 0 && now.saturating_sub(started) > limit {
            eprintln!("hang: one input ran over {limit} ms");
            std::process::exit(EXIT_HANG);
        }
    });
}

fn over_cap(size: usize) {
    eprintln!("over the cap: {} MiB live and {size} more bytes asked for", crate::cap::live() >> 20);
    std::process::exit(EXIT_OVER_CAP);
}

struct Worker<'t> {
    target: &'t Target,
    epoch: Instant,
    current: std::fs::File,
    stats: Stats,
    seen: HashMap<String, usize>,
    corpus: Vec<Vec<u8>>,
    /// New signatures found by mutation: the smallest input of each.
    novel: HashMap<String, Vec<u8>>,
    panic_sites: HashMap<String, ()>,
    /// How many corpus entries are seeds (never replaced).
    seeds: usize,
    hang_ms: u64,
}

impl Worker<'_> {
    fn exec(&mut self, data: &[u8]) -> String {
        let mut framed = (data.len() as u64).to_le_bytes().to_vec();
        framed.extend_from_slice(data);
        let _ = self.current.write_all_at(&framed, 0);
        if self.target.uses_app {
            targets::app::prepare();
        }
        crate::cap::reset_peak();
        let t0 = Instant::now();
        STARTED_MS.store(self.epoch.elapsed().as_millis() as u64 + 1, Ordering::Relaxed);
        let out = replay(self.target, data);
        STARTED_MS.store(0, Ordering::Relaxed);
        let ms = t0.elapsed().as_millis() as u64;
        self.stats.execs += 1;
        self.stats.peak_bytes = self.stats.peak_bytes.max(crate::cap::peak());
        self.stats.slowest_ms = self.stats.slowest_ms.max(ms);
        if ms > self.hang_ms {
            self.stats.hangs += 1;
            save_finding(self.target.name, "slow", data, &format!("finished after {ms} ms (the limit is {} ms)", self.hang_ms));
        }
        match out {
            Ok(sig) => sig,
            Err(why) => {
                self.stats.panics += 1;
                let site = why.split(": ").next().unwrap_or_default().to_string();
                if self.panic_sites.insert(site, ()).is_none() {
                    save_finding(self.target.name, "panic", data, &why);
                }
                format!("panic:{why}")
            }
        }
    }

    /// Runs `data`; answers whether it did something not seen before. A seed always joins
    /// the corpus; a mutant only when its outcome is new.
    fn try_input(&mut self, data: Vec<u8>, mutant: bool) -> bool {
        let sig = self.exec(&data);
        let new = !self.seen.contains_key(&sig) && self.seen.len() < MAX_SIGNATURES;
        if new {
            self.seen.insert(sig.clone(), self.corpus.len());
            if mutant {
                self.novel.insert(sig, data.clone());
            }
        } else if mutant {
            if let Some(best) = self.novel.get_mut(&sig) {
                if data.len() < best.len() {
                    *best = data;
                }
            }
            return false;
        }
        if self.corpus.len() < MAX_CORPUS {
            self.corpus.push(data);
        } else {
            // Full: a new outcome replaces an entry past the seeds.
            let i = self.seeds + (self.stats.execs as usize % (MAX_CORPUS - self.seeds).max(1));
            if let Some(slot) = self.corpus.get_mut(i) {
                *slot = data;
            }
        }
        new
    }
}

pub fn save_finding(target: &str, kind: &str, data: &[u8], why: &str) {
    let dir = findings_dir(target);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{kind}-{}", name_of(data)));
    let _ = std::fs::write(&path, data);
    let _ = std::fs::write(path.with_extension("why"), format!("{why}\n"));
}

/// The worker: runs `target` for `seconds` (see the module docs) and prints its stats.
pub fn work(target: &Target, seconds: f64, seed: u64, save_corpus: bool) -> Stats {
    quiet_panics();
    crate::cap::on_over_cap(over_cap);
    if let Some(mb) = std::env::var("STUDYDESK_FUZZ_CAP_MB").ok().and_then(|v| v.parse::<usize>().ok()) {
        crate::cap::set_cap(mb << 20);
    }
    let epoch = Instant::now();
    watchdog(epoch);
    let scratch = targets::scratch();
    let current = std::fs::OpenOptions::new().create(true).truncate(true).read(true).write(true).open(scratch.join("current"));
    let Ok(current) = current else {
        eprintln!("could not write {}", scratch.join("current").display());
        return Stats::default();
    };
    let mut w = Worker { target, epoch, current, stats: Stats::default(), seen: HashMap::new(), corpus: vec![], novel: HashMap::new(), panic_sites: HashMap::new(), seeds: 0, hang_ms: hang_ms() };
    let saved: Vec<Vec<u8>> = inputs_in(&corpus_dir(target.name)).into_iter().map(|(_, d)| d).collect();
    for data in (target.seeds)().into_iter().chain(saved) {
        w.try_input(data, false);
    }
    w.seeds = w.corpus.len();
    let mut rng = Rng::new(seed);
    let deadline = Duration::from_secs_f64(seconds);
    let mut last_report = Instant::now();
    while epoch.elapsed() < deadline {
        for _ in 0..64 {
            let parent = if w.corpus.is_empty() { vec![] } else { w.corpus[rng.below(w.corpus.len())].clone() };
            // A structured mutation may grow the input; past the target's bound it is
            // dropped for a byte mutation (which truncates), as the bound promises.
            let structured = target.mutate.filter(|_| rng.one_in(2)).and_then(|m| m(&mut rng, &parent)).filter(|c| c.len() <= target.max_len);
            let child = structured.unwrap_or_else(|| mutate(&mut rng, &parent, &w.corpus, target.dict, target.max_len));
            w.try_input(child, true);
        }
        if last_report.elapsed() > Duration::from_secs(1) {
            println!("progress {}", w.stats.execs);
            last_report = Instant::now();
        }
    }
    w.stats.seconds = epoch.elapsed().as_secs_f64();
    w.stats.corpus = w.corpus.len();
    w.stats.signatures = w.seen.len();
    if save_corpus {
        w.stats.saved = save_novel(target.name, w.novel.into_values().collect());
    }
    println!("done {}", serde_json::to_string(&w.stats).unwrap_or_default());
    w.stats
}

/// Writes the smallest new inputs to the target's corpus folder, within its bounds.
fn save_novel(target: &str, mut inputs: Vec<Vec<u8>>) -> usize {
    let dir = corpus_dir(target);
    let _ = std::fs::create_dir_all(&dir);
    let existing = inputs_in(&dir);
    let mut used: u64 = existing.iter().map(|(_, d)| d.len() as u64).sum();
    let mut files = existing.len();
    // A spread of sizes, not only the tiniest: every few-th input by size.
    inputs.retain(|d| !d.is_empty() && d.len() <= CORPUS_FILE_MAX);
    inputs.sort_by_key(Vec::len);
    let step = (inputs.len() / CORPUS_DIR_FILES).max(1);
    let mut saved = 0;
    for data in inputs.into_iter().step_by(step) {
        if used + data.len() as u64 > CORPUS_DIR_MAX || files >= CORPUS_DIR_FILES {
            break;
        }
        let path = dir.join(name_of(&data));
        if !path.exists() && std::fs::write(&path, &data).is_ok() {
            used += data.len() as u64;
            files += 1;
            saved += 1;
        }
    }
    saved
}

/// The parent: each target in turn, `seconds` each, in workers (see the module docs).
pub fn run_all(names: &[String], seconds: f64, save_corpus: bool) -> Vec<(String, Stats)> {
    let mut out = vec![];
    for name in names {
        let started = Instant::now();
        let mut total = Stats::default();
        let mut round = 0u64;
        while started.elapsed().as_secs_f64() < seconds - 0.5 && round < 50 {
            let left = seconds - started.elapsed().as_secs_f64();
            total.add(&one_worker(name, left, round, save_corpus));
            round += 1;
        }
        total.seconds = started.elapsed().as_secs_f64();
        print_line(name, &total);
        out.push((name.clone(), total));
    }
    out
}

fn one_worker(name: &str, seconds: f64, round: u64, save_corpus: bool) -> Stats {
    let scratch = match tempfile::Builder::new().prefix("studydesk-fuzz-worker-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("no scratch folder: {e}");
            return Stats::default();
        }
    };
    // This very program even if a rebuild replaced its file meanwhile (Linux), else its path.
    let proc_exe = PathBuf::from("/proc/self/exe");
    let exe = if proc_exe.exists() { proc_exe } else if let Ok(p) = std::env::current_exe() { p } else { return Stats::default() };
    let stderr_path = scratch.path().join("stderr");
    let child = Command::new(exe)
        .args(["worker", name, &format!("{seconds:.1}"), &format!("{}", 0x5eed + round), if save_corpus { "save" } else { "nosave" }])
        .env("STUDYDESK_FUZZ_SCRATCH", scratch.path())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).map(Stdio::from).unwrap_or_else(|_| Stdio::null()))
        .spawn();
    let Ok(mut child) = child else { return Stats::default() };
    let mut progress = 0;
    let mut done = None;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("progress ") {
                progress = n.parse().unwrap_or(progress);
            } else if let Some(json) = line.strip_prefix("done ") {
                done = serde_json::from_str::<Stats>(json).ok();
            }
        }
    }
    let status = child.wait().ok();
    if let Some(stats) = done.filter(|_| status.is_some_and(|s| s.success())) {
        return stats;
    }
    // The worker died on an input: the one it wrote last.
    let why = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let mut stats = Stats { execs: progress, ..Stats::default() };
    let kind = match status.and_then(|s| s.code()) {
        Some(EXIT_HANG) => {
            stats.hangs += 1;
            "hang"
        }
        Some(EXIT_OVER_CAP) => {
            stats.over_cap += 1;
            "over-cap"
        }
        _ => {
            stats.crashes += 1;
            "crash"
        }
    };
    let current = std::fs::read(scratch.path().join("current")).unwrap_or_default();
    let len = current.get(..8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as usize).unwrap_or(0);
    let input = current.get(8..8 + len).unwrap_or_default();
    let tail: String = why.lines().rev().take(5).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
    save_finding(name, kind, input, &format!("{kind} ({status:?}): {tail}"));
    eprintln!("{name}: {kind} finding saved ({} bytes)", input.len());
    stats
}

pub fn print_line(name: &str, s: &Stats) {
    let rate = if s.seconds > 0.0 { s.execs as f64 / s.seconds } else { 0.0 };
    println!(
        "| {name} | {} | {:.0} | {:.0} | {} | {} | {} | {} | {} | {} | {:.1} | {} |",
        s.execs, s.seconds, rate, s.corpus, s.signatures, s.panics, s.hangs, s.over_cap, s.crashes, s.peak_bytes as f64 / 1048576.0, s.slowest_ms
    );
    let _ = std::io::stdout().flush();
}

pub const HEADER: &str = "| target | executions | seconds | per second | corpus | signatures | panics | hangs | over 1 GiB | crashes | peak MiB | slowest ms |\n|---|---|---|---|---|---|---|---|---|---|---|---|";
