//! The ingest pipeline: the one way records enter the node, whatever their source (gossip, sync,
//! the owner's own publishing through the CLI or the API).
//!
//! ```text
//!  wires ──▶ Envelope::decode ──▶ batch::verify ──▶ Record::from_verified ──▶ market check
//!            (size, framing)      (ed25519 batch)   (payload, kind rules,      (joined, same
//!                                                    clock, countersig)         market, rules)
//!        ──▶ Store::commit_at ─────────────────────────────────────────▶ Vec<Verdict>
//!            (one durable transaction: delegation check, slot rule,      └─▶ StoreEvent
//!             indexes, withdrawal of listings a membership no longer        (broadcast)
//!             covers)
//! ```
//!
//! Each stage refuses records individually: one bad signature or malformed record in a batch
//! costs only itself. The delegation check runs inside the store's write transaction so that a
//! membership and the listings it authorises can arrive in one batch, and so that no delegated
//! listing can slip in between a membership's revocation and the withdrawal of its listings.
//! A verdict is [`Verdict::Accepted`] only once the record is durably committed; the network
//! maps verdicts to gossipsub's Accept / Ignore / Reject, so a failure of the local disk is an
//! `Ignore` (not the sender's fault), never a `Reject`; so is a refusal that depends on this
//! node's clock or state ([`IngestError::blames_sender`]).

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use smartket_protocol::{Envelope, Record, RecordError, RecordId, batch};
use thiserror::Error;
use tokio::sync::broadcast;

use crate::store::{CommitOutcome, DelegationError, Store, StoreError, Swept};

/// How many events a slow subscriber may fall behind before it misses some (it then gets
/// `RecvError::Lagged` and should resynchronise from the store).
pub const EVENT_CAPACITY: usize = 1024;

/// Where a batch came from (for logs; every source goes through the same checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// A gossipsub message.
    Gossip,
    /// Range-based sync or an author catalogue pull.
    Sync,
    /// The owner's own record, from the CLI, the API or the web UI.
    Local,
}

/// Why a record was not stored although nothing is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IgnoreReason {
    /// This exact record is already stored.
    Duplicate,
    /// Its slot holds an equal or newer revision (or a tombstone).
    Stale,
    /// The local database failed; the record may be fine and may come again.
    LocalFailure(String),
    /// The local disk is full; the record may be fine and may come again.
    DiskFull,
}

/// Why a record was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The record itself is invalid (framing, signature, fields, clock, wrong market).
    #[error(transparent)]
    Record(#[from] RecordError),
    /// Valid for the protocol, refused by this node's copy of the market's rules (its
    /// taxonomy, currencies, limits). Peers may run another revision of the market file, so
    /// this is not the sender's fault.
    #[error("refused by the market's rules: {0}")]
    MarketRule(RecordError),
    /// The batch is for a market this node has not joined.
    #[error("this node has not joined market {market:?}")]
    NotJoined {
        /// The market named.
        market: String,
    },
    /// A listing published on behalf of a member that has not authorised it.
    #[error("delegated listing refused: {0}")]
    NotDelegated(#[from] DelegationError),
    /// Its author holds all this node keeps of one key in the market (the records on
    /// other nodes may differ: what expired, what arrived), so not the sender's fault.
    #[error("refused: {0}")]
    AuthorQuota(crate::store::AuthorQuota),
    /// Anything else, with a message (e.g. the ingest task itself failed).
    #[error("{0}")]
    Other(String),
}

impl IngestError {
    /// Whether the record is invalid whoever looks at it, so that the peer that sent it is to
    /// blame (gossipsub Reject). A refusal that depends on this node — its clock (future-dated,
    /// expired), its revision of the market's rules, what it holds (a membership not arrived yet or just ended), the versions and
    /// kinds it knows (a newer peer's records), its own failures — is not the sender's fault:
    /// penalising an honest forwarder for it would cut the node off from its mesh.
    pub fn blames_sender(&self) -> bool {
        match self {
            IngestError::Record(e) => !matches!(
                e,
                RecordError::FutureDated { .. }
                    | RecordError::Expired { .. }
                    | RecordError::UnknownVersion(_)
                    | RecordError::UnknownKind(_)
            ),
            IngestError::MarketRule(_)
            | IngestError::AuthorQuota(_)
            | IngestError::NotJoined { .. }
            | IngestError::NotDelegated(_)
            | IngestError::Other(_) => false,
        }
    }
}

impl From<String> for IngestError {
    fn from(message: String) -> IngestError {
        IngestError::Other(message)
    }
}

impl From<&str> for IngestError {
    fn from(message: &str) -> IngestError {
        IngestError::Other(message.to_owned())
    }
}

/// What the pipeline decided for one record; maps to gossipsub Accept / Ignore / Reject.
// Verdicts live only until the caller has acted on them; boxing the record would cost an
// allocation per accepted record for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Stored durably as its slot's current record.
    Accepted(Record),
    /// Valid but not stored; not forwarded, not penalised.
    Ignored(IgnoreReason),
    /// Refused; the sender is penalised only when [`IngestError::blames_sender`].
    Rejected(IngestError),
}

