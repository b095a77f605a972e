//! Performance benchmarks of the core (criterion). Run with
//!
//! ```text
//! cargo bench -p studydesk-core --bench core
//! ```
//!
//! Every benchmark works on a real SQLite file in a temporary folder (WAL, NORMAL sync,
//! as the app runs), never on `:memory:`. Results and targets: docs/benchmarks.md.
//!
//! - `open/create_and_migrate`: `Studydesk::open` on an empty folder (create the file,
//!   run every migration, install the capture triggers, create the local profile).
//! - `open/reopen_existing`: `Studydesk::open` on a folder that already holds a migrated
//!   database (what every app start after the first does).
//! - `home/ten_years`: `Studydesk::home()` for a user with ten years of data (see
//!   [`build_ten_years`]). Target: under 5 ms.
//! - `write/insert_tasks_batch/{100,1000}`: N tasks through `planner::tasks::insert_tasks` in one
//!   `Db::write` (row + sync change + audit row each) into a list of their own (an
//!   import). Target: over 20,000 tasks/s.
//! - `write/insert_tasks_batch_into_today/1000`: the same into the Today list, whose open
//!   tasks the progress rings recount in the same transaction (the list grows to ~10^5
//!   open tasks over a run, so this one grows with it).
//! - `write/single_task_add`: one `Studydesk::task_add` (one transaction, including the
//!   progress refresh) on the ten-year database: the latency a click sees.
//! - `feed/activity_first_page_1m`: the first page (20) of the activity feed with
//!   1,000,000 `activity_feed` rows (and 100,000 engagements) for the user. Target: under
//!   10 ms. `feed/activity_fifth_page_1m`: the page after four cursors.
//! - `feed/posts_home_first_page_100k`: the first page (20) of the home feed (my posts and
//!   those of the people I follow) with 100,000 posts by 500 followed users. Target: under
//!   10 ms. `feed/posts_home_fifth_page_100k`: the page after four cursors;
//!   `feed/posts_discover_tag_100k`: Discover's public posts of one tag (1 post in 10).
//! - `emoji/search/{wave,japanese,two_words,one_letter}`: `Studydesk::emoji_search` over the
//!   whole catalog (~3,900 rows) and 100 custom emoji of mine. Target: under 5 ms. `emoji/catalog`: the picker's whole
//!   list; `emoji/install_catalog`: writing the catalog (first launch, a new version).
//! - `insights/metric_*`: each built-in study metric over ten years of everything (the
//!   template plus sessions, favorites, reminders and posts; see [`insights`]). Target:
//!   under 20 ms each.

mod insights;
mod support;
use support::*;
use chrono::{Datelike, Days, Duration as ChronoDuration, NaiveDate};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use rusqlite::params;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};
use studydesk_core::api::Studydesk;
use studydesk_core::clock;
use studydesk_core::dashboard::content::{self, NewFocusEntry, NewStudyPlaylist, NewStudyResource};
use studydesk_core::db::{timestamp_text, WriteCtx};
use studydesk_core::planner::tasks::{self, NewTask};
use studydesk_core::{account, time};
use tempfile::TempDir;

/// Size of the ten-year dataset.
const TASKS: usize = 10_000;
const OPEN_IN_TODAY: usize = 15;
const COMPLETED_TODAY: usize = 3;
const OPEN_IN_ARCHIVES: usize = 20;
const ASSIGNMENTS: usize = 2_000;
const COURSES: usize = 100;
const DAYS: u64 = 3_650;


