//! Dashboards and their widgets as a user meets them: made, renamed, reordered, copied and
//! deleted; widgets of every type added where there is room, moved and resized on the
//! 12-column grid, edited and deleted; every refusal named and writing nothing; someone
//! else's dashboard out of reach; everything still there after the app reopens.

mod common;

use studydesk_core::insights::dashboards::{DashboardEdit, InsightsLayout, DateRange, RangePreset};
use studydesk_core::insights::picture_export::PictureFailure;
use studydesk_core::insights::rows::WidgetType;
use studydesk_core::insights::widgets::{GridPosition, WidgetConfig, WidgetDraft, WidgetPlacement, WidgetSource};

fn named(name: &str) -> DashboardEdit {
    DashboardEdit { name: Some(name.into()), ..Default::default() }
}

fn metric_chart(kind: WidgetType, title: &str) -> WidgetDraft {
    WidgetDraft {
        kind,
        config: WidgetConfig {
            title: title.into(),
            source: WidgetSource::Metric { metric: "minutes_studied".into(), grain: "day".into(), course_id: None, activity_id: None },
            ..Default::default()
        },
        query: None,
        data_source_id: None,
        position: None,
    }
}

fn text(markdown: &str) -> WidgetDraft {
    WidgetDraft {
        kind: WidgetType::Text,
        config: WidgetConfig { title: "Notes".into(), markdown: Some(markdown.into()), ..Default::default() },
        query: None,
        data_source_id: None,
        position: None,
    }
}

/// A PNG header of 64×48 (what the attachment check reads), padded.
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend_from_slice(&64u32.to_be_bytes());
    b.extend_from_slice(&48u32.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b.extend(std::iter::repeat_n(7u8, 256));
    b
}

fn names(f: &common::Fixture) -> Vec<String> {
    f.app.dashboards_list().unwrap().into_iter().map(|d| d.row.name).collect()
}

#[test]
fn dashboards_are_made_renamed_reordered_copied_and_deleted_in_the_users_order() {
    let f = common::open();
    let before = names(&f);
    let exams = f.app.dashboard_create(named("  Exams  ")).unwrap();
    assert_eq!(exams.row.name, "Exams", "the name is trimmed");
    let reading = f.app.dashboard_create(DashboardEdit { name: Some("Reading".into()), description: Some("Books this term".into()), ..Default::default() }).unwrap();
    assert_eq!(names(&f)[before.len()..], ["Exams".to_string(), "Reading".to_string()], "new dashboards go last");

    let renamed = f
        .app
        .dashboard_update(&exams.row.id, DashboardEdit { name: Some("Finals".into()), description: Some("June".into()), layout: Some(InsightsLayout { order: 99, range: DateRange { preset: RangePreset::Last90Days, from: None, to: None }, refresh_minutes: Some(15) }) })
        .unwrap();
    assert_eq!((renamed.row.name.as_str(), renamed.row.description.as_deref()), ("Finals", Some("June")));
    assert_eq!(renamed.layout.range.preset, RangePreset::Last90Days);
    assert_eq!(renamed.layout.refresh_minutes, Some(15));
    assert_eq!(renamed.layout.order, exams.layout.order, "the place in the list changes by reorder only");
    let cleared = f.app.dashboard_update(&exams.row.id, DashboardEdit { description: Some("  ".into()), ..Default::default() }).unwrap();
    assert_eq!(cleared.row.description, None, "a blank description clears it");

    let mut ids: Vec<String> = f.app.dashboards_list().unwrap().into_iter().map(|d| d.row.id).collect();
    ids.reverse();
    let reordered = f.app.dashboard_reorder(&ids).unwrap();
    assert_eq!(reordered.iter().map(|d| d.row.id.clone()).collect::<Vec<_>>(), ids);
    assert!(f.app.dashboard_reorder(&ids[1..]).is_err(), "an order missing a dashboard is refused");

    f.app.insights_widget_add(&reading.row.id, text("# Plan")).unwrap();
    f.app.insights_widget_add(&reading.row.id, metric_chart(WidgetType::BarChart, "Minutes")).unwrap();
    let copy = f.app.dashboard_duplicate(&reading.row.id, None::<String>).unwrap();
    assert_eq!(copy.row.name, "Reading (copy)");
    assert_eq!(copy.widgets.len(), 2, "the copy has the widgets");
    assert!(copy.widgets.iter().all(|w| w.row.dashboard_id == copy.row.id));
    let order: Vec<String> = f.app.dashboards_list().unwrap().into_iter().map(|d| d.row.name).collect();
    let at = order.iter().position(|n| n == "Reading").unwrap();
    assert_eq!(order[at + 1], "Reading (copy)", "the copy sits right after the original");

    let widgets_before = f.count("widgets");
    f.app.dashboard_delete(&copy.row.id).unwrap();
    assert_eq!(f.count("widgets"), widgets_before - 2, "deleting a dashboard deletes its widgets");
    assert!(f.app.dashboard_get(&copy.row.id).is_err());

    let f = f.reopen();
    assert!(names(&f).contains(&"Finals".to_string()), "dashboards survive a restart");
    assert_eq!(f.app.dashboard_get(&reading.row.id).unwrap().widgets.len(), 2);
}

