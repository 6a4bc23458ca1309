//! Opening the index directory, deciding whether it can be trusted, and rebuilding it from the
//! store when it cannot.
//!
//! The index is rebuilt when it is missing, written by another schema version (the commit
//! payload), corrupt (tantivy cannot open it or a file fails its checksum), or interrupted (the
//! marker file left by a batch that never committed). Rebuilding never reads the old index:
//! the directory is emptied and every current record of each joined market is read from the
//! store, attestations first so that listings get their labels on the first pass.

use std::ops::Bound;
use std::path::Path;

use serde::{Deserialize, Serialize};
use smartket_protocol::{Kind, RecordId};
use tantivy::Index;
use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;

use super::SearchError;
use super::analyzers;
use super::indexer::{Batch, Indexer};
use super::schema::SCHEMA_VERSION;

/// Records read from the store per step of a rebuild.
const PAGE: usize = 2000;

/// Why the index is rebuilt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
#[non_exhaustive]
pub enum RebuildReason {
    /// No index yet.
    Missing,
    /// Written by another schema version.
    Outdated(String),
    /// Unreadable or damaged files.
    Corrupt(String),
    /// A batch of changes was being applied when the node stopped.
    Interrupted,
    /// Store events were missed (the indexer fell behind the broadcast channel).
    Lagged,
}

/// How far a rebuild has come, reported after each page of records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebuildProgress {
    /// Why the rebuild runs.
    pub reason: RebuildReason,
    /// The market being read.
    pub market: String,
    /// Records of this market read so far.
    pub done: u64,
    /// Records of this market in the store (every kind, tombstones included).
    pub total: u64,
}

/// Opens the index in `dir`, or creates an empty one there; says why it must be rebuilt, if it
/// must.
pub(crate) fn open(
    dir: &Path,
    schema: &Schema,
) -> Result<(Index, Option<RebuildReason>), SearchError> {
    let io = |source| SearchError::Io {
        path: dir.to_owned(),
        source,
    };
    let reason = if !dir.join("meta.json").exists() {
        Some(RebuildReason::Missing)
    } else {
        match check(dir) {
            Ok(index) => {
                analyzers::register(&index);
                return Ok((index, None));
            }
            Err(reason) => Some(reason),
        }
    };
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io)?;
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let directory = MmapDirectory::open(dir)?;
    let index = Index::create(directory, schema.clone(), Default::default())?;
    analyzers::register(&index);
    Ok((index, reason))
}

/// The existing index, if it is of this version and undamaged.
fn check(dir: &Path) -> Result<Index, RebuildReason> {
    let corrupt = |e: tantivy::TantivyError| RebuildReason::Corrupt(e.to_string());
    let index = Index::open_in_dir(dir).map_err(corrupt)?;
    let payload = index.load_metas().map_err(corrupt)?.payload;
    if payload.as_deref() != Some(SCHEMA_VERSION) {
        return Err(RebuildReason::Outdated(payload.unwrap_or_default()));
    }
    let damaged = index.validate_checksum().map_err(corrupt)?;
    if !damaged.is_empty() {
        let files: Vec<String> = damaged.iter().map(|p| p.display().to_string()).collect();
        return Err(RebuildReason::Corrupt(format!(
            "checksum mismatch in {}",
            files.join(", ")
        )));
    }
    Ok(index)
}

impl Indexer {
    /// Replaces the whole index with documents built from the store's current records.
    pub(crate) fn rebuild(
        &mut self,
        reason: &RebuildReason,
        progress: &mut dyn FnMut(&RebuildProgress),
    ) -> Result<(), SearchError> {
        self.set_marker()?;
        self.writer.delete_all_documents()?;
        let markets = self.load_state()?;
        for market in &markets {
            let origin = (0, RecordId([0; 32]));
            let total = self.store.market_count(market, origin, Bound::Unbounded)?;
            let mut report = RebuildProgress {
                reason: reason.clone(),
                market: market.clone(),
                done: 0,
                total,
            };
            progress(&report);
            let mut start = origin;
            loop {
                let mut page = self
                    .store
                    .market_range(market, start, Bound::Unbounded, PAGE)?;
                // Pages after the first start at the last entry already read.
                if report.done > 0 && page.first() == Some(&start) {
                    page.remove(0);
                }
                let Some(last) = page.last().copied() else {
                    break;
                };
                let ids: Vec<RecordId> = page.iter().map(|(_, id)| *id).collect();
                let mut batch = Batch::default();
                for record in self.store.get_many(&ids)? {
                    // Attestations were loaded by `load_state`.
                    if record.payload.kind != Kind::Attestation {
                        self.add(&record, &mut batch);
                    }
                }
                self.index_listings(std::mem::take(&mut batch.listings))?;
                report.done += page.len() as u64;
                progress(&report);
                start = last;
            }
        }
        self.commit()
    }

    /// Loads from the store the facts kept in memory (attestations, and which record is whose
    /// profile); returns the markets, sorted.
    pub(crate) fn load_state(&mut self) -> Result<Vec<String>, SearchError> {
        self.labels.clear();
        self.profiles.clear();
        let mut markets: Vec<String> = self.markets.keys().cloned().collect();
        markets.sort();
        for market in &markets {
            for record in self
                .store
                .current_in_market(market, Some(Kind::Attestation))?
            {
                self.labels.insert(&record);
            }
            for record in self.store.current_in_market(market, Some(Kind::Profile))? {
                self.profiles
                    .insert(record.id, (market.clone(), record.author()));
            }
        }
        Ok(markets)
    }
}
