//! Data models (issue 15 item 6) on a real database file, over known data written through
//! the app's own services (courses, assignments, focus sessions timed by the clock, a CSV
//! source): joins (inner and left), a calculated field, date truncation to the week, a
//! CASE, aggregates, a source's cache table, a widget over a saved model; and the
//! refusals (unknown table or column, a secret column, Studydesk's own table, a bad alias,
//! too many tables, an unjoined table, someone's SQL in a text) each naming the field and
//! writing nothing.

mod common;

use chrono::{DateTime, Utc};
use common::Fixture;
use studydesk_core::focus::sessions::NewSession;
use studydesk_core::insights::dashboards::DashboardEdit;
use studydesk_core::insights::models::*;
use studydesk_core::insights::rows::WidgetType;
use studydesk_core::insights::table::{Cell, Table};
use studydesk_core::insights::widgets::{WidgetConfig, WidgetDraft, WidgetSource};
use studydesk_core::planner::assignments::NewAssignment;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn col(table: &str, column: &str) -> ModelExpr {
    ModelExpr::Column { table: table.into(), column: column.into() }
}

fn cref(table: &str, column: &str) -> ModelColumnRef {
    ModelColumnRef { table: table.into(), column: column.into() }
}

fn field(name: &str, expression: ModelExpr) -> ModelField {
    ModelField { name: name.into(), expression }
}

fn table(name: &str, alias: &str) -> ModelTable {
    ModelTable { name: name.into(), alias: alias.into() }
}

fn join(left: ModelColumnRef, right: ModelColumnRef, kind: ModelJoinKind) -> ModelJoin {
    ModelJoin { left, right, kind }
}

