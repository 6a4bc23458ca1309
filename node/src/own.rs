//! The actor's own records: every revision this node signs with its key — profile, listings and
//! their stock, delivery offers, attestations, memberships, tombstones, re-signing before expiry
//! — goes through [`OwnRecords`], whether it comes from the API, the web UI, an order taking
//! stock, or the CLI (records signed elsewhere, [`OwnRecords::submit`]).
//!
//! ```text
//! put / create / tombstone / set_stock ─▶ next revision (one rule) ─▶ sign ─▶ Ingest (Local)
//!        ─▶ Store ─▶ gossipsub publish, or the unpublished queue until a peer is there
//! republish task: records past ¾ of their lifetime ─▶ next revision, same lifetime
//! ```
//!
//! One rule for revisions, so that no caller can mint a revision its peers would take as stale:
//! `rev = max(now, previous rev + 1)`, `created` kept from the first revision, and the lifetime
//! the caller names, else the previous revision's, else [`DEFAULT_LIFETIME_MS`]. Errors are typed
//! ([`PublishError`]); the API turns them into HTTP answers and the web UI into form errors.

use std::sync::Arc;
use std::time::Duration;

use smartket_protocol::blob::referenced_by;
use smartket_protocol::kinds::{Body, Tombstone};
use smartket_protocol::record::{MAX_LIFETIME_MS, next_rev};
use smartket_protocol::{AuthorKey, Kind, Payload, Record, RecordError, SecretKey, Slot};
use tokio::sync::Mutex;

use crate::blobs::Blobs;
use crate::clock::now_ms;
use crate::ingest::{IgnoreReason, Ingest, IngestError, Source, Verdict};
use crate::network::{self, Client};
use crate::store::{Store, StoreError};

/// Lifetime of a slot's first revision when the caller names none (the node re-signs it before
/// it expires, so this only bounds how long a record outlives a node that went away).
pub const DEFAULT_LIFETIME_MS: u64 = 30 * DAY_MS;
/// One day, in ms.
pub const DAY_MS: u64 = 24 * 3600 * 1000;
/// How often own records that found no peer are offered again.
const RETRY_EVERY: Duration = Duration::from_secs(1);
/// How often own records are checked for re-signing before expiry.
const REPUBLISH_EVERY: Duration = Duration::from_secs(60);
/// Own records are re-signed when less than this share of their lifetime remains.
const REPUBLISH_WHEN_LEFT: u64 = 4;

/// Why one of the actor's own records was not published.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// A field has a value the protocol does not allow; `field` is its dotted path
    /// (`body.price.amount`, or `key`, `variant` for what the caller chose).
    #[error("invalid field {field}: {reason}")]
    Field {
        /// Dotted path of the field.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The record is refused for another reason (too large, market not joined, a delegated
    /// listing without a membership…).
    #[error(transparent)]
    Refused(IngestError),
    /// Creating a slot that already holds a current record.
    #[error("a record with key {key:?} exists")]
    Exists {
        /// The slot key.
        key: String,
    },
    /// Changing or deleting a slot that holds no current record.
    #[error("no current record with key {key:?}")]
    NotFound {
        /// The slot key.
        key: String,
    },
    /// The slot already holds this or a newer revision.
    #[error("the slot already holds this or a newer revision")]
    Stale,
    /// The node's database failed (the cause is in the log).
    #[error("the node's database failed: {0}")]
    Store(String),
    /// The disk is full: nothing was stored. The owner frees space; the node carries on by
    /// itself.
    #[error("this node's disk is full: nothing was saved; free some space and try again")]
    DiskFull,
}

impl PublishError {
    /// The dotted path of the field at fault, when one is.
    pub fn field(&self) -> Option<&str> {
        match self {
            PublishError::Field { field, .. } => Some(field),
            _ => None,
        }
    }

