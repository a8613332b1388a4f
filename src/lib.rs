//! tierdeck: a terminal sales-pipeline manager over one SQLite file.

pub mod cli;
pub mod config;
pub mod copies;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod ics;
pub mod output;
pub mod parse;
pub mod playbook;
pub mod query;
pub mod reports;
pub mod rules;
pub mod say;
pub mod segments;
pub mod store;
pub mod syncdir;
pub mod team;
pub mod timeline;
pub mod transfer;
pub mod tui;
pub mod when;
