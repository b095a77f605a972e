//! ICS import and export (RFC 5545).
