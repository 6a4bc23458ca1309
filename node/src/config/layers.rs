//! The layers a configuration is built from, in order: built-in defaults, the TOML file in the
//! data dir, `SMARTKET_*` environment variables, command-line flags; then the rules only the
//! result can be checked against.
//!
//! Apart from the file's shape (`config.rs`): the same sections are filled from four sources,
//! and this is where their order and the final checks live.

use std::net::SocketAddr;
use std::path::Path;

use super::{Addr, Config, ConfigError, MarketEntry, ROLES};

/// Overrides from the command line; `None` keeps the lower layers' value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--listen`
    pub listen: Option<Vec<Addr>>,
    /// `--bootstrap`
    pub bootstrap: Option<Vec<Addr>>,
    /// `--api`
    pub api: Option<SocketAddr>,
    /// `--remote-api`
    pub remote: Option<SocketAddr>,
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
        if let Some(remote) = flags.remote {
            self.api.remote = Some(remote);
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
        if self.backup.every_hours == 0 || self.backup.keep == 0 {
            return Err(ConfigError::Invalid {
                field: "backup".into(),
                message: "every_hours and keep must be at least 1".into(),
            });
        }
        if self.mailbox.collect_every_secs == 0 {
            return Err(ConfigError::Invalid {
                field: "mailbox.collect_every_secs".into(),
                message: "must be at least 1".into(),
            });
        }
        if !self.api.listen.ip().is_loopback() {
            let earlier = if self.api.allow_remote {
                " (api.allow_remote no longer allows it)"
            } else {
                ""
            };
            return Err(ConfigError::Invalid {
                field: "api.listen".into(),
                message: format!(
                    "{} is not a loopback address: plain HTTP is served on loopback only, since the \
                     session cookie and the token would cross the network in clear{earlier}; set \
                     api.remote = \"0.0.0.0:8418\" (or --remote-api) to serve the web UI over HTTPS",
                    self.api.listen
                ),
            });
        }
        if self.api.tls_cert.is_some() != self.api.tls_key.is_some() {
            return Err(ConfigError::Invalid {
                field: "api.tls_cert".into(),
                message: "give both api.tls_cert and api.tls_key, or neither (the node then \
                          signs its own certificate)"
                    .into(),
            });
        }
        Ok(())
    }
}