/// Fills the (freshly opened) database in `sd` with ten years of one student's use, all
/// written through `Db::write`, so `sync_changes` and `audit_logs` hold the matching
/// history too:
///
/// - 10,000 tasks: 9,962 completed on past days (about 2.7 a day over 3,650 days, three
///   quarters in the Today list and the rest in one archive list per year), 20 left open
///   in the archive lists, 15 open in the Today list and 3 completed today;
/// - 100 courses (5 a semester) and 2,000 assignments (20 a course, one due every 9
///   days of the semester); past-due ones are Done or Submitted except about 1 %
///   forgotten (overdue), the rest of this semester's are open;
/// - 3,650 days of `progress_metrics`, each day with its day, week, month and year
///   snapshot (what `progress::refresh` leaves behind): 14,600 rows;
/// - a few focus areas, quick links and playlists.
fn build_ten_years(sd: &Studydesk) {
    sd.settings_update(account::settings::SettingsPatch { timezone: Some(TZ.into()), ..Default::default() }).unwrap();
    let tz = time::parse_tz(TZ).unwrap();
    let now = bench_now();
    let today = time::local_date(now, tz);
    let day = |back: u64| today - Days::new(back);
    let at = |d: NaiveDate, minutes: i64| timestamp_text(time::start_of_day(d, tz) + ChronoDuration::minutes(minutes));
    let user = sd.user_id().to_string();
    let u = user.as_str();
    let mut rng = Rng(0x5EED_CAFE_F00D_BEEF);

    sd.db()
        .write(WriteCtx::by(u, "bench.seed"), |tx| {
            let today_list = tasks::default_list(tx, u)?;
            // One archive list per calendar year the data covers.
            let first_year = day(DAYS - 1).year();
            let mut archives = Vec::new();
            for year in first_year..=today.year() {
                archives.push(tasks::insert_list(tx, u, &format!("Archive {year}"), None)?.id);
            }
            let mut next_index = std::collections::HashMap::<String, i64>::new();
            let mut insert_task = |list: &str, desc: &str, done_at: Option<String>, due: Option<String>, created: String| -> studydesk_core::Result<()> {
                let slot = next_index.entry(list.to_string()).or_insert(0);
                let order = *slot;
                *slot += 1;
                tx.prepare_cached(
                    "INSERT INTO tasks(id, list_id, user_id, description, is_completed, completed_at, due_at, order_index, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?6, ?9))",
                )?
                .execute(params![tx.new_id(), list, u, desc, done_at.is_some(), done_at, due, order, created])?;
                Ok(())
            };

            // Past tasks, oldest first, evenly over the ten years (days 3650..1 ago).
            let past = TASKS - OPEN_IN_TODAY - COMPLETED_TODAY - OPEN_IN_ARCHIVES;
            let mut archive_open_left = OPEN_IN_ARCHIVES;
            for i in 0..past + OPEN_IN_ARCHIVES {
                let back = DAYS - (i as u64 * (DAYS - 1) / (past + OPEN_IN_ARCHIVES) as u64);
                let d = day(back);
                let in_archive = i % 4 == 0;
                let list = if in_archive { &archives[(d.year() - first_year) as usize] } else { &today_list.id };
                let created_min = 8 * 60 + rng.below(10 * 60) as i64;
                let created = at(d, created_min);
                let desc = format!("Task {i}: review chapter {} and do exercises {}-{}", i % 40 + 1, i % 7, i % 7 + 5);
                let due = (rng.below(3) == 0).then(|| at(d, 21 * 60));
                // Twenty archive tasks were never completed (spread over the years).
                let open = in_archive && archive_open_left > 0 && i % 500 == 0;
                if open {
                    archive_open_left -= 1;
                }
                let done = (!open).then(|| at(d, created_min + 30 + rng.below(300) as i64));
                insert_task(list, &desc, done, due, created)?;
            }
            // Today's card: tasks created over the last few days, 3 of them done this morning.
            for i in 0..OPEN_IN_TODAY + COMPLETED_TODAY {
                let back = (i % 4) as u64;
                let created = at(day(back), 8 * 60 + i as i64 * 7);
                let done = (i < COMPLETED_TODAY).then(|| at(today, 9 * 60 + i as i64 * 20));
                let due = (i % 3 == 0).then(|| at(today + Days::new(i as u64 % 5), 18 * 60));
                insert_task(&today_list.id, &format!("Today's task {i}"), done, due, created)?;
            }

            // Courses: 10 years x 2 semesters (182 days apart) x 5; the current semester
            // started 63 days ago, so about a third of its assignments are past due.
            let mut course_ids = Vec::with_capacity(COURSES);
            let subjects = ["Linear Algebra", "Organic Chemistry", "Japanese Literature", "Statistics", "World History"];
            let semesters = (COURSES / 5) as u64;
            for c in 0..COURSES {
                let semester = (c / 5) as u64; // 0 = the oldest
                let back = (semesters - 1 - semester) * 182 + 63;
                let created = at(day(back), 10 * 60);
                let id = tx.new_id();
                tx.prepare_cached(
                    "INSERT INTO courses(id, user_id, name, emoji, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                )?
                .execute(params![id, u, format!("{} {}", subjects[c % 5], semester + 1), "📘", created])?;
                course_ids.push((id, back));
            }
            // Assignments: 20 a course, due every 9 days from the semester's start (courses staggered by 2 days).
            let statuses_open = ["Not started", "In progress"];
            for a in 0..ASSIGNMENTS {
                let (course, start_back) = &course_ids[a % COURSES];
                let k = (a / COURSES) as i64; // 0..20
                let start = day(*start_back);
                let due_day = start + Days::new(7 + 9 * k as u64 + 2 * (a % 5) as u64);
                let due = at(due_day, 17 * 60);
                let past_due = due_day < today;
                let status = if past_due {
                    match rng.below(100) {
                        0 => statuses_open[1],
                        1..=5 => "Submitted",
                        _ => "Done",
                    }
                } else {
                    statuses_open[rng.below(2) as usize]
                };
                let created = at(start, 11 * 60);
                tx.prepare_cached(
                    "INSERT INTO assignments(id, user_id, course_id, title, status, due_at, timeframe, notes, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'later', ?7, ?8, ?8)",
                )?
                .execute(params![
                    tx.new_id(),
                    u,
                    course,
                    format!("Assignment {} of course {}", k + 1, a % COURSES),
                    status,
                    due,
                    (a % 5 == 0).then_some("Remember to cite the sources."),
                    created
                ])?;
            }

            // Progress: every past day (and today) with its four snapshots.
            for back in (0..DAYS).rev() {
                let d = day(back);
                let weekend = d.weekday().num_days_from_monday() >= 5;
                let day_value = if weekend { 30 } else { 60 } + rng.below(41) as i64;
                for (scope, value) in [
                    ("day", day_value),
                    ("week", 50 + rng.below(30) as i64),
                    ("month", 55 + rng.below(20) as i64),
                    ("year", 60 + rng.below(10) as i64),
                ] {
                    tx.prepare_cached(
                        "INSERT INTO progress_metrics(id, user_id, scope, value, target_value, captured_at, created_at)
                         VALUES (?1, ?2, ?3, ?4, 100, ?5, ?6)",
                    )?
                    .execute(params![tx.new_id(), u, scope, value, d.to_string(), at(d, 23 * 60)])?;
                }
            }

            for i in 0..4 {
                content::insert_focus_entry(
                    tx,
                    u,
                    &NewFocusEntry { title: format!("Focus area {i}"), description: Some("90-minute blocks".into()) },
                )?;
            }
            for i in 0..6 {
                content::insert_resource(
                    tx,
                    u,
                    &NewStudyResource {
                        label: format!("Link {i}"),
                        emoji: Some("📐".into()),
                        url: Some(format!("https://example.org/notes/{i}")),
                    },
                )?;
            }
            for i in 0..3 {
                content::insert_playlist(
                    tx,
                    u,
                    &NewStudyPlaylist {
                        title: format!("Playlist {i}"),
                        provider: Some("youtube".into()),
                        embed_url: format!("https://www.youtube.com/embed/{i}"),
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
}

/// Builds the ten-year database once and closes it; benchmarks work on copies.
fn ten_year_template() -> TempDir {
    let dir = TempDir::new().unwrap();
    let started = Instant::now();
    {
        let sd = Studydesk::open(dir.path(), manual_clock()).unwrap();
        build_ten_years(&sd);
        let home = sd.home().unwrap();
        assert_eq!(home.today.tasks.len(), OPEN_IN_TODAY + COMPLETED_TODAY, "the Today card shows open + done today");
        let count = |table: &str| -> i64 {
            sd.db().read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)).unwrap()
        };
        assert_eq!(count("tasks") as usize, TASKS);
        assert_eq!(count("assignments") as usize, ASSIGNMENTS);
        let a = &home.assignments;
        eprintln!(
            "ten-year dataset: {} tasks, {} assignments ({} open: {} overdue, {} this week, {} this month, {} later), \
             {} courses, {} progress_metrics, {} sync_changes, {} audit_logs",
            count("tasks"),
            count("assignments"),
            a.overdue.len() + a.this_week.len() + a.this_month.len() + a.later.len(),
            a.overdue.len(),
            a.this_week.len(),
            a.this_month.len(),
            a.later.len(),
            home.courses.len(),
            count("progress_metrics"),
            count("sync_changes"),
            count("audit_logs"),
        );
    }
    let size = std::fs::metadata(studydesk_core::paths::db_path(dir.path())).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "ten-year dataset built in {:.1} s ({:.1} MiB file)",
        started.elapsed().as_secs_f64(),
        size as f64 / (1024.0 * 1024.0)
    );
    dir
}

/// A private copy of the (closed) template database.
fn copy_of(template: &Path) -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::copy(studydesk_core::paths::db_path(template), studydesk_core::paths::db_path(dir.path())).unwrap();
    dir
}

fn open_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("open");
    g.bench_function("create_and_migrate", |b| {
        b.iter_batched(
            || TempDir::new().unwrap(),
            |dir| {
                let sd = Studydesk::open(dir.path(), clock::system()).unwrap();
                // Dropped (closed, folder removed) outside the timing.
                (sd, dir)
            },
            BatchSize::PerIteration,
        )
    });
    let existing = TempDir::new().unwrap();
    drop(Studydesk::open(existing.path(), clock::system()).unwrap());
    g.bench_function("reopen_existing", |b| {
        b.iter_batched(|| (), |()| Studydesk::open(existing.path(), clock::system()).unwrap(), BatchSize::PerIteration)
    });
    g.finish();
}

/// What the damage check adds to every start on a large file: the check alone
/// (`db::health::check_at_open`: header, size, `quick_check` within its budget), and the
/// whole reopen for comparison with `open/reopen_existing` (an empty database).
fn open_large_benches(c: &mut Criterion, template: &Path) {
    let dir = copy_of(template);
    let db = studydesk_core::paths::db_path(dir.path());
    let mut g = c.benchmark_group("open");
    g.bench_function("health_check_ten_years", |b| {
        b.iter(|| black_box(studydesk_core::db::health::check_at_open(&db).unwrap()))
    });
    g.bench_function("reopen_ten_years", |b| {
        b.iter_batched(|| (), |()| Studydesk::open(dir.path(), manual_clock()).unwrap(), BatchSize::PerIteration)
    });
    g.finish();
}

fn home_benches(c: &mut Criterion, template: &Path) {
    let dir = copy_of(template);
    let sd = Studydesk::open(dir.path(), manual_clock()).unwrap();
    let mut g = c.benchmark_group("home");
    g.bench_function("ten_years", |b| b.iter(|| black_box(sd.home().unwrap())));
    g.finish();
}

fn write_benches(c: &mut Criterion, template: &Path) {
    let mut g = c.benchmark_group("write");
    for n in [100u64, 1_000] {
        batch_bench(&mut g, "insert_tasks_batch", n, BatchTarget::List);
    }
    batch_bench(&mut g, "insert_tasks_batch_into_today", 1_000, BatchTarget::Today);

    // One click: task_add on the ten-year database. Each added task is deleted again
    // outside the timing, so the Today list keeps its size however long the run.
    g.throughput(Throughput::Elements(1));
    let dir = copy_of(template);
    let sd = Studydesk::open(dir.path(), manual_clock()).unwrap();
    g.bench_function("single_task_add", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for i in 0..iters {
                let input = NewTask {
                    list_id: None,
                    description: format!("Read chapter {}", i % 30 + 1),
                    due_at: Some("2026-11-23T18:00:00+09:00".into()),
                };
                let start = Instant::now();
                let task = sd.task_add(black_box(input)).unwrap();
                timed += start.elapsed();
                sd.task_delete(&task.id).unwrap();
            }
            timed
        })
    });
    g.finish();
}

