//! Typed rows: for every table of the schema, a valid row goes in through `Db::write` +
//! `row::insert`, reads back equal with `row::get`, and is recorded in `sync_changes`;
//! a bad value is refused by `validate()` with an error naming the column, and nothing
//! (row, change or audit record) is written.

mod common;

use serde_json::json;
use std::fmt::Debug;
use studydesk_core::account::rows::*;
use studydesk_core::dashboard::rows::*;
use studydesk_core::db::row::{self, Row};
use studydesk_core::email::rows::*;
use studydesk_core::db::WriteCtx;
use studydesk_core::focus::progress::Scope;
use studydesk_core::focus::rows::*;
use studydesk_core::ids::new_id;
use studydesk_core::insights::rows::*;
use studydesk_core::planner::rows::*;
use studydesk_core::social::rows::*;

/// The fixture's clock, as stored.
const NOW: &str = "2026-11-22T01:00:00.000Z";
const LATER: &str = "2026-11-23T09:30:00.000Z";
/// A built-in activity shipped by V1.
const POMODORO: &str = "01930000-0000-7000-8000-000000000001";

fn s(v: &str) -> String {
    v.to_string()
}

fn long(n: usize) -> String {
    "x".repeat(n)
}

/// A spoilt copy of the sample: the column its error must name, and how to spoil it.
type Spoil<R> = (&'static str, fn(&mut R));

struct Checker<'a> {
    f: &'a common::Fixture,
    covered: Vec<&'static str>,
}

