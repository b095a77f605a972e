//! Home's services as a user meets them: tasks, assignments by due date in the user's
//! time zone, progress rings, layout, settings, onboarding, and hostile arguments.

mod common;

use chrono::{Duration, TimeZone, Utc};
use studydesk_core::account::profile::OnboardingChoice;
use studydesk_core::account::settings::{Locale, SettingsPatch, Theme};
use studydesk_core::dashboard::content::{NewStudyPlaylist, NewStudyResource};
use studydesk_core::dashboard::layout::{CardId, DashboardLayout};
use studydesk_core::planner::assignments::NewAssignment;
use studydesk_core::planner::tasks::NewTask;

fn add(f: &common::Fixture, text: &str) -> String {
    f.app.task_add(NewTask { description: text.into(), ..Default::default() }).unwrap().id
}

fn today_texts(f: &common::Fixture) -> Vec<String> {
    f.app.home().unwrap().today.tasks.into_iter().map(|t| t.description).collect()
}

#[test]
fn tasks_can_be_added_renamed_completed_reordered_and_deleted() {
    let f = common::open();
    let a = add(&f, "Read chapter 5");
    let b = add(&f, "Flashcards");
    let c = add(&f, "Past paper");
    assert_eq!(today_texts(&f), ["Read chapter 5", "Flashcards", "Past paper"]);

    f.app.task_rename(&b, "Flashcards: 30 kanji").unwrap();
    let done = f.app.task_set_completed(&a, true).unwrap();
    assert!(done.is_completed);
    assert_eq!(done.completed_at.as_deref(), Some("2026-11-22T01:00:00.000Z"));
    let list = f.app.home().unwrap().today.list.id;
    f.app.task_reorder(&list, &[c.clone(), a.clone(), b.clone()]).unwrap();
    assert_eq!(today_texts(&f), ["Past paper", "Read chapter 5", "Flashcards: 30 kanji"]);

    let undone = f.app.task_set_completed(&a, false).unwrap();
    assert!(!undone.is_completed && undone.completed_at.is_none());
    f.app.task_delete(&c).unwrap();
    let home = f.app.home().unwrap();
    assert_eq!(home.today.tasks.iter().map(|t| t.order_index).collect::<Vec<_>>(), [0, 1], "positions stay dense");
    assert_eq!(today_texts(&f), ["Read chapter 5", "Flashcards: 30 kanji"]);
}

#[test]
fn the_today_card_drops_tasks_completed_on_earlier_days() {
    let f = common::open();
    let old = add(&f, "Done yesterday");
    f.app.task_set_completed(&old, true).unwrap();
    add(&f, "Still open");
    assert_eq!(today_texts(&f).len(), 2);
    f.clock.advance(Duration::days(1));
    assert_eq!(today_texts(&f), ["Still open"]);
    assert_eq!(f.app.task_list().unwrap().len(), 2, "the task is kept, only hidden from Today");
}

#[test]
fn completing_tasks_moves_the_day_ring() {
    let f = common::open();
    let a = add(&f, "a");
    add(&f, "b");
    assert_eq!(f.app.home().unwrap().progress.day.value, 0);
    f.app.task_set_completed(&a, true).unwrap();
    let rings = f.app.home().unwrap().progress;
    // No study minutes yet: the day is the mean of 0 % of the minutes target and 50 % of
    // the todo (focus/progress.rs); the week blends the same way.
    assert_eq!(rings.day.value, 25);
    assert_eq!(rings.day.target_value, 100);
    assert_eq!(rings.week.value, 25, "the only day of the week so far");
}

