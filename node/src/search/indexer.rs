//! Applying store changes to the index. A batch of [`StoreEvent`]s becomes one tantivy commit:
//! records are deleted by id, new ones added, and every listing whose document depends on a
//! changed record is rebuilt — the listings of a seller whose profile or actor labels changed,
//! and the listing an attestation is about.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use smartket_protocol::kinds::{PROFILE_KEY, Profile, Subject};
use smartket_protocol::{AuthorKey, Body, Kind, Record, RecordId, Slot};
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{IndexReader, IndexWriter, TantivyDocument, Term};

use super::SearchError;
use super::document::{self, ListingContext, MarketInfo};
use super::labels::LabelBook;
use super::schema::{Fields, KIND_LISTING, SCHEMA_VERSION};
use crate::ingest::StoreEvent;
use crate::store::Store;

/// The single writer of the index and the in-memory facts documents are built from.
pub(crate) struct Indexer {
    pub(crate) writer: IndexWriter,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    pub(crate) markets: HashMap<String, MarketInfo>,
    pub(crate) store: Store,
    pub(crate) labels: LabelBook,
    /// Profile record id → (market, author): a removed profile is known only by its id.
    pub(crate) profiles: HashMap<RecordId, (String, AuthorKey)>,
    /// Present while changes are applied but not committed; an index found with it was
    /// interrupted and is rebuilt.
    pub(crate) marker: PathBuf,
}

/// What one batch changes.
#[derive(Default)]
pub(crate) struct Batch {
    /// Listings to (re)index, by id.
    pub(crate) listings: HashMap<RecordId, Record>,
    /// Sellers whose listings must be rebuilt.
    sellers: HashSet<(String, AuthorKey)>,
    /// Listing slots (market, author, key) whose current listing must be rebuilt.
    slots: HashSet<(String, AuthorKey, String)>,
}

impl Indexer {
    /// Applies `events` in order and commits them as one.
    pub(crate) fn apply(&mut self, events: &[StoreEvent]) -> Result<(), SearchError> {
        if events.is_empty() {
            return Ok(());
        }
        self.set_marker()?;
        let mut batch = Batch::default();
        for event in events {
            match event {
                StoreEvent::Added(record) => self.add(record, &mut batch),
                StoreEvent::Replaced { old, new } => {
                    self.remove(old, &mut batch);
                    self.add(new, &mut batch);
                }
                StoreEvent::Removed { id, .. } => self.remove(id, &mut batch),
            }
        }
        self.resolve(&mut batch)?;
        self.index_listings(std::mem::take(&mut batch.listings))?;
        self.commit()
    }

    /// Takes one record into the batch (profiles and delivery offers are added at once).
    pub(crate) fn add(&mut self, record: &Record, batch: &mut Batch) {
        let market = &record.payload.market;
        if !self.markets.contains_key(market) {
            return;
        }
        let f = self.fields;
        // A record seen twice (events queued across a rebuild) must not be indexed twice.
        self.writer
            .delete_term(Term::from_field_text(f.id, &record.id.to_hex()));
        let result = match &record.payload.body {
            Body::Listing(_) => {
                batch.listings.insert(record.id, record.clone());
                Ok(0)
            }
            Body::Profile(profile) => {
                self.profiles
                    .insert(record.id, (market.clone(), record.author()));
                batch.sellers.insert((market.clone(), record.author()));
                self.writer
                    .add_document(document::profile_doc(&f, record, profile))
            }
            Body::DeliveryOffer(offer) => self
                .writer
                .add_document(document::delivery_doc(&f, record, offer)),
            Body::Attestation(_) => {
                if let Some(subject) = self.labels.insert(record) {
                    batch.mark(subject);
                }
                Ok(0)
            }
            Body::Membership(_) | Body::Tombstone(_) => Ok(0),
        };
        if let Err(e) = result {
            tracing::warn!(id = %record.id, "search index refused a document: {e}");
        }
    }

