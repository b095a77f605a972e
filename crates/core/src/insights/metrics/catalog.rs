//! The catalog: what each built-in metric is (its words, grains, value columns with units,
//! suggested widget, filters, whether a metric card can show it), in one table.

use super::{Grain, MetricFilter, MetricId, MetricInfo};
use crate::insights::rows::WidgetType;
use crate::insights::table::{Column, ColumnKind};

/// How a column's raw per-day numbers become the shown ones.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Finish {
    Count,
    /// Seconds summed, then rounded to the nearest minute.
    Minutes,
}

impl Finish {
    pub(super) fn apply(self, raw: i64) -> i64 {
        match self {
            Finish::Count => raw,
            Finish::Minutes => crate::focus::stats::minutes(raw),
        }
    }
}

pub(super) struct Spec {
    pub id: MetricId,
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub grains: &'static [Grain],
    /// `(column name, unit)` of each value column.
    pub columns: &'static [(&'static str, &'static str)],
    pub finish: Finish,
    pub widget: WidgetType,
    pub has_value: bool,
    pub filters: &'static [MetricFilter],
}

use Grain::{Activity as A, Course as C, Day as D, Month as M, Status as S, Total as T, Week as W};
const TIME: &[Grain] = &[D, W, M, T];
const SESSIONS: &[Grain] = &[D, W, M, C, A, T];
const COURSE_AND_ACTIVITY: &[MetricFilter] = &[MetricFilter::Course, MetricFilter::Activity];

