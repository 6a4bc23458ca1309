//! The node's configuration: built-in defaults, then the TOML file in the data dir, then
//! `SMARTKET_*` environment variables, then command-line flags — each layer overriding the one
//! before, field by field.
//!
//! Parse errors name the file, line and field (the TOML parser reports line and column; values
//! such as multiaddrs are parsed during deserialisation so their errors carry the position
//! too). Unknown keys are errors: a misspelt `bootstrap` must not silently mean "no bootstrap".
//!
//! This file holds the file's shape: its sections, their defaults, [`ConfigError`]. Building a
//! configuration from the layers is `layers.rs`; the commented file `init` writes is
//! `documented.rs`.

mod documented;
mod layers;

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use libp2p::Multiaddr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

pub use layers::Overrides;

/// Default TCP/UDP port for other nodes.
pub const DEFAULT_P2P_PORT: u16 = 4417;
/// Default address of the local API and web UI.
pub const DEFAULT_API: &str = "127.0.0.1:8417";

/// The roles an actor can have (the profile's `roles`).
pub const ROLES: [&str; 8] = [
    "producer",
    "shop",
    "service_provider",
    "platform",
    "courier",
    "certifier",
    "consumer",
    "cooperative",
];

/// Why a configuration could not be read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file is not valid TOML or has a bad field (the message names line, column, field).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and field.
        message: String,
    },
    /// An environment variable has a value that does not parse.
    #[error("environment variable {var}: {message}")]
    Env {
        /// The variable.
        var: String,
        /// What is wrong.
        message: String,
    },
    /// A value is out of range after all layers were applied.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, e.g. `node.role`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// A multiaddr that (de)serialises as its string form, so TOML errors point at the bad value.
#[derive(Clone, PartialEq, Eq)]
pub struct Addr(pub Multiaddr);

impl fmt::Debug for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Addr {
    type Err = String;
    fn from_str(s: &str) -> Result<Addr, String> {
        s.parse::<Multiaddr>().map(Addr).map_err(|e| {
            format!(
                "{s:?} is not a multiaddr ({e}); expected e.g. /ip4/192.0.2.1/tcp/4417/p2p/12D3Koo…"
            )
        })
    }
}

impl Serialize for Addr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Addr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Addr, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Who this node is.
    pub node: NodeSection,
    /// How it talks to other nodes.
    pub network: NetworkSection,
    /// The local API and web UI.
    pub api: ApiSection,
    /// The markets this node joins.
    pub markets: Vec<MarketEntry>,
    /// Images and other blobs.
    pub blobs: BlobsSection,
    /// Collecting this node's mail from cooperatives.
    pub mailbox: MailboxSection,
    /// Scheduled backups.
    pub backup: BackupSection,
}

/// `[node]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NodeSection {
    /// The actor's role (see [`ROLES`]).
    pub role: String,
    /// The name on the actor's profile.
    pub name: String,
}

/// `[network]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkSection {
    /// Addresses to listen on.
    pub listen: Vec<Addr>,
    /// Bootstrap nodes beyond those of the markets' configs (each with `/p2p/<peer id>`).
    pub bootstrap: Vec<Addr>,
    /// Public addresses others can dial this node on (a cooperative's VPS address). Without
    /// one, a node waits for AutoNAT to confirm an address before serving as a relay.
    pub external: Vec<Addr>,
    /// How many network events (gossip, requests) may wait for the node. What does not fit is
    /// dropped and caught up by sync within seconds; lower it on a very small device.
    pub event_capacity: usize,
    /// Count connections from loopback as one host, like any other address: per-host
    /// connection limits and mailbox quotas then bind them (for a testbed of many nodes on one
    /// machine; off, the demo's nodes and the operator's own tools are each counted apart).
    pub count_loopback: bool,
}

