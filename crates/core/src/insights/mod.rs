//! Insights (DataPulse): the user's own dashboards of chart widgets (line, bar, pie,
//! area, table, metric card, text, image) over their study data or imported data sources
//! (CSV, PostgreSQL, MySQL, REST API), data models with joins and calculated fields,
//! threshold alerts that notify, scheduled report export (PDF, Excel, CSV), sharing a
//! dashboard with view or edit rights, and access requests (workflows).
//!
//! Contract: this room owns `dashboards`, `widgets`, `data_sources`, `data_models`,
//! `alerts`, `reports`, `dashboard_shares`, `workflows` and `widget_results` (the owner's
//! cached results of shared widgets), their rules and their SQL.
//! Every write goes through `Db::write`. Reading the user's data for a widget never uses
//! the write connection: built-in metrics ([`metrics`]) and the user's own SQL
//! ([`sandbox`]) run on a separate read-only connection, and every answer is a
//! [`table::Table`].

pub mod alerts;
pub mod metrics;
pub mod rows;
pub mod sandbox;
pub mod sources;
pub mod table;
pub mod dashboards;
pub mod widgets;
pub mod widget_data;
pub mod widget_cache;
pub mod my_study;
pub mod models;
pub mod export;
pub mod picture_export;
pub mod ownership;
pub mod shares;
pub mod requests;
pub mod results;
pub mod reports;