#[test]
fn bad_dashboard_input_is_refused_in_words_and_writes_nothing() {
    let f = common::open();
    let footprint = (f.count("dashboards"), f.count("sync_changes"));
    let blank = f.app.dashboard_create(named("   ")).unwrap_err();
    assert_eq!(blank.kind(), "validation");
    assert!(blank.to_string().contains("name"), "{blank}");
    let long = f.app.dashboard_create(named(&"x".repeat(256))).unwrap_err();
    assert!(long.to_string().contains("too long"), "{long}");
    let backwards = DashboardEdit {
        name: Some("Term".into()),
        layout: Some(InsightsLayout { range: DateRange { preset: RangePreset::Custom, from: Some("2026-12-01".into()), to: Some("2026-11-01".into()) }, ..Default::default() }),
        ..Default::default()
    };
    assert!(f.app.dashboard_create(backwards).unwrap_err().to_string().contains("before"));
    let refresh = DashboardEdit { name: Some("Term".into()), layout: Some(InsightsLayout { refresh_minutes: Some(0), ..Default::default() }), ..Default::default() };
    assert!(f.app.dashboard_create(refresh).unwrap_err().to_string().contains("refresh_minutes"));
    assert_eq!(f.app.dashboard_get("not-an-id").unwrap_err().kind(), "not_found", "a malformed id cannot exist");
    assert_eq!(f.app.dashboard_get("0193a0c4-7a1e-7000-8000-000000000000").unwrap_err().kind(), "not_found");
    assert_eq!((f.count("dashboards"), f.count("sync_changes")), footprint);
}

#[test]
fn widgets_go_below_the_others_move_and_resize_and_keep_their_place() {
    let f = common::open();
    let d = f.app.dashboard_create(named("Term")).unwrap();
    let card = f.app.insights_widget_add(&d.row.id, WidgetDraft { kind: WidgetType::MetricCard, ..metric_chart(WidgetType::MetricCard, "Today") }).unwrap();
    assert_eq!(card.position, GridPosition { x: 0, y: 0, w: 3, h: 3 });
    let chart = f.app.insights_widget_add(&d.row.id, metric_chart(WidgetType::LineChart, "Minutes per day")).unwrap();
    assert_eq!(chart.position, GridPosition { x: 0, y: 3, w: 6, h: 6 }, "a new widget goes under the lowest one");

    let places = vec![
        WidgetPlacement { id: chart.row.id.clone(), position: GridPosition { x: 0, y: 0, w: 8, h: 5 } },
        WidgetPlacement { id: card.row.id.clone(), position: GridPosition { x: 8, y: 0, w: 4, h: 3 } },
    ];
    let after = f.app.insights_widget_positions_save(&d.row.id, &places).unwrap();
    assert_eq!(after.iter().map(|w| (w.row.config["title"].as_str().unwrap().to_string(), w.position)).collect::<Vec<_>>(), vec![
        ("Minutes per day".to_string(), GridPosition { x: 0, y: 0, w: 8, h: 5 }),
        ("Today".to_string(), GridPosition { x: 8, y: 0, w: 4, h: 3 }),
    ], "reading order follows the grid");

    let changes = f.count("sync_changes");
    let off_grid = vec![WidgetPlacement { id: card.row.id.clone(), position: GridPosition { x: 10, y: 0, w: 4, h: 3 } }];
    let err = f.app.insights_widget_positions_save(&d.row.id, &off_grid).unwrap_err();
    assert!(err.to_string().contains('x'), "{err}");
    let mixed = vec![places[0].clone(), WidgetPlacement { id: "0193a0c4-7a1e-7000-8000-000000000000".into(), position: GridPosition { x: 0, y: 9, w: 2, h: 2 } }];
    assert_eq!(f.app.insights_widget_positions_save(&d.row.id, &mixed).unwrap_err().kind(), "not_found");
    assert_eq!(f.count("sync_changes"), changes, "a refused move moves nothing");

    let f = f.reopen();
    let view = f.app.dashboard_get(&d.row.id).unwrap();
    assert_eq!(view.widgets[0].position, GridPosition { x: 0, y: 0, w: 8, h: 5 }, "the layout survives a restart");
}

