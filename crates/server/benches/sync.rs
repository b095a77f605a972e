//! Sync throughput through a real server on PostgreSQL (run under pg_virtualenv):
//!
//!   pg_virtualenv -t -- cargo bench -p studydesk-server --bench sync
//!
//! - `push_pull_10k`: device A pushes 10,000 new tasks, device B (signed in to the same
//!   account) pulls and applies them: the "< 3 s" figure.
//! - `blob_64mib`: one device uploads a new 64 MiB file (`PUT /v1/blobs/{sha256}`: the
//!   server hashes it and writes 64 chunks of 1 MiB in one transaction) and downloads it
//!   back (`GET`, streamed chunk by chunk) and compares it (a memcmp, a few ms of the time).
//! - then a load run: 50 devices (async tasks, one account each) push small batches (one
//!   task each) as fast as they can for a fixed time; requests per second and p99 latency.
//! - `public_stream`: the server binary as its own process; 500 devices (one account
//!   each) pull a public stream of 100,000 posts page by page, all at once; the server's
//!   peak memory and the largest page (`PULL_DEVICES`, `PULL_POSTS` change the sizes).
//!
//! A filter runs one part: `... --bench sync -- load`, `-- public_stream`, `-- push_pull`.

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
    a.1.sync_sign_in(SignInMode::Signup, credentials(&server, "a@example.org")).unwrap();
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
                let t = Instant::now();
                a.1.sync_now().unwrap();
                let pushed = t.elapsed();
                b_dev.1.sync_sign_in(SignInMode::Login, credentials(&server, "a@example.org")).unwrap();
                if std::env::var("BENCH_PHASES").is_ok() {
                    eprintln!("push {pushed:?}, sign-in and pull {:?}", t.elapsed() - pushed);
                }
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
/// The load generator is one async task per device on a single-threaded runtime (one
/// HTTP client, a connection each), so it takes as little of the 2 cores as it can: the
/// server, PostgreSQL and the generator share them.
fn load(secs: u64) {
    let server = TestServer::start();
    if let Ok(sql) = std::env::var("BENCH_SQL") {
        // A diagnosis, not a figure: SQL run on the server's database before the load
        // (`|||` separates statements that must run alone, such as ALTER SYSTEM).
        for statement in sql.split("|||") {
            server.query(statement);
        }
        println!("load: ran {sql}");
    }
    let clients = accounts_with_keys(&server.database_url, &server.base, 50);
    for c in &clients {
        c.push(&support::new_id(), vec![c.user_row()]);
    }
    let devices: Vec<(support::Client, String)> = clients
        .into_iter()
        .map(|c| {
            let list = support::new_id();
            let r = c.push(&support::new_id(), vec![c.list_row(&list)]);
            assert_eq!(r.status(), 200);
            (c, list)
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut all: Vec<Duration> = runtime.block_on(async move {
        let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
        let deadline = Instant::now() + Duration::from_secs(secs);
        let tasks: Vec<_> = devices
            .into_iter()
            .map(|(c, list)| {
                let http = http.clone();
                tokio::spawn(async move {
                    let mut latencies = vec![];
                    while Instant::now() < deadline {
                        let body = serde_json::json!({"batch_id": support::new_id(), "device_id": c.device,
                            "changes": [c.task_row(&support::new_id(), &list, "small push")]});
                        let started = Instant::now();
                        let r = http
                            .post(format!("{}/v1/push", c.base))
                            .bearer_auth(&c.key)
                            .header("Studydesk-Schema", "8")
                            .json(&body)
                            .send()
                            .await
                            .unwrap();
                        assert_eq!(r.status(), 200);
                        r.bytes().await.unwrap();
                        latencies.push(started.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut all = vec![];
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    });
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
    if wanted("load") {
        load(20);
    }
}

/// Whether the bench filter given on the command line (if any) names `name`.
fn wanted(name: &str) -> bool {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
}

/// Accounts with one device key each, made in the database directly (signing up 500
/// accounts would measure Argon2 and the sign-up throttle, not pulls).
fn accounts_with_keys(database_url: &str, base: &str, n: usize) -> Vec<support::Client> {
    let mut sql = String::from("BEGIN;");
    let mut clients = vec![];
    for i in 0..n {
        let (account, key_id, device) = (support::new_id(), support::new_id(), support::new_id());
        let secret = format!("bench-secret-{i}-{}", support::new_id());
        sql.push_str(&format!(
            "INSERT INTO accounts(id, email, password_hash) VALUES ('{account}', 'bench{i}@example.org', 'x');
             INSERT INTO api_keys(id, account_id, device_id, name, key_hash, expires_at)
               VALUES ('{key_id}', '{account}', '{device}', 'bench', '{}', now() + interval '1 day');",
            support::sha256_hex(secret.as_bytes())
        ));
        clients.push(support::Client { account, device, key: format!("sdk1_{key_id}_{secret}"), http: support::http(), base: base.to_string() });
    }
    sql.push_str("COMMIT;");
    let url = database_url.to_string();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async move {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(conn);
            client.batch_execute(&sql).await.unwrap();
        })
    })
    .join()
    .unwrap();
    clients
}

/// The studydesk-server binary on a fresh database, as its own process (so its memory is
/// its own): the child and its base URL.
fn server_process() -> (std::process::Child, String, String) {
    let database_url = support::fresh_database();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_studydesk-server"))
        .args(["--database-url", &database_url, "--bind", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while reqwest::blocking::get(format!("{base}/healthz")).map(|r| r.status() != 200).unwrap_or(true) {
        assert!(started.elapsed() < Duration::from_secs(60), "the server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, base, database_url)
}

/// A process's peak resident memory (VmHWM), in MiB.
fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or(0.0);
    kib / 1024.0
}

#[derive(serde::Deserialize)]
struct PageSummary {
    changes: Vec<serde::de::IgnoredAny>,
    next_cursor: String,
    has_more: bool,
}

/// `devices` devices (one account each) pull a public stream of `posts` posts, page by
/// page, all at once: the server's peak memory, the largest page, the time.
fn public_stream(devices: usize, posts: usize) {
    let (mut child, base, database_url) = server_process();
    let mut clients = accounts_with_keys(&database_url, &base, devices + 10);
    let authors: Vec<support::Client> = clients.drain(..10).collect();
    let now = "2026-11-22T01:00:00.000Z";
    for (a, author) in authors.iter().enumerate() {
        author.push(&support::new_id(), vec![author.user_row()]);
        for batch in 0..posts / 10 / 1000 {
            let changes = (0..1000)
                .map(|i| {
                    let id = support::new_id();
                    let content = format!("Post {a}/{batch}/{i}: an hour of organic chemistry, chapter 4, and the problem set is done.");
                    author.change("posts", &id, "insert", 1, serde_json::json!({"id": id, "user_id": author.account, "content": content,
                        "subject": "chemistry", "created_at": now, "updated_at": now, "visibility": "public"}), 1)
                })
                .collect();
            let r = author.push(&support::new_id(), changes);
            assert_eq!(r.status(), 200, "{}", r.text());
        }
    }
    let rss_before = peak_rss_mib(child.id());
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (pages, changes, largest) = runtime.block_on(async move {
        let http = reqwest::Client::builder().pool_max_idle_per_host(devices).timeout(Duration::from_secs(600)).build().unwrap();
        let tasks: Vec<_> = clients
            .into_iter()
            .map(|c| {
                let http = http.clone();
                tokio::spawn(async move {
                    let (mut cursor, mut pages, mut changes, mut largest) = (String::new(), 0usize, 0usize, 0usize);
                    loop {
                        let response = loop {
                            let r = http
                                .get(format!("{}/v1/pull?limit=1000&cursor={cursor}", c.base))
                                .bearer_auth(&c.key)
                                .header("Studydesk-Schema", "8")
                                .send()
                                .await
                                .unwrap();
                            if r.status() == 503 {
                                tokio::time::sleep(Duration::from_millis(200)).await; // shed: come back as told
                                continue;
                            }
                            break r;
                        };
                        assert_eq!(response.status(), 200);
                        let body = response.bytes().await.unwrap();
                        largest = largest.max(body.len());
                        let page: PageSummary = serde_json::from_slice(&body).unwrap();
                        pages += 1;
                        changes += page.changes.len();
                        cursor = page.next_cursor;
                        if !page.has_more {
                            return (pages, changes, largest);
                        }
                    }
                })
            })
            .collect();
        let (mut pages, mut changes, mut largest) = (0, 0, 0);
        for t in tasks {
            let (p, c, l) = t.await.unwrap();
            pages += p;
            changes += c;
            largest = largest.max(l);
        }
        (pages, changes, largest)
    });
    let took = started.elapsed();
    let peak = peak_rss_mib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    assert!(changes >= devices * posts, "every device got every post ({changes} changes)");
    assert!(largest <= studydesk_sync::MAX_PULL_PAGE_BYTES + 4096, "a page of {largest} bytes");
    println!(
        "pull/public_stream: {devices} devices pulled {posts} posts each ({pages} pages, {changes} changes) in {:.1} s; \
         server peak RSS {peak:.0} MiB ({rss_before:.0} MiB after seeding); largest page {} KiB",
        took.as_secs_f64(),
        largest / 1024
    );
}

fn public_stream_bench(_c: &mut Criterion) {
    if wanted("public_stream") {
        let devices = std::env::var("PULL_DEVICES").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
        let posts = std::env::var("PULL_POSTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
        public_stream(devices, posts);
    }
}

criterion_group!(benches, push_pull, blob_round_trip, load_bench, public_stream_bench);
criterion_main!(benches);
