//! The `smartket` command line: parsed arguments ([`Cli`]) come in, each subcommand goes to the
//! module that does that one job, and a failure comes back as one `anyhow` sentence for the
//! user (the binary's edge is the only place `anyhow` is used).
//!
//! ```text
//! argv ─▶ args (clap) ─▶ run ─┬▶ node     init, id, run, demo: the data dir and the node's life
//!                             ├▶ records  publish, listing add/rm/list: record files, own records
//!                             ├▶ backup   backup, restore: the node in one archive, and back
//!                             ├▶ service  service install: a systemd unit for the node
//!                             └▶ client   status, sync, login, open: ask the running node through its API
//! ```

mod args;
mod backup;
mod client;
mod node;
mod records;
mod service;

use std::path::PathBuf;

use anyhow::{Context, Result};
use smartket_protocol::Kind;

pub use args::{Cli, Command, ListingAction, ServiceAction};

use crate::config::{Config, Overrides};

/// Runs the parsed command.
pub async fn run(cli: Cli) -> Result<()> {
    // The demo is a whole market of nodes, kept apart from the user's own node by default.
    let dir = match (&cli.command, cli.data_dir) {
        (_, Some(dir)) => dir,
        (Command::Demo { .. }, None) => PathBuf::from("smartket-demo"),
        (_, None) => crate::data_dir::default_data_dir(),
    };
    match cli.command {
        Command::Init {
            market,
            role,
            name,
            port,
            api,
        } => node::init(&dir, market, role, name, port, api),
        Command::Id => node::id(&dir),
        Command::Run {
            listen,
            api,
            bootstrap,
            remote_api,
        } => {
            let flags = Overrides {
                listen: (!listen.is_empty()).then_some(listen),
                bootstrap: (!bootstrap.is_empty()).then_some(bootstrap),
                api,
                remote: remote_api,
            };
            node::run(&dir, &flags).await
        }
        Command::Demo {
            login: Some(actor), ..
        } => client::demo_login(&dir, &actor).await,
        Command::Demo {
            fresh,
            seed,
            port,
            login: None,
            remote,
        } => node::demo(&dir, seed, fresh, port, remote).await,
        Command::Login => client::login(&dir, false).await,
        Command::Open => client::login(&dir, true).await,
        Command::Status => client::status(&dir).await,
        Command::Sync { author, market } => client::sync(&dir, author, market).await,
        Command::Publish { file } => records::publish(&dir, &file, None).await,
        Command::Backup {
            to,
            passphrase_file,
        } => backup::backup(&dir, &to, passphrase_file.as_deref()).await,
        Command::Restore {
            file,
            passphrase_file,
        } => backup::restore(&dir, &file, passphrase_file.as_deref()),
        Command::Service {
            action: ServiceAction::Install { system, print },
        } => service::install(&dir, system, print),
        Command::Listing { action } => match action {
            ListingAction::Add { file } => records::publish(&dir, &file, Some(Kind::Listing)).await,
            ListingAction::List => records::list_listings(&dir).await,
            ListingAction::Rm { key } => records::withdraw_listing(&dir, key).await,
        },
    }
}

/// The market a command means when the user names none: the first one the config joins.
fn first_market(config: &Config) -> Result<String> {
    config
        .markets
        .first()
        .map(|m| m.id.clone())
        .context("the config joins no market")
}
