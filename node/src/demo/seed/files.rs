//! The seed's files as written: `market.toml`, and each `actors/*.toml` parsed into its shape,
//! with bodies left as TOML tables until their references are resolved (`records.rs`).
//!
//! Only reading and parsing happen here, so a file that does not parse is reported before any
//! reference is looked at.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use smartket_protocol::Market;
use smartket_protocol::kinds::Scope;

use super::{SeedError, SeedRole};

pub(super) fn load_market(path: &Path) -> Result<Market, SeedError> {
    let text = read(path)?;
    Market::from_toml(&text).map_err(|e| SeedError::Market {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

fn read(path: &Path) -> Result<String, SeedError> {
    std::fs::read_to_string(path).map_err(|source| SeedError::Read {
        path: path.to_owned(),
        source,
    })
}

/// An actor file as written: bodies stay TOML until their references are resolved.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ActorFile {
    pub(super) slug: String,
    pub(super) role: SeedRole,
    #[serde(default = "yes")]
    pub(super) node: bool,
    pub(super) profile: toml::Table,
    #[serde(default)]
    pub(super) memberships: Vec<MembershipSpec>,
    #[serde(default)]
    pub(super) delivery_offers: Vec<toml::Table>,
    #[serde(default)]
    pub(super) attestations: Vec<AttestationSpec>,
    #[serde(default)]
    pub(super) listings: Vec<toml::Table>,
    #[serde(skip)]
    pub(super) path: PathBuf,
}

fn yes() -> bool {
    true
}

/// A membership as written: the platform by reference; the countersignature is computed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MembershipSpec {
    pub(super) platform: String,
    pub(super) scope: Vec<Scope>,
    pub(super) until: u64,
}

/// An attestation as written: the subject by reference; the slot key is computed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AttestationSpec {
    pub(super) subject: String,
    pub(super) label: String,
    pub(super) valid_from: u64,
    pub(super) valid_until: u64,
    #[serde(default)]
    pub(super) evidence: Option<String>,
}

pub(super) fn parse_actor_files(dir: &Path) -> Result<Vec<ActorFile>, SeedError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SeedError::Read {
        path: dir.to_owned(),
        source,
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| SeedError::Read {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Err(SeedError::NoActors(dir.to_owned()));
    }
    paths.sort();
    paths.iter().map(|p| parse_actor_file(p)).collect()
}

fn parse_actor_file(path: &Path) -> Result<ActorFile, SeedError> {
    let text = read(path)?;
    let mut file: ActorFile = toml::from_str(&text).map_err(|e| SeedError::Parse {
        path: path.to_owned(),
        field: "file".into(),
        message: e.to_string(),
    })?;
    file.path = path.to_owned();
    Ok(file)
}
