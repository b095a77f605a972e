//! Sync throughput through a real server on PostgreSQL (run under pg_virtualenv):
//!
//!   pg_virtualenv -t -- cargo bench -p studydesk-server --bench sync
//!
//! - `push_pull_10k`: device A pushes 10,000 new tasks, device B (signed in to the same
//!   account) pulls and applies them: the "< 3 s" figure.
//! - `blob_64mib`: one device uploads a new 64 MiB file (`PUT /v1/blobs/{sha256}`: the
//!   server hashes it and writes 64 chunks of 1 MiB in one transaction) and downloads it
//!   back (`GET`, streamed chunk by chunk) and compares it (a memcmp, a few ms of the time).
//! - then a load run: 50 devices (threads, one account each) push small batches (one
//!   task each) as fast as they can for a fixed time; requests per second and p99 latency.

#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::time::{Duration, Instant};
use studydesk_core::api::Studydesk;
use studydesk_core::sync::{Credentials, SignInMode};
use support::TestServer;

const TASKS: usize = 10_000;

fn device() -> (tempfile::TempDir, Studydesk) {
    let dir = tempfile::tempdir().unwrap();
    let app = Studydesk::open(dir.path(), studydesk_core::clock::system()).unwrap();
    (dir, app)
}

fn credentials(server: &TestServer, email: &str) -> Credentials {
    Credentials { server_url: server.base.clone(), email: email.into(), password: "correct horse battery".into() }
}

/// A signed-in device A with 10,000 tasks waiting to be pushed, and a fresh device B.
fn setup() -> (TestServer, (tempfile::TempDir, Studydesk), (tempfile::TempDir, Studydesk)) {
    let server = TestServer::start();
    let a = device();
    a.1.sync_sign_in(SignInMode::Signup, &credentials(&server, "a@example.org")).unwrap();
    let list = a.1.home().unwrap().today.list.id;
    a.1.db()
        .write(studydesk_core::db::WriteCtx::by(&a.1.user_id(), "bench"), |tx| {
            for i in 0..TASKS {
                studydesk_core::planner::tasks::insert_task(
                    tx,
                    &a.1.user_id(),
                    &studydesk_core::planner::tasks::NewTask { list_id: Some(list.clone()), description: format!("task {i}"), ..Default::default() },
                )?;
            }
            Ok(())
        })
        .unwrap();
    (server, a, device())
}

fn push_pull(c: &mut Criterion) {
    let mut group = c.benchmark_group("sync");
    group.sample_size(10).measurement_time(Duration::from_secs(60));
    group.bench_function("push_pull_10k", |b| {
        b.iter_batched(
            setup,
            |(server, a, b_dev)| {
                a.1.sync_now().unwrap();
                b_dev.1.sync_sign_in(SignInMode::Login, &credentials(&server, "a@example.org")).unwrap();
                assert!(b_dev.1.task_list().unwrap().len() >= TASKS);
                (server, a, b_dev)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

const BLOB_BYTES: usize = 64 * 1024 * 1024;

fn blob_round_trip(c: &mut Criterion) {
    let server = TestServer::start_with(|c| c.blob_quota_bytes = u64::MAX);
    let device = support::signup(&server, "blobs@example.org");
    let mut seed = 0u64;
    let mut group = c.benchmark_group("sync");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    group.bench_function("blob_64mib", |b| {
        b.iter_batched(
            || {
                seed += 1;
                let bytes = support::random_bytes(BLOB_BYTES, seed);
                (support::sha256_hex(&bytes), bytes)
            },
            |(hash, bytes)| {
                let put = device.put_blob(&hash, bytes.clone());
                assert_eq!(put.status(), 201, "{}", put.text());
                let got = device.get_blob(&hash);
                assert_eq!(got.status(), 200);
                assert!(got.bytes() == bytes.as_slice(), "the download is the upload");
                (bytes, got)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// 50 devices pushing one-change batches for `secs`: requests per second and latencies.
fn load(secs: u64) {
    let server = TestServer::start();
    let clients: Vec<support::Client> = (0..50).map(|i| support::signup(&server, &format!("d{i}@example.org"))).collect();
    for c in &clients {
        c.push(&support::new_id(), vec![c.user_row()]);
    }
    let deadline = Instant::now() + Duration::from_secs(secs);
    let threads: Vec<_> = clients
        .into_iter()
        .map(|c| {
            std::thread::spawn(move || {
                let list = support::new_id();
                let r = c.push(&support::new_id(), vec![c.list_row(&list)]);
                assert_eq!(r.status(), 200);
                let mut latencies = vec![];
                while Instant::now() < deadline {
                    let started = Instant::now();
                    let r = c.push(&support::new_id(), vec![c.task_row(&support::new_id(), &list, "small push")]);
                    assert_eq!(r.status(), 200);
                    latencies.push(started.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all: Vec<Duration> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    all.sort();
    let p = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    println!(
        "load/50_devices_small_pushes: {} requests in {secs} s = {:.0} req/s; p50 {:?}, p99 {:?}, max {:?}",
        all.len(),
        all.len() as f64 / secs as f64,
        p(0.5),
        p(0.99),
        all[all.len() - 1]
    );
}

fn load_bench(_c: &mut Criterion) {
    load(20);
}

criterion_group!(benches, push_pull, blob_round_trip, load_bench);
criterion_main!(benches);