/// Where a batch goes: a list of its own (an import), or the Today list, whose open
/// tasks the progress rings count, so that every batch there recounts a list that grows
/// by `n` tasks per iteration (to ~10^5 over a run: no real Today list is that long).
#[derive(Clone, Copy)]
enum BatchTarget {
    List,
    Today,
}

/// `n` tasks through `insert_tasks` in one write, on a fresh database per benchmark that
/// grows by the inserted tasks as the benchmark runs (like a real file does).
fn batch_bench(g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, name: &str, n: u64, into: BatchTarget) {
    let dir = TempDir::new().unwrap();
    let sd = Studydesk::open(dir.path(), clock::system()).unwrap();
    let user = sd.user_id().to_string();
    let list_id = sd
        .db()
        .write(WriteCtx::by(&user, "bench.list"), |tx| match into {
            BatchTarget::List => Ok(tasks::insert_list(tx, &user, "Imported", None)?.id),
            BatchTarget::Today => Ok(tasks::default_list(tx, &user)?.id),
        })
        .unwrap();
    g.throughput(Throughput::Elements(n));
    g.bench_with_input(BenchmarkId::new(name, n), &n, |b, &n| {
        let mut k = 0u64;
        b.iter(|| {
            let inputs: Vec<NewTask> = (0..n)
                .map(|_| {
                    k += 1;
                    NewTask {
                        list_id: None,
                        description: format!("Batch task {k}: read pages {} to {}", k % 300, k % 300 + 12),
                        due_at: k.is_multiple_of(3).then(|| "2026-11-30T18:00:00+09:00".to_string()),
                    }
                })
                .collect();
            sd.db()
                .write(WriteCtx::by(&user, "bench.batch"), |tx| black_box(tasks::insert_tasks(tx, &user, &list_id, &inputs)))
                .unwrap()
        })
    });
}