/// Why a record left the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemoveReason {
    /// Its `expires` passed.
    Expired,
    /// A delegated listing whose membership was revoked, lost `publish`, or ended.
    Withdrawn,
}

/// A change of the store's current records, for the search indexer, the UI and the API.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StoreEvent {
    /// A record filled an empty slot.
    Added(Record),
    /// A record replaced the slot's previous one (`new` may be a tombstone: `old` is deleted).
    Replaced {
        /// The record that left.
        old: RecordId,
        /// The slot's new current record.
        new: Record,
    },
    /// A record left without replacement.
    Removed {
        /// The record that left.
        id: RecordId,
        /// Why.
        reason: RemoveReason,
    },
}

/// The rules a joined market adds on top of the protocol's (e.g. its category taxonomy and
/// currencies). A market id alone (`String`) joins with no extra rules.
pub trait MarketRules: Send + Sync + 'static {
    /// The market id.
    fn id(&self) -> &str;

    /// Market-specific checks of a record already valid for the protocol.
    fn check(&self, _record: &Record) -> Result<(), RecordError> {
        Ok(())
    }
}

impl MarketRules for String {
    fn id(&self) -> &str {
        self
    }
}

impl MarketRules for &'static str {
    fn id(&self) -> &str {
        self
    }
}

/// The pipeline. Cheap to clone; [`Ingest::ingest`] and [`Ingest::sweep`] block on the
/// database, so async callers run them in `spawn_blocking`.
#[derive(Clone)]
pub struct Ingest {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    markets: HashMap<String, Box<dyn MarketRules>>,
    events: broadcast::Sender<StoreEvent>,
    /// Verdicts since start: accepted, ignored, rejected (for `/metrics`).
    counted: [std::sync::atomic::AtomicU64; 3],
}

/// Verdicts given since the node started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerdictCounts {
    /// Records stored (or already held).
    pub accepted: u64,
    /// Records set aside without blame: expired, not yet valid here, over a quota, local failures.
    pub ignored: u64,
    /// Records refused as invalid whoever checks them.
    pub rejected: u64,
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut markets: Vec<&String> = self.inner.markets.keys().collect();
        markets.sort();
        f.debug_struct("Ingest")
            .field("store", &self.inner.store)
            .field("markets", &markets)
            .finish()
    }
}

impl Ingest {
    /// A pipeline into `store` for the joined `markets`.
    pub fn new<M: MarketRules>(store: Store, markets: impl IntoIterator<Item = M>) -> Ingest {
        let markets = markets
            .into_iter()
            .map(|m| (m.id().to_owned(), Box::new(m) as Box<dyn MarketRules>))
            .collect();
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        Ingest {
            inner: Arc::new(Inner {
                store,
                markets,
                events,
                counted: Default::default(),
            }),
        }
    }