#[test]
fn each_widget_type_takes_only_what_it_can_show() {
    let f = common::open();
    let d = f.app.dashboard_create(named("Term")).unwrap();
    for kind in [WidgetType::LineChart, WidgetType::BarChart, WidgetType::PieChart, WidgetType::AreaChart, WidgetType::Table, WidgetType::MetricCard] {
        f.app.insights_widget_add(&d.row.id, metric_chart(kind, "m")).unwrap();
    }
    let sql = WidgetDraft {
        kind: WidgetType::Table,
        config: WidgetConfig { title: "Mine".into(), source: WidgetSource::Sql, ..Default::default() },
        query: Some("SELECT title FROM tasks".into()),
        data_source_id: None,
        position: None,
    };
    let added = f.app.insights_widget_add(&d.row.id, sql.clone()).unwrap();
    assert_eq!(added.row.query.as_deref(), Some("SELECT title FROM tasks"));
    f.app.insights_widget_add(&d.row.id, text("**Revise** chapter 3")).unwrap();
    let picture = f.app.insights_image_add(Some("timetable.png"), &png()).unwrap();
    assert!(std::path::Path::new(&picture.file_path).is_file(), "the picture is stored in the data folder");
    assert!(f.app.insights_image_add(Some("notes.png"), b"not a picture at all").is_err(), "a file that is not a picture is refused");
    let image = WidgetDraft {
        kind: WidgetType::Image,
        config: WidgetConfig { image: Some(picture.reference.clone()), alt: Some("Timetable".into()), ..Default::default() },
        query: None,
        data_source_id: None,
        position: None,
    };
    f.app.insights_widget_add(&d.row.id, image).unwrap();
    assert_eq!(f.app.dashboard_get(&d.row.id).unwrap().widgets.len(), 9, "all eight seed types");
    let shown: i64 = f.app.db().read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM attachments a WHERE {}", studydesk_core::rooms::attachment_in_use()), [], |r| r.get(0))?)).unwrap();
    assert_eq!(shown, 1, "the picture counts as shown, so sync carries it to my other devices and keeps it");

    let count = f.count("widgets");
    let refusals = [
        (WidgetDraft { query: None, ..sql.clone() }, "query"),
        (WidgetDraft { kind: WidgetType::Text, ..sql.clone() }, "no data source"),
        (text("   "), "markdown"),
        (WidgetDraft { config: WidgetConfig { image: Some("https://example.com/x.png".into()), ..Default::default() }, kind: WidgetType::Image, query: None, data_source_id: None, position: None }, "picture"),
        (WidgetDraft { config: WidgetConfig { image: Some(format!("attachment:{}.png", "a".repeat(64))), ..Default::default() }, kind: WidgetType::Image, query: None, data_source_id: None, position: None }, "not stored here"),
        (WidgetDraft { config: WidgetConfig::default(), ..metric_chart(WidgetType::BarChart, "") }, "choose what"),
        (WidgetDraft { config: WidgetConfig { source: WidgetSource::Source, ..Default::default() }, data_source_id: Some("0193a0c4-7a1e-7000-8000-000000000000".into()), ..metric_chart(WidgetType::Table, "") }, "not found"),
        (WidgetDraft { position: Some(GridPosition { x: 0, y: 0, w: 13, h: 2 }), ..metric_chart(WidgetType::BarChart, "") }, "w"),
    ];
    for (draft, words) in refusals {
        let err = f.app.insights_widget_add(&d.row.id, draft).unwrap_err();
        assert!(err.to_string().contains(words), "expected \"{words}\" in: {err}");
    }
    assert_eq!(f.count("widgets"), count, "refusals write nothing");

    let edited = f.app.insights_widget_update(&added.row.id, WidgetDraft { kind: WidgetType::BarChart, config: WidgetConfig { title: "Per course".into(), x: Some("course".into()), y: vec!["minutes".into()], ..metric_chart(WidgetType::BarChart, "").config }, ..metric_chart(WidgetType::BarChart, "") }).unwrap();
    assert_eq!(edited.row.r#type, WidgetType::BarChart);
    assert_eq!(edited.row.query, None, "a metric widget keeps no SQL");
    assert_eq!(edited.position, added.position, "an edit without a place keeps it");
    f.app.insights_widget_delete(&edited.row.id).unwrap();
    assert_eq!(f.count("widgets"), count - 1);
}

#[test]
fn another_users_dashboard_and_widgets_are_not_found() {
    let f = common::open();
    let d = f.app.dashboard_create(named("Mine")).unwrap();
    let w = f.app.insights_widget_add(&d.row.id, text("hello")).unwrap();
    // Someone else's rows, as sync would bring them: owned by another user.
    let other = "0193a0c4-7a1e-7000-8000-0000000000aa";
    f.app
        .db()
        .write(studydesk_core::db::WriteCtx::system("test.other_user"), |tx| {
            tx.execute("INSERT INTO users (id, email, username, password) VALUES (?1, 'o@example.com', 'other', '')", [other])?;
            tx.execute("UPDATE dashboards SET user_id = ?1 WHERE id = ?2", [other, &d.row.id])?;
            Ok(())
        })
        .unwrap();
    assert_eq!(f.app.dashboard_get(&d.row.id).unwrap_err().kind(), "not_found");
    assert_eq!(f.app.insights_widget_update(&w.row.id, text("mine now")).unwrap_err().kind(), "not_found");
    assert_eq!(f.app.insights_widget_delete(&w.row.id).unwrap_err().kind(), "not_found");
    assert_eq!(f.app.dashboard_delete(&d.row.id).unwrap_err().kind(), "not_found");
    assert!(!names(&f).contains(&"Mine".to_string()));
}

#[test]
fn my_study_is_made_once_with_real_numbers_and_stays_deleted_when_deleted() {
    let f = common::open();
    f.app.onboarding_complete(studydesk_core::account::profile::OnboardingChoice::Sample).unwrap();
    let list = f.app.dashboards_list().unwrap();
    let mine: Vec<_> = list.iter().filter(|d| d.row.name == "My study").collect();
    assert_eq!(mine.len(), 1, "made on the first visit");
    assert_eq!(mine[0].widget_count, 8);
    assert_eq!(f.app.dashboards_list().unwrap().len(), list.len(), "made once");
    // each dashboard's own count (counted together in one query)
    let empty = f.app.dashboard_create(named("Empty")).unwrap();
    let counts: Vec<(String, i64)> = f.app.dashboards_list().unwrap().into_iter().map(|d| (d.row.id, d.widget_count)).collect();
    assert!(counts.contains(&(mine[0].row.id.clone(), 8)) && counts.contains(&(empty.row.id.clone(), 0)), "{counts:?}");

    let view = f.app.dashboard_get(&mine[0].row.id).unwrap();
    for w in &view.widgets {
        let data = f.app.insights_widget_data(&w.row.id, None::<i64>).unwrap_or_else(|e| panic!("{}: {e}", w.config.title));
        assert_eq!((data.from.as_str(), data.to.as_str()), ("2026-10-24", "2026-11-22"), "the last 30 days, in Tokyo");
        if w.row.r#type == WidgetType::MetricCard {
            assert!(data.value.is_some(), "{} has a number", w.config.title);
        }
    }
    let per_day = view.widgets.iter().find(|w| w.config.title == "Minutes studied per day").unwrap();
    let card = view.widgets.iter().find(|w| w.config.title == "Minutes studied").unwrap();
    let days = f.app.insights_widget_data(&per_day.row.id, None::<i64>).unwrap().table;
    assert_eq!(days.rows.len(), 30, "every day of the range, studied or not");
    let total: f64 = days.rows.iter().map(|r| r[1].as_f64().unwrap()).sum();
    let value = f.app.insights_widget_data(&card.row.id, None::<i64>).unwrap().value.unwrap();
    assert_eq!(value.value, total, "the card and the chart agree");
    assert!(total > 0.0, "the sample data has study minutes in the last 30 days");

    f.app.dashboard_delete(&mine[0].row.id).unwrap();
    assert!(!names(&f).contains(&"My study".to_string()), "a deleted My study is not made again");
}