pub(super) static SPECS: [Spec; 14] = [
    Spec {
        id: MetricId::MinutesStudied,
        name: "minutes_studied",
        title: "Minutes studied",
        description: "Minutes of completed focus sessions, on the day each session started.",
        grains: SESSIONS,
        columns: &[("minutes", "minutes")],
        finish: Finish::Minutes,
        widget: WidgetType::BarChart,
        has_value: true,
        filters: COURSE_AND_ACTIVITY,
    },
    Spec {
        id: MetricId::SessionsCompleted,
        name: "sessions_completed",
        title: "Sessions completed",
        description: "Focus sessions completed (not abandoned), on the day each started.",
        grains: SESSIONS,
        columns: &[("sessions", "sessions")],
        finish: Finish::Count,
        widget: WidgetType::BarChart,
        has_value: true,
        filters: COURSE_AND_ACTIVITY,
    },
    Spec {
        id: MetricId::PomodoroCycles,
        name: "pomodoro_cycles",
        title: "Pomodoro cycles",
        description: "Full pomodoro work phases in completed sessions: each session's focus time divided by its work-phase length, rounded down.",
        grains: SESSIONS,
        columns: &[("cycles", "cycles")],
        finish: Finish::Count,
        widget: WidgetType::BarChart,
        has_value: true,
        filters: COURSE_AND_ACTIVITY,
    },
    Spec {
        id: MetricId::StudyDays,
        name: "study_days",
        title: "Study days",
        description: "Days with at least one minute of completed focus.",
        grains: &[W, M, D, T],
        columns: &[("study_days", "days")],
        finish: Finish::Count,
        widget: WidgetType::BarChart,
        has_value: true,
        filters: &[],
    },
    Spec {
        id: MetricId::Streak,
        name: "streak",
        title: "Study streak",
        description: "Study days in a row at the end of the range (current) and the longest streak up to then, with the rest days the Focus settings allow, as on the Focus page.",
        grains: &[T],
        columns: &[("current_streak", "days"), ("longest_streak", "days")],
        finish: Finish::Count,
        widget: WidgetType::MetricCard,
        has_value: true,
        filters: &[],
    },
    Spec {
        id: MetricId::TasksCompleted,
        name: "tasks_completed",
        title: "Tasks completed",
        description: "Tasks marked done, on the day they were completed.",
        grains: TIME,
        columns: &[("tasks_completed", "tasks")],
        finish: Finish::Count,
        widget: WidgetType::BarChart,
        has_value: true,
        filters: &[],
    },
    Spec {
        id: MetricId::TasksOverdue,
        name: "tasks_overdue",
        title: "Tasks overdue",
        description: "Tasks due in the period that were not done by their due time (done late, or still open after it), on their due day.",
        grains: TIME,
        columns: &[("tasks_overdue", "tasks")],
        finish: Finish::Count,
        widget: WidgetType::BarChart,
        has_value: true,
        filters: &[],
    },
    Spec {
        id: MetricId::Assignments,
        name: "assignments",
        title: "Assignments",
        description: "Assignments due in the range, by status, by course or by due day.",
        grains: &[S, C, D, W, M, T],
        columns: &[("assignments", "assignments")],
        finish: Finish::Count,
        widget: WidgetType::PieChart,
        has_value: true,
        filters: &[MetricFilter::Course],
    },
    Spec {
        id: MetricId::FavoriteActivities,
        name: "favorite_activities",
        title: "Favorite activities",
        description: "Activities marked favorite in the range, per activity or by the day they were marked (a favorite removed since no longer counts).",
        grains: &[A, D, W, M, T],
        columns: &[("favorites", "favorites")],
        finish: Finish::Count,
        widget: WidgetType::Table,
        has_value: true,
        filters: &[],
    },
    Spec {
        id: MetricId::ReminderDelivery,
        name: "reminder_delivery",
        title: "Reminder delivery",
        description: "Reminders shown (one per notification), those shown more than 2 minutes late (missed while the app was closed), and those snoozed, on the day they were shown.",
        grains: TIME,
        columns: &[("delivered", "reminders"), ("missed", "reminders"), ("snoozed", "reminders")],
        finish: Finish::Count,
        widget: WidgetType::BarChart,
        has_value: true,
        filters: &[],
    },
    Spec {
        id: MetricId::FeedEngagement,
        name: "feed_engagement",
        title: "Feed engagement",
        description: "Likes and comments others gave my posts, and the posts I wrote, per period.",
        grains: TIME,
        columns: &[("likes_received", "likes"), ("comments_received", "comments"), ("posts_written", "posts")],
        finish: Finish::Count,
        widget: WidgetType::LineChart,
        has_value: false,
        filters: &[],
    },
    Spec {
        id: MetricId::LikesReceived,
        name: "likes_received",
        title: "Likes received",
        description: "Likes others gave my posts, on the day they liked.",
        grains: TIME,
        columns: &[("likes", "likes")],
        finish: Finish::Count,
        widget: WidgetType::LineChart,
        has_value: true,
        filters: &[],
    },
    Spec {
        id: MetricId::CommentsReceived,
        name: "comments_received",
        title: "Comments received",
        description: "Comments others wrote on my posts, on the day they wrote them.",
        grains: TIME,
        columns: &[("comments", "comments")],
        finish: Finish::Count,
        widget: WidgetType::LineChart,
        has_value: true,
        filters: &[],
    },
    Spec {
        id: MetricId::PostsWritten,
        name: "posts_written",
        title: "Posts written",
        description: "Posts I wrote, on the day I posted them.",
        grains: TIME,
        columns: &[("posts", "posts")],
        finish: Finish::Count,
        widget: WidgetType::BarChart,
        has_value: true,
        filters: &[],
    },
];

pub(super) fn spec(id: MetricId) -> &'static Spec {
    // SPECS lists every id once, in MetricId::ALL's order (a unit test checks).
    &SPECS[MetricId::ALL.iter().position(|m| *m == id).unwrap_or(0)]
}

impl Spec {
    pub(super) fn value_columns(&self) -> Vec<Column> {
        self.columns.iter().map(|(name, unit)| Column::with_unit(name, ColumnKind::Integer, unit)).collect()
    }

    fn info(&self) -> MetricInfo {
        MetricInfo {
            id: self.id,
            name: self.title.to_string(),
            description: self.description.to_string(),
            grains: self.grains.to_vec(),
            unit: self.columns[0].1.to_string(),
            columns: self.value_columns(),
            widget: self.widget,
            has_value: self.has_value,
            filters: self.filters.to_vec(),
        }
    }
}

/// Every built-in metric.
pub fn catalog() -> Vec<MetricInfo> {
    MetricId::ALL.iter().map(|id| spec(*id).info()).collect()
}