    /// Removes a record's document and marks what depended on it.
    fn remove(&mut self, id: &RecordId, batch: &mut Batch) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.id, &id.to_hex()));
        batch.listings.remove(id);
        if let Some(subject) = self.labels.remove(id) {
            batch.mark(subject);
        }
        if let Some(seller) = self.profiles.remove(id) {
            batch.sellers.insert(seller);
        }
    }

    /// Adds to the batch every indexed listing that depends on a changed profile or label.
    fn resolve(&mut self, batch: &mut Batch) -> Result<(), SearchError> {
        let mut ids = Vec::new();
        let searcher = self.reader.searcher();
        for (market, seller) in &batch.sellers {
            let term = |field, text: &str| -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, text),
                    IndexRecordOption::Basic,
                ))
            };
            let query = BooleanQuery::new(vec![
                (Occur::Must, term(self.fields.kind, KIND_LISTING)),
                (Occur::Must, term(self.fields.market, market)),
                (Occur::Must, term(self.fields.seller, &seller.to_hex())),
            ]);
            for address in searcher.search(&query, &DocSetCollector)? {
                let doc: TantivyDocument = searcher.doc(address)?;
                let id = doc
                    .get_first(self.fields.id)
                    .and_then(|v| v.as_str())
                    .and_then(|hex| hex.parse::<RecordId>().ok());
                if let Some(id) = id.filter(|id| !batch.listings.contains_key(id)) {
                    ids.push(id);
                }
            }
        }
        for record in self.store.get_many(&ids)? {
            batch.listings.insert(record.id, record);
        }
        for (market, author, key) in std::mem::take(&mut batch.slots) {
            let slot = Slot {
                author,
                kind: Kind::Listing,
                key,
            };
            if let Some(record) = self.store.current(&slot)?
                && record.payload.market == market
                && matches!(record.payload.body, Body::Listing(_))
            {
                batch.listings.insert(record.id, record);
            }
        }
        Ok(())
    }

    /// (Re)builds the documents of `listings` with their seller's current profile and labels.
    pub(crate) fn index_listings(
        &mut self,
        listings: HashMap<RecordId, Record>,
    ) -> Result<(), SearchError> {
        let now = crate::clock::now_ms();
        let mut profiles: HashMap<(String, AuthorKey), Option<Profile>> = HashMap::new();
        for record in listings.into_values() {
            let Body::Listing(listing) = &record.payload.body else {
                continue;
            };
            let market = &record.payload.market;
            let Some(info) = self.markets.get(market) else {
                continue;
            };
            let author = record.author();
            let seller = listing.on_behalf_of.unwrap_or(author);
            let key = (market.clone(), seller);
            let profile = match profiles.get(&key) {
                Some(profile) => profile.clone(),
                None => {
                    let profile = self.profile_of(market, seller)?;
                    profiles.insert(key, profile.clone());
                    profile
                }
            };
            let mut attested = BTreeSet::new();
            let not_by = [seller, author];
            let about_seller = Subject::Actor { key: seller };
            let about_listing = Subject::Listing {
                author,
                key: record.payload.key.clone(),
            };
            for subject in [about_seller, about_listing] {
                self.labels
                    .about(market, &subject, &not_by, now, &mut attested);
            }
            let cx = ListingContext {
                info,
                seller,
                profile: profile.as_ref(),
                attested: &attested,
            };
            let doc = document::listing_doc(&self.fields, &record, listing, &cx);
            self.writer
                .delete_term(Term::from_field_text(self.fields.id, &record.id.to_hex()));
            self.writer.add_document(doc)?;
        }
        Ok(())
    }

    fn profile_of(&self, market: &str, seller: AuthorKey) -> Result<Option<Profile>, SearchError> {
        let slot = Slot {
            author: seller,
            kind: Kind::Profile,
            key: PROFILE_KEY.to_owned(),
        };
        Ok(self.store.current(&slot)?.and_then(|record| {
            match (record.payload.market == market, record.payload.body) {
                (true, Body::Profile(profile)) => Some(profile),
                _ => None,
            }
        }))
    }

    /// Commits with the schema version as payload, makes the commit visible to searches, and
    /// clears the marker.
    pub(crate) fn commit(&mut self) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(SCHEMA_VERSION);
        prepared.commit()?;
        self.reader.reload()?;
        match std::fs::remove_file(&self.marker) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(SearchError::Io {
                path: self.marker.clone(),
                source,
            }),
        }
    }

    pub(crate) fn set_marker(&self) -> Result<(), SearchError> {
        std::fs::write(&self.marker, b"").map_err(|source| SearchError::Io {
            path: self.marker.clone(),
            source,
        })
    }
}

impl Batch {
    fn mark(&mut self, (market, subject): (String, Subject)) {
        match subject {
            Subject::Actor { key } => {
                self.sellers.insert((market, key));
            }
            Subject::Listing { author, key } => {
                self.slots.insert((market, author, key));
            }
        }
    }
}
