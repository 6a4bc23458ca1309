//! Full-text search over the current listings of every joined market, with filters, facet
//! counts, sorting and pagination: a tantivy index in `<data-dir>/search/`, fed by the store's
//! events and rebuilt from the store whenever it cannot be trusted.
//!
//! ```text
//!  Ingest ──StoreEvent──▶ daemon search task ──batches (≤ 1 s)──▶ SearchIndex::apply ──▶ tantivy
//!  Store ─────────────────────── rebuild (missing / outdated / corrupt / interrupted) ──┘
//!  Handle::search(SearchQuery) ──▶ SearchIndex::search ──▶ SearchResults
//! ```
//!
//! **Documents.** One index holds three kinds of documents, told apart by `kind`: listings
//! (what searches return), sellers' profiles and couriers' delivery offers. A listing's
//! document copies what its filters need from other records: its seller's name, roles,
//! payment means and location (from the profile), and the labels attested about it or its
//! seller. When a profile or attestation changes, the listings depending on it are rebuilt in
//! the same batch. The seller is the listing's author, or the member a platform publishes for.
//!
//! **Analyzers.** Titles and descriptions are indexed per language: `fr` with the French
//! analyzer, `en` with the English one (each: lower case, stop words, Snowball stemmer, then
//! accents folded), other languages and seller names folded but not stemmed. Category names of
//! the market's taxonomy are indexed with the listing's text, so "fromage" finds a tomme. A
//! query word is analyzed by each field's analyzer and matches as the exact stem, as a prefix
//! of a longer term ("fromage" finds "Fromagerie"), or — in queries of at most three words —
//! within one typo (two for words of eight letters or more).
//!
//! **Labels.** An attestation's issuer and label are indexed on the listing as
//! `<issuer>:<label>` when it is about the listing or its seller, valid at indexing time, and
//! not issued by the seller or the listing's author (self-claims never count). Trust is applied
//! at query time, from [`SearchQuery::trusted_issuers`]: a label filter matches any trusted
//! issuer's term, the label facet counts a listing once per label among trusted issuers' terms
//! only, and hits show only trusted labels.
//!
//! **Delivery to a postcode.** A listing can be delivered to postcode P when the seller
//! delivers there itself (its own-delivery postcodes are indexed on the listing), or when it
//! accepts couriers and some courier's delivery offer in the market serves P — by postcode, or
//! by a circular zone containing the query's location. The courier part is resolved at query
//! time against the indexed delivery offers, so a new courier zone needs no listing rebuilt.
//! **Pick-up within R metres** keeps listings offering pick-up whose seller's published point
//! is within R of the query's location (the pick-up place itself has only a postcode).
//!
//! **Facets.** Categories are tantivy facets (`/food/dairy/cheese`), so a parent counts its
//! children's listings; the counts returned are those of the children of the filtered
//! category. Sellers, roles, labels and payment means are counted from fast fields in the same
//! pass. Counts are over the listings matching the whole query, filters included.
//!
//! **Rebuild rule.** The index is rebuilt from the store at open when it is missing, when its
//! commit payload is not this [`schema::SCHEMA_VERSION`], when tantivy cannot open it or a file
//! fails its checksum, or when the `pending` marker shows that a batch was being applied when
//! the node stopped, or the `running` marker that the node was killed (or its disk failed)
//! before the indexer had every change the store committed — changes wait up to a second for
//! their batch; and at run time when the indexer missed store events.

mod analyzers;
mod document;
mod facets;
mod feed;
#[cfg(test)]
mod fixtures;
mod geo;
mod indexer;
mod labels;
mod model;
mod query;
mod rebuild;
mod schema;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_filters;
#[cfg(test)]
mod tests_queries;
#[cfg(test)]
mod tests_rebuild;
#[cfg(test)]
mod tests_sorting;
#[cfg(test)]
mod tests_text;
#[cfg(test)]
mod tests_updates;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use smartket_protocol::market::Market;
use tantivy::{Index, IndexReader, ReloadPolicy};
use thiserror::Error;

pub use feed::{feed, open};
pub use model::{
    DEFAULT_LIMIT, FacetCount, Facets, Filters, Hit, MAX_LIMIT, MAX_OFFSET, SearchQuery,
    SearchResults, Sort,
};
pub use rebuild::{RebuildProgress, RebuildReason};