fn emoji_benches(c: &mut Criterion) {
    let dir = TempDir::new().unwrap();
    let sd = Studydesk::open(dir.path(), clock::system()).unwrap();
    // 100 custom emoji of mine beside the Unicode catalog: search reads both kinds of rows.
    for i in 0..100u32 {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x40\0\0\0\x40\x08\x06\0\0\0".to_vec();
        png.extend_from_slice(&i.to_be_bytes());
        sd.custom_emoji_add(format!("study_{i}").as_str(), None::<&str>, &png).unwrap();
    }
    let mut g = c.benchmark_group("emoji");
    for (name, query) in [("wave", "wave"), ("japanese", "手を振る"), ("two_words", "face smiling"), ("one_letter", "a")] {
        g.bench_function(BenchmarkId::new("search", name), |b| b.iter(|| black_box(sd.emoji_search(query, Some(50)).unwrap())));
    }
    g.bench_function("catalog", |b| b.iter(|| black_box(sd.emoji_catalog().unwrap())));
    g.bench_function("install_catalog", |b| {
        b.iter(|| {
            sd.db()
                .write(WriteCtx::reference_data("bench.stale"), |tx| {
                    Ok(tx.execute("UPDATE app_settings SET setting_value = '\"old\"' WHERE setting_key = 'emoji.catalog_version'", [])?)
                })
                .unwrap();
            assert!(studydesk_core::social::emoji::catalog::ensure(sd.db()).unwrap());
        })
    });
    g.finish();
}