#[test]
fn sql_widgets_read_through_the_sandbox_and_a_broken_widget_fails_alone() {
    let f = common::open();
    f.app.onboarding_complete(studydesk_core::account::profile::OnboardingChoice::Sample).unwrap();
    let d = f.app.dashboard_create(named("Mine")).unwrap();
    let sql = |query: &str| WidgetDraft {
        kind: WidgetType::Table,
        config: WidgetConfig { title: "Tasks".into(), source: WidgetSource::Sql, ..Default::default() },
        query: Some(query.into()),
        data_source_id: None,
        position: None,
    };
    let tasks = f.app.insights_widget_add(&d.row.id, sql("SELECT description, is_completed FROM tasks ORDER BY description")).unwrap();
    let table = f.app.insights_widget_data(&tasks.row.id, None::<i64>).unwrap().table;
    assert_eq!(table.rows.len() as i64, f.count("tasks"));
    assert_eq!(table.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["description", "is_completed"]);

    let before = f.count("tasks");
    let delete = f.app.insights_widget_add(&d.row.id, sql("DELETE FROM tasks")).unwrap();
    let err = f.app.insights_widget_data(&delete.row.id, None::<i64>).unwrap_err();
    assert_eq!(err.kind(), "query");
    assert!(err.to_string().contains("DELETE"), "{err}");
    assert_eq!(f.count("tasks"), before, "nothing was deleted");
    assert!(f.app.insights_widget_data(&tasks.row.id, None::<i64>).is_ok(), "the other widget still reads");
}