use crate::ingest::StoreEvent;
use crate::store::{Store, StoreError};
use document::MarketInfo;
use indexer::Indexer;
use schema::Fields;

/// Memory the index writer may buffer before it writes a segment.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;
/// The file that exists while a node runs with this index open.
const RUNNING: &str = "running";

/// Why a search or an index update failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SearchError {
    /// Reading or writing the index directory failed.
    #[error("search index {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The search engine failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// Reading records to index failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The market searched is not joined.
    #[error("market {0:?} is not joined")]
    UnknownMarket(String),
    /// The query is malformed (a key that is not hex, a category that is not a code…).
    #[error("invalid search query: {0}")]
    InvalidQuery(String),
    /// The search could not run (its task failed).
    #[error("search failed: {0}")]
    Failed(String),
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> SearchError {
        SearchError::Index(e.into())
    }
}

/// The search index. Cheap to clone; methods block on disk I/O (call them from
/// `spawn_blocking` in async code). Searches run concurrently; updates are serialized.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    default_language: HashMap<String, String>,
    indexer: Mutex<Indexer>,
    /// The marker that says the index may be behind the store (see [`SearchIndex::caught_up`]).
    running: PathBuf,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir` (`<data-dir>/search`) for `markets`, rebuilding it from `store`
    /// first if it cannot be trusted (see the module doc); `progress` hears about each step of
    /// a rebuild.
    pub fn open(
        dir: &Path,
        store: Store,
        markets: &[Market],
        progress: &mut dyn FnMut(&RebuildProgress),
    ) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema::build();
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let marker = dir.join("pending");
        let running = dir.join(RUNNING);
        let (index, mut reason) = rebuild::open(&dir.join("index"), &schema)?;
        if reason.is_none() && (marker.exists() || running.exists()) {
            reason = Some(RebuildReason::Interrupted);
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let mut indexer = Indexer {
            writer,
            reader: reader.clone(),
            fields,
            markets: markets
                .iter()
                .map(|m| (m.id.clone(), MarketInfo::new(m)))
                .collect(),
            store,
            labels: Default::default(),
            profiles: HashMap::new(),
            marker,
        };
        match reason {
            Some(reason) => {
                tracing::info!(?reason, "rebuilding the search index from the store");
                indexer.rebuild(&reason, progress)?;
            }
            None => {
                indexer.load_state()?;
            }
        }
        std::fs::write(&running, b"").map_err(|source| SearchError::Io {
            path: running.clone(),
            source,
        })?;
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                index,
                reader,
                fields,
                default_language: markets
                    .iter()
                    .map(|m| (m.id.clone(), m.default_language.clone()))
                    .collect(),
                indexer: Mutex::new(indexer),
                running,
            }),
        })
    }

    /// Every store change sent to the index is in it: the next open need not rebuild. Called
    /// by the feed when it stops with nothing left queued; a node killed before that (changes
    /// committed to the store, still waiting for the indexer's next batch) finds the `running`
    /// marker at its next start and rebuilds.
    pub fn caught_up(&self) {
        if let Err(e) = std::fs::remove_file(&self.inner.running) {
            tracing::warn!(
                "search index: removing {}: {e}",
                self.inner.running.display()
            );
        }
    }

    /// Applies a batch of store changes and commits it: searches see all of it or none.
    pub fn apply(&self, events: &[StoreEvent]) -> Result<(), SearchError> {
        self.indexer().apply(events)
    }

    /// Rebuilds the whole index from the store (after missed events).
    pub fn rebuild(
        &self,
        reason: RebuildReason,
        progress: &mut dyn FnMut(&RebuildProgress),
    ) -> Result<(), SearchError> {
        self.indexer().rebuild(&reason, progress)
    }

    /// Runs a query against the last committed state of the index.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let Some(default_language) = self.inner.default_language.get(&query.market) else {
            return Err(SearchError::UnknownMarket(query.market.clone()));
        };
        let cx = query::Context {
            index: &self.inner.index,
            searcher: self.inner.reader.searcher(),
            fields: self.inner.fields,
            default_language,
        };
        query::run(&cx, query)
    }

    fn indexer(&self) -> MutexGuard<'_, Indexer> {
        // A panic while indexing leaves at worst uncommitted changes, which the next commit
        // or rebuild settles; the index itself stays consistent.
        self.inner
            .indexer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
