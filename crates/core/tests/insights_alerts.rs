//! Threshold alerts (issue 16 item 1) with an injected clock and a real database file:
//! fires once, not again while it holds, again after it resolved; snooze honoured; digest
//! once a day; missed evaluations while quit caught up once; exactly once across two
//! processes' worth of connections; "Test this alert"; bad input.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{refused, Fixture};
use studydesk_core::api::Studydesk;
use studydesk_core::focus::sessions::NewSession;
use studydesk_core::insights::alerts::evaluate::AlertTurn;
use studydesk_core::insights::alerts::rule::ThresholdType;
use studydesk_core::insights::alerts::{self, Alert, AlertDraft, AlertGrain, Frequency};
use studydesk_core::insights::metrics::{MetricFilters, MetricId};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A focus session of `minutes` started at `start` (the clock is left at its end).
fn study(f: &Fixture, start: &str, minutes: i64) {
    f.clock.set(at(start));
    f.app.session_start(NewSession::default()).unwrap();
    f.clock.set(at(start) + Duration::minutes(minutes));
    f.app.session_complete().unwrap();
}

fn draft(kind: ThresholdType, value: f64) -> AlertDraft {
    AlertDraft {
        name: "Studied over half an hour".into(),
        metric: Some(MetricId::MinutesStudied),
        widget_id: None,
        model_id: None,
        model_field: None,
        grain: Some(AlertGrain::Day),
        filters: MetricFilters::default(),
        threshold_type: kind,
        threshold_value: value,
        frequency: None,
        digest_time: None,
        channels: None,
    }
}

fn check(f: &Fixture, now: &str) -> AlertTurn {
    f.clock.set(at(now));
    f.app.alert_check_now().unwrap()
}

fn get(f: &Fixture, id: &str) -> Alert {
    f.app.alert_list().unwrap().into_iter().find(|a| a.id == id).unwrap()
}

fn alert_rows(f: &Fixture) -> i64 {
    f.app.db().read(|c| Ok(c.query_row("SELECT count(*) FROM notifications WHERE type = 'alert'", [], |r| r.get(0))?)).unwrap()
}

// Tokyo is UTC+9: 01:00Z is 10:00 there, 15:00Z is midnight.

#[test]
fn fires_once_not_again_while_it_holds_and_again_after_it_resolved() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let a = f.app.alert_create(draft(ThresholdType::Above, 30.0)).unwrap();
    assert_eq!((a.status.as_str(), a.status_reason.as_deref()), ("active", Some("created")));

    let t = check(&f, "2026-11-23T00:05:00Z");
    assert_eq!((t.evaluated, t.delivered.len()), (1, 0), "0 minutes: below 30");
    study(&f, "2026-11-23T01:00:00Z", 40);
    let t = check(&f, "2026-11-23T01:45:00Z");
    assert_eq!((t.evaluated, t.delivered.len()), (1, 1));
    assert_eq!(t.delivered[0].title, "Studied over half an hour");
    assert!(t.delivered[0].message.contains("40 (above 30)"), "{}", t.delivered[0].message);
    let now = get(&f, &a.id);
    assert_eq!((now.status.as_str(), now.status_reason.as_deref(), now.last_value), ("triggered", Some("evaluation"), Some(40.0)));
    assert_eq!(now.last_evaluated_at.as_deref(), Some("2026-11-23T01:45:00.000Z"));

    // Five minutes later it is not due; fifteen later it still holds: nothing more.
    assert_eq!(check(&f, "2026-11-23T01:50:00Z").evaluated, 0);
    study(&f, "2026-11-23T02:00:00Z", 20);
    let t = check(&f, "2026-11-23T02:30:00Z");
    assert_eq!((t.evaluated, t.delivered.len()), (1, 0), "still holding: no second notice");
    assert_eq!(get(&f, &a.id).last_value, Some(60.0));

    // The next Tokyo day starts at 0 minutes: resolved, silently.
    let t = check(&f, "2026-11-23T15:10:00Z");
    assert_eq!((t.evaluated, t.delivered.len()), (1, 0));
    assert_eq!(get(&f, &a.id).status.as_str(), "resolved");
    // Holding again after it resolved: one notice again.
    study(&f, "2026-11-24T01:00:00Z", 31);
    let t = check(&f, "2026-11-24T01:40:00Z");
    assert_eq!(t.delivered.len(), 1);
    assert_eq!(get(&f, &a.id).status.as_str(), "triggered");
    assert_eq!(alert_rows(&f), 2, "one notification-center row per triggering");
    let center = f.app.notifications_list(Some(50)).unwrap();
    assert_eq!(center.items.iter().filter(|n| n.kind == "alert").count(), 2);
}

