//! Which labels hold for which subject: the current attestations of each market, kept in
//! memory because the store has no index by subject and a listing's document needs its labels
//! every time it is (re)built. Loaded from the store on open, kept current from store events.

use std::collections::{BTreeSet, HashMap};

use smartket_protocol::kinds::{Attestation, Subject};
use smartket_protocol::{AuthorKey, Body, Record, RecordId};

/// One attestation, as far as search cares.
#[derive(Debug, Clone)]
struct Entry {
    market: String,
    issuer: AuthorKey,
    attestation: Attestation,
}

/// Current attestations by id and by subject.
#[derive(Debug, Default)]
pub(crate) struct LabelBook {
    by_id: HashMap<RecordId, Entry>,
    by_subject: HashMap<(String, Subject), Vec<RecordId>>,
}

impl LabelBook {
    /// Records an attestation; returns its subject (whose documents must be rebuilt), or `None`
    /// for any other record.
    pub(crate) fn insert(&mut self, record: &Record) -> Option<(String, Subject)> {
        let Body::Attestation(attestation) = &record.payload.body else {
            return None;
        };
        let market = record.payload.market.clone();
        let subject = attestation.subject.clone();
        self.by_subject
            .entry((market.clone(), subject.clone()))
            .or_default()
            .push(record.id);
        self.by_id.insert(
            record.id,
            Entry {
                market: market.clone(),
                issuer: record.author(),
                attestation: attestation.clone(),
            },
        );
        Some((market, subject))
    }

    /// Forgets an attestation; returns its subject if `id` was one.
    pub(crate) fn remove(&mut self, id: &RecordId) -> Option<(String, Subject)> {
        let entry = self.by_id.remove(id)?;
        let key = (entry.market, entry.attestation.subject);
        if let Some(ids) = self.by_subject.get_mut(&key) {
            ids.retain(|i| i != id);
            if ids.is_empty() {
                self.by_subject.remove(&key);
            }
        }
        Some(key)
    }

    /// Forgets everything (before a rebuild).
    pub(crate) fn clear(&mut self) {
        self.by_id.clear();
        self.by_subject.clear();
    }

    /// `(issuer, label)` of every attestation about `subject` valid at `now`, except those by
    /// `not_by` (self-claims: a seller vouching for itself or its own listing).
    pub(crate) fn about(
        &self,
        market: &str,
        subject: &Subject,
        not_by: &[AuthorKey],
        now: u64,
        out: &mut BTreeSet<(AuthorKey, String)>,
    ) {
        let Some(ids) = self.by_subject.get(&(market.to_owned(), subject.clone())) else {
            return;
        };
        for entry in ids.iter().filter_map(|id| self.by_id.get(id)) {
            if !not_by.contains(&entry.issuer) && entry.attestation.is_valid_at(now) {
                out.insert((entry.issuer, entry.attestation.label.clone()));
            }
        }
    }
}
