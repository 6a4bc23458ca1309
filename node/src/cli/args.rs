//! The command line as the user types it: clap turns `argv` into these types, and
//! [`super::run`] is their only reader, so what a flag means is decided in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{self, Addr};

/// smartket: a peer-to-peer local marketplace node.
#[derive(Debug, Parser)]
#[command(name = "smartket", version, about, long_about = None)]
pub struct Cli {
    /// The node's data directory (key, config, database).
    #[arg(long, global = true, env = "SMARTKET_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new node: its key (mode 0600), its documented config file and its database.
    Init {
        /// The market to join.
        #[arg(long, default_value = "geneva")]
        market: String,
        /// What this node is: producer, shop, service_provider, platform, courier, certifier,
        /// consumer, cooperative.
        #[arg(long, default_value = "consumer")]
        role: String,
        /// The name shown on the profile.
        #[arg(long, default_value = "")]
        name: String,
        /// TCP/UDP port for other nodes.
        #[arg(long, default_value_t = config::DEFAULT_P2P_PORT)]
        port: u16,
        /// Address of the local API and web UI.
        #[arg(long, default_value = config::DEFAULT_API)]
        api: std::net::SocketAddr,
    },
    /// Start a whole local Geneva market on this machine (a cooperative, sellers, a platform,
    /// couriers, a certifier and your consumer node), each a real node; Ctrl-C stops them.
    Demo {
        /// Delete the demo's data first and publish the seed again.
        #[arg(long)]
        fresh: bool,
        /// The seed (actors, catalogues, pictures); default `examples/geneva`.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// First API port; the nodes take the ones after it (0: any free ports).
        #[arg(long, default_value_t = 8420)]
        port: u16,
        /// Print a fresh login link for this actor of the running demo (its name or file
        /// name, e.g. `camille`) instead of starting one.
        #[arg(long, value_name = "ACTOR")]
        login: Option<String>,
        /// Serve every node's web UI over HTTPS on all interfaces too (ports 100 above the
        /// web ports), so a phone on the LAN can be paired; else on 127.0.0.1 only.
        #[arg(long)]
        remote: bool,
    },
    /// Run the node until Ctrl-C.
    Run {
        /// Listen address for other nodes (repeatable); replaces the config's list.
        #[arg(long)]
        listen: Vec<Addr>,
        /// Address of the local API.
        #[arg(long)]
        api: Option<std::net::SocketAddr>,
        /// Bootstrap node (repeatable), e.g. /ip4/192.0.2.1/tcp/4417/p2p/12D3Koo…
        #[arg(long)]
        bootstrap: Vec<Addr>,
        /// Serve the web UI over HTTPS on this address too (e.g. 0.0.0.0:8418), for phones.
        #[arg(long, value_name = "ADDR")]
        remote_api: Option<std::net::SocketAddr>,
    },
    /// Print a fresh one-time login link for the running node (the old one works once).
    Login,
    /// Open the running node's web UI in the default browser, logged in.
    Open,
    /// Print this node's public key and peer id.
    Id,
    /// Peers, records held per kind, own records waiting to be published.
    Status,
    /// Sign and publish a record described in a JSON or TOML file.
    Publish {
        /// The file: `kind`, `key`, optional `market` and `lifetime_days`, and `body`.
        file: PathBuf,
    },
    /// Catch up with the market now: reconcile with every connected peer (shows progress), or
    /// pull one seller's whole catalogue with `--author`.
    Sync {
        /// Pull this author's current records (64 hex characters) instead.
        #[arg(long)]
        author: Option<String>,
        /// The market (default: the first one joined).
        #[arg(long)]
        market: Option<String>,
    },
    /// Write a backup of this node — key, config, settings, databases, images — to one file,
    /// while it runs or not. Encrypted with a passphrase when one is given (first line of
    /// `--passphrase-file`, or `$SMARTKET_BACKUP_PASSPHRASE`).
    Backup {
        /// The file to write (e.g. `smartket-backup.tar.gz`, or `.age` when encrypted).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        /// A file whose first line is the passphrase to encrypt with.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Restore a backup into the data dir, which must hold no node: the same identity,
    /// catalogue, orders and their histories, mail and images.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// A file whose first line is the backup's passphrase, if it is encrypted.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Run the node as a systemd service: starts with the machine, restarts when it fails.
    Service {
        /// What to do.
        #[command(subcommand)]
        action: ServiceAction,
    },
    /// Manage this node's own listings.
    Listing {
        /// What to do with listings.
        #[command(subcommand)]
        action: ListingAction,
    },
}

/// `smartket service …`
#[derive(Debug, Subcommand)]
pub enum ServiceAction {
    /// Write the systemd unit: for this user (the data dir given), or with `--system` for
    /// the machine (a `smartket` user, `/var/lib/smartket`, sandboxed); prints how to start it.
    Install {
        /// The machine's unit (run as root) instead of this user's.
        #[arg(long)]
        system: bool,
        /// Print the unit instead of writing it.
        #[arg(long)]
        print: bool,
    },
}

/// `smartket listing …`
#[derive(Debug, Subcommand)]
pub enum ListingAction {
    /// Publish a listing from a JSON or TOML file (`key`, optional `lifetime_days`, `body`).
    Add {
        /// The file.
        file: PathBuf,
    },
    /// List own current listings.
    List,
    /// Withdraw a listing (publishes a tombstone).
    Rm {
        /// The listing's key.
        key: String,
    },
}