#[test]
fn a_snoozed_alert_is_neither_evaluated_nor_delivered_until_its_snooze_ends() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let a = f.app.alert_create(draft(ThresholdType::Above, 30.0)).unwrap();
    study(&f, "2026-11-23T01:00:00Z", 40);
    assert_eq!(check(&f, "2026-11-23T01:41:00Z").delivered.len(), 1);
    let notice = f.app.db().read(|c| Ok(c.query_row("SELECT id FROM notifications WHERE type = 'alert'", [], |r| r.get::<_, String>(0))?)).unwrap();
    // The notice's "Snooze 1 hour" button.
    let s = f.app.alert_snooze_from_notification(&notice, 60).unwrap();
    assert_eq!((s.status.as_str(), s.snoozed_until.as_deref()), ("snoozed", Some("2026-11-23T02:41:00.000Z")));
    // Resolving and holding again while snoozed: nothing evaluated, nothing delivered.
    for now in ["2026-11-23T02:00:00Z", "2026-11-23T02:20:00Z", "2026-11-23T02:40:59Z"] {
        assert_eq!(check(&f, now), AlertTurn::default(), "{now}");
    }
    // The snooze ended and the rule still holds: one notice, as a snooze promises.
    let t = check(&f, "2026-11-23T02:41:00Z");
    assert_eq!((t.evaluated, t.delivered.len()), (1, 1));
    let now = get(&f, &a.id);
    assert_eq!((now.status.as_str(), now.snoozed_until.as_deref()), ("triggered", None));
    // Snoozing with bad minutes is refused in words; an alert that is off cannot be snoozed.
    assert!(refused(f.app.alert_snooze(a.id.clone(), 0)).contains("snooze minutes"));
    f.app.alert_set_active(a.id.clone(), false).unwrap();
    assert!(refused(f.app.alert_snooze(a.id.clone(), 30)).contains("turned off"));
    assert_eq!(check(&f, "2026-11-23T05:00:00Z").evaluated, 0, "an inactive alert is not evaluated");
}

#[test]
fn a_digest_alert_sends_one_summary_a_day_at_the_chosen_time() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let mut d = draft(ThresholdType::Above, 30.0);
    d.frequency = Some(Frequency::Digest);
    d.digest_time = Some("20:00".into());
    let a = f.app.alert_create(d.clone()).unwrap();
    d.name = "Another".into();
    d.threshold_value = 10.0;
    f.app.alert_create(d).unwrap();
    study(&f, "2026-11-23T01:00:00Z", 40);
    let t = check(&f, "2026-11-23T01:45:00Z");
    assert_eq!((t.evaluated, t.delivered.len()), (2, 0), "digest alerts wait for the summary");
    assert_eq!(get(&f, &a.id).status.as_str(), "triggered");
    // 19:59 Tokyo: not yet. 20:00: one summary naming both. Later that day: nothing.
    assert!(check(&f, "2026-11-23T10:59:00Z").delivered.is_empty());
    let t = check(&f, "2026-11-23T11:00:00Z");
    assert_eq!(t.delivered.len(), 1);
    assert!(t.delivered[0].digest);
    assert_eq!(t.delivered[0].title, "Alerts today: 2");
    assert_eq!(t.delivered[0].message, "Another, Studied over half an hour");
    assert!(check(&f, "2026-11-23T11:30:00Z").delivered.is_empty());
    assert!(check(&f, "2026-11-23T14:00:00Z").delivered.is_empty());
    // The next day: it resolves at midnight, holds again, and the summary comes at 20:00 only.
    check(&f, "2026-11-23T15:30:00Z");
    study(&f, "2026-11-24T01:00:00Z", 40);
    assert!(check(&f, "2026-11-24T01:50:00Z").delivered.is_empty());
    assert_eq!(check(&f, "2026-11-24T11:05:00Z").delivered.len(), 1);
    assert_eq!(alert_rows(&f), 2, "one summary row per day");
}

