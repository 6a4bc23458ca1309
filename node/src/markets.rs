//! The markets a node joins: built-in configs (Geneva ships inside the binary, so a fresh node
//! needs no extra file) or config files named in `smartket.toml`.

use std::path::Path;

use smartket_protocol::market::Market;
use smartket_protocol::{Record, RecordError};
use thiserror::Error;

use crate::config::MarketEntry;

/// Market configs compiled into the binary, by id.
const BUILT_IN: &[(&str, &str)] = &[("geneva", include_str!("../../examples/geneva/market.toml"))];

/// Why a market could not be loaded.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MarketLoadError {
    /// No file given and no built-in config of that id.
    #[error(
        "unknown market {id:?}: give its config file in [[markets]] config = \"…\" (built in: {known})"
    )]
    Unknown {
        /// The id asked for.
        id: String,
        /// The built-in ids.
        known: String,
    },
    /// The file could not be read.
    #[error("market config {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not a valid market config.
    #[error("market config {path}: {message}")]
    Invalid {
        /// The file (or `built-in:<id>`).
        path: String,
        /// What is wrong, with line and field.
        message: String,
    },
    /// The file's id differs from the one the node config names.
    #[error(
        "market config {path} is for market {found:?}, but the node config asks for {expected:?}"
    )]
    IdMismatch {
        /// The file.
        path: String,
        /// The id in `smartket.toml`.
        expected: String,
        /// The id in the file.
        found: String,
    },
}

/// A market's config is the rule book the ingest pipeline applies after the protocol's own
/// rules: categories from its taxonomy, its currencies.
impl crate::ingest::MarketRules for Market {
    fn id(&self) -> &str {
        &self.id
    }

    fn check(&self, record: &Record) -> Result<(), RecordError> {
        self.validate_payload(&record.payload)
    }
}

/// Loads every configured market; relative config paths are relative to the data dir.
pub fn load_all(entries: &[MarketEntry], data_dir: &Path) -> Result<Vec<Market>, MarketLoadError> {
    entries.iter().map(|e| load(e, data_dir)).collect()
}

fn load(entry: &MarketEntry, data_dir: &Path) -> Result<Market, MarketLoadError> {
    let (path, text) = match &entry.config {
        Some(file) => {
            let path = data_dir.join(file);
            let text = std::fs::read_to_string(&path).map_err(|source| MarketLoadError::Io {
                path: path.display().to_string(),
                source,
            })?;
            (path.display().to_string(), text)
        }
        None => {
            let (_, text) = BUILT_IN
                .iter()
                .find(|(id, _)| *id == entry.id)
                .ok_or_else(|| MarketLoadError::Unknown {
                    id: entry.id.clone(),
                    known: BUILT_IN
                        .iter()
                        .map(|(id, _)| *id)
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            (format!("built-in:{}", entry.id), (*text).to_owned())
        }
    };
    let market = Market::from_toml(&text).map_err(|e| MarketLoadError::Invalid {
        path: path.clone(),
        message: e.to_string(),
    })?;
    if market.id != entry.id {
        return Err(MarketLoadError::IdMismatch {
            path,
            expected: entry.id.clone(),
            found: market.id,
        });
    }
    Ok(market)
}
