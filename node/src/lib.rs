//! The smartket node: a daemon that keeps a market's signed records, speaks the network
//! protocol, and serves its owner's API and web UI.
//!
//! Data flows one way; each layer imports only those below it:
//!
//! ```text
//! smartket_protocol (wire formats, records, sealing; pure code, no I/O)
//!   ← clock, data_dir, identity, config, markets, settings, money, qr   what a node is made of
//!   ← allowance   how much work one host may ask for
//!   ← disk, db_file   what the disk last said, and the database files that tell it
//!   ← store, ingest, network                                         records in, bytes out
//!   ← own, orders, mailbox, sync, blobs, search, listing_rows, record_json    the services
//!   ← backup   the node's files and databases in one archive, and back
//!   ← sessions, tls   who may open the web UI, and the certificate it is served with
//!   ← daemon   opens and wires the services, routes network events to them (a Handle)
//!   ← api, ui  the JSON API and the web pages, each reading the services
//!   ← http     serves both behind one guard
//!   ← cli, demo, main.rs
//! ```
//!
//! A service takes the narrow things it uses (the store, the ingest pipeline, the network
//! client, a key), never the daemon; its errors are typed, and become HTTP answers only in
//! `api` and `ui`.
pub mod allowance;
pub mod api;
pub mod background;
pub mod backup;
pub mod blobs;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod data_dir;
pub mod db_file;
pub mod demo;
pub mod disk;
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
pub mod qr;
pub mod record_json;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod store;
pub mod sync;
pub mod tls;
pub mod ui;