#[test]
fn assignments_are_grouped_by_due_date_in_the_users_time_zone() {
    // Now: Sunday 2026-11-22 10:00 Tokyo. The week (Monday start) ends tonight.
    let f = common::open();
    let due = |y, m, d, h, min| Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().to_rfc3339();
    let mk = |title: &str, at: Option<String>| {
        f.app.assignment_add(NewAssignment { title: title.into(), due_at: at, ..Default::default() }).unwrap();
    };
    mk("overdue", Some(due(2026, 11, 21, 14, 0))); // Sat 23:00 Tokyo
    mk("tonight", Some(due(2026, 11, 22, 14, 59))); // Sun 23:59 Tokyo
    mk("monday", Some(due(2026, 11, 22, 15, 0))); // Mon 00:00 Tokyo: next week
    mk("next month", Some(due(2026, 11, 30, 15, 0))); // Dec 1 00:00 Tokyo
    mk("no date", None);
    let b = f.app.home().unwrap().assignments;
    let titles = |v: &Vec<studydesk_core::planner::assignments::Assignment>| v.iter().map(|a| a.title.clone()).collect::<Vec<_>>();
    assert_eq!(titles(&b.overdue), ["overdue"]);
    assert_eq!(titles(&b.this_week), ["tonight"]);
    assert_eq!(titles(&b.this_month), ["monday"]);
    assert_eq!(titles(&b.later), ["next month", "no date"]);

    // The same data seen from New York: it is still Saturday evening there.
    f.app.settings_update(SettingsPatch { timezone: Some("America/New_York".into()), ..Default::default() }).unwrap();
    let b = f.app.home().unwrap().assignments;
    assert_eq!(titles(&b.overdue), Vec::<String>::new());
    assert_eq!(titles(&b.this_week), ["overdue", "tonight", "monday"]);
}

#[test]
fn done_assignments_leave_the_due_lists() {
    let f = common::open();
    let a = f.app.assignment_add(NewAssignment { title: "Essay".into(), ..Default::default() }).unwrap();
    f.app
        .assignment_update(&a.id, NewAssignment { title: "Essay".into(), status: Some("Done".into()), ..Default::default() })
        .unwrap();
    let b = f.app.home().unwrap().assignments;
    assert!(b.overdue.is_empty() && b.this_week.is_empty() && b.this_month.is_empty() && b.later.is_empty());
}

#[test]
fn the_card_layout_persists_and_repairs_itself() {
    let f = common::open();
    let saved = f
        .app
        .layout_update(DashboardLayout {
            order: vec![CardId::Progress, CardId::Todo, CardId::Todo],
            hidden: vec![CardId::Playlists],
        })
        .unwrap();
    assert_eq!(saved.order[..2], [CardId::Progress, CardId::Todo]);
    assert_eq!(saved.order.len(), 7, "missing cards are appended, duplicates dropped");
    let f = f.reopen();
    let layout = f.app.home().unwrap().layout;
    assert_eq!(layout, saved);
    assert_eq!(layout.hidden, [CardId::Playlists]);
    let all_hidden = DashboardLayout { order: vec![], hidden: studydesk_core::dashboard::layout::ALL_CARDS.to_vec() };
    assert_eq!(f.app.layout_update(all_hidden).unwrap_err().kind(), "validation");
}

#[test]
fn settings_change_language_theme_and_time_zone() {
    let f = common::open();
    let s = f
        .app
        .settings_update(SettingsPatch { preferred_locale: Some(Locale::Ja), theme: Some(Theme::Dark), timezone: None })
        .unwrap();
    assert_eq!((s.preferred_locale, s.theme, s.timezone.as_str()), (Locale::Ja, Theme::Dark, "Asia/Tokyo"));
    let err = f.app.settings_update(SettingsPatch { timezone: Some("Mars/Olympus".into()), ..Default::default() }).unwrap_err();
    assert!(err.to_string().contains("unknown time zone"), "{err}");
    assert_eq!(f.reopen().app.state().unwrap().settings.preferred_locale, Locale::Ja);
}