impl Checker<'_> {
    fn write<R: Row>(&self, r: &R) -> studydesk_core::Result<()> {
        self.f.app.db().write(WriteCtx::by(&self.f.app.user_id(), "rows.test"), |tx| row::insert(tx, r))
    }

    fn footprint(&self, table: &str) -> (i64, i64, i64) {
        (self.f.count(table), self.f.count("sync_changes"), self.f.count("audit_logs"))
    }

    /// Checks one table; returns the sample's id for the rows that refer to it.
    fn case<R: Row + PartialEq + Debug + Clone>(&mut self, good: R, bad: &[Spoil<R>]) -> String {
        let table = R::TABLE;
        assert!(!self.covered.contains(&table), "{table} checked twice");
        self.covered.push(table);

        let columns: Vec<String> = self
            .f
            .app
            .db()
            .read(|c| {
                let mut st = c.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
                let names = st.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
                Ok(names)
            })
            .unwrap();
        assert_eq!(columns, R::COLUMNS, "{table}: COLUMNS must be the table's columns in order");

        good.validate().unwrap_or_else(|e| panic!("{table}: the valid sample was refused: {e}"));
        assert!(!bad.is_empty(), "{table}: no invalid value tried");
        for (field, spoil) in bad {
            let mut r = good.clone();
            spoil(&mut r);
            let err = r.validate().expect_err(&format!("{table}: a bad {field} passed validate()"));
            assert_eq!(err.kind(), "validation", "{table}.{field}: {err}");
            assert!(err.to_string().contains(field), "{table}: the error should name {field}: {err}");
            let before = self.footprint(table);
            let err = self.write(&r).expect_err(&format!("{table}: a bad {field} was inserted"));
            assert_eq!(err.kind(), "validation", "{table}.{field}: {err}");
            assert_eq!(self.footprint(table), before, "{table}: a refused row left something behind");
        }

        self.write(&good).unwrap_or_else(|e| panic!("{table}: the valid sample was not inserted: {e}"));
        let id = match &serde_json::to_value(&good).unwrap()["id"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let back: Option<R> = self.f.app.db().read(|c| row::get(c, &id)).unwrap();
        assert_eq!(back.as_ref(), Some(&good), "{table}: the row read back differs");
        let missing: Option<R> = self.f.app.db().read(|c| row::get(c, &new_id())).unwrap();
        assert!(missing.is_none());

        let changes: i64 = self
            .f
            .app
            .db()
            .read(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM sync_changes WHERE table_name = ?1 AND row_id = ?2 AND op = 'insert'",
                    [table, id.as_str()],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        // The audit trail is history, not synced user data: it has no capture trigger; and
        // local-only tables (credentials, installation settings) and shipped rows (a Unicode
        // emoji: created_by NULL, catalog::SHIPPED_ROWS) never sync.
        let shipped = studydesk_sync::catalog::shipped_marker(table)
            .is_some_and(|c| serde_json::to_value(&good).unwrap()[c].is_null());
        let local_only = studydesk_sync::catalog::LOCAL_ONLY.contains(&table) || shipped;
        let expected = if table == "audit_logs" || local_only { 0 } else { 1 };
        assert_eq!(changes, expected, "{table}: sync_changes records of the insert");
        id
    }
}

#[test]
fn every_table_has_a_row_type_that_round_trips_and_refuses_bad_values() {
    let f = common::open();
    let me = f.app.user_id().to_string();
    let mut c = Checker { f: &f, covered: vec![] };

    // ---- account --------------------------------------------------------------------
    let ada = c.case(
        UserRow {
            id: new_id(),
            legacy_id: Some(42),
            email: Some(s("ada@example.org")),
            username: Some(s("ada")),
            display_name: s("Ada"),
            password: Some(s("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")),
            bio: Some(s("Maths, slowly.")),
            location: Some(s("Tokyo")),
            avatar_url: Some(s("https://example.org/ada.png")),
            banner_image_url: None,
            joined_at: Some(s("2026-11-01")),
            followers_count: 3,
            following_count: 2,
            posts_count: 1,
            email_verified_at: Some(s(NOW)),
            is_active: true,
            provider: Some(s("github")),
            provider_id: Some(s("123")),
            metadata: Some(json!({"imported": true})),
            role: UserRole::Analyst,
            department: Some(s("Maths")),
            phone: None,
            timezone: Some(s("Asia/Tokyo")),
            status: UserStatus::Active,
            last_login: None,
            created_at: s(NOW),
            updated_at: s(NOW),
            follow_policy: FollowPolicy::Approve,
        },
        &[
            ("followers_count", |r| r.followers_count = -1),
            ("posts_count", |r| r.posts_count = -5),
            ("display_name", |r| r.display_name = long(121)),
            ("email", |r| r.email = Some(long(256))),
            ("username", |r| r.username = Some(long(51))),
            ("joined_at", |r| r.joined_at = Some(s("2026-1-5"))),
            ("timezone", |r| r.timezone = Some(long(51))),
            ("created_at", |r| r.created_at = s("2026-11-22 01:00")),
            ("id", |r| r.id = s("not-a-uuid")),
        ],
    );
    c.case(
        UserSettingsRow {
            id: new_id(),
            user_id: ada.clone(),
            preferred_locale: s("ja"),
            timezone: Some(s("Asia/Tokyo")),
            theme: s("dark"),
            data: Some(json!({"week_starts": "monday"})),
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("preferred_locale", |r| r.preferred_locale = long(11)),
            ("theme", |r| r.theme = s(" ")),
            ("timezone", |r| r.timezone = Some(long(65))),
        ],
    );
    c.case(
        UserPreferenceRow {
            id: new_id(),
            user_id: me.clone(),
            preference_key: s("home.compact"),
            preference_value: Some(json!(true)),
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("preference_key", |r| r.preference_key = s("")), ("user_id", |r| r.user_id = s("me"))],
    );
    c.case(
        AppSettingRow {
            id: new_id(),
            setting_key: s("telemetry"),
            setting_value: Some(json!(false)),
            description: Some(s("Send anonymous usage counts")),
            category: Some(s("privacy")),
            is_public: false,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("setting_key", |r| r.setting_key = s("  ")), ("updated_at", |r| r.updated_at = s("yesterday"))],
    );
    c.case(
        AuditLogRow {
            id: new_id(),
            user_id: Some(me.clone()),
            action: s("rows.test"),
            entity_type: s("tasks"),
            entity_id: Some(new_id()),
            old_values: None,
            new_values: Some(json!({"description": "Read chapter 5"})),
            ip_address: Some(s("127.0.0.1")),
            user_agent: None,
            metadata: json!({}),
            created_at: s(NOW),
        },
        &[
            ("action", |r| r.action = long(101)),
            ("entity_type", |r| r.entity_type = s("")),
            ("ip_address", |r| r.ip_address = Some(long(51))),
            ("metadata", |r| r.metadata = json!([])),
            ("user_id", |r| r.user_id = Some(s("nobody"))),
        ],
    );
    c.case(
        UserActivityLogRow {
            id: new_id(),
            user_id: me.clone(),
            action_type: s("open"),
            resource_type: Some(s("dashboard")),
            resource_id: Some(new_id()),
            metadata: Some(json!({"from": "home"})),
            ip_address: Some(s("::1")),
            user_agent: Some(s("Studydesk/0.1")),
            session_id: Some(s("local")),
            created_at: s(NOW),
        },
        &[
            ("action_type", |r| r.action_type = long(51)),
            ("resource_type", |r| r.resource_type = Some(long(51))),
            ("resource_id", |r| r.resource_id = Some(long(37))),
            ("ip_address", |r| r.ip_address = Some(long(46))),
            ("session_id", |r| r.session_id = Some(long(256))),
        ],
    );
    c.case(
        UserSessionRow {
            id: new_id(),
            user_id: me.clone(),
            session_token: s("tok-1"),
            access_token: None,
            refresh_token: None,
            expires_at: Some(s(LATER)),
            created_at: s(NOW),
            last_activity: Some(s(NOW)),
            ip_address: None,
            user_agent: None,
            session_data: Some(json!({"device": "laptop"})),
        },
        &[("session_token", |r| r.session_token = s("")), ("expires_at", |r| r.expires_at = Some(s("tomorrow")))],
    );
    c.case(
        ApiKeyRow {
            id: new_id(),
            user_id: me.clone(),
            name: s("sync"),
            key_hash: s("sha256:4f2a"),
            permissions: json!(["read", "write"]),
            expires_at: None,
            last_used: Some(s(NOW)),
            is_active: true,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("permissions", |r| r.permissions = json!("read,write")),
            ("key_hash", |r| r.key_hash = long(256)),
            ("name", |r| r.name = s("")),
        ],
    );

    // ---- email ----------------------------------------------------------------------
    c.case(
        OutboxRow {
            id: new_id(),
            user_id: me.clone(),
            source: s("report:1"),
            recipients: json!(["ann@example.com", "bo@example.org"]),
            subject: s("Studydesk report: Weekly"),
            body: s("Attached."),
            attachment_name: Some(s("weekly.pdf")),
            attachment: Some(b"%PDF-1.7".to_vec()),
            attachment_size: Some(8),
            status: OutboxStatus::Pending,
            attempts: 0,
            next_attempt_at: Some(s(NOW)),
            claimed_at: None,
            last_error: None,
            last_error_kind: None,
            sent_at: None,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("recipients", |r| r.recipients = json!([])),
            ("recipients", |r| r.recipients = json!(["not-an-address"])),
            ("subject", |r| r.subject = s("")),
            ("attempts", |r| r.attempts = -1),
        ],
    );

    // ---- planner --------------------------------------------------------------------
    let list = c.case(
        TaskList {
            id: new_id(),
            user_id: me.clone(),
            name: s("Exams"),
            description: Some(s("Everything before January")),
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("name", |r| r.name = long(51)), ("name", |r| r.name = s(" "))],
    );
    let (me2, list2) = (me.clone(), list.clone());
    let task = c.case(
        Task {
            id: new_id(),
            list_id: list2,
            user_id: me2,
            description: s("Past paper 2019"),
            is_completed: true,
            completed_at: Some(s(NOW)),
            due_at: Some(s(LATER)),
            order_index: 0,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("description", |r| r.description = s("  ")),
            ("due_at", |r| r.due_at = Some(s("2026-11-22T10:00:00+09:00"))),
            ("list_id", |r| r.list_id = s("today")),
        ],
    );
    c.case(
        ItemReminder {
            id: new_id(),
            user_id: me.clone(),
            task_id: Some(task),
            assignment_id: None,
            minutes_before: Some(30),
            remind_at: None,
            fire_at: Some(s("2026-11-23T08:30:00.000Z")),
            delivered_at: None,
            snoozed_until: None,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("task_id", |r| r.assignment_id = Some(new_id())),
            ("minutes_before", |r| r.remind_at = Some(s("2026-11-23T08:00:00.000Z"))),
            ("minutes_before", |r| r.minutes_before = Some(-1)),
            ("fire_at", |r| r.fire_at = Some(s("tomorrow"))),
        ],
    );
    let course = c.case(
        Course {
            id: new_id(),
            user_id: me.clone(),
            name: s("Linear Algebra"),
            emoji: Some(s("📐")),
            created_at: s(NOW),
            updated_at: s(NOW),
            colour: Some(s("#1e40af")),
        },
        &[
            ("emoji", |r| r.emoji = Some(long(9))),
            ("name", |r| r.name = long(121)),
            ("colour", |r| r.colour = Some(s("blue"))),
        ],
    );
    c.case(
        Assignment {
            id: new_id(),
            user_id: me.clone(),
            course_id: Some(course),
            title: s("Problem set 4"),
            status: Some(s("in progress")),
            due_at: Some(s(LATER)),
            timeframe: AssignmentTimeframe::Month,
            notes: None,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("title", |r| r.title = long(161)),
            ("status", |r| r.status = Some(long(41))),
            ("course_id", |r| r.course_id = Some(s("COURSE-1"))),
        ],
    );
    c.case(
        CalendarSubscriptionRow {
            id: new_id(),
            user_id: me.clone(),
            name: s("University timetable"),
            url: s("https://timetable.example.org/me.ics"),
            colour: s("#2563eb"),
            refresh_minutes: 360,
            enabled: true,
            etag: Some(s("\"v1\"")),
            last_modified: Some(s("Mon, 23 Nov 2026 08:00:00 GMT")),
            last_attempt_at: Some(s(NOW)),
            last_success_at: Some(s(NOW)),
            last_error: None,
            failures: 0,
            next_fetch_at: Some(s(LATER)),
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("name", |r| r.name = s(" ")),
            ("url", |r| r.url = s("ftp://example.org/cal.ics")),
            ("colour", |r| r.colour = s("blue")),
            ("refresh_minutes", |r| r.refresh_minutes = 5),
            ("failures", |r| r.failures = -1),
            ("next_fetch_at", |r| r.next_fetch_at = Some(s("soon"))),
        ],
    );
    let event = c.case(
        CalendarEventRow {
            id: new_id(),
            user_id: me.clone(),
            event_date: s("2026-11-23"),
            title: Some(s("Study group")),
            notes: None,
            starts_at: Some(s("2026-11-23T09:00:00.000Z")),
            ends_at: Some(s("2026-11-23T10:30:00.000Z")),
            source: CalendarEventSource::Quick,
            order_index: 0,
            created_at: s(NOW),
            updated_at: s(NOW),
            all_day: false,
            end_date: Some(s("2026-11-23")),
            series_end_date: None,
            timezone: Some(s("Asia/Tokyo")),
            rrule: Some(s("FREQ=WEEKLY;BYDAY=MO")),
            exdates: json!(["2026-11-30T09:00:00.000Z"]),
            series_id: None,
            recurrence_id: None,
            uid: Some(s("study-group@example.org")),
            course_id: None,
            sequence: 0,
            rdates: json!(["2026-12-02T09:00:00.000Z"]),
            location: Some(s("Room 101")),
            url: Some(s("https://example.org/group")),
            subscription_id: None,
        },
        &[
            ("ends_at", |r| r.ends_at = Some(s("2026-11-23T08:59:59.999Z"))),
            ("exdates", |r| r.exdates = json!({"a": 1})),
            ("recurrence_id", |r| r.series_id = Some(new_id())),
            ("end_date", |r| r.end_date = None),
            ("series_end_date", |r| r.series_end_date = Some(s("soon"))),
            ("sequence", |r| r.sequence = -1),
            ("rdates", |r| r.rdates = json!({"a": 1})),
            ("location", |r| r.location = Some(long(501))),
            ("url", |r| r.url = Some(long(2049))),
            ("event_date", |r| r.event_date = s("23/11/2026")),
            ("title", |r| r.title = Some(long(161))),
            ("starts_at", |r| r.starts_at = Some(s("09:00"))),
        ],
    );
    let me3 = me.clone();
    c.case(
        EventReminder {
            id: new_id(),
            event_id: event,
            user_id: me3,
            minutes_before: Some(15),
            remind_at: None,
            channel: ReminderChannel::InApp,
            fire_at: s("2026-11-23T08:45:00.000Z"),
            delivered_at: None,
            snoozed_until: None,
            snoozed_occurrence: None,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("minutes_before", |r| r.remind_at = Some(s("2026-11-23T08:00:00.000Z"))),
            ("remind_at", |r| r.minutes_before = None),
            ("minutes_before", |r| r.minutes_before = Some(-5)),
            ("fire_at", |r| r.fire_at = s("")),
        ],
    );
    c.case(
        NotificationRow {
            id: new_id(),
            user_id: me.clone(),
            r#type: s("reminder"),
            title: s("Study group in 15 minutes"),
            message: None,
            data: Some(json!({"event": "study group"})),
            is_read: false,
            read_at: None,
            created_at: s(NOW),
            expires_at: None,
            priority: NotificationPriority::High,
        },
        &[("title", |r| r.title = s("")), ("type", |r| r.r#type = s(" ")), ("read_at", |r| r.read_at = Some(s("now")))],
    );

    // ---- dashboard ------------------------------------------------------------------
    c.case(
        FocusEntry {
            id: new_id(),
            user_id: me.clone(),
            title: s("Eigenvalues"),
            description: Some(s("Chapter 6")),
            order_index: 3,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("title", |r| r.title = long(121))],
    );
    c.case(
        StudyResource {
            id: new_id(),
            user_id: me.clone(),
            label: s("Lecture notes"),
            emoji: Some(s("📚")),
            url: Some(s("https://example.org/notes")),
            order_index: 0,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("url", |r| r.url = Some(s("javascript:alert(1)"))), ("label", |r| r.label = long(121))],
    );
    c.case(
        StudyPlaylist {
            id: new_id(),
            user_id: me.clone(),
            title: s("Lo-fi"),
            provider: Some(s("youtube")),
            embed_url: s("https://www.youtube.com/embed/abc"),
            order_index: 0,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("embed_url", |r| r.embed_url = s("ftp://example.org")), ("provider", |r| r.provider = Some(long(41)))],
    );
    let feed_item = c.case(
        ActivityFeedRow {
            id: new_id(),
            user_id: me.clone(),
            activity_type: s("task_completed"),
            title: s("You finished Past paper 2019"),
            description: None,
            source_type: s("tasks"),
            source_id: new_id(),
            metadata: Some(json!({"streak": 3})),
            is_read: false,
            is_pinned: true,
            priority: 2,
            created_at: s(NOW),
            expires_at: Some(s(LATER)),
        },
        &[
            ("source_id", |r| r.source_id = long(37)),
            ("activity_type", |r| r.activity_type = long(51)),
            ("title", |r| r.title = long(256)),
            ("source_type", |r| r.source_type = s("")),
        ],
    );
    let me4 = me.clone();
    c.case(
        FeedEngagementRow {
            id: new_id(),
            feed_item_id: feed_item,
            user_id: me4,
            engagement_type: EngagementType::Dismiss,
            created_at: s(NOW),
        },
        &[("feed_item_id", |r| r.feed_item_id = s("1")), ("created_at", |r| r.created_at = s(""))],
    );
    c.case(
        UserDashboardSettings {
            id: new_id(),
            user_id: ada.clone(),
            widget_layout: Some(json!(["todo", "progress"])),
            hidden_widgets: Some(json!([])),
            feed_filters: Some(json!({})),
            quick_actions: None,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("created_at", |r| r.created_at = s("now"))],
    );

    // ---- focus ----------------------------------------------------------------------
    c.case(
        ProgressMetricRow {
            id: new_id(),
            user_id: ada.clone(),
            scope: Scope::Week,
            value: 40,
            target_value: Some(100),
            captured_at: s("2026-11-16"),
            created_at: s(NOW),
        },
        &[
            ("value", |r| r.value = -1),
            ("target_value", |r| r.target_value = Some(0)),
            ("captured_at", |r| r.captured_at = s("2026-11-31")),
            ("captured_at", |r| r.captured_at = s(NOW)),
        ],
    );
    let activity = c.case(
        ActivityRow {
            id: new_id(),
            user_id: Some(me.clone()),
            name: s("Violin scales"),
            kind: ActivityKind::Practice,
            description: None,
            default_duration_minutes: Some(50),
            emoji: Some(s("🎻")),
            is_builtin: false,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("user_id", |r| r.is_builtin = true),
            ("user_id", |r| r.user_id = None),
            ("default_duration_minutes", |r| r.default_duration_minutes = Some(0)),
            ("name", |r| r.name = s("")),
            ("emoji", |r| r.emoji = Some(long(17))),
        ],
    );
    c.case(
        UserActivityFavoriteRow { id: new_id(), user_id: me.clone(), activity_id: s(POMODORO), created_at: s(NOW) },
        &[("activity_id", |r| r.activity_id = s("01930000-0000-7000-8000-00000000000X"))],
    );
    let session = c.case(
        IdleSessionRow {
            id: new_id(),
            user_id: me.clone(),
            activity_id: Some(activity),
            session_name: Some(s("Morning practice")),
            status: FocusSessionStatus::Completed,
            start_time: s(NOW),
            end_time: Some(s("2026-11-22T01:25:00.000Z")),
            total_duration: 1500,
            session_config: Some(json!({"focus_minutes": 25, "break_minutes": 5})),
            activity_log: Some(json!([{"at": NOW, "event": "start"}])),
            created_at: s(NOW),
            updated_at: s(NOW),
            course_id: None,
            local_date: Some(s("2026-11-22")),
        },
        &[
            ("total_duration", |r| r.total_duration = -1),
            ("start_time", |r| r.start_time = s("yesterday")),
            ("local_date", |r| r.local_date = Some(s("22/11/2026"))),
        ],
    );
    let me5 = me.clone();
    c.case(
        UserActivityRow {
            id: new_id(),
            user_id: me5,
            session_id: Some(session),
            activity_type: s("idle_kept"),
            activity_data: Some(json!({"idle_seconds": 120})),
            occurred_at: s(NOW),
            ip_address: None,
            user_agent: None,
            metadata: None,
        },
        &[("activity_type", |r| r.activity_type = s("")), ("occurred_at", |r| r.occurred_at = s("2026-11-22"))],
    );
    c.case(
        UserPresenceRow {
            id: new_id(),
            user_id: ada.clone(),
            status: PresenceStatus::Online,
            activity: Some(s("Studying Linear Algebra")),
            last_seen_at: Some(s(NOW)),
        },
        &[("activity", |r| r.activity = Some(long(121)))],
    );
    let workspace = c.case(
        ImmersiveWorkspaceRow {
            id: new_id(),
            user_id: me.clone(),
            name: s("Night desk"),
            background_type: BackgroundType::Color,
            background_value: None,
            background_color: Some(s("#1e293b")),
            settings: Some(json!({"dim": 0.4})),
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("background_color", |r| r.background_color = Some(s("navy"))),
            ("background_color", |r| r.background_color = Some(s("#12345"))),
            ("name", |r| r.name = long(81)),
        ],
    );
    c.case(
        ImmersiveWidgetRow {
            id: new_id(),
            workspace_id: workspace,
            r#type: s("clock"),
            title_key: Some(s("widget.clock")),
            title: None,
            grid_x: 0,
            grid_y: 2,
            grid_w: 3,
            grid_h: 1,
            settings: Some(json!({"seconds": true})),
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("grid_w", |r| r.grid_w = 0),
            ("grid_h", |r| r.grid_h = 0),
            ("grid_x", |r| r.grid_x = -1),
            ("grid_y", |r| r.grid_y = -1),
            ("type", |r| r.r#type = long(33)),
            ("title_key", |r| r.title_key = Some(long(121))),
        ],
    );
    c.case(
        AttachmentRow {
            id: new_id(),
            user_id: me.clone(),
            content_hash: "0123456789abcdef".repeat(4),
            mime_type: s("image/png"),
            size_bytes: 1024,
            path: s("attachments/01/23/0123456789abcdef.png"),
            original_name: Some(s("desk.png")),
            created_at: s(NOW),
        },
        &[
            ("content_hash", |r| r.content_hash = "0123456789ABCDEF".repeat(4)),
            ("content_hash", |r| r.content_hash = "0".repeat(63)),
            ("size_bytes", |r| r.size_bytes = -1),
            ("path", |r| r.path = s("../etc/passwd")),
            ("path", |r| r.path = s("/etc/passwd")),
            ("path", |r| r.path = s("C:\\desk.png")),
            ("mime_type", |r| r.mime_type = long(256)),
        ],
    );

    // ---- social ---------------------------------------------------------------------
    c.case(
        UserTagRow { id: new_id(), user_id: me.clone(), tag: s("linear-algebra"), created_at: s(NOW) },
        &[("tag", |r| r.tag = s("#maths")), ("tag", |r| r.tag = s("")), ("tag", |r| r.tag = long(51))],
    );
    c.case(
        FollowRow { id: new_id(), follower_id: me.clone(), followee_id: ada.clone(), created_at: s(NOW) },
        &[("followee_id", |r| r.followee_id = r.follower_id.clone())],
    );
    c.case(
        FollowDecisionRow {
            id: new_id(),
            followee_id: me.clone(),
            follower_id: ada.clone(),
            decision: FollowDecision::Accepted,
            decided_at: s(NOW),
        },
        &[("follower_id", |r| r.follower_id = r.followee_id.clone()), ("decided_at", |r| r.decided_at = s("today"))],
    );
    c.case(
        UserBlockRow { id: new_id(), user_id: me.clone(), blocked_user_id: ada.clone(), created_at: s(NOW) },
        &[("blocked_user_id", |r| r.blocked_user_id = r.user_id.clone())],
    );
    c.case(
        UserMuteRow { id: new_id(), user_id: me.clone(), muted_user_id: ada.clone(), created_at: s(NOW) },
        &[("muted_user_id", |r| r.muted_user_id = r.user_id.clone())],
    );
    let post = c.case(
        PostRow {
            id: new_id(),
            user_id: me.clone(),
            content: Some(s("Two hours on eigenvectors.")),
            book_title: Some(s("Linear Algebra Done Right")),
            study_duration: Some(s("2h")),
            subject: Some(s("Maths")),
            image_url: None,
            like_count: 1,
            comment_count: 1,
            created_at: s(NOW),
            updated_at: s(NOW),
            visibility: PostVisibility::Public,
        },
        &[
            ("like_count", |r| r.like_count = -1),
            ("comment_count", |r| r.comment_count = -1),
            ("subject", |r| r.subject = Some(long(81))),
            ("book_title", |r| r.book_title = Some(long(161))),
            ("study_duration", |r| r.study_duration = Some(long(33))),
        ],
    );
    c.case(
        PostMediaRow {
            id: new_id(),
            post_id: post.clone(),
            media_type: s("image"),
            url: s("https://example.org/desk.jpg"),
            order_index: 0,
            metadata: Some(json!({"width": 1200, "height": 800})),
        },
        &[("media_type", |r| r.media_type = long(21)), ("url", |r| r.url = s(""))],
    );
    c.case(PostTagRow { id: new_id(), post_id: post.clone(), tag: s("maths") }, &[("tag", |r| r.tag = s("#maths"))]);
    c.case(
        PostCommentRow {
            id: new_id(),
            post_id: post.clone(),
            author_id: ada.clone(),
            body: s("Nice!"),
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("body", |r| r.body = s(" ")), ("author_id", |r| r.author_id = s(""))],
    );
    c.case(
        PostLikeRow { id: new_id(), post_id: post.clone(), user_id: ada.clone(), created_at: s(NOW) },
        &[("post_id", |r| r.post_id = s(""))],
    );
    c.case(
        EmojiCategoryRow {
            id: 9001,
            name: s("study"),
            display_name: Some(s("Study")),
            description: None,
            icon: Some(s("📚")),
            sort_order: 10,
            is_active: true,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("name", |r| r.name = s("")), ("created_at", |r| r.created_at = s("2026-11-22T01:00:00Z"))],
    );
    let emoji = c.case(
        EmojiRow {
            id: new_id(),
            category_id: Some(9001),
            unicode: Some(s("📐")),
            shortcode: Some(s(":triangular_ruler:")),
            name: s("triangular ruler"),
            description: None,
            keywords: Some(json!(["maths", "geometry"])),
            skin_tone: None,
            is_custom: false,
            image_url: None,
            created_at: s(NOW),
            updated_at: s(NOW),
            sort_order: 3,
            created_by: None,
        },
        &[
            ("keywords", |r| r.keywords = Some(json!({"maths": true}))),
            ("name", |r| r.name = s("")),
            ("created_by", |r| r.created_by = Some(r.id.clone())),
        ],
    );
    c.case(
        UserEmojiFavoriteRow {
            id: new_id(),
            user_id: me.clone(),
            emoji_id: emoji,
            created_at: s(NOW),
            usage_count: 7,
            last_used: Some(s(NOW)),
            favorited_at: Some(s(NOW)),
        },
        &[
            ("usage_count", |r| r.usage_count = -1),
            ("last_used", |r| r.last_used = Some(s("x"))),
            ("favorited_at", |r| r.favorited_at = Some(s("x"))),
        ],
    );

    // ---- insights -------------------------------------------------------------------
    let dashboard = c.case(
        DashboardRow {
            id: new_id(),
            user_id: me.clone(),
            name: s("Study time"),
            description: None,
            layout: json!({"columns": 12}),
            is_public: false,
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("layout", |r| r.layout = json!([])), ("name", |r| r.name = s(""))],
    );
    let source = c.case(
        DataSourceRow {
            id: new_id(),
            user_id: me.clone(),
            name: s("Marks"),
            r#type: DataSourceType::Csv,
            connection_config: json!({"path": "imports/marks.csv"}),
            status: DataSourceStatus::Connected,
            last_sync: Some(s(NOW)),
            metadata: json!({}),
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("connection_config", |r| r.connection_config = json!("host=localhost")),
            ("metadata", |r| r.metadata = json!(null)),
            ("name", |r| r.name = long(256)),
        ],
    );
    let widget = c.case(
        WidgetRow {
            id: new_id(),
            dashboard_id: dashboard.clone(),
            data_source_id: Some(source),
            r#type: WidgetType::LineChart,
            config: json!({"x": "week", "y": "minutes"}),
            query: Some(s("SELECT week, minutes FROM marks")),
            position: json!({"x": 0, "y": 0, "w": 6, "h": 4}),
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[("position", |r| r.position = json!(null)), ("config", |r| r.config = json!([1]))],
    );
    c.case(
        AlertRow {
            id: new_id(),
            user_id: me.clone(),
            metric_id: Some(s("study_minutes")),
            name: s("Less than an hour a day"),
            threshold_type: AlertThresholdType::Below,
            threshold_value: 60.5,
            channels: json!(["in_app"]),
            frequency: AlertFrequency::Digest,
            status: AlertStatus::Active,
            is_active: true,
            created_at: s(NOW),
            updated_at: s(NOW),
            grain: s("week"),
            filters: json!({}),
            digest_time: Some(s("08:30")),
            snoozed_until: None,
            status_reason: Some(s("created")),
            status_changed_at: Some(s(NOW)),
            last_evaluated_at: Some(s(NOW)),
            last_value: Some(12.0),
            last_previous: None,
            last_triggered_at: None,
            digest_pending: 1,
            last_digest_on: Some(s("2026-01-02")),
            widget_id: None,
            model_id: None,
            model_field: None,
        },
        &[
            ("channels", |r| r.channels = json!({"in_app": true})),
            ("metric_id", |r| r.widget_id = Some(new_id())),
            ("model_field", |r| {
                r.metric_id = None;
                r.model_id = Some(new_id());
            }),
            ("threshold_value", |r| r.threshold_value = f64::NAN),
            ("name", |r| r.name = long(256)),
        ],
    );
    c.case(
        ReportRow {
            id: new_id(),
            dashboard_id: dashboard.clone(),
            created_by: me.clone(),
            name: s("Weekly"),
            schedule: json!({"every": "weekly", "days": ["mon"], "time": "08:00"}),
            recipients: json!(["me@example.org"]),
            format: ReportFormat::Pdf,
            is_active: true,
            last_sent: None,
            created_at: s(NOW),
            updated_at: s(NOW),
            output_dir: Some(s("/home/me/Reports")),
            widget_ids: None,
            next_run_at: Some(s(NOW)),
            last_output: None,
            last_error: None,
        },
        &[
            ("recipients", |r| r.recipients = json!("me@example.org")),
            ("schedule", |r| r.schedule = json!([])),
            ("widget_ids", |r| r.widget_ids = Some(json!({"a": 1}))),
            ("next_run_at", |r| r.next_run_at = Some(s("tomorrow"))),
        ],
    );
    c.case(
        DataModelRow {
            id: new_id(),
            created_by: me.clone(),
            name: s("Marks by course"),
            description: None,
            tables: json!(["marks", "courses"]),
            joins: json!([{"left": "marks.course", "right": "courses.name"}]),
            calculated_fields: json!([]),
            created_at: s(NOW),
            updated_at: s(NOW),
        },
        &[
            ("tables", |r| r.tables = json!({})),
            ("joins", |r| r.joins = json!(1)),
            ("calculated_fields", |r| r.calculated_fields = json!("x")),
        ],
    );
    c.case(
        WorkflowRow {
            id: new_id(),
            requester_id: me.clone(),
            approver_id: Some(ada.clone()),
            r#type: s("dashboard_access"),
            status: WorkflowStatus::Approved,
            priority: WorkflowPriority::Normal,
            details: json!({"dashboard": "Study time"}),
            created_at: s(NOW),
            updated_at: s(NOW),
            resolved_at: Some(s(LATER)),
        },
        &[
            ("type", |r| r.r#type = long(101)),
            ("resolved_at", |r| r.resolved_at = Some(s("2026"))),
            ("details", |r| r.details = json!([])),
        ],
    );
    c.case(
        WidgetResultRow {
            id: new_id(),
            widget_id: widget,
            dashboard_id: dashboard.clone(),
            range_from: s("2026-10-24"),
            range_to: s("2026-11-22"),
            computed_at: s(NOW),
            data: Some(json!({"table": {"columns": [], "rows": [], "truncated": false}, "from": "2026-10-24", "to": "2026-11-22"})),
            row_count: 0,
            error: None,
        },
        &[("range_from", |r| r.range_from = s("24/10/2026")), ("computed_at", |r| r.computed_at = s("x")), ("widget_id", |r| r.widget_id = s("bad"))],
    );
    c.case(
        DashboardShareRow {
            id: new_id(),
            dashboard_id: dashboard,
            user_id: ada.clone(),
            permission: SharePermission::Edit,
            shared_at: s(NOW),
            shared_by: Some(me.clone()),
        },
        &[("shared_at", |r| r.shared_at = s("x")), ("shared_by", |r| r.shared_by = Some(s("bad")))],
    );

    // Every table of the schema (all but the core's bookkeeping) was checked.
    let mut tables: Vec<String> = f
        .app
        .db()
        .read(|c| {
            let mut st = c.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                 AND name NOT IN ('refinery_schema_history', 'sync_changes', 'local_meta')
                 AND substr(name, 1, 5) <> 'sync_' ORDER BY name",
            )?;
            let names = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(names)
        })
        .unwrap();
    tables.sort();
    let mut covered: Vec<String> = c.covered.iter().map(|t| t.to_string()).collect();
    covered.sort();
    assert_eq!(covered, tables);
    // The 48 seed tables, item_reminders (V6), follow_decisions, user_blocks, user_mutes
    // (V13), email_outbox (V23), widget_results (V24), calendar_subscriptions (V26).
    assert_eq!(covered.len(), 55);
}

/// What the existing services write is a valid row too.
#[test]
fn rows_written_by_the_services_read_back_and_validate() {
    let f = common::open();
    f.app
        .task_add(studydesk_core::planner::tasks::NewTask { description: "Read chapter 5".into(), ..Default::default() })
        .unwrap();

    fn all<R: Row + Debug>(f: &common::Fixture) -> usize {
        let ids: Vec<String> = f
            .app
            .db()
            .read(|c| {
                let mut st = c.prepare(&format!("SELECT id FROM {}", R::TABLE))?;
                let ids = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
                Ok(ids)
            })
            .unwrap();
        for id in &ids {
            let r: R = f.app.db().read(|c| row::get(c, id)).unwrap().expect("listed row");
            r.validate().unwrap_or_else(|e| panic!("{} {id}: {e}\n{r:?}", R::TABLE));
        }
        ids.len()
    }

    assert_eq!(all::<UserRow>(&f), 1);
    assert_eq!(all::<UserSettingsRow>(&f), 1);
    assert_eq!(all::<UserDashboardSettings>(&f), 1);
    assert!(all::<TaskList>(&f) >= 1);
    assert_eq!(all::<Task>(&f), 1);
    assert!(all::<ProgressMetricRow>(&f) >= 1);
    assert_eq!(all::<ActivityRow>(&f), 6, "the built-in catalog");
}

fn words<E: serde::Serialize + Copy + PartialEq + Debug>(all: &[E], as_str: fn(E) -> &'static str, parse: fn(&str) -> Option<E>) {
    for &v in all {
        assert_eq!(serde_json::to_value(v).unwrap(), json!(as_str(v)), "{v:?}: the serde name is the SQL word");
        assert_eq!(parse(as_str(v)), Some(v));
    }
    assert_eq!(parse("nonsense"), None);
}

#[test]
fn enum_serde_names_are_the_schema_words() {
    words(UserRole::ALL, UserRole::as_str, UserRole::parse);
    words(UserStatus::ALL, UserStatus::as_str, UserStatus::parse);
    words(FollowPolicy::ALL, FollowPolicy::as_str, FollowPolicy::parse);
    words(PostVisibility::ALL, PostVisibility::as_str, PostVisibility::parse);
    words(FollowDecision::ALL, FollowDecision::as_str, FollowDecision::parse);
    words(AssignmentTimeframe::ALL, AssignmentTimeframe::as_str, AssignmentTimeframe::parse);
    words(CalendarEventSource::ALL, CalendarEventSource::as_str, CalendarEventSource::parse);
    words(ReminderChannel::ALL, ReminderChannel::as_str, ReminderChannel::parse);
    words(NotificationPriority::ALL, NotificationPriority::as_str, NotificationPriority::parse);
    words(EngagementType::ALL, EngagementType::as_str, EngagementType::parse);
    words(ActivityKind::ALL, ActivityKind::as_str, ActivityKind::parse);
    words(FocusSessionStatus::ALL, FocusSessionStatus::as_str, FocusSessionStatus::parse);
    words(PresenceStatus::ALL, PresenceStatus::as_str, PresenceStatus::parse);
    words(BackgroundType::ALL, BackgroundType::as_str, BackgroundType::parse);
    words(DataSourceType::ALL, DataSourceType::as_str, DataSourceType::parse);
    words(DataSourceStatus::ALL, DataSourceStatus::as_str, DataSourceStatus::parse);
    words(WidgetType::ALL, WidgetType::as_str, WidgetType::parse);
    words(AlertThresholdType::ALL, AlertThresholdType::as_str, AlertThresholdType::parse);
    words(AlertFrequency::ALL, AlertFrequency::as_str, AlertFrequency::parse);
    words(AlertStatus::ALL, AlertStatus::as_str, AlertStatus::parse);
    words(ReportFormat::ALL, ReportFormat::as_str, ReportFormat::parse);
    words(WorkflowStatus::ALL, WorkflowStatus::as_str, WorkflowStatus::parse);
    words(WorkflowPriority::ALL, WorkflowPriority::as_str, WorkflowPriority::parse);
    words(SharePermission::ALL, SharePermission::as_str, SharePermission::parse);
}