#[test]
fn hours_missed_while_quit_are_caught_up_in_one_evaluation() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let a = f.app.alert_create(draft(ThresholdType::Above, 30.0)).unwrap();
    assert_eq!(check(&f, "2026-11-23T00:01:00Z").evaluated, 1);
    // Studied with the app quit; it starts again six hours (24 missed checks) later.
    study(&f, "2026-11-23T01:00:00Z", 45);
    let f = f.reopen();
    let t = check(&f, "2026-11-23T06:01:00Z");
    assert_eq!((t.evaluated, t.delivered.len()), (1, 1), "one evaluation, one notice, not 24");
    assert_eq!(check(&f, "2026-11-23T06:02:00Z"), AlertTurn::default());
    assert_eq!(alert_rows(&f), 1);
    assert_eq!(get(&f, &a.id).last_evaluated_at.as_deref(), Some("2026-11-23T06:01:00.000Z"));
}

#[test]
fn two_processes_checking_at_once_deliver_once() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    for i in 0..20 {
        let mut d = draft(ThresholdType::Above, 30.0);
        d.name = format!("Alert {i:02}");
        f.app.alert_create(d).unwrap();
    }
    study(&f, "2026-11-23T01:00:00Z", 40);
    f.clock.set(at("2026-11-23T01:50:00Z"));
    let other = Studydesk::open(f.dir.path(), std::sync::Arc::new(f.clock.clone())).unwrap();
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| f.app.alert_check_now().unwrap());
        let b = s.spawn(|| other.alert_check_now().unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(a.delivered.len() + b.delivered.len(), 20, "{a:?} {b:?}");
    assert_eq!(a.evaluated + b.evaluated, 20);
    assert_eq!(alert_rows(&f), 20);
}

#[test]
fn the_background_turn_shows_an_alert_with_snooze_and_open() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    f.app.alert_create(draft(ThresholdType::Above, 30.0)).unwrap();
    study(&f, "2026-11-23T01:00:00Z", 40);
    let mut shown = Vec::new();
    let me = f.app.user_id().to_string();
    let turn = studydesk_core::background::remind::turn_with(f.app.db(), &me, &studydesk_core::background::remind::FEEDS, |n| {
        shown.push(n.clone());
        Ok(())
    })
    .unwrap();
    assert_eq!(turn.alerts.len(), 1);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].tag.as_deref(), Some("insights.alert"));
    let labels: Vec<&str> = shown[0].actions.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["Snooze 1 hour", "Snooze 1 day", "Open"]);
    assert_eq!(shown[0].subject.as_deref(), Some(turn.alerts[0].notification_id.as_str()));
}

#[test]
fn change_percent_against_a_zero_previous_period_says_no_change_can_be_computed() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let a = f.app.alert_create(draft(ThresholdType::ChangePercent, 50.0)).unwrap();
    // Yesterday 0 minutes, today 40: no percentage, no notice, no division by zero.
    study(&f, "2026-11-23T01:00:00Z", 40);
    let t = check(&f, "2026-11-23T01:45:00Z");
    assert_eq!((t.evaluated, t.delivered.len()), (1, 0));
    let now = get(&f, &a.id);
    assert!(now.no_change);
    assert_eq!((now.status.as_str(), now.last_previous), ("active", Some(0.0)));
    // The next day against 40: 70 is +75 %: fires.
    study(&f, "2026-11-24T01:00:00Z", 70);
    let t = check(&f, "2026-11-24T02:15:00Z");
    assert_eq!(t.delivered.len(), 1);
    assert!(!get(&f, &a.id).no_change);
}