fn count() -> ModelExpr {
    ModelExpr::Aggregate { function: ModelAggregate::Count, of: None }
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn names(table: &Table) -> Vec<&str> {
    table.columns.iter().map(|c| c.name.as_str()).collect()
}

/// Chemistry with three assignments, History with one, and one assignment without a
/// course; focus sessions of 50, 25 and 45 minutes over two weeks.
fn known() -> Fixture {
    let f = common::open();
    let chem = f.app.course_add("Chemistry", None::<String>).unwrap();
    let hist = f.app.course_add("History", None::<String>).unwrap();
    for (course, title) in [(&chem.id, "Lab report"), (&chem.id, "Problem set"), (&chem.id, "Quiz prep"), (&hist.id, "Essay")] {
        f.app.assignment_add(NewAssignment { course_id: Some(course.clone()), title: title.into(), ..Default::default() }).unwrap();
    }
    f.app.assignment_add(NewAssignment { title: "Library card".into(), ..Default::default() }).unwrap();
    // Wed 18 and Fri 20 Nov 2026 (week of Mon 16), Tue 24 Nov (week of Mon 23).
    for (start, seconds) in [("2026-11-18T09:00:00Z", 50 * 60), ("2026-11-20T09:00:00Z", 25 * 60), ("2026-11-24T09:00:00Z", 45 * 60)] {
        f.clock.set(at(start));
        f.app.session_start(NewSession::default()).unwrap();
        f.clock.set(at(start) + chrono::Duration::seconds(seconds));
        f.app.session_complete().unwrap();
    }
    f
}

fn assignments_per_course(kind: ModelJoinKind) -> ModelDraft {
    ModelDraft {
        name: "Assignments per course".into(),
        description: Some("How much each course asks".into()),
        tables: vec![table("assignments", "a"), table("courses", "c")],
        joins: vec![join(cref("a", "course_id"), cref("c", "id"), kind)],
        fields: vec![field("course", col("c", "name")), field("assignments", count())],
    }
}

fn sessions_model() -> ModelDraft {
    let minutes = ModelExpr::Arithmetic { op: ModelOperator::Divide, left: Box::new(col("s", "total_duration")), right: Box::new(ModelExpr::Number { value: 60.0 }) };
    let length = ModelExpr::Case {
        whens: vec![ModelWhen { column: cref("s", "total_duration"), op: ModelCompare::Ge, value: ModelLiteral::Number(2700.0), then: ModelExpr::Text { value: "long".into() } }],
        otherwise: Some(Box::new(ModelExpr::Text { value: "short".into() })),
    };
    ModelDraft {
        name: "Sessions".into(),
        description: None,
        tables: vec![table("idle_sessions", "s")],
        joins: vec![],
        fields: vec![
            field("week", ModelExpr::DateTrunc { unit: ModelDateUnit::Week, of: cref("s", "start_time") }),
            field("day", ModelExpr::DateTrunc { unit: ModelDateUnit::Day, of: cref("s", "start_time") }),
            field("minutes", minutes),
            field("length", length),
        ],
    }
}

#[test]
fn assignments_are_counted_per_course_name_through_an_inner_and_a_left_join() {
    let f = known();
    let inner = f.app.model_preview(assignments_per_course(ModelJoinKind::Inner)).unwrap();
    assert_eq!(names(&inner), ["course", "assignments"]);
    assert_eq!(inner.rows, vec![vec![t("Chemistry"), Cell::Integer(3)], vec![t("History"), Cell::Integer(1)]]);
    // The left join keeps the assignment without a course (its course empty, sorted first).
    let left = f.app.model_preview(assignments_per_course(ModelJoinKind::Left)).unwrap();
    assert_eq!(left.rows, vec![vec![Cell::Null, Cell::Integer(1)], vec![t("Chemistry"), Cell::Integer(3)], vec![t("History"), Cell::Integer(1)]]);
}

#[test]
fn a_calculated_field_date_truncation_and_a_case_give_exact_rows() {
    let f = known();
    let rows = f.app.model_preview(sessions_model()).unwrap();
    assert_eq!(names(&rows), ["week", "day", "minutes", "length"]);
    assert_eq!(
        rows.rows,
        vec![
            vec![t("2026-11-16"), t("2026-11-18"), Cell::Real(50.0), t("long")],
            vec![t("2026-11-16"), t("2026-11-20"), Cell::Real(25.0), t("short")],
            vec![t("2026-11-23"), t("2026-11-24"), Cell::Real(45.0), t("long")],
        ]
    );
    // Minutes per week: an aggregate of a calculation, grouped by the other field.
    let per_week = ModelDraft {
        fields: vec![
            field("week", ModelExpr::DateTrunc { unit: ModelDateUnit::Week, of: cref("s", "start_time") }),
            field(
                "minutes",
                ModelExpr::Arithmetic {
                    op: ModelOperator::Divide,
                    left: Box::new(ModelExpr::Aggregate { function: ModelAggregate::Sum, of: Some(Box::new(col("s", "total_duration"))) }),
                    right: Box::new(ModelExpr::Number { value: 60.0 }),
                },
            ),
            field("sessions", count()),
        ],
        ..sessions_model()
    };
    let weekly = f.app.model_preview(per_week).unwrap();
    assert_eq!(weekly.rows, vec![vec![t("2026-11-16"), Cell::Real(75.0), Cell::Integer(2)], vec![t("2026-11-23"), Cell::Real(45.0), Cell::Integer(1)]]);
    // Month and year start on their first day.
    let months = ModelDraft {
        fields: vec![
            field("month", ModelExpr::DateTrunc { unit: ModelDateUnit::Month, of: cref("s", "start_time") }),
            field("year", ModelExpr::DateTrunc { unit: ModelDateUnit::Year, of: cref("s", "start_time") }),
            field("n", count()),
        ],
        ..sessions_model()
    };
    assert_eq!(f.app.model_preview(months).unwrap().rows, vec![vec![t("2026-11-01"), t("2026-01-01"), Cell::Integer(3)]]);
}

#[test]
fn dates_are_truncated_on_the_users_day_not_the_utc_day() {
    let f = known(); // the user is in Tokyo
    // Thursday 26 Nov 08:30 in Tokyo is Wednesday 25 Nov 23:30 UTC
    f.clock.set(at("2026-11-25T23:30:00Z"));
    f.app.session_start(NewSession::default()).unwrap();
    f.clock.set(at("2026-11-26T00:00:00Z"));
    f.app.session_complete().unwrap();
    let days = ModelDraft {
        fields: vec![field("day", ModelExpr::DateTrunc { unit: ModelDateUnit::Day, of: cref("s", "start_time") }), field("n", count())],
        ..sessions_model()
    };
    let rows = f.app.model_preview(days).unwrap().rows;
    assert_eq!(rows.last(), Some(&vec![t("2026-11-26"), Cell::Integer(1)]), "{rows:?}");
    // Monday 30 Nov 07:00 in Tokyo is Sunday 29 Nov UTC: its week starts Mon 30, not Mon 23
    f.clock.set(at("2026-11-29T22:00:00Z"));
    f.app.session_start(NewSession::default()).unwrap();
    f.clock.set(at("2026-11-29T22:30:00Z"));
    f.app.session_complete().unwrap();
    let weeks = ModelDraft {
        fields: vec![field("week", ModelExpr::DateTrunc { unit: ModelDateUnit::Week, of: cref("s", "start_time") }), field("n", count())],
        ..sessions_model()
    };
    let rows = f.app.model_preview(weeks).unwrap().rows;
    assert_eq!(rows.last(), Some(&vec![t("2026-11-30"), Cell::Integer(1)]), "{rows:?}");
    // and the function is there for the user's own SQL too
    let own = f.app.insights_query("SELECT local_date('2026-11-25T23:30:00Z', 'Asia/Tokyo')", None::<String>).unwrap();
    assert_eq!(own.rows, vec![vec![t("2026-11-26")]]);
}

#[test]
fn a_saved_model_is_listed_run_updated_shown_by_a_widget_and_deleted() {
    let f = known();
    let saved = f.app.model_save(None::<String>, assignments_per_course(ModelJoinKind::Inner)).unwrap();
    assert_eq!(saved.name, "Assignments per course");
    assert_eq!(f.app.model_list().unwrap().iter().map(|m| m.id.clone()).collect::<Vec<_>>(), vec![saved.id.clone()]);
    assert_eq!(f.app.model_get(&saved.id).unwrap(), saved);
    // The stored JSON columns hold the shapes the docs describe.
    let (tables, fields): (String, String) = f.app.db().read(|c| Ok(c.query_row("SELECT tables, calculated_fields FROM data_models WHERE id = ?1", [&saved.id], |r| Ok((r.get(0)?, r.get(1)?)))?)).unwrap();
    let json = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    assert_eq!(json(&tables), serde_json::json!([{"name": "assignments", "alias": "a"}, {"name": "courses", "alias": "c"}]));
    assert_eq!(json(&fields)[1], serde_json::json!({"name": "assignments", "expression": {"kind": "aggregate", "function": "count"}}));
    assert_eq!(f.app.model_run(&saved.id).unwrap().rows[0], vec![t("Chemistry"), Cell::Integer(3)]);

    // A bar chart over the model shows its rows.
    let dash = f.app.dashboard_create(DashboardEdit { name: Some("Courses".into()), ..Default::default() }).unwrap();
    let draft = WidgetDraft {
        kind: WidgetType::BarChart,
        config: WidgetConfig { title: "Assignments".into(), source: WidgetSource::Model { model_id: saved.id.to_uppercase() }, ..Default::default() },
        query: Some("SELECT 1".into()),
        data_source_id: None,
        position: None,
    };
    let widget = f.app.insights_widget_add(&dash.row.id, draft.clone()).unwrap();
    assert_eq!(widget.config.source, WidgetSource::Model { model_id: saved.id.clone() }, "the id is kept in its canonical form");
    assert_eq!(widget.row.query, None, "a model widget keeps no SQL of its own");
    let data = f.app.insights_widget_data(&widget.row.id, None::<i64>).unwrap();
    assert_eq!(data.table.rows, vec![vec![t("Chemistry"), Cell::Integer(3)], vec![t("History"), Cell::Integer(1)]]);

    // An update changes what the widget shows.
    let mut left = assignments_per_course(ModelJoinKind::Left);
    left.name = "  With no course too ".into();
    let updated = f.app.model_save(Some(saved.id.clone()), left).unwrap();
    assert_eq!((updated.id.as_str(), updated.name.as_str()), (saved.id.as_str(), "With no course too"));
    assert_eq!(f.app.insights_widget_data(&widget.row.id, None::<i64>).unwrap().table.rows.len(), 3);

    // A widget cannot name a model that is not mine (or not there).
    let mut ghost = draft.clone();
    ghost.config.source = WidgetSource::Model { model_id: "01930000-0000-7000-8000-00000000abcd".into() };
    assert!(f.app.insights_widget_add(&dash.row.id, ghost).is_err());
    let mut bad = draft;
    bad.config.source = WidgetSource::Model { model_id: "x'; DROP TABLE widgets; --".into() };
    assert!(f.app.insights_widget_add(&dash.row.id, bad).is_err());

    // Deleted: the widget stays and says its model is gone.
    f.app.model_delete(&saved.id).unwrap();
    assert!(f.app.model_list().unwrap().is_empty());
    assert!(f.app.model_run(&saved.id).is_err());
    let gone = f.app.insights_widget_data(&widget.row.id, None::<i64>).unwrap_err();
    assert!(gone.to_string().contains("data model of this widget was deleted"), "{gone}");
}

#[test]
fn a_sources_cache_table_joins_the_study_data() {
    let f = known();
    let csv = "course,score\nChemistry,90\nChemistry,70\nHistory,85\nArt,60\n";
    let source = f.app.source_add_csv("Exam scores", Some("scores.csv"), csv.as_bytes()).unwrap();
    let cache = source.table.clone().unwrap();
    let model = ModelDraft {
        name: "Scores per course".into(),
        description: None,
        tables: vec![table(&format!("sources.{cache}"), "x"), table("courses", "c")],
        joins: vec![join(cref("x", "course"), cref("c", "name"), ModelJoinKind::Inner)],
        fields: vec![field("course", col("c", "name")), field("average", ModelExpr::Aggregate { function: ModelAggregate::Avg, of: Some(Box::new(col("x", "score"))) })],
    };
    assert_eq!(f.app.model_preview(model).unwrap().rows, vec![vec![t("Chemistry"), Cell::Real(80.0)], vec![t("History"), Cell::Real(85.0)]]);
}

#[test]
fn text_is_quoted_so_sql_in_it_is_only_text() {
    let f = known();
    let sneaky = "x'); DELETE FROM courses; --";
    let model = ModelDraft {
        fields: vec![
            field("course", col("c", "name")),
            field(
                "label",
                ModelExpr::Case {
                    whens: vec![ModelWhen { column: cref("c", "name"), op: ModelCompare::Eq, value: ModelLiteral::Text("O'Brien".into()), then: ModelExpr::Text { value: "never".into() } }],
                    otherwise: Some(Box::new(ModelExpr::Text { value: sneaky.into() })),
                },
            ),
        ],
        tables: vec![table("courses", "c")],
        joins: vec![],
        ..assignments_per_course(ModelJoinKind::Inner)
    };
    let sql = compile(&model, &f.app.db().read(|c| schema(c, &f.app.user_id())).unwrap(), chrono_tz::UTC).unwrap();
    assert!(sql.contains("'x''); DELETE FROM courses; --'"), "{sql}");
    let rows = f.app.model_preview(model).unwrap();
    assert_eq!(rows.rows, vec![vec![t("Chemistry"), t(sneaky)], vec![t("History"), t(sneaky)]]);
    assert_eq!(f.count("courses"), 2);
}

#[test]
fn refusals_name_the_field_and_write_nothing() {
    let f = known();
    let before = (f.footprint(), f.count("data_models"));
    let good = assignments_per_course(ModelJoinKind::Inner);
    let with = |change: &dyn Fn(&mut ModelDraft)| {
        let mut d = good.clone();
        change(&mut d);
        d
    };
    let cases: Vec<(ModelDraft, &str)> = vec![
        (with(&|d| d.tables[1].name = "coursez".into()), "tables[1].name: there is no table `coursez`"),
        (with(&|d| d.tables[1].name = "sync_changes".into()), "tables[1].name: `sync_changes` is Studydesk's own bookkeeping"),
        (with(&|d| d.tables[1].name = "sources.nothing_here".into()), "tables[1].name: there is no table `sources.nothing_here`"),
        (with(&|d| d.tables[1].name = "temp.x".into()), "tables[1].name: `temp.x` is not a table here"),
        (with(&|d| d.fields[0].expression = col("c", "nmae")), "fields[0] (course): `courses` has no column `nmae`"),
        (with(&|d| d.fields[0].expression = col("z", "name")), "fields[0] (course): there is no table with the alias `z`"),
        (
            with(&|d| {
                d.tables[1].name = "users".into();
                d.joins[0].right.column = "id".into();
                d.fields[0].expression = col("c", "password");
            }),
            "fields[0] (course): `users.password` is a secret",
        ),
        (
            with(&|d| {
                d.tables[1].name = "users".into();
                d.joins[0].right.column = "password".into();
            }),
            "joins[0]: `users.password` is a secret",
        ),
        (with(&|d| d.tables[0].alias = "a; DROP".into()), "tables[0].alias: `a; DROP` is not a name here"),
        (with(&|d| d.fields[1].name = "Count".into()), "fields[1].name: `Count` is not a name here"),
        (with(&|d| d.fields[1].name = "course".into()), "fields[1] (course): another field has this name"),
        (with(&|d| d.tables[1].alias = "a".into()), "tables[1].alias: `a` names another table already"),
        (with(&|d| d.joins.clear()), "tables[1]: `c` is not joined"),
        (with(&|d| { let j = &mut d.joins[0]; std::mem::swap(&mut j.left, &mut j.right) }), "joins[0]: `a` must be a table listed after `c`"),
        (with(&|d| d.tables = (0..11).map(|i| table("courses", &format!("t{i}"))).collect()), "tables: a model reads at most 10 tables (11 given)"),
        (with(&|d| d.fields.clear()), "fields: add at least one field"),
        (with(&|d| d.name = " ".into()), "name"),
        (with(&|d| d.fields[1].expression = ModelExpr::Aggregate { function: ModelAggregate::Sum, of: Some(Box::new(count())) }), "fields[1] (assignments): an aggregate cannot be inside another"),
        (with(&|d| d.fields[1].expression = ModelExpr::Aggregate { function: ModelAggregate::Sum, of: None }), "fields[1] (assignments): say what to aggregate"),
    ];
    for (draft, expected) in cases {
        let preview = f.app.model_preview(draft.clone()).unwrap_err().to_string();
        assert!(preview.contains(expected), "expected `{expected}` in `{preview}`");
        let saved = f.app.model_save(None::<String>, draft).unwrap_err().to_string();
        assert!(saved.contains(expected), "expected `{expected}` in `{saved}`");
    }
    // A model that is not mine (or not there) is not found; an update to it writes nothing.
    assert!(f.app.model_save(Some("01930000-0000-7000-8000-00000000abcd".to_string()), good.clone()).is_err());
    assert!(f.app.model_delete("01930000-0000-7000-8000-00000000abcd").is_err());
    assert_eq!((f.footprint(), f.count("data_models")), before);
}