fn feed_benches(c: &mut Criterion) {
    use studydesk_core::dashboard::activity_feed;
    let dir = TempDir::new().unwrap();
    let sd = Studydesk::open(dir.path(), clock::system()).unwrap();
    let user = sd.user_id().to_string();
    let started = Instant::now();
    sd.db()
        .write(WriteCtx::reference_data("bench.feed"), |tx| {
            tx.execute(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
                 INSERT INTO activity_feed (id, user_id, activity_type, title, source_type, source_id, is_read, is_pinned, priority, created_at, expires_at)
                 SELECT printf('%08x-0000-7000-8000-%012x', i, i), ?1,
                        CASE i % 3 WHEN 0 THEN 'new_posting' WHEN 1 THEN 'posting_response' ELSE 'new_connection' END,
                        'Item ' || i, 'post', printf('%08x-0000-7000-8000-%012x', i, i),
                        i % 2, i % 50000 = 0, i % 7 = 0,
                        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-12-01', printf('-%d seconds', i * 30)),
                        CASE WHEN i % 10 = 0 THEN strftime('%Y-%m-%dT%H:%M:%fZ', '2026-12-01', printf('-%d seconds', i * 5)) END
                 FROM n",
                [&user],
            )?;
            tx.execute(
                "INSERT INTO feed_engagement (id, feed_item_id, user_id, engagement_type, created_at)
                 SELECT printf('%08x-0000-7000-9000-%012x', rowid, rowid), id, user_id,
                        CASE rowid % 3 WHEN 0 THEN 'view' WHEN 1 THEN 'click' ELSE 'dismiss' END, created_at
                 FROM activity_feed WHERE rowid % 10 = 1",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    eprintln!("feed: 1,000,000 items and 100,000 engagements in {:.1} s", started.elapsed().as_secs_f64());
    let now = sd.db().now();
    let mut g = c.benchmark_group("feed");
    g.bench_function("activity_first_page_1m", |b| {
        b.iter(|| black_box(sd.db().read(|c| activity_feed::page(c, &user, now, None, Some(20), &Default::default())).unwrap()))
    });
    let mut cursor = None;
    for _ in 0..4 {
        cursor = sd.db().read(|c| activity_feed::page(c, &user, now, cursor.as_deref(), Some(20), &Default::default())).unwrap().next_cursor;
    }
    g.bench_function("activity_fifth_page_1m", |b| {
        b.iter(|| black_box(sd.db().read(|c| activity_feed::page(c, &user, now, cursor.as_deref(), Some(20), &Default::default())).unwrap()))
    });
    g.finish();
}

fn post_feed_benches(c: &mut Criterion) {
    use studydesk_core::social::posts::{self, FeedScope};
    let dir = TempDir::new().unwrap();
    let sd = Studydesk::open(dir.path(), clock::system()).unwrap();
    let me = sd.user_id().to_string();
    let started = Instant::now();
    sd.db()
        .write(WriteCtx::reference_data("bench.posts"), |tx| {
            tx.execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 499)
                 INSERT INTO users (id, username, display_name, status)
                 SELECT printf('%08x-0000-7000-a000-%012x', i, i), 'user' || i, 'User ' || i, 'active' FROM n;
                 WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
                 INSERT INTO posts (id, user_id, content, subject, visibility, created_at, updated_at)
                 SELECT printf('%08x-0000-7000-b000-%012x', i, i), printf('%08x-0000-7000-a000-%012x', i % 500, i % 500),
                        'Studied chapter ' || i, 'Maths', CASE i % 4 WHEN 0 THEN 'followers' ELSE 'public' END,
                        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-12-01', printf('-%d seconds', i * 60)),
                        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-12-01', printf('-%d seconds', i * 60))
                 FROM n;
                 INSERT INTO post_tags (id, post_id, tag)
                 SELECT printf('%08x-0000-7000-c000-%012x', rowid, rowid), id, CASE rowid % 10 WHEN 0 THEN 'exam' ELSE 'notes' END
                 FROM posts;",
            )?;
            tx.execute(
                "INSERT INTO follows (id, follower_id, followee_id, created_at)
                 SELECT printf('%08x-0000-7000-d000-%012x', rowid, rowid), ?1, id, '2026-11-01T00:00:00.000Z'
                 FROM users WHERE id <> ?1",
                [&me],
            )?;
            Ok(())
        })
        .unwrap();
    eprintln!("feed: 100,000 posts of 500 followed users in {:.1} s", started.elapsed().as_secs_f64());
    let home = FeedScope::Home;
    let mut g = c.benchmark_group("feed");
    g.bench_function("posts_home_first_page_100k", |b| {
        b.iter(|| black_box(sd.db().read(|c| posts::page(c, &me, &home, None, Some(20))).unwrap()))
    });
    let mut cursor = None;
    for _ in 0..4 {
        cursor = sd.db().read(|c| posts::page(c, &me, &home, cursor.as_deref(), Some(20))).unwrap().next_cursor;
    }
    assert!(cursor.is_some());
    g.bench_function("posts_home_fifth_page_100k", |b| {
        b.iter(|| black_box(sd.db().read(|c| posts::page(c, &me, &home, cursor.as_deref(), Some(20))).unwrap()))
    });
    let exam = FeedScope::Discover { tag: Some("exam".into()) };
    g.bench_function("posts_discover_tag_100k", |b| {
        b.iter(|| black_box(sd.db().read(|c| posts::page(c, &me, &exam, None, Some(20))).unwrap()))
    });
    g.finish();
}

fn all(c: &mut Criterion) {
    post_feed_benches(c);
    feed_benches(c);
    emoji_benches(c);
    open_benches(c);
    let template = ten_year_template();
    open_large_benches(c, template.path());
    home_benches(c, template.path());
    write_benches(c, template.path());
    insights::benches(c, template.path());
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
}

criterion_group! {
    name = benches;
    config = config();
    targets = all
}
criterion_main!(benches);

