//! Catch-up sync in the node: runs the pure reconciliation of `smartket_protocol::sync` over
//! `/smartket/sync/1`, then fetches what it learned it lacks (`spec/sync.md` §9).
//!
//! ```text
//!  trigger (PeerConnected, every 5 min, Handle::start_sync, a catch-up after dropped
//!           events or a session that failed for a passing reason)
//!      │
//!  Syncer::sync_with(peer, market) ──reconcile steps──▶ peer's Sessions::step
//!      │ need                                               │ need (its own)
//!      ▼                                                    ▼
//!  fetch by id ──▶ Ingest(Source::Sync)          peer fetches by id from us
//! ```
//!
//! The triggers are `schedule.rs`; one initiator session is `session.rs`; fetching and
//! ingesting what a session found missing is `fetch.rs`; answering peers is `serve.rs` (async:
//! admit, decode, follow up) over `responder.rs` (blocking: sessions, fetch and pull answers);
//! what the sessions did is counted in `status.rs`; author pull is `pull.rs`. This file holds
//! what they share: the [`Syncer`] and its parts, the session limits, [`SessionError`].
//!
//! Each side fetches only what *it* lacks, from the other: nobody accepts unsolicited records,
//! so "pushing" `have` is the peer's own fetch. A peer that breaks the protocol (bogus
//! messages, records it was not asked for, ids it claimed and cannot supply) is penalised: its
//! gossip score drops, its connection is cut, and sync refuses it for a while (`guard.rs`).
//!
//! The item set is a snapshot of the market's `(rev, id)` index taken into a `VecItemSet` at
//! session start: simple and exact, and it keeps a session consistent while gossip writes. It
//! costs a full index scan and 40 bytes per record per session; the better later design is an
//! `ItemSet` reading the redb index directly with per-block cached fingerprint sums (the
//! fingerprint is additive), so nothing is copied.

mod fetch;
mod guard;
mod pull;
mod responder;
mod schedule;
mod serve;
mod session;
mod status;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use libp2p::PeerId;
use smartket_protocol::RecordId;
use smartket_protocol::sync::{Item, SyncConfig, SyncLimits, VecItemSet};

use crate::background::Background;
use crate::ingest::{Ingest, IngestError};
use crate::network::{Client, NetworkError};
use crate::store::{Store, StoreError};
use guard::Guard;
pub use pull::PullReport;
use responder::Sessions;
pub use schedule::{CATCH_UP_EVERY, PERIODIC_EVERY};
use smartket_protocol::sync::wire;
pub use status::{SyncReport, SyncRun, SyncStatus};
pub use wire::FrameError;

/// The longest one session may take, fetches included, whatever the peer does.
pub const SESSION_DEADLINE: Duration = Duration::from_secs(10 * 60);

/// Reconciliation as the node runs it: messages travel as requests, whose frames are capped
/// at 256 KiB, so messages stay under that (minus the frame header).
pub const NODE_SYNC_CONFIG: SyncConfig = SyncConfig {
    limits: SyncLimits {
        max_message_bytes: 255 * 1024,
        ..SyncLimits::DEFAULT
    },
    ..SyncConfig::DEFAULT
};

/// Why a sync session failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The request failed or the peer refused it.
    #[error("network: {0}")]
    Network(#[from] NetworkError),
    /// Reconciliation failed (the peer broke the protocol's limits, or local config).
    #[error("reconciliation: {0}")]
    Reconcile(#[from] smartket_protocol::sync::SyncError),
    /// A frame could not be read or written.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// The local store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The peer's fetch answer settled none or more ids than asked, or carried records that
    /// were not asked for.
    #[error("the peer's fetch response does not match the request")]
    BadFetch,
    /// The peer's author pull answer broke the protocol (another author's records, a page
    /// that does not move forward, a malformed page).
    #[error("the peer's author pull response is bogus: {0}")]
    BadPull(&'static str),
    /// The peer served a record that is invalid whoever checks it (a bad signature, a
    /// malformed payload): penalised as a peer that gossips one would be (`spec/security.md`).
    #[error("the peer served an invalid record: {0}")]
    BadRecord(IngestError),
    /// The session passed [`SESSION_DEADLINE`].
    #[error("the session took longer than {0:?}")]
    Deadline(Duration),
    /// No connected peer could answer.
    #[error("no connected peer to sync with")]
    NoPeer,
    /// The market is not one this node has joined.
    #[error("this node has not joined market {0:?}")]
    NotJoined(String),
    /// A blocking task failed.
    #[error("sync task failed: {0}")]
    Task(String),
    /// A session with this peer is already running (it catches up what this one would have).
    #[error("a session with this peer is already running")]
    AlreadyRunning,
}

impl SessionError {
    /// Whether the peer broke the protocol (as opposed to a timeout, our store, our config).
    pub fn is_peer_fault(&self) -> bool {
        match self {
            SessionError::Reconcile(e) => e.is_peer_fault(),
            SessionError::Frame(_)
            | SessionError::BadFetch
            | SessionError::BadPull(_)
            | SessionError::BadRecord(_) => true,
            _ => false,
        }
    }

    /// Whether trying again soon may succeed: the request failed or timed out (the peer was
    /// busy, the link dropped), and the peer broke nothing.
    fn may_pass(&self) -> bool {
        matches!(self, SessionError::Network(_) | SessionError::Deadline(_))
    }
}

/// Runs sync sessions as initiator and answers peers' ones.
pub struct Syncer {
    store: Store,
    ingest: Ingest,
    client: Client,
    markets: Vec<String>,
    sessions: Sessions,
    guard: Guard,
    status: Mutex<SyncStatus>,
    /// Peers we run a session with as initiator now (see `Running` in `session.rs`).
    initiating: Mutex<HashSet<PeerId>>,
    /// Woken whenever a claim in `initiating` is released, for the sessions waiting a turn.
    turn_freed: tokio::sync::Notify,
    /// Peers whose last session failed for a passing reason, with the retries left.
    retrying: Mutex<HashMap<PeerId, u8>>,
    /// Where the fetch that follows an answered session runs, so shutdown stops it.
    background: Background,
}

/// The market's `(rev, id)` index as a set (see the module doc for why a snapshot).
pub(crate) fn snapshot(store: &Store, market: &str) -> Result<VecItemSet, StoreError> {
    let items = store.market_range(
        market,
        (0, RecordId([0; 32])),
        std::ops::Bound::Unbounded,
        usize::MAX,
    )?;
    Ok(VecItemSet::new(
        items
            .into_iter()
            .map(|(rev, id)| Item::new(rev, id))
            .collect(),
    ))
}

impl Syncer {
    /// A syncer for the joined `markets`.
    pub fn new(
        store: Store,
        ingest: Ingest,
        client: Client,
        markets: Vec<String>,
        background: Background,
    ) -> Syncer {
        Syncer {
            background,
            store,
            ingest,
            client,
            markets,
            sessions: Sessions::default(),
            guard: Guard::default(),
            status: Mutex::new(SyncStatus::default()),
            retrying: Mutex::new(HashMap::new()),
            initiating: Mutex::new(HashSet::new()),
            turn_freed: tokio::sync::Notify::new(),
        }
    }

    /// A peer broke the protocol: refuse it here, lower its score and cut it off.
    async fn penalise(&self, peer: PeerId, why: &(dyn std::fmt::Display + Sync)) {
        tracing::warn!(%peer, "sync: peer broke the protocol: {why}");
        self.guard.penalise(peer, Instant::now());
        let _ = self.client.penalise(peer).await;
    }
}
