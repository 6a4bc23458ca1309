//! The node's configuration: built-in defaults, then the TOML file in the data dir, then
//! `SMARTKET_*` environment variables, then command-line flags — each layer overriding the one
//! before, field by field.
//!
//! Parse errors name the file, line and field (the TOML parser reports line and column; values
//! such as multiaddrs are parsed during deserialisation so their errors carry the position
//! too). Unknown keys are errors: a misspelt `bootstrap` must not silently mean "no bootstrap".

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use libp2p::Multiaddr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

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
}

/// `[api]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiSection {
    /// Socket address of the API and web UI.
    pub listen: SocketAddr,
    /// Must be true to listen on anything but loopback.
    pub allow_remote: bool,
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
        }
    }
}

/// Overrides from the command line; `None` keeps the lower layers' value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--listen`
    pub listen: Option<Vec<Addr>>,
    /// `--bootstrap`
    pub bootstrap: Option<Vec<Addr>>,
    /// `--api`
    pub api: Option<SocketAddr>,
    /// `--allow-remote-api`
    pub allow_remote: Option<bool>,
}

impl Config {
    /// Defaults ← `<dir>/smartket.toml` ← environment ← `flags`.
    pub fn load(dir: &Path, flags: &Overrides) -> Result<Config, ConfigError> {
        let path = crate::data_dir::DataDir::new(dir).config();
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) => Config::from_toml(&path, &text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(source) => return Err(ConfigError::Io { path, source }),
        };
        config.apply_env(|var| std::env::var(var).ok())?;
        config.apply_flags(flags);
        config.validate()?;
        Ok(config)
    }

    /// Parses a TOML document read from `path`.
    pub fn from_toml(path: &Path, text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// Applies `SMARTKET_ROLE`, `SMARTKET_NAME`, `SMARTKET_LISTEN`, `SMARTKET_BOOTSTRAP`
    /// (comma-separated multiaddrs), `SMARTKET_API` and `SMARTKET_MARKETS` (comma-separated ids).
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let addrs = |var: &str, value: String| -> Result<Vec<Addr>, ConfigError> {
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse().map_err(|message| ConfigError::Env {
                        var: var.into(),
                        message,
                    })
                })
                .collect()
        };
        if let Some(v) = get("SMARTKET_ROLE") {
            self.node.role = v;
        }
        if let Some(v) = get("SMARTKET_NAME") {
            self.node.name = v;
        }
        if let Some(v) = get("SMARTKET_LISTEN") {
            self.network.listen = addrs("SMARTKET_LISTEN", v)?;
        }
        if let Some(v) = get("SMARTKET_BOOTSTRAP") {
            self.network.bootstrap = addrs("SMARTKET_BOOTSTRAP", v)?;
        }
        if let Some(v) = get("SMARTKET_API") {
            self.api.listen = v.parse().map_err(|e| ConfigError::Env {
                var: "SMARTKET_API".into(),
                message: format!("{v:?} is not an address like 127.0.0.1:8417 ({e})"),
            })?;
        }
        if let Some(v) = get("SMARTKET_MARKETS") {
            self.markets = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|id| MarketEntry {
                    id: id.into(),
                    config: None,
                })
                .collect();
        }
        Ok(())
    }

    /// Applies the command line's overrides.
    pub fn apply_flags(&mut self, flags: &Overrides) {
        if let Some(listen) = &flags.listen {
            self.network.listen = listen.clone();
        }
        if let Some(bootstrap) = &flags.bootstrap {
            self.network.bootstrap = bootstrap.clone();
        }
        if let Some(api) = flags.api {
            self.api.listen = api;
        }
        if let Some(allow) = flags.allow_remote {
            self.api.allow_remote = allow;
        }
    }

    /// Rules no single layer can check alone.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !ROLES.contains(&self.node.role.as_str()) {
            return Err(ConfigError::Invalid {
                field: "node.role".into(),
                message: format!("{:?} is not one of {}", self.node.role, ROLES.join(", ")),
            });
        }
        if self.markets.is_empty() {
            return Err(ConfigError::Invalid {
                field: "markets".into(),
                message: "join at least one market".into(),
            });
        }
        for market in &self.markets {
            smartket_protocol::record::validate_market_id(&market.id).map_err(|m| {
                ConfigError::Invalid {
                    field: "markets.id".into(),
                    message: format!("{:?} {m}", market.id),
                }
            })?;
        }
        if self.blobs.gc_every_secs == 0 {
            return Err(ConfigError::Invalid {
                field: "blobs.gc_every_secs".into(),
                message: "must be at least 1".into(),
            });
        }
        if !self.api.listen.ip().is_loopback() && !self.api.allow_remote {
            return Err(ConfigError::Invalid {
                field: "api.listen".into(),
                message: format!(
                    "{} is not a loopback address; set api.allow_remote = true (or --allow-remote-api) if you really want the API reachable from the network",
                    self.api.listen
                ),
            });
        }
        Ok(())
    }

    /// The documented TOML file `init` writes: every field, with what it does.
    pub fn to_documented_toml(&self) -> String {
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let list = |addrs: &[Addr]| {
            addrs
                .iter()
                .map(|a| quote(&a.0.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = String::new();
        out.push_str("# smartket node configuration.\n");
        out.push_str("# Every field may be left out: the defaults work. Environment variables\n");
        out.push_str("# (SMARTKET_ROLE, SMARTKET_NAME, SMARTKET_LISTEN, SMARTKET_BOOTSTRAP,\n");
        out.push_str("# SMARTKET_API, SMARTKET_MARKETS) override this file; command-line flags\n");
        out.push_str("# override both.\n\n[node]\n");
        out.push_str(&format!(
            "# What this node is: {}.\nrole = {}\n",
            ROLES.join(", "),
            quote(&self.node.role)
        ));
        out.push_str(&format!(
            "# The name shown to others on your profile.\nname = {}\n\n[network]\n",
            quote(&self.node.name)
        ));
        out.push_str(&format!(
            "# Where other nodes reach this one (TCP and QUIC). Behind a home router no port\n# forwarding is needed: the node finds relays and punches through NAT.\nlisten = [{}]\n",
            list(&self.network.listen)
        ));
        out.push_str(&format!(
            "# Extra bootstrap nodes (each ending in /p2p/<peer id>), beyond the markets' own.\nbootstrap = [{}]\n",
            list(&self.network.bootstrap)
        ));
        out.push_str(&format!(
            "# Public addresses others can dial (a cooperative node on a server sets its own).\nexternal = [{}]\n\n[api]\n",
            list(&self.network.external)
        ));
        out.push_str(&format!(
            "# Where the web UI and API listen. Keep it on 127.0.0.1.\nlisten = {}\n# Must be true to listen on a non-loopback address.\nallow_remote = {}\n",
            quote(&self.api.listen.to_string()),
            self.api.allow_remote
        ));
        out.push_str(&format!(
            "\n[blobs]\n# Seconds between two clean-ups of images no current listing or profile names.\ngc_every_secs = {}\n# Seconds such an image is kept after upload, so it survives until its listing is published.\ngc_grace_secs = {}\n",
            self.blobs.gc_every_secs, self.blobs.gc_grace_secs
        ));
        for market in &self.markets {
            out.push_str("\n# A market this node joins. `config` points to its config file; leave it out\n# for a market built into smartket (geneva).\n[[markets]]\n");
            out.push_str(&format!("id = {}\n", quote(&market.id)));
            if let Some(path) = &market.config {
                out.push_str(&format!(
                    "config = {}\n",
                    quote(&path.display().to_string())
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_file_parses_back_to_the_same_config() {
        let mut config = Config::default();
        config.node.name = "Ferme des Grands Bois".into();
        config.node.role = "producer".into();
        config.blobs.gc_grace_secs = 60;
        let text = config.to_documented_toml();
        assert_eq!(Config::from_toml(Path::new("x"), &text).unwrap(), config);
    }

    #[test]
    fn parse_errors_name_the_file_line_and_field() {
        let text = "[node]\nrole = \"producer\"\n\n[network]\nlisten = [\"not-an-addr\"]\n";
        let err = Config::from_toml(Path::new("/d/smartket.toml"), text).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("/d/smartket.toml"), "{shown}");
        assert!(shown.contains("line 5"), "{shown}");
        assert!(shown.contains("not-an-addr"), "{shown}");

        let err = Config::from_toml(Path::new("f"), "[network]\nbootstrapp = []\n").unwrap_err();
        assert!(err.to_string().contains("bootstrapp"), "{err}");
    }

    #[test]
    fn layers_apply_in_order_defaults_file_env_flags() {
        let mut config =
            Config::from_toml(Path::new("f"), "[api]\nlisten = \"127.0.0.1:9000\"\n").unwrap();
        assert_eq!(config.api.listen.port(), 9000);
        config
            .apply_env(|var| (var == "SMARTKET_API").then(|| "127.0.0.1:9100".to_string()))
            .unwrap();
        assert_eq!(config.api.listen.port(), 9100);
        config.apply_flags(&Overrides {
            api: Some("127.0.0.1:9200".parse().unwrap()),
            ..Overrides::default()
        });
        assert_eq!(config.api.listen.port(), 9200);
        assert_eq!(config.node.role, "consumer");
    }

    #[test]
    fn a_bad_env_value_is_named() {
        let mut config = Config::default();
        let err = config
            .apply_env(|var| (var == "SMARTKET_BOOTSTRAP").then(|| "nope".to_string()))
            .unwrap_err();
        assert!(err.to_string().contains("SMARTKET_BOOTSTRAP"), "{err}");
    }

    #[test]
    fn a_remote_api_needs_the_explicit_flag() {
        let mut config = Config::default();
        config.api.listen = "0.0.0.0:8417".parse().unwrap();
        assert!(config.validate().is_err());
        config.api.allow_remote = true;
        assert!(config.validate().is_ok());
    }

    #[test]
    fn blob_collection_timing_is_read_from_the_file_and_never_zero() {
        let text = "[blobs]\ngc_every_secs = 2\ngc_grace_secs = 1\n";
        let config = Config::from_toml(Path::new("f"), text).unwrap();
        assert_eq!(
            config.blobs,
            BlobsSection {
                gc_every_secs: 2,
                gc_grace_secs: 1
            }
        );
        let mut config = Config::default();
        config.blobs.gc_every_secs = 0;
        assert!(config.validate().is_err());
    }
}
