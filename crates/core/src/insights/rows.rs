//! Typed rows of the insights (DataPulse, 003) tables: `dashboards`, `data_sources`,
//! `widgets`, `alerts`, `reports`, `data_models`, `workflows`, `dashboard_shares`, and
//! V24's `widget_results` (a shared dashboard's cached widget results).
//!
//! Each type is the whole row, column for column (see [`crate::db::row`] for the
//! mapping); `validate()` mirrors the table's CHECKs in V1 and names the column it
//! refuses. The columns the seed declares `JSONB NOT NULL DEFAULT '[]'` must hold a JSON
//! array (as V1 checks); those declared `DEFAULT '{}'` (layout, configuration, position,
//! schedule, details, metadata) must hold a JSON object, which is stricter than V1.

use crate::db::row::{self, sql_enum, table_row};
use crate::Result;
use serde_json::Value;

sql_enum! {
    /// `data_sources.type`.
    pub enum DataSourceType {
        Postgresql = "postgresql",
        Mysql = "mysql",
        RestApi = "rest_api",
        Csv = "csv",
    }
}

sql_enum! {
    /// `data_sources.status`.
    pub enum DataSourceStatus {
        Connected = "connected",
        Error = "error",
        Disconnected = "disconnected",
        Pending = "pending",
    }
}

sql_enum! {
    /// `widgets.type`.
    pub enum WidgetType {
        LineChart = "line_chart",
        BarChart = "bar_chart",
        PieChart = "pie_chart",
        AreaChart = "area_chart",
        Table = "table",
        MetricCard = "metric_card",
        Text = "text",
        Image = "image",
    }
}

sql_enum! {
    /// `alerts.threshold_type`.
    pub enum AlertThresholdType {
        Above = "above",
        Below = "below",
        ChangePercent = "change_percent",
    }
}

sql_enum! {
    /// `alerts.frequency`.
    pub enum AlertFrequency {
        Immediate = "immediate",
        Digest = "digest",
    }
}

sql_enum! {
    /// `alerts.status`.
    pub enum AlertStatus {
        Active = "active",
        Triggered = "triggered",
        Snoozed = "snoozed",
        Resolved = "resolved",
        Inactive = "inactive",
    }
}

sql_enum! {
    /// `reports.format`.
    pub enum ReportFormat {
        Pdf = "pdf",
        Excel = "excel",
        Csv = "csv",
    }
}

sql_enum! {
    /// `workflows.status`.
    pub enum WorkflowStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
        Completed = "completed",
    }
}

sql_enum! {
    /// `workflows.priority`.
    pub enum WorkflowPriority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Critical = "critical",
    }
}

sql_enum! {
    /// `dashboard_shares.permission`.
    pub enum SharePermission {
        View = "view",
        Edit = "edit",
    }
}