#[test]
fn test_this_alert_replays_stored_history_without_saving() {
    let f = common::open();
    // Five Tokyo days: 40, 10, 50, 60, 0 minutes.
    for (day, minutes) in [("2026-11-16", 40), ("2026-11-17", 10), ("2026-11-18", 50), ("2026-11-19", 60)] {
        study(&f, &format!("{day}T01:00:00Z"), minutes);
    }
    f.clock.set(at("2026-11-20T03:00:00Z"));
    let r = f.app.alert_test(draft(ThresholdType::Above, 30.0)).unwrap();
    let days: Vec<&str> = r.fired.iter().map(|h| h.period.as_str()).collect();
    assert_eq!(days, ["2026-11-16", "2026-11-18"], "fires, resolves on the 17th, fires, holds on the 19th");
    assert_eq!(r.fired[1].value, 50.0);
    assert_eq!(r.periods, 91);
    assert_eq!(r.to, "2026-11-20");
    let r = f.app.alert_test(draft(ThresholdType::ChangePercent, 100.0)).unwrap();
    let days: Vec<&str> = r.fired.iter().map(|h| h.period.as_str()).collect();
    assert_eq!(days, ["2026-11-18"], "10 → 50 is +400 %; 40 after 0 cannot be computed");
    assert!(r.no_change_periods > 80);
    assert!(f.app.alert_list().unwrap().is_empty(), "nothing was saved");
}

#[test]
fn bad_input_is_refused_in_words_and_nothing_is_written() {
    let f = common::open();
    let before = f.count("alerts");
    assert!(alerts::parse_threshold("ninety").unwrap_err().to_string().contains("must be a number"));
    assert!(alerts::parse_threshold("NaN").is_err());
    assert!(alerts::parse_threshold("inf").is_err());
    assert_eq!(alerts::parse_threshold(" -12.5 ").unwrap(), -12.5);
    assert!(refused(f.app.alert_create(draft(ThresholdType::Above, f64::NAN))).contains("must be a number"));
    // Through the IPC's JSON, a threshold that is text does not even make a draft.
    let json = serde_json::json!({"name": "x", "metric": "minutes_studied", "threshold_type": "above", "threshold_value": "ninety"});
    assert!(serde_json::from_value::<AlertDraft>(json).is_err());
    let mut d = draft(ThresholdType::Above, 1.0);
    d.name = "  ".into();
    assert!(refused(f.app.alert_create(d)).contains("needs a name"));
    let mut d = draft(ThresholdType::Above, 1.0);
    d.metric = Some(MetricId::Streak);
    assert!(refused(f.app.alert_create(d)).contains("no value per day"));
    let mut d = draft(ThresholdType::Above, 1.0);
    d.frequency = Some(Frequency::Digest);
    d.digest_time = Some("25:00".into());
    assert!(refused(f.app.alert_create(d)).contains("HH:MM"));
    let mut d = draft(ThresholdType::Above, 1.0);
    d.channels = Some(vec!["slack".into()]);
    assert!(refused(f.app.alert_create(d)).contains("Slack is not available"));
    let mut d = draft(ThresholdType::Above, 1.0);
    d.channels = Some(vec!["email".into()]);
    assert!(refused(f.app.alert_create(d)).contains("SMTP"));
    assert_eq!(f.count("alerts"), before, "nothing half-done");
    let channels = f.app.alert_channels().unwrap();
    let available: Vec<(&str, bool)> = channels.iter().map(|c| (c.channel.as_str(), c.available)).collect();
    assert_eq!(available, [("notification", true), ("in_app", true), ("email", false), ("slack", false), ("sms", false)]);
    let e = f.app.alert_delete("not-an-id").unwrap_err();
    assert_eq!(e.kind(), "not_found");
}

