//! `studydesk-fuzz [SECONDS_PER_TARGET] [TARGET...]`: runs each target (all by default)
//! for its time and prints a table of executions and findings (see `driver`).
//! `studydesk-fuzz replay TARGET FILE...` runs saved inputs once and prints what each did.
//! `studydesk-fuzz worker ...` is the driver's child; not for people.

use studydesk_fuzz::{driver, targets};

#[global_allocator]
static ALLOC: studydesk_fuzz::cap::Capped = studydesk_fuzz::cap::Capped;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("worker") => worker(&args[1..]),
        Some("replay") => replay(&args[1..]),
        _ => run(&args),
    }
}

fn usage(message: &str) -> ! {
    eprintln!("{message}\nusage: studydesk-fuzz [SECONDS_PER_TARGET] [TARGET...]   (targets: ics csv sync ipc)");
    std::process::exit(2)
}

fn run(args: &[String]) {
    let seconds = match args.first() {
        Some(s) => s.parse::<f64>().unwrap_or_else(|_| usage(&format!("{s} is not a number of seconds"))),
        None => 60.0,
    };
    let names: Vec<String> = match args.get(1..) {
        Some(rest) if !rest.is_empty() => rest.to_vec(),
        _ => targets::all().iter().map(|t| t.name.to_string()).collect(),
    };
    if let Some(bad) = names.iter().find(|n| targets::find(n).is_none()) {
        usage(&format!("no target named {bad}"));
    }
    let save = std::env::var("STUDYDESK_FUZZ_SAVE").map_or(true, |v| v != "0");
    println!("{}", driver::HEADER);
    let results = driver::run_all(&names, seconds, save);
    let mut total = driver::Stats::default();
    for (_, s) in &results {
        total.add(s);
        total.seconds += s.seconds;
    }
    // A corpus and its signatures are per target: a total of them means nothing.
    let total = driver::Stats { corpus: 0, signatures: 0, ..total };
    driver::print_line("total", &total);
    if total.findings() > 0 {
        println!("findings were saved in crates/fuzz/findings/");
        std::process::exit(1);
    }
}

fn worker(args: &[String]) {
    let target = args.first().and_then(|n| targets::find(n)).unwrap_or_else(|| usage("worker: no such target"));
    let seconds = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10.0);
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let save = args.get(3).is_some_and(|s| s == "save");
    driver::work(target, seconds, seed, save);
}

fn replay(args: &[String]) {
    let target = args.first().and_then(|n| targets::find(n)).unwrap_or_else(|| usage("replay: no such target"));
    driver::quiet_panics();
    for file in &args[1..] {
        let data = std::fs::read(file).unwrap_or_else(|e| usage(&format!("{file}: {e}")));
        let t0 = std::time::Instant::now();
        let out = driver::replay(target, &data);
        println!("{file}: {:?} in {} ms", out, t0.elapsed().as_millis());
    }
}
