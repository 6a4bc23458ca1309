//! Own records from the command line: `publish`, `listing add`, `listing rm`, `listing list`.
//!
//! ```text
//! record file ─▶ RecordFile ─▶ body_from_json ─▶ Payload ─▶ signed with the data dir's key
//!     ─┬▶ a node runs: POST /api/v1/records, checked by the node as records from the network
//!      └▶ none runs:   Ingest (Local) ─▶ Store, published by the node when it next starts
//! ```
//!
//! The file's body is read by [`body_from_json`], the function the API reads its JSON bodies
//! with, so a body the web API accepts (byte fields as hex) is accepted here too, and a bad one
//! is refused with the same field name.

use std::path::Path;

use anyhow::{Context, Result, bail};
use smartket_protocol::kinds::Tombstone;
use smartket_protocol::record::{MAX_LIFETIME_MS, Payload};
use smartket_protocol::{Body, Kind, Record};

use super::client::Holder;
use super::first_market;
use crate::api::SubmitOutcome;
use crate::clock::now_ms;
use crate::config::{Config, Overrides};
use crate::data_dir::DataDir;
use crate::identity;
use crate::ingest::{Ingest, Source};
use crate::own::{DAY_MS, DEFAULT_LIFETIME_MS};
use crate::record_json::{RecordJson, body_from_json, record_json};
use crate::store::Store;

/// Signs and publishes the record in the file at `path`; `kind`, when the command implies
/// one (`listing add`), replaces the file's.
pub(super) async fn publish(dir: &Path, path: &Path, kind: Option<Kind>) -> Result<()> {
    let file = RecordFile::read(path, kind)?;
    let config = Config::load(dir, &Overrides::default())?;
    let payload = file.payload(&first_market(&config)?)?;
    submit(dir, &config, payload).await
}

/// Withdraws one's listing `key` in the first market by publishing its tombstone.
pub(super) async fn withdraw_listing(dir: &Path, key: String) -> Result<()> {
    let config = Config::load(dir, &Overrides::default())?;
    // A tombstone lives as long as anything may: it must outlive every copy of the listing a
    // peer might still offer.
    let payload = Payload::new(
        first_market(&config)?,
        key,
        now_ms(),
        MAX_LIFETIME_MS,
        Body::Tombstone(Tombstone {
            target_kind: Kind::Listing,
        }),
    );
    submit(dir, &config, payload).await
}

pub(super) async fn list_listings(dir: &Path) -> Result<()> {
    let config = Config::load(dir, &Overrides::default())?;
    let records: Vec<RecordJson> = match Holder::of(dir, &config)? {
        Holder::Nobody(_lock) => {
            let store = Store::open(&DataDir::new(dir).store())?;
            let me = identity::load_key(dir)?.public();
            let mut out = Vec::new();
            for market in &config.markets {
                for r in store.by_author(&market.id, &me)? {
                    if r.payload.kind == Kind::Listing {
                        out.push(record_json(&r));
                    }
                }
            }
            out
        }
        Holder::Node(client) => client.own_listings().await?,
    };
    if records.is_empty() {
        println!("No listings yet. Add one with `smartket listing add FILE`.");
    }
    for r in records {
        println!("{}\t{}\trev {}\t{}", r.key, r.market, r.rev, r.id);
    }
    Ok(())
}

/// Signs with the node's key and hands the record to the running node, or, when none runs,
/// commits it to the database so the node publishes it when it starts.
async fn submit(dir: &Path, config: &Config, payload: Payload) -> Result<()> {
    let secret = identity::load_key(dir)?;
    let record = Record::sign(&secret, payload).context("the record is not valid")?;
    let outcome = match Holder::of(dir, config)? {
        Holder::Nobody(_lock) => {
            let markets = crate::markets::load_all(&config.markets, dir)?;
            let store = Store::open(&DataDir::new(dir).store())?;
            let verdict = Ingest::new(store, markets)
                .ingest(
                    Source::Local,
                    &record.payload.market,
                    vec![record.to_wire()],
                    now_ms(),
                )
                .into_iter()
                .next()
                .context("ingest returned nothing")?;
            let mut outcome = SubmitOutcome::of(&verdict);
            if outcome.outcome == "accepted" {
                outcome.reason = Some("stored; the node publishes it when it next runs".into());
            }
            outcome
        }
        Holder::Node(client) => client.submit(record.to_wire()).await?,
    };
    match outcome.outcome.as_str() {
        "accepted" => {
            println!(
                "{} {} published (id {})",
                record.payload.kind,
                record.payload.key,
                outcome.id.unwrap_or_default()
            );
            if let Some(note) = outcome.reason {
                println!("  {note}");
            }
            Ok(())
        }
        other => bail!(
            "record {other}: {}",
            outcome.reason.unwrap_or_else(|| "no reason given".into())
        ),
    }
}

/// A record described in a file for `publish` and `listing add`: the fields of the API's
/// new-record input, plus the `kind` the API takes from its URL.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordFile {
    kind: Option<String>,
    key: String,
    market: Option<String>,
    lifetime_days: Option<u64>,
    body: serde_json::Value,
}

impl RecordFile {
    fn read(path: &Path, kind: Option<Kind>) -> Result<RecordFile> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut file: RecordFile = if path.extension().is_some_and(|e| e == "toml") {
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        } else {
            serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        };
        if let Some(kind) = kind {
            file.kind = Some(kind.as_str().into());
        }
        Ok(file)
    }

    /// The unsigned payload, made now; the kind's field rules are checked when it is signed.
    fn payload(&self, default_market: &str) -> Result<Payload> {
        let kind: Kind = self
            .kind
            .as_deref()
            .context("the file needs a `kind`")?
            .parse()
            .context("the record is not valid")?;
        let body = body_from_json(kind, &self.body).context("the record is not valid")?;
        let lifetime = self
            .lifetime_days
            .map_or(DEFAULT_LIFETIME_MS, |d| d.saturating_mul(DAY_MS));
        Ok(Payload::new(
            self.market.as_deref().unwrap_or(default_market),
            self.key.as_str(),
            now_ms(),
            lifetime,
            body,
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use smartket_protocol::SecretKey;

    use super::*;

    fn profile_file(enc_key: &str) -> RecordFile {
        serde_json::from_value(json!({
            "kind": "profile",
            "key": "profile",
            "lifetime_days": 2,
            "body": {
                "roles": ["consumer"],
                "legal_form": "individual",
                "name": { "fr": "Ferme du Lac" },
                "enc_key": enc_key,
            },
        }))
        .unwrap()
    }

    #[test]
    fn a_record_file_takes_byte_fields_as_hex_as_the_api_does() {
        let payload = profile_file(&"11".repeat(32)).payload("geneva").unwrap();
        assert_eq!(payload.market, "geneva");
        assert_eq!(payload.expires - payload.rev, 2 * DAY_MS);
        let record = Record::sign(&SecretKey::from_bytes(&[7; 32]), payload).unwrap();
        assert_eq!(record_json(&record).body["enc_key"], json!("11".repeat(32)));
    }

    #[test]
    fn a_bad_byte_field_in_a_record_file_is_named() {
        let err = profile_file("zz").payload("geneva").unwrap_err();
        assert!(format!("{err:#}").contains("body.enc_key"), "{err:#}");
    }
}