/// A saved data model over a CSV source of exam scores (175 in all).
fn scores_model(f: &Fixture) -> (String, String) {
    use studydesk_core::insights::models::{ModelDraft, ModelExpr, ModelField, ModelTable};
    let csv = "course,score\nChemistry,90\nHistory,85\n";
    let source = f.app.source_add_csv("Exam scores", Some("scores.csv"), csv.as_bytes()).unwrap();
    let cache = source.table.clone().unwrap();
    let column = |c: &str| ModelExpr::Column { table: "x".into(), column: c.into() };
    let model = ModelDraft {
        name: "Scores".into(),
        description: None,
        tables: vec![ModelTable { name: format!("sources.{cache}"), alias: "x".into() }],
        joins: vec![],
        fields: vec![ModelField { name: "course".into(), expression: column("course") }, ModelField { name: "score".into(), expression: column("score") }],
    };
    (f.app.model_save(None::<String>, model).unwrap().id, source.id)
}

fn on_model(model: &str, field: &str, above: f64) -> AlertDraft {
    AlertDraft { metric: None, model_id: Some(model.into()), model_field: Some(field.into()), ..draft(ThresholdType::Above, above) }
}

#[test]
fn an_alert_on_a_data_models_field_watches_the_fields_sum() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let (model, _) = scores_model(&f);
    let a = f.app.alert_create(on_model(&model, "score", 170.0)).unwrap();
    assert_eq!((a.metric_id.as_deref(), a.model_field.as_deref()), (None, Some("score")));
    let t = check(&f, "2026-11-23T00:05:00Z");
    assert_eq!((t.evaluated, t.delivered.len()), (1, 1));
    assert!(t.delivered[0].message.contains("score: 175 (above 170)"), "{}", t.delivered[0].message);
    assert_eq!(get(&f, &a.id).last_value, Some(175.0));
    // Bad input, each refused with nothing written.
    let before = f.footprint();
    assert!(refused(f.app.alert_create(on_model(&model, "grade", 1.0))).contains("has no field \"grade\" (its fields: course, score)"));
    let no_field = AlertDraft { model_field: None, ..on_model(&model, "score", 1.0) };
    assert!(refused(f.app.alert_create(no_field)).contains("needs the field"));
    let two = AlertDraft { metric: Some(MetricId::MinutesStudied), ..on_model(&model, "score", 1.0) };
    assert!(refused(f.app.alert_create(two)).contains("one thing"));
    let ghost = on_model("01930000-0000-7000-8000-00000000abcd", "score", 1.0);
    assert_eq!(f.app.alert_create(ghost).unwrap_err().kind(), "not_found");
    assert!(refused(f.app.alert_test(on_model(&model, "score", 1.0))).contains("keeps none"));
    assert_eq!(f.footprint(), before);
    // The alert goes with its model.
    f.app.model_delete(&model).unwrap();
    assert!(f.app.alert_list().unwrap().is_empty());
}