/// An export run (`studydesk --export-dashboard`): only that dashboard's charts are
/// written, each once, only as PNG, named from their titles; the charts the window could
/// not draw are named with why; outside an export run nothing is written.
#[test]
fn an_export_run_writes_only_its_dashboards_charts_as_png_files() {
    let f = common::open();
    let d = f.app.dashboard_create(named("Exams")).unwrap();
    let per_day = f.app.insights_widget_add(d.row.id.clone(), metric_chart(WidgetType::LineChart, "Minutes / day")).unwrap();
    let same_title = f.app.insights_widget_add(d.row.id.clone(), metric_chart(WidgetType::BarChart, "minutes / DAY")).unwrap();
    let pie = f.app.insights_widget_add(d.row.id.clone(), metric_chart(WidgetType::PieChart, "")).unwrap();
    let notes = f.app.insights_widget_add(d.row.id.clone(), text("# hello")).unwrap();
    let other = f.app.dashboard_create(named("Other")).unwrap();
    let elsewhere = f.app.insights_widget_add(other.row.id.clone(), metric_chart(WidgetType::LineChart, "Elsewhere")).unwrap();
    let out = f.dir.path().join("pictures");

    let err = f.app.dashboard_picture_save(per_day.row.id.clone(), &png()).unwrap_err();
    assert!(err.to_string().contains("only when Studydesk was started to export"), "{err}");
    assert!(f.app.picture_export_report().is_none());
    assert!(!out.exists(), "nothing written outside an export run");

    let missing = f.app.picture_export_start("no-such-dashboard", &out).unwrap_err();
    assert_eq!(missing.kind(), "not_found", "{missing}");
    f.app.picture_export_start(&d.row.id, &out).unwrap();
    assert_eq!(f.app.dashboard_picture_save(per_day.row.id.clone(), &png()).unwrap(), "Minutes-day.png");
    assert_eq!(f.app.dashboard_picture_save(same_title.row.id.clone(), &png()).unwrap(), "minutes-DAY (2).png", "unique ignoring case");
    for (bytes, id, why) in [
        (png(), per_day.row.id.clone(), "already exported"),
        (png(), notes.row.id.clone(), "only charts"),
        (png(), elsewhere.row.id.clone(), "not on the dashboard being exported"),
        (b"GIF89a....".to_vec(), pie.row.id.clone(), "not a PNG"),
        (vec![0x89; 51 * 1024 * 1024], pie.row.id.clone(), "larger than 50 MiB"),
    ] {
        let err = f.app.dashboard_picture_save(id, &bytes).unwrap_err();
        assert!(err.to_string().contains(why), "{why}: {err}");
    }
    let failures = vec![PictureFailure { widget_id: pie.row.id.clone(), message: "No data\n for this   period.".into() }];
    f.app.dashboard_picture_finish(failures).unwrap();
    let report = f.app.picture_export_report().unwrap();
    assert!(report.finished);
    assert_eq!(report.written, vec![out.join("Minutes-day.png"), out.join("minutes-DAY (2).png")]);
    assert_eq!(report.failed, vec!["\u{201C}pie_chart\u{201D} (No data for this period.)".to_string()]);
    let mut files: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    assert_eq!(files, ["Minutes-day.png", "minutes-DAY (2).png"], "no partial file left");
    assert_eq!(std::fs::read(out.join("Minutes-day.png")).unwrap(), png());
    let late = f.app.dashboard_picture_save(pie.row.id.clone(), &png()).unwrap_err();
    assert!(late.to_string().contains("already finished"), "{late}");
}