    /// The store records are committed to.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Events for every change of current records, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<StoreEvent> {
        self.inner.events.subscribe()
    }

    /// [`Ingest::ingest`] on a blocking thread (it verifies signatures and fsyncs), at the
    /// clock's now. A failed task is a local failure for every record: ignored, never blamed on
    /// the sender.
    pub async fn ingest_async(
        &self,
        source: Source,
        market: String,
        wires: Vec<Vec<u8>>,
    ) -> Vec<Verdict> {
        let ingest = self.clone();
        let n = wires.len();
        match tokio::task::spawn_blocking(move || {
            ingest.ingest(source, &market, wires, crate::clock::now_ms())
        })
        .await
        {
            Ok(verdicts) => verdicts,
            Err(e) => vec![
                Verdict::Ignored(IgnoreReason::LocalFailure(format!(
                    "ingest task failed: {e}"
                )));
                n
            ],
        }
    }

    /// Verdicts given since the node started.
    pub fn counts(&self) -> VerdictCounts {
        let [accepted, ignored, rejected] = self
            .inner
            .counted
            .each_ref()
            .map(|c| c.load(Ordering::Relaxed));
        VerdictCounts {
            accepted,
            ignored,
            rejected,
        }
    }

    /// Runs a batch received for `market` through every stage; the verdict at `i` is for
    /// `wires[i]`. Records are committed in one durable transaction before any is accepted.
    pub fn ingest(
        &self,
        source: Source,
        market: &str,
        wires: Vec<Vec<u8>>,
        now_ms: u64,
    ) -> Vec<Verdict> {
        let verdicts = self.run_batch(source, market, wires, now_ms);
        for verdict in &verdicts {
            let slot = match verdict {
                Verdict::Accepted(_) => 0,
                Verdict::Ignored(_) => 1,
                Verdict::Rejected(_) => 2,
            };
            self.inner.counted[slot].fetch_add(1, Ordering::Relaxed);
        }
        verdicts
    }

    fn run_batch(
        &self,
        source: Source,
        market: &str,
        wires: Vec<Vec<u8>>,
        now_ms: u64,
    ) -> Vec<Verdict> {
        let Some(rules) = self.inner.markets.get(market) else {
            let refused = IngestError::NotJoined {
                market: market.to_owned(),
            };
            tracing::debug!(?source, market, "batch for a market not joined");
            return vec![Verdict::Rejected(refused); wires.len()];
        };
        let mut verdicts: Vec<Option<Verdict>> = vec![None; wires.len()];
        let mut refuse = |i: usize, error: IngestError| {
            tracing::debug!(?source, market, index = i, %error, "record rejected");
            verdicts[i] = Some(Verdict::Rejected(error));
        };

        // Framing and size.
        let mut envelopes = Vec::with_capacity(wires.len());
        let mut positions = Vec::with_capacity(wires.len());
        for (i, wire) in wires.iter().enumerate() {
            match Envelope::decode(wire) {
                Ok(envelope) => {
                    envelopes.push(envelope);
                    positions.push(i);
                }
                Err(e) => refuse(i, e.into()),
            }
        }
        drop(wires);

        // Signatures, as one batch; then payload, kind rules, clock, and the market.
        let checked = batch::verify_with_ids(&envelopes);
        let mut records = Vec::with_capacity(envelopes.len());
        let mut record_positions = Vec::with_capacity(envelopes.len());
        for ((envelope, i), signature) in envelopes.into_iter().zip(positions).zip(checked) {
            let opened = signature
                .and_then(|id| Record::from_verified_with_id(envelope, id, now_ms))
                .and_then(|record| {
                    if record.payload.market != market {
                        return Err(RecordError::WrongMarket {
                            expected: market.to_owned(),
                            found: record.payload.market.clone(),
                        });
                    }
                    Ok(record)
                })
                .map_err(IngestError::Record)
                .and_then(|record| match rules.check(&record) {
                    Ok(()) => Ok(record),
                    Err(e) => Err(IngestError::MarketRule(e)),
                });
            match opened {
                Ok(record) => {
                    records.push(record);
                    record_positions.push(i);
                }
                Err(e) => refuse(i, e),
            }
        }

        // Slot rule, delegation, indexes: one durable transaction.
        match self.inner.store.commit_at(&records, now_ms) {
            Ok(outcomes) => {
                for ((record, i), outcome) in
                    records.into_iter().zip(record_positions).zip(outcomes)
                {
                    verdicts[i] = Some(self.settle(source, record, outcome));
                }
            }
            Err(e) => {
                tracing::error!(?source, market, "committing a batch failed: {e}");
                let failure = if e.is_disk_full() {
                    IgnoreReason::DiskFull
                } else {
                    IgnoreReason::LocalFailure(e.to_string())
                };
                for i in record_positions {
                    verdicts[i] = Some(Verdict::Ignored(failure.clone()));
                }
            }
        }
        verdicts
            .into_iter()
            .map(|v| {
                v.unwrap_or_else(|| {
                    Verdict::Ignored(IgnoreReason::LocalFailure(
                        "record skipped by the pipeline".into(),
                    ))
                })
            })
            .collect()
    }

    /// Turns a commit outcome into a verdict, notifying subscribers of what changed.
    fn settle(&self, source: Source, record: Record, outcome: CommitOutcome) -> Verdict {
        match outcome {
            CommitOutcome::Stored {
                replaced,
                withdrawn,
            } => {
                let event = match replaced {
                    Some(old) => StoreEvent::Replaced {
                        old,
                        new: record.clone(),
                    },
                    None => StoreEvent::Added(record.clone()),
                };
                self.notify(event);
                for id in withdrawn {
                    tracing::info!(%id, "delegated listing withdrawn with its membership");
                    self.notify(StoreEvent::Removed {
                        id,
                        reason: RemoveReason::Withdrawn,
                    });
                }
                Verdict::Accepted(record)
            }
            CommitOutcome::Duplicate => Verdict::Ignored(IgnoreReason::Duplicate),
            CommitOutcome::Stale => Verdict::Ignored(IgnoreReason::Stale),
            CommitOutcome::NotDelegated(e) => {
                tracing::debug!(?source, id = %record.id, "delegated listing refused: {e}");
                Verdict::Rejected(IngestError::NotDelegated(e))
            }
            CommitOutcome::OverQuota(quota) => Verdict::Rejected(IngestError::AuthorQuota(quota)),
        }
    }

    /// Removes expired records and the listings of ended memberships, and notifies subscribers.
    /// Called by the node's expiry timer.
    pub fn sweep(&self, now_ms: u64) -> Result<Swept, StoreError> {
        let swept = self.inner.store.sweep_expired(now_ms)?;
        for id in &swept.expired {
            self.notify(StoreEvent::Removed {
                id: *id,
                reason: RemoveReason::Expired,
            });
        }
        for id in &swept.withdrawn {
            self.notify(StoreEvent::Removed {
                id: *id,
                reason: RemoveReason::Withdrawn,
            });
        }
        if !swept.expired.is_empty() || !swept.withdrawn.is_empty() {
            tracing::debug!(
                expired = swept.expired.len(),
                withdrawn = swept.withdrawn.len(),
                "expiry sweep"
            );
        }
        Ok(swept)
    }

    fn notify(&self, event: StoreEvent) {
        // No subscriber is not an error: events are advisory, the store is the truth.
        let _ = self.inner.events.send(event);
    }
}