/// `[api]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiSection {
    /// Socket address of the API and web UI over plain HTTP: a loopback address only.
    pub listen: SocketAddr,
    /// Read from files written by earlier versions, where it let `listen` be a non-loopback
    /// address. Plain HTTP off loopback is refused now whatever it says (`remote` serves
    /// HTTPS instead); when true, the refusal says so.
    #[serde(skip_serializing)]
    pub allow_remote: bool,
    /// Socket address of the web UI over HTTPS, for phones on the LAN or a node on a server
    /// (e.g. `0.0.0.0:8418`); none by default.
    pub remote: Option<SocketAddr>,
    /// Names and addresses the HTTPS address is reached by, beyond the addresses the
    /// connection arrives on (a DNS name behind a reverse proxy, say): requests naming
    /// another host are refused, and a self-signed certificate is made for these.
    pub names: Vec<String>,
    /// The owner's certificate chain (PEM), with `tls_key`; without both, the node signs its
    /// own (`tls-cert.pem` in the data dir) and shows its fingerprint when pairing a phone.
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    pub tls_key: Option<PathBuf>,
}

/// `[blobs]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlobsSection {
    /// Seconds between two garbage collections of unreferenced blobs.
    pub gc_every_secs: u64,
    /// Seconds an unreferenced blob is kept after it was stored: long enough for a producer
    /// to upload pictures, then write and publish the listing that names them.
    pub gc_grace_secs: u64,
}

impl Default for BlobsSection {
    fn default() -> Self {
        BlobsSection {
            gc_every_secs: 3600,
            gc_grace_secs: 24 * 3600,
        }
    }
}

/// `[mailbox]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailboxSection {
    /// Seconds between two collections of this node's mail from every connected peer. A
    /// cooperative tells a connected recipient of each deposit at once, so this round is only
    /// the fallback for a notify lost or never sent.
    pub collect_every_secs: u64,
}

impl Default for MailboxSection {
    fn default() -> Self {
        MailboxSection {
            collect_every_secs: 30,
        }
    }
}

/// `[backup]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupSection {
    /// Where scheduled backups are written (relative to the data dir unless absolute); none
    /// are made when absent. A directory on another disk, or one a sync tool copies away,
    /// is what saves the node when the laptop is lost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
    /// Hours between two scheduled backups.
    pub every_hours: u64,
    /// Scheduled backups kept; older ones are deleted.
    pub keep: usize,
    /// A file whose first line is the passphrase scheduled backups are encrypted with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passphrase_file: Option<PathBuf>,
}

impl Default for BackupSection {
    fn default() -> Self {
        BackupSection {
            dir: None,
            every_hours: 24,
            keep: 7,
            passphrase_file: None,
        }
    }
}

/// `[[markets]]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketEntry {
    /// The market id, e.g. `geneva`.
    pub id: String,
    /// The market's config file; absent for a market built into the binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<PathBuf>,
}

impl Default for NodeSection {
    fn default() -> Self {
        NodeSection {
            role: "consumer".into(),
            name: String::new(),
        }
    }
}

impl Default for NetworkSection {
    fn default() -> Self {
        NetworkSection {
            listen: default_listen(DEFAULT_P2P_PORT),
            bootstrap: Vec::new(),
            external: Vec::new(),
            event_capacity: crate::network::NetworkConfig::default().event_capacity,
            count_loopback: false,
        }
    }
}

/// TCP and QUIC on all interfaces at `port`.
pub fn default_listen(port: u16) -> Vec<Addr> {
    [
        format!("/ip4/0.0.0.0/tcp/{port}"),
        format!("/ip4/0.0.0.0/udp/{port}/quic-v1"),
    ]
    .iter()
    .filter_map(|s| s.parse().ok())
    .collect()
}

impl Default for ApiSection {
    fn default() -> Self {
        ApiSection {
            listen: SocketAddr::from(([127, 0, 0, 1], 8417)),
            allow_remote: false,
            remote: None,
            names: Vec::new(),
            tls_cert: None,
            tls_key: None,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            node: NodeSection::default(),
            network: NetworkSection::default(),
            api: ApiSection::default(),
            markets: vec![MarketEntry {
                id: "geneva".into(),
                config: None,
            }],
            blobs: BlobsSection::default(),
            mailbox: MailboxSection::default(),
            backup: BackupSection::default(),
        }
    }
}

#[cfg(test)]
mod tests;
