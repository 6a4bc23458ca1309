//! The smartket node: a daemon that keeps a market's signed records, speaks the network
//! protocol, and serves its owner's API and web UI.
//!
//! Records flow one way: `network` → `ingest` → `store`. `main.rs` only sets up logging and
//! parses the command line; `cli` runs each command through the daemon or the node's API.
pub mod api;
pub mod background;
pub mod blobs;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod data_dir;
pub mod demo;
pub mod http;
pub mod identity;
pub mod ingest;
pub mod listing_rows;
pub mod mailbox;
pub mod markets;
pub mod money;
pub mod network;
pub mod orders;
pub mod own;
pub mod record_json;
pub mod search;
pub mod settings;
pub mod store;
pub mod sync;
pub mod ui;
