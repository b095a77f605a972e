//! "My study": the first dashboard every user finds in Insights, built from the built-in
//! metrics (minutes, sessions, streak and tasks as cards; minutes per day and per activity,
//! assignments by status, tasks completed per week as charts), named in the user's language.
//!
//! Contract: made once per user on this device ([`ensure`] is called when Insights lists
//! the dashboards), with an id every device of the user derives alike (a natural id), so
//! two devices that each made it before syncing hold one dashboard, not two. Once made it
//! is the user's like any other: renamed, changed or deleted, it is not made again here.

use super::dashboards::{self, InsightsLayout};
use super::rows::WidgetType;
use super::widgets::{self, GridPosition, WidgetConfig, WidgetDraft, WidgetSource};
use crate::account::settings::{self, Locale};
use crate::db::{meta, row, WriteCtx};
use crate::{Db, Result};

/// `local_meta` key: this user's "My study" was made on this device.
fn made_key(me: &str) -> String {
    format!("insights.my_study.{me}")
}

struct Part {
    kind: WidgetType,
    metric: &'static str,
    grain: &'static str,
    en: &'static str,
    ja: &'static str,
    at: (i64, i64, i64, i64),
}

const PARTS: &[Part] = &[
    Part { kind: WidgetType::MetricCard, metric: "minutes_studied", grain: "total", en: "Minutes studied", ja: "学習時間", at: (0, 0, 3, 3) },
    Part { kind: WidgetType::MetricCard, metric: "sessions_completed", grain: "total", en: "Sessions completed", ja: "完了したセッション", at: (3, 0, 3, 3) },
    Part { kind: WidgetType::MetricCard, metric: "streak", grain: "total", en: "Streak", ja: "連続学習日数", at: (6, 0, 3, 3) },
    Part { kind: WidgetType::MetricCard, metric: "tasks_completed", grain: "total", en: "Tasks completed", ja: "完了したタスク", at: (9, 0, 3, 3) },
    Part { kind: WidgetType::BarChart, metric: "minutes_studied", grain: "day", en: "Minutes studied per day", ja: "日ごとの学習時間", at: (0, 3, 8, 6) },
    Part { kind: WidgetType::PieChart, metric: "minutes_studied", grain: "activity", en: "Minutes per activity", ja: "アクティビティ別の学習時間", at: (8, 3, 4, 6) },
    Part { kind: WidgetType::BarChart, metric: "assignments", grain: "status", en: "Assignments by status", ja: "状態別の課題", at: (0, 9, 6, 6) },
    Part { kind: WidgetType::LineChart, metric: "tasks_completed", grain: "week", en: "Tasks completed per week", ja: "週ごとの完了タスク", at: (6, 9, 6, 6) },
];

/// Makes "My study" for `me` unless this device already did.
pub fn ensure(db: &Db, me: &str) -> Result<()> {
    if db.read(|c| meta::read(c, &made_key(me)))?.is_some() {
        return Ok(());
    }
    let ja = db.read(|c| settings::get(c, me))?.preferred_locale == Locale::Ja;
    db.write(WriteCtx::by(me, "dashboard.my_study"), |tx| {
        let id = tx.natural_id("dashboards", &[me, "my-study"]);
        if row::get::<super::rows::DashboardRow>(tx, &id)?.is_none() {
            let order = dashboards::next_order(tx, me)?;
            let name = if ja { "私の学習" } else { "My study" };
            let layout = InsightsLayout { order, ..Default::default() };
            dashboards::insert(tx, me, id.clone(), name.to_string(), None, &layout)?;
            for (i, p) in PARTS.iter().enumerate() {
                let widget_id = tx.natural_id("widgets", &[me, "my-study", &i.to_string()]);
                widgets::insert(tx, widget_id, &id, &draft(p, ja), GridPosition { x: p.at.0, y: p.at.1, w: p.at.2, h: p.at.3 })?;
            }
        }
        meta::put(tx, &made_key(me), "1")
    })
}

fn draft(p: &Part, ja: bool) -> WidgetDraft {
    WidgetDraft {
        kind: p.kind,
        config: WidgetConfig {
            title: (if ja { p.ja } else { p.en }).to_string(),
            source: WidgetSource::Metric { metric: p.metric.to_string(), grain: p.grain.to_string(), course_id: None, activity_id: None },
            ..Default::default()
        },
        query: None,
        data_source_id: None,
        position: None,
    }
}