table_row! {
    /// `dashboards`.
    pub struct DashboardRow in "dashboards" {
        pub id: String,
        pub user_id: String,
        pub name: String,
        pub description: Option<String>,
        /// A JSON object.
        pub layout: Value,
        pub is_public: bool,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl DashboardRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("name", &self.name, 255)?;
        row::json_object("layout", &self.layout)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `data_sources`: per user, unique by name.
    pub struct DataSourceRow in "data_sources" {
        pub id: String,
        pub user_id: String,
        pub name: String,
        pub r#type as "type": DataSourceType,
        /// A JSON object.
        pub connection_config: Value,
        pub status: DataSourceStatus,
        pub last_sync: Option<String>,
        /// A JSON object.
        pub metadata: Value,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl DataSourceRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("name", &self.name, 255)?;
        row::json_object("connection_config", &self.connection_config)?;
        row::opt_timestamp("last_sync", self.last_sync.as_deref())?;
        row::json_object("metadata", &self.metadata)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `widgets`: a chart on a dashboard, optionally over a data source.
    pub struct WidgetRow in "widgets" {
        pub id: String,
        pub dashboard_id: String,
        pub data_source_id: Option<String>,
        pub r#type as "type": WidgetType,
        /// A JSON object.
        pub config: Value,
        pub query: Option<String>,
        /// A JSON object.
        pub position: Value,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl WidgetRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("dashboard_id", &self.dashboard_id)?;
        row::opt_uuid("data_source_id", self.data_source_id.as_deref())?;
        row::json_object("config", &self.config)?;
        row::json_object("position", &self.position)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `alerts`: a threshold on a metric and where to send it.
    pub struct AlertRow in "alerts" export {
        pub id: String,
        pub user_id: String,
        /// The watched metric (free text in the seed).
        pub metric_id: Option<String>,
        pub name: String,
        pub threshold_type: AlertThresholdType,
        pub threshold_value: f64,
        /// A JSON array of channels.
        pub channels: Value,
        pub frequency: AlertFrequency,
        pub status: AlertStatus,
        pub is_active: bool,
        pub created_at: String,
        pub updated_at: String,
        /// V16: the metric's period, `day`, `week` or `month`.
        pub grain: String,
        /// V16: the metric's filters, a JSON object.
        pub filters: Value,
        /// V16: digest alerts' local time of the day's summary, `HH:MM`.
        pub digest_time: Option<String>,
        pub snoozed_until: Option<String>,
        /// V16: what moved the status last, and when.
        pub status_reason: Option<String>,
        pub status_changed_at: Option<String>,
        pub last_evaluated_at: Option<String>,
        pub last_value: Option<f64>,
        pub last_previous: Option<f64>,
        pub last_triggered_at: Option<String>,
        pub digest_pending: i64,
        pub last_digest_on: Option<String>,
        /// V22: the watched widget (instead of a metric).
        pub widget_id: Option<String>,
        /// V22: the watched data model and its numeric field (instead of a metric).
        pub model_id: Option<String>,
        pub model_field: Option<String>,
    }
}

impl AlertRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        let targets = [self.metric_id.is_some(), self.widget_id.is_some(), self.model_id.is_some()];
        if targets.iter().filter(|t| **t).count() != 1 {
            return Err(crate::CoreError::validation("metric_id, widget_id, model_id: an alert watches exactly one of a metric, a widget or a data model's field"));
        }
        if self.model_id.is_some() != self.model_field.is_some() {
            return Err(crate::CoreError::validation("model_id, model_field: an alert on a data model names the model and its field"));
        }
        row::required("name", &self.name, 255)?;
        row::finite("threshold_value", self.threshold_value)?;
        row::json_array("channels", &self.channels)?;
        row::json_object("filters", &self.filters)?;
        row::opt_timestamp("snoozed_until", self.snoozed_until.as_deref())?;
        row::non_negative("digest_pending", self.digest_pending)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `reports`: a scheduled export of a dashboard.
    pub struct ReportRow in "reports" {
        pub id: String,
        pub dashboard_id: String,
        pub created_by: String,
        pub name: String,
        /// A JSON object.
        pub schedule: Value,
        /// A JSON array.
        pub recipients: Value,
        pub format: ReportFormat,
        pub is_active: bool,
        pub last_sent: Option<String>,
        pub created_at: String,
        pub updated_at: String,
        /// V20: the folder the files are written into.
        pub output_dir: Option<String>,
        /// V20: the widgets shown, a JSON array of ids; NULL: all.
        pub widget_ids: Option<Value>,
        /// V20: the next scheduled run; the output or the error of the last one.
        pub next_run_at: Option<String>,
        pub last_output: Option<String>,
        pub last_error: Option<String>,
    }
}

impl ReportRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("dashboard_id", &self.dashboard_id)?;
        row::uuid("created_by", &self.created_by)?;
        row::required("name", &self.name, 255)?;
        row::json_object("schedule", &self.schedule)?;
        row::json_array("recipients", &self.recipients)?;
        row::opt_timestamp("last_sent", self.last_sent.as_deref())?;
        row::opt_json_array("widget_ids", self.widget_ids.as_ref())?;
        row::opt_timestamp("next_run_at", self.next_run_at.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `data_models`: tables, joins and calculated fields (each a JSON array).
    pub struct DataModelRow in "data_models" {
        pub id: String,
        pub created_by: String,
        pub name: String,
        pub description: Option<String>,
        pub tables: Value,
        pub joins: Value,
        pub calculated_fields: Value,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl DataModelRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("created_by", &self.created_by)?;
        row::required("name", &self.name, 255)?;
        row::json_array("tables", &self.tables)?;
        row::json_array("joins", &self.joins)?;
        row::json_array("calculated_fields", &self.calculated_fields)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `workflows`: an access request and its approval.
    pub struct WorkflowRow in "workflows" {
        pub id: String,
        pub requester_id: String,
        pub approver_id: Option<String>,
        pub r#type as "type": String,
        pub status: WorkflowStatus,
        pub priority: WorkflowPriority,
        /// A JSON object.
        pub details: Value,
        pub created_at: String,
        pub updated_at: String,
        pub resolved_at: Option<String>,
    }
}

impl WorkflowRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("requester_id", &self.requester_id)?;
        row::opt_uuid("approver_id", self.approver_id.as_deref())?;
        row::required("type", &self.r#type, 100)?;
        row::json_object("details", &self.details)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)?;
        row::opt_timestamp("resolved_at", self.resolved_at.as_deref())
    }
}

table_row! {
    /// `dashboard_shares`: a dashboard shared with a user, one row per pair.
    pub struct DashboardShareRow in "dashboard_shares" {
        pub id: String,
        pub dashboard_id: String,
        pub user_id: String,
        pub permission: SharePermission,
        pub shared_at: String,
        pub shared_by: Option<String>,
    }
}

impl DashboardShareRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("dashboard_id", &self.dashboard_id)?;
        row::uuid("user_id", &self.user_id)?;
        row::timestamp("shared_at", &self.shared_at)?;
        row::opt_uuid("shared_by", self.shared_by.as_deref())
    }
}

table_row! {
    /// `widget_results` (V24): the owner's last result of a shared or public dashboard's
    /// widget, which travels with the share (`insights::results`).
    pub struct WidgetResultRow in "widget_results" {
        pub id: String,
        pub widget_id: String,
        pub dashboard_id: String,
        pub range_from: String,
        pub range_to: String,
        pub computed_at: String,
        /// The widget's data (`WidgetData` as JSON, an object); `None` with an error.
        pub data: Option<Value>,
        pub row_count: i64,
        pub error: Option<String>,
    }
}

impl WidgetResultRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("widget_id", &self.widget_id)?;
        row::uuid("dashboard_id", &self.dashboard_id)?;
        row::date("range_from", &self.range_from)?;
        row::date("range_to", &self.range_to)?;
        row::timestamp("computed_at", &self.computed_at)?;
        if let Some(data) = &self.data {
            row::json_object("data", data)?;
        }
        row::non_negative("row_count", self.row_count)?;
        row::opt_max_len("error", self.error.as_deref(), 2000)
    }
}