#[test]
fn an_alert_on_a_widget_watches_the_number_the_widget_shows() {
    use studydesk_core::insights::dashboards::DashboardEdit;
    use studydesk_core::insights::rows::WidgetType;
    use studydesk_core::insights::widgets::{WidgetConfig, WidgetDraft, WidgetSource};
    let f = common::open();
    study(&f, "2026-11-23T01:00:00Z", 40);
    let dash = f.app.dashboard_create(DashboardEdit { name: Some("Me".into()), ..Default::default() }).unwrap();
    let widget = |kind: WidgetType, source: WidgetSource| WidgetDraft {
        kind,
        config: WidgetConfig { title: "Minutes".into(), source, ..Default::default() },
        query: None,
        data_source_id: None,
        position: None,
    };
    let minutes = WidgetSource::Metric { metric: "minutes_studied".into(), grain: "day".into(), course_id: None, activity_id: None };
    let card = f.app.insights_widget_add(&dash.row.id, widget(WidgetType::MetricCard, minutes.clone())).unwrap();
    let line = f.app.insights_widget_add(&dash.row.id, widget(WidgetType::LineChart, minutes)).unwrap();
    let on = |id: &str, above: f64| AlertDraft { metric: None, widget_id: Some(id.into()), ..draft(ThresholdType::Above, above) };
    let a = f.app.alert_create(on(&card.row.id, 30.0)).unwrap();
    let b = f.app.alert_create(on(&line.row.id, 50.0)).unwrap();
    let t = check(&f, "2026-11-23T02:00:00Z");
    assert_eq!((t.evaluated, t.delivered.len()), (2, 1), "40 minutes: above 30, not above 50");
    assert!(t.delivered[0].message.contains("the widget's value: 40 (above 30)"), "{}", t.delivered[0].message);
    assert_eq!((get(&f, &a.id).last_value, get(&f, &b.id).last_value), (Some(40.0), Some(40.0)), "the card's number, the series' last point");
    // A text widget shows no number.
    let mut note = widget(WidgetType::Text, WidgetSource::None);
    note.config.markdown = Some("Keep going".into());
    let text = f.app.insights_widget_add(&dash.row.id, note).unwrap();
    assert!(refused(f.app.alert_create(on(&text.row.id, 1.0))).contains("no value to watch"));
}

#[test]
fn alerts_are_evaluated_right_after_a_data_source_refresh() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let (_, source) = scores_model(&f);
    let a = f.app.alert_create(draft(ThresholdType::Above, 2.0)).unwrap();
    assert_eq!(check(&f, "2026-11-23T00:05:00Z").delivered.len(), 0, "0 minutes");
    study(&f, "2026-11-23T00:06:00Z", 3);
    // Five minutes after its check the alert is not due for another ten ...
    assert_eq!(check(&f, "2026-11-23T00:10:00Z").evaluated, 0);
    assert_eq!(alert_rows(&f), 0);
    // ... but a refresh evaluates it at once, and it fires.
    f.app.source_refresh(&source).unwrap();
    let after = get(&f, &a.id);
    assert_eq!(after.last_evaluated_at.as_deref(), Some("2026-11-23T00:10:00.000Z"));
    assert_eq!((after.status.as_str(), after.last_value), ("triggered", Some(3.0)));
    assert_eq!(alert_rows(&f), 1, "delivered to the notification center");
}

#[test]
fn a_check_that_moves_nothing_sends_nothing_to_sync() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let a = f.app.alert_create(draft(ThresholdType::Above, 30.0)).unwrap();
    assert_eq!(check(&f, "2026-11-23T00:05:00Z").evaluated, 1);
    let queued = f.count("sync_changes");
    assert_eq!(check(&f, "2026-11-23T00:25:00Z").evaluated, 1);
    assert_eq!(get(&f, &a.id).last_evaluated_at.as_deref(), Some("2026-11-23T00:25:00.000Z"), "kept on this device");
    assert_eq!(f.count("sync_changes"), queued, "the last evaluation is this device's own");
    // A check that triggers the alert sends the new status (not when it was checked).
    study(&f, "2026-11-23T01:00:00Z", 40);
    let queued = f.count("sync_changes");
    assert_eq!(check(&f, "2026-11-23T01:45:00Z").delivered.len(), 1);
    let sent: String = f.app.db().read(|c| Ok(c.query_row(
        "SELECT changes FROM sync_changes WHERE table_name = 'alerts' ORDER BY seq DESC LIMIT 1", [], |r| r.get(0))?)).unwrap();
    assert!(f.count("sync_changes") > queued);
    assert!(sent.contains("triggered") && !sent.contains("last_evaluated_at") && !sent.contains("last_value"), "{sent}");
}