#[test]
fn sample_data_is_a_realistic_semester_loaded_once() {
    let f = common::open();
    let state = f.app.complete_onboarding(OnboardingChoice::Sample).unwrap();
    assert!(!state.onboarding_pending);
    let home = f.app.home().unwrap();
    assert_eq!(home.courses.len(), 4);
    assert!(home.today.tasks.len() >= 5);
    assert!(!home.assignments.this_week.is_empty());
    assert!(!home.resources.is_empty() && !home.playlists.is_empty() && !home.focus_entries.is_empty());
    assert!(home.progress.month.value > 0, "a month of progress");
    assert!(f.count("progress_metrics") >= 30);
    assert!(!f.reopen().app.state().unwrap().onboarding_pending);
}

#[test]
fn start_empty_leaves_home_empty() {
    let f = common::open();
    f.app.complete_onboarding(OnboardingChoice::Empty).unwrap();
    let home = f.app.home().unwrap();
    assert!(home.today.tasks.is_empty() && home.courses.is_empty());
}

#[test]
fn hostile_arguments_get_a_typed_error_and_write_nothing() {
    let f = common::open();
    // A second account in the same file (as sync will bring), with a task of its own.
    let other_users_task = f
        .app
        .db()
        .write(studydesk_core::db::WriteCtx::system("test.other_user"), |tx| {
            tx.execute("INSERT INTO users(id, display_name) VALUES ('01930000-0000-7000-8000-0000000000aa', 'Other')", [])?;
            let list = studydesk_core::planner::tasks::insert_list(tx, "01930000-0000-7000-8000-0000000000aa", "Theirs", None)?;
            let t = studydesk_core::planner::tasks::insert_task(
                tx,
                "01930000-0000-7000-8000-0000000000aa",
                &NewTask { list_id: Some(list.id), description: "not yours".into(), due_at: None },
            )?;
            Ok(t.id)
        })
        .unwrap();
    let before = f.footprint();
    let huge = "x".repeat(200 * 1024);
    let cases: Vec<(&str, studydesk_core::CoreError)> = vec![
        ("200 kB task", f.app.task_add(NewTask { description: huge.clone(), ..Default::default() }).unwrap_err()),
        ("blank task", f.app.task_add(NewTask { description: "   ".into(), ..Default::default() }).unwrap_err()),
        ("bad due date", f.app.task_add(NewTask { description: "x".into(), due_at: Some("next tuesday".into()), ..Default::default() }).unwrap_err()),
        ("malformed id", f.app.task_set_completed("'; DROP TABLE tasks; --", true).unwrap_err()),
        ("unknown id", f.app.task_delete("01930000-0000-7000-8000-00000000abcd").unwrap_err()),
        ("another user's task", f.app.task_rename(&other_users_task, "mine now").unwrap_err()),
        ("reorder with a stranger", f.app.task_reorder(&f.app.home().unwrap().today.list.id, &[other_users_task.clone()]).unwrap_err()),
        ("huge course name", f.app.course_add(&huge, None::<&str>).unwrap_err()),
        ("javascript link", f.app.resource_add(NewStudyResource { label: "x".into(), url: Some("javascript:alert(1)".into()), emoji: None }).unwrap_err()),
        ("playlist without link", f.app.playlist_add(NewStudyPlaylist { title: "x".into(), provider: None, embed_url: "".into() }).unwrap_err()),
        ("assignment in unknown course", f.app.assignment_add(NewAssignment { title: "x".into(), course_id: Some("01930000-0000-7000-8000-00000000abcd".into()), ..Default::default() }).unwrap_err()),
        ("unknown zone", f.app.settings_update(SettingsPatch { timezone: Some(huge.clone()), ..Default::default() }).unwrap_err()),
    ];
    for (what, err) in &cases {
        assert!(["validation", "not_found"].contains(&err.kind()), "{what}: {} {err}", err.kind());
        assert!(err.to_string().len() < 300, "{what}: the message should stay readable: {err}");
    }
    assert!(cases[0].1.to_string().contains("too long"));
    assert_eq!(f.footprint(), before);
}
