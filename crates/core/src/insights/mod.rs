//! Insights (DataPulse): the user's own dashboards of chart widgets (line, bar, pie,
//! area, table, metric card, text, image) over their study data or imported data sources
//! (CSV, PostgreSQL, MySQL, REST API), data models with joins and calculated fields,
//! threshold alerts that notify, scheduled report export (PDF, Excel, CSV), sharing a
//! dashboard with view or edit rights, and access requests (workflows).
//!
//! Contract: this room will own `dashboards`, `widgets`, `data_sources`, `data_models`,
//! `alerts`, `reports`, `dashboard_shares` and `workflows`, their rules and their SQL;
//! widget queries run in a read-only sandbox; alert evaluation and scheduled reports are
//! decided here and run by the shell's background tasks. Every write goes through
//! `Db::write`. For now the room holds the typed rows ([`rows`]); the services arrive
//! with the insights issue.

pub mod rows;
