//! The schema's own rules (CHECK, UNIQUE, FOREIGN KEY, NOT NULL, json_valid) refuse bad
//! rows even when they get past validation, with an error naming the rule, and the
//! refused write leaves nothing behind (its change-log and audit rows included).

mod common;

use studydesk_core::db::WriteCtx;

/// Each case: what is wrong, the statement (?1 = the local user, ?2 = their Today list),
/// and a word the error message must contain.
const BAD_ROWS: &[(&str, &str, &str)] = &[
    ("unknown progress scope", "INSERT INTO progress_metrics(id, user_id, scope, value, captured_at) VALUES ('p1', ?1, 'decade', 1, '2026-11-22')", "scope"),
    ("negative progress", "INSERT INTO progress_metrics(id, user_id, scope, value, captured_at) VALUES ('p1', ?1, 'day', -5, '2026-11-22')", "value"),
    ("malformed snapshot date", "INSERT INTO progress_metrics(id, user_id, scope, value, captured_at) VALUES ('p1', ?1, 'day', 5, '22/11/2026')", "captured_at"),
    ("duplicate day snapshot", "INSERT INTO progress_metrics(id, user_id, scope, value, captured_at) VALUES ('p1', ?1, 'day', 5, '2020-01-01'), ('p2', ?1, 'day', 6, '2020-01-01')", "already exists"),
    ("boolean out of range", "INSERT INTO tasks(id, list_id, user_id, description, is_completed) VALUES ('t1', ?2, ?1, 'x', 2)", "is_completed"),
    ("task in a missing list", "INSERT INTO tasks(id, list_id, user_id, description) VALUES ('t1', 'no-such-list', ?1, 'x')", "does not exist"),
    ("task without a description", "INSERT INTO tasks(id, list_id, user_id, description) VALUES ('t1', ?2, ?1, NULL)", "description"),
    ("course name too long", "INSERT INTO courses(id, user_id, name) VALUES ('c1', ?1, printf('%.121c', 'x'))", "name"),
    ("assignment timeframe", "INSERT INTO assignments(id, user_id, title, timeframe) VALUES ('a1', ?1, 'x', 'someday')", "timeframe"),
    ("dashboard layout not JSON", "UPDATE user_dashboard_settings SET widget_layout = '[\"todo\",' WHERE user_id = ?1", "widget_layout"),
    ("second settings row for a user", "INSERT INTO user_settings(id, user_id) VALUES ('s2', ?1)", "already exists"),
    ("favorite of a missing activity", "INSERT INTO user_activity_favorites(id, user_id, activity_id) VALUES ('f1', ?1, 'nope')", "does not exist"),
    ("duplicate favorite", "INSERT INTO user_activity_favorites(id, user_id, activity_id) VALUES ('f1', ?1, '01930000-0000-7000-8000-000000000001'), ('f2', ?1, '01930000-0000-7000-8000-000000000001')", "already exists"),
    ("presence status", "INSERT INTO user_presence(id, user_id, status) VALUES ('pr1', ?1, 'away')", "status"),
    ("feed engagement type", "INSERT INTO activity_feed(id, user_id, activity_type, title, source_type, source_id) VALUES ('af1', ?1, 'new_posting', 't', 'post', 'p'); INSERT INTO feed_engagement(id, feed_item_id, user_id, engagement_type) VALUES ('fe1', 'af1', ?1, 'poke')", "engagement_type"),
    ("widget type", "INSERT INTO dashboards(id, user_id, name) VALUES ('d1', ?1, 'D'); INSERT INTO widgets(id, dashboard_id, type) VALUES ('w1', 'd1', 'radar_chart')", "type"),
    ("alert threshold type", "INSERT INTO alerts(id, user_id, name, threshold_type, threshold_value) VALUES ('al1', ?1, 'n', 'sideways', 1)", "threshold_type"),
    ("report format", "INSERT INTO dashboards(id, user_id, name) VALUES ('d1', ?1, 'D'); INSERT INTO reports(id, dashboard_id, created_by, name, format) VALUES ('r1', 'd1', ?1, 'n', 'docx')", "format"),
    ("share permission", "INSERT INTO dashboards(id, user_id, name) VALUES ('d1', ?1, 'D'); INSERT INTO dashboard_shares(id, dashboard_id, user_id, permission) VALUES ('ds1', 'd1', ?1, 'own')", "permission"),
    ("duplicate email", "INSERT INTO users(id, email) VALUES ('u2', 'A@example.org'), ('u3', 'a@example.org')", "already exists"),
    ("reminder with both offsets", "INSERT INTO calendar_events(id, user_id, event_date) VALUES ('e1', ?1, '2026-11-22'); INSERT INTO calendar_event_reminders(id, event_id, user_id, minutes_before, remind_at, fire_at) VALUES ('r1', 'e1', ?1, 10, '2026-11-22T10:00:00.000Z', '2026-11-22T10:00:00.000Z')", "remind_at"),
    ("workspace background type", "INSERT INTO immersive_workspaces(id, user_id, name, background_type) VALUES ('iw1', ?1, 'Desk', 'hologram')", "background_type"),
];

#[test]
fn every_kind_of_rule_refuses_a_bad_row_with_a_clear_error_and_writes_nothing() {
    let f = common::open();
    let user = f.app.user_id().to_string();
    let list = f.app.home().unwrap().today.list.id;
    let before = f.footprint();
    for (what, sql, word) in BAD_ROWS {
        let err = f
            .app
            .db()
            .write(WriteCtx::by(&user, "test.bad_row"), |tx| {
                // Statements may be several; run them one by one with the same parameters.
                for stmt in sql.split("; ") {
                    let mut s = tx.prepare(stmt)?;
                    match s.parameter_count() {
                        0 => s.execute([])?,
                        1 => s.execute([&user])?,
                        _ => s.execute([&user, &list])?,
                    };
                }
                Ok(())
            })
            .err()
            .unwrap_or_else(|| panic!("{what}: the bad row was accepted"));
        assert_eq!(err.kind(), "conflict", "{what}: {err}");
        assert!(err.to_string().contains(word), "{what}: message \"{err}\" should mention {word}");
        assert_eq!(f.footprint(), before, "{what}: something was left behind");
    }
}

#[test]
fn deleting_a_course_keeps_its_assignments_without_a_course() {
    let f = common::open();
    let c = f.app.course_add("Statistics", Some("📊")).unwrap();
    let a = f
        .app
        .assignment_add(studydesk_core::planner::assignments::NewAssignment {
            course_id: Some(c.id.clone()),
            title: "Quiz".into(),
            ..Default::default()
        })
        .unwrap();
    f.app.course_delete(&c.id).unwrap();
    let course: Option<String> = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT course_id FROM assignments WHERE id = ?1", [&a.id], |r| r.get(0))?))
        .unwrap();
    assert_eq!(course, None);
}
