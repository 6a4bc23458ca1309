//! The smartket node: a daemon that keeps a market's signed records, speaks the network
//! protocol, and serves its owner's API and web UI.
//!
//! Data flows one way: `network` → `ingest` → `store`; the CLI in `main.rs` only parses and
//! calls in here.
pub mod api;
pub mod background;
pub mod blobs;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod demo;
pub mod identity;
pub mod ingest;
pub mod listing_rows;
pub mod mailbox;
pub mod markets;
pub mod network;
pub mod orders;
pub mod search;
pub mod settings;
pub mod store;
pub mod sync;
pub mod ui;