/// The minutes the "Minutes studied" card of My study shows.
fn minutes_card(f: &common::Fixture, card: &str) -> f64 {
    f.app.insights_widget_data(card, None::<i64>).unwrap().value.unwrap().value
}

/// Studies `minutes` from the fixture's clock on, through `app` (the app or a second process).
fn study_minutes(app: &studydesk_core::api::Studydesk, f: &common::Fixture, minutes: i64) {
    app.session_start(studydesk_core::focus::sessions::NewSession::default()).unwrap();
    f.clock.advance(chrono::Duration::minutes(minutes));
    app.session_complete().unwrap();
}

/// Issue 15 item 7: answers read ahead (`insights_warm`) or read before are answered again
/// only while nothing they read changed: a session studied in the app, one studied by
/// another process on the same file (the CLI, the OS timer), and a new day each show at once.
#[test]
fn widget_answers_kept_ahead_are_never_older_than_the_rows_they_were_read_from() {
    let f = common::open();
    f.app.onboarding_complete(studydesk_core::account::profile::OnboardingChoice::Sample).unwrap();
    let mine = f.app.dashboards_list().unwrap().into_iter().find(|d| d.row.name == "My study").unwrap();
    let view = f.app.dashboard_get(&mine.row.id).unwrap();
    let queried = view.widgets.iter().filter(|w| !matches!(w.config.source, WidgetSource::None)).count();
    assert_eq!(f.app.insights_warm(1280).unwrap(), queried, "every widget that reads data is read ahead");
    assert_eq!(f.app.insights_warm(50).unwrap_err().kind(), "validation", "a window width out of range is refused");
    let card = view.widgets.iter().find(|w| w.config.title == "Minutes studied").unwrap().row.id.clone();
    let before = minutes_card(&f, &card);
    assert_eq!(minutes_card(&f, &card), before, "the same answer while nothing changed");

    study_minutes(&f.app, &f, 25);
    assert_eq!(minutes_card(&f, &card), before + 25.0, "a session studied in the app shows at once");

    let other = studydesk_core::api::Studydesk::open(f.dir.path(), std::sync::Arc::new(f.clock.clone())).unwrap();
    study_minutes(&other, &f, 15);
    assert_eq!(minutes_card(&f, &card), before + 40.0, "a session another process wrote shows at once");
    drop(other);

    // 31 days later the last 30 days no longer hold today's 40 minutes.
    let per_day = view.widgets.iter().find(|w| w.config.title == "Minutes studied per day").unwrap().row.id.clone();
    let first_day = |f: &common::Fixture| f.app.insights_widget_data(&per_day, None::<i64>).unwrap().from;
    let from = first_day(&f);
    f.clock.advance(chrono::Duration::days(1));
    assert_ne!(first_day(&f), from, "a new day moves the range");
}