    fn field_of(field: &str, reason: impl Into<String>) -> PublishError {
        PublishError::Field {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

impl From<RecordError> for PublishError {
    fn from(e: RecordError) -> PublishError {
        match e {
            RecordError::InvalidField { field, reason } => PublishError::Field { field, reason },
            other => PublishError::Refused(IngestError::Record(other)),
        }
    }
}

impl From<IngestError> for PublishError {
    fn from(e: IngestError) -> PublishError {
        match e {
            IngestError::Record(e) | IngestError::MarketRule(e) => e.into(),
            other => PublishError::Refused(other),
        }
    }
}

impl From<StoreError> for PublishError {
    fn from(e: StoreError) -> PublishError {
        tracing::error!("own records: store: {e}");
        if e.is_disk_full() {
            return PublishError::DiskFull;
        }
        PublishError::Store(e.to_string())
    }
}

/// The owner's records: signs, stores and publishes them. Cheap to clone.
#[derive(Clone)]
pub struct OwnRecords {
    inner: Arc<Inner>,
}

struct Inner {
    secret: SecretKey,
    store: Store,
    ingest: Ingest,
    client: Client,
    /// Held off while an own record naming images commits (see [`OwnRecords::submit`]).
    blobs: Arc<Blobs>,
    /// The markets joined, in the config's order.
    markets: Vec<String>,
    /// Own records accepted locally but not yet handed to gossip (no peers yet).
    unpublished: Mutex<Vec<Record>>,
}

impl OwnRecords {
    /// The own records of the actor holding `secret`, in `markets`.
    pub(crate) fn new(
        secret: SecretKey,
        store: Store,
        ingest: Ingest,
        client: Client,
        blobs: Arc<Blobs>,
        markets: Vec<String>,
    ) -> OwnRecords {
        OwnRecords {
            inner: Arc::new(Inner {
                secret,
                store,
                ingest,
                client,
                blobs,
                markets,
                unpublished: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The actor's key.
    pub fn author(&self) -> AuthorKey {
        self.inner.secret.public()
    }

    /// The actor's current record of a slot in `market` (tombstoned and expired slots are
    /// empty).
    pub fn current(
        &self,
        market: &str,
        kind: Kind,
        key: &str,
    ) -> Result<Option<Record>, PublishError> {
        let slot = Slot {
            author: self.author(),
            kind,
            key: key.to_owned(),
        };
        Ok(self.inner.store.current(&slot)?.filter(|r| {
            r.payload.market == market
                && r.payload.kind != Kind::Tombstone
                && r.payload.expires > now_ms()
        }))
    }

    /// The actor's current records of `kind` in `market`, in key order.
    pub fn in_market(&self, market: &str, kind: Kind) -> Result<Vec<Record>, PublishError> {
        let now = now_ms();
        let mut records: Vec<Record> = self
            .inner
            .store
            .by_author(market, &self.author())?
            .into_iter()
            .filter(|r| r.payload.kind == kind && r.payload.expires > now)
            .collect();
        records.sort_by(|a, b| a.payload.key.cmp(&b.payload.key));
        Ok(records)
    }

    /// The actor's current records of `kind` (or of every kind) in every market joined.
    pub fn everywhere(&self, kind: Option<Kind>) -> Vec<Record> {
        let me = self.author();
        self.inner
            .markets
            .iter()
            .flat_map(|m| self.inner.store.by_author(m, &me).unwrap_or_default())
            .filter(|r| kind.is_none_or(|k| r.payload.kind == k))
            .collect()
    }

    /// Publishes `body` as the next revision of slot `key` in `market` (or its first).
    /// `lifetime_ms`: how long this revision lives; `None` keeps the previous revision's.
    pub async fn put(
        &self,
        market: &str,
        key: &str,
        body: Body,
        lifetime_ms: Option<u64>,
    ) -> Result<Record, PublishError> {
        let previous = self.current(market, body.slot_kind(), key)?;
        let mut now = now_ms();
        if previous.is_none() {
            // A slot emptied by a tombstone (or expiry) starts again above what it held, or
            // peers holding the tombstone would take the new record as stale.
            let slot = Slot {
                author: self.author(),
                kind: body.slot_kind(),
                key: key.to_owned(),
            };
            if let Some(held) = self.inner.store.current(&slot)? {
                now = next_rev(held.payload.rev, now);
            }
        }
        let payload = next_payload(previous.as_ref(), market, key, body, lifetime_ms, now);
        self.publish(payload).await
    }

    /// Publishes the first record of a slot, refusing a slot that holds one. Attestations and
    /// memberships may leave `key` out: the body fixes it (`<label>/<subject digest>`, the
    /// platform's key).
    pub async fn create(
        &self,
        market: &str,
        key: Option<String>,
        body: Body,
        lifetime_ms: Option<u64>,
    ) -> Result<Record, PublishError> {
        let derived = match &body {
            Body::Attestation(a) => Some(a.slot_key()),
            Body::Membership(m) => Some(m.platform.to_hex()),
            _ => None,
        };
        let key = key
            .or(derived)
            .ok_or_else(|| PublishError::field_of("key", "required"))?;
        if self.current(market, body.slot_kind(), &key)?.is_some() {
            return Err(PublishError::Exists { key });
        }
        self.put(market, &key, body, lifetime_ms).await
    }

    /// Publishes a tombstone of one's own slot (for an attestation, revokes it).
    pub async fn tombstone(&self, market: &str, kind: Kind, key: &str) -> Result<(), PublishError> {
        let Some(current) = self.current(market, kind, key)? else {
            return Err(PublishError::NotFound {
                key: key.to_owned(),
            });
        };
        // A tombstone lives as long as anything may: it must outlive every copy of what it
        // deletes that a peer might still offer.
        let payload = Payload::new(
            market,
            key,
            next_rev(current.payload.rev, now_ms()),
            MAX_LIFETIME_MS,
            Body::Tombstone(Tombstone { target_kind: kind }),
        );
        self.publish(payload).await.map(|_| ())
    }

    /// Changes the stock of one's own listing, or of one of its variants (`None`: unlimited),
    /// everything else unchanged.
    pub async fn set_stock(
        &self,
        market: &str,
        key: &str,
        variant: Option<&str>,
        stock: Option<u32>,
    ) -> Result<Record, PublishError> {
        let not_found = || PublishError::NotFound {
            key: key.to_owned(),
        };
        let current = self
            .current(market, Kind::Listing, key)?
            .ok_or_else(not_found)?;
        let Body::Listing(mut listing) = current.payload.body.clone() else {
            return Err(not_found());
        };
        match variant {
            None => listing.stock = stock,
            Some(id) => {
                let variant = listing
                    .variants
                    .iter_mut()
                    .find(|v| v.id == id)
                    .ok_or_else(|| {
                        PublishError::field_of(
                            "variant",
                            format!("the listing has no variant {id:?}"),
                        )
                    })?;
                variant.stock = stock;
            }
        }
        let payload = current
            .payload
            .next_revision(now_ms(), Body::Listing(listing));
        self.publish(payload).await
    }

    /// Signs `payload` with the node's key, stores and publishes it.
    pub async fn publish(&self, payload: Payload) -> Result<Record, PublishError> {
        let record = Record::sign(&self.inner.secret, payload)?;
        match self.submit(record.to_wire()).await {
            Verdict::Accepted(record) => Ok(record),
            Verdict::Rejected(e) => Err(e.into()),
            Verdict::Ignored(IgnoreReason::DiskFull) => Err(PublishError::DiskFull),
            Verdict::Ignored(IgnoreReason::LocalFailure(e)) => {
                tracing::error!("storing own record: {e}");
                Err(PublishError::Store(e))
            }
            Verdict::Ignored(_) => Err(PublishError::Stale),
        }
    }

    /// Ingests one of the actor's own records, signed here or elsewhere (the CLI signs with the
    /// data dir's key), and publishes it when it is accepted.
    pub async fn submit(&self, wire: Vec<u8>) -> Verdict {
        let payload = smartket_protocol::Envelope::decode(&wire)
            .ok()
            .and_then(|e| Payload::decode(&e.payload).ok());
        let names_blobs = payload
            .as_ref()
            .is_some_and(|p| !referenced_by(&p.body).is_empty());
        let market = payload.map(|p| p.market).unwrap_or_default();
        // An own record naming blobs is committed while blob collection is held off, so the
        // images it names cannot go between collection's reference scan and this commit.
        let gc_held = if names_blobs {
            Some(self.inner.blobs.hold_off_gc().await)
        } else {
            None
        };
        let verdict = self
            .inner
            .ingest
            .ingest_async(Source::Local, market, vec![wire])
            .await
            .into_iter()
            .next()
            .unwrap_or(Verdict::Rejected("empty batch".into()));
        drop(gc_held);
        if let Verdict::Accepted(record) = &verdict {
            self.offer(record.clone()).await;
        }
        verdict
    }

    /// Own records waiting for a peer to publish to.
    pub async fn unpublished(&self) -> usize {
        self.inner.unpublished.lock().await.len()
    }

    /// Offers the records that found no peer again (when a peer connects, and every second).
    pub(crate) async fn retry_unpublished(&self) {
        let pending = std::mem::take(&mut *self.inner.unpublished.lock().await);
        for record in pending {
            self.offer(record).await;
        }
    }

    /// Hands a stored record to gossipsub, or keeps it until a peer is there.
    async fn offer(&self, record: Record) {
        let family = network::family_of(record.payload.body.slot_kind());
        match self
            .inner
            .client
            .publish(&record.payload.market, family, record.to_wire())
            .await
        {
            Ok(()) => {}
            Err(network::NetworkError::InsufficientPeers) => {
                self.inner.unpublished.lock().await.push(record);
            }
            Err(e) => tracing::warn!(id = %record.id, "publishing failed: {e}"),
        }
    }

    /// Runs until the daemon stops: offers everything held once, retries what found no peer,
    /// and re-signs own records nearing expiry with the lifetime they had.
    pub(crate) async fn run_republish(self) {
        for record in self.everywhere(None) {
            self.offer(record).await;
        }
        let mut retry = tokio::time::interval(RETRY_EVERY);
        let mut republish = tokio::time::interval(REPUBLISH_EVERY);
        loop {
            tokio::select! {
                _ = retry.tick() => {
                    self.retry_unpublished().await;
                    continue;
                }
                _ = republish.tick() => {}
            }
            let now = now_ms();
            for record in self.everywhere(None) {
                let p = &record.payload;
                let lifetime = p.expires.saturating_sub(p.rev);
                if p.expires.saturating_sub(now) > lifetime / REPUBLISH_WHEN_LEFT {
                    continue;
                }
                let fresh = p.clone().next_revision(now, p.body.clone());
                match self.publish(fresh).await {
                    Ok(r) => tracing::info!(id = %r.id, "republished before expiry"),
                    Err(e) => tracing::warn!("republish refused: {e}"),
                }
            }
        }
    }
}

/// The next revision of a slot holding `previous` (or its first), made at `now`.
fn next_payload(
    previous: Option<&Record>,
    market: &str,
    key: &str,
    body: Body,
    lifetime_ms: Option<u64>,
    now: u64,
) -> Payload {
    match previous {
        Some(previous) => {
            let mut next = previous.payload.clone().next_revision(now, body);
            if let Some(lifetime) = lifetime_ms {
                next.expires = next.rev.saturating_add(lifetime);
            }
            next
        }
        None => Payload::new(
            market,
            key,
            now,
            lifetime_ms.unwrap_or(DEFAULT_LIFETIME_MS),
            body,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Body {
        Body::Tombstone(Tombstone {
            target_kind: Kind::Listing,
        })
    }

    #[test]
    fn a_first_revision_lives_the_default_or_what_the_caller_names() {
        let first = next_payload(None, "geneva", "k", body(), None, 1_000);
        assert_eq!((first.rev, first.created), (1_000, 1_000));
        assert_eq!(first.expires, 1_000 + DEFAULT_LIFETIME_MS);
        let short = next_payload(None, "geneva", "k", body(), Some(DAY_MS), 1_000);
        assert_eq!(short.expires, 1_000 + DAY_MS);
    }

    #[test]
    fn a_next_revision_keeps_creation_and_lifetime_unless_the_caller_names_one() {
        let secret = SecretKey::from_bytes(&[9; 32]);
        // A tombstone's lifetime is fixed by the protocol, so it is what the first one names.
        let first = next_payload(None, "geneva", "k", body(), Some(MAX_LIFETIME_MS), 1_000);
        let previous = Record::sign(&secret, first).unwrap();
        // A clock behind the previous revision still moves the revision forward.
        let kept = next_payload(Some(&previous), "geneva", "k", body(), None, 500);
        assert_eq!((kept.rev, kept.created), (1_001, 1_000));
        assert_eq!(kept.expires - kept.rev, MAX_LIFETIME_MS);
        let renamed = next_payload(
            Some(&previous),
            "geneva",
            "k",
            body(),
            Some(2 * DAY_MS),
            5_000,
        );
        assert_eq!(renamed.expires, 5_000 + 2 * DAY_MS);
    }
}
