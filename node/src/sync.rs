//! Catch-up sync in the node: runs the pure reconciliation of `smartket_protocol::sync` over
//! `/smartket/sync/1`, then fetches what it learned it lacks (`spec/sync.md` §9).
//!
//! ```text
//!  trigger (PeerConnected, every 5 min, Handle::sync_now)
//!      │
//!  Syncer::sync_with(peer, market) ──reconcile steps──▶ peer's Sessions::step
//!      │ need                                               │ need (its own)
//!      ▼                                                    ▼
//!  fetch by id ──▶ Ingest(Source::Sync)          peer fetches by id from us
//! ```
//!
//! Each side fetches only what *it* lacks, from the other: nobody accepts unsolicited records,
//! so "pushing" `have` is the peer's own fetch. The item set is a snapshot of the market's
//! `(rev, id)` index taken into a `VecItemSet` at session start: simple and exact, and it keeps
//! a session consistent while gossip writes. It costs a full index scan and 40 bytes per record
//! per session; the better later design is an `ItemSet` reading the redb index directly with
//! per-block cached fingerprint sums (the fingerprint is additive), so nothing is copied.

mod responder;
mod wire;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use libp2p::PeerId;
use serde::{Deserialize, Serialize};
use smartket_protocol::RecordId;
use smartket_protocol::sync::{Item, Reconciler, SyncConfig, SyncLimits, VecItemSet};
use tokio::sync::oneshot;

use crate::clock::now_ms;
use crate::ingest::{Ingest, Source, Verdict};
use crate::network::{Client, NetworkError, RequestKind};
use crate::store::{Store, StoreError};
use responder::{Sessions, Step};
pub use wire::FrameError;

/// How often the node syncs with one random connected peer.
pub const PERIODIC_EVERY: Duration = Duration::from_secs(300);

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
    /// The peer's fetch answer settled none or more ids than asked.
    #[error("the peer's fetch response does not match the request")]
    BadFetch,
    /// A blocking task failed.
    #[error("sync task failed: {0}")]
    Task(String),
}

/// What one or more sessions did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Peers synced with (sessions that completed).
    pub peers: u64,
    /// Records fetched and stored.
    pub fetched: u64,
    /// Records the peers lacked; each peer fetches them from us.
    pub pushed: u64,
    /// Reconciliation round trips.
    pub rounds: u64,
    /// Bytes of reconciliation requests and responses.
    pub bytes: u64,
}

/// Sync progress for `Status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// When the last session (either role) completed, ms since the epoch.
    pub last_at_ms: Option<u64>,
    /// Totals since start, both roles.
    pub total: SyncReport,
    /// Sessions that failed.
    pub failed: u64,
    /// Responder sessions open now.
    pub open_sessions: u64,
}

/// Runs sync sessions as initiator and answers peers' ones.
pub struct Syncer {
    store: Store,
    ingest: Ingest,
    client: Client,
    markets: Vec<String>,
    sessions: Sessions,
    status: Mutex<SyncStatus>,
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
    pub fn new(store: Store, ingest: Ingest, client: Client, markets: Vec<String>) -> Syncer {
        Syncer {
            store,
            ingest,
            client,
            markets,
            sessions: Sessions::default(),
            status: Mutex::new(SyncStatus::default()),
        }
    }

    /// Progress so far.
    pub fn status(&self) -> SyncStatus {
        let mut status = *self.status.lock().unwrap_or_else(|p| p.into_inner());
        status.open_sessions = self.sessions.len() as u64;
        status
    }

    fn record(&self, report: Result<&SyncReport, ()>) {
        let mut s = self.status.lock().unwrap_or_else(|p| p.into_inner());
        match report {
            Ok(r) => {
                s.last_at_ms = Some(now_ms());
                s.total.peers += r.peers;
                s.total.fetched += r.fetched;
                s.total.pushed += r.pushed;
                s.total.rounds += r.rounds;
                s.total.bytes += r.bytes;
            }
            Err(()) => s.failed += 1,
        }
    }

    /// Reconciles `market` with `peer` as initiator, then fetches what we lack.
    pub async fn sync_with(&self, peer: PeerId, market: &str) -> Result<SyncReport, SessionError> {
        let result = self.run_session(peer, market).await;
        self.record(result.as_ref().map_err(|_| ()));
        result
    }

    async fn run_session(&self, peer: PeerId, market: &str) -> Result<SyncReport, SessionError> {
        let store = self.store.clone();
        let owned = market.to_owned();
        let set = tokio::task::spawn_blocking(move || snapshot(&store, &owned))
            .await
            .map_err(|e| SessionError::Task(e.to_string()))??;
        let (mut reconciler, first) = Reconciler::initiate(&set, NODE_SYNC_CONFIG)?;
        let mut report = SyncReport {
            peers: 1,
            ..SyncReport::default()
        };
        let mut message = first.encode();
        let mut start = true;
        loop {
            let frame = wire::reconcile(start, market, &message);
            start = false;
            report.bytes += frame.len() as u64;
            let reply = self.client.request(peer, RequestKind::Sync, frame).await?;
            report.bytes += reply.len() as u64;
            report.rounds += 1;
            match reconciler.receive_bytes(&set, &reply)? {
                Some(next) => message = next,
                None => break,
            }
        }
        let outcome = reconciler.outcome();
        report.pushed = outcome.have.len() as u64;
        report.fetched = self.fetch(peer, market, &outcome.need).await?;
        tracing::info!(%peer, market, ?report, "sync session done");
        Ok(report)
    }

    /// Fetches `ids` from `peer` in requests of at most 256 ids and ingests each answer as a
    /// batch. Returns how many records were stored.
    async fn fetch(
        &self,
        peer: PeerId,
        market: &str,
        ids: &[RecordId],
    ) -> Result<u64, SessionError> {
        let mut stored = 0;
        let mut at = 0;
        while at < ids.len() {
            let ask = &ids[at..(at + wire::MAX_FETCH_IDS).min(ids.len())];
            let reply = self
                .client
                .request(peer, RequestKind::Sync, wire::fetch(market, ask)?)
                .await?;
            let response = wire::FetchResponse::decode(&reply)?;
            let answered = usize::try_from(response.answered).unwrap_or(usize::MAX);
            if answered == 0 || answered > ask.len() || response.records.len() > answered {
                return Err(SessionError::BadFetch);
            }
            at += answered;
            let wires = response.records.into_iter().map(|w| w.0).collect();
            let ingest = self.ingest.clone();
            let owned = market.to_owned();
            let verdicts = tokio::task::spawn_blocking(move || {
                ingest.ingest(Source::Sync, &owned, wires, now_ms())
            })
            .await
            .map_err(|e| SessionError::Task(e.to_string()))?;
            for verdict in verdicts {
                match verdict {
                    Verdict::Accepted(_) => stored += 1,
                    Verdict::Rejected(e) => tracing::warn!(%peer, "synced record refused: {e}"),
                    Verdict::Ignored(_) => {}
                }
            }
        }
        Ok(stored)
    }

    /// Answers one request of `peer`; dropping `reply` refuses it.
    pub async fn serve(
        self: &Arc<Self>,
        peer: PeerId,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Vec<u8>>,
    ) {
        let request = match wire::decode_request(&bytes) {
            Ok(request) => request,
            Err(e) => {
                tracing::warn!(%peer, "sync request refused: {e}");
                return;
            }
        };
        let market = match &request {
            wire::Request::Reconcile { market, .. } => market.clone(),
            wire::Request::Fetch(f) => f.market.clone(),
        };
        if !self.markets.contains(&market) {
            tracing::debug!(%peer, market, "sync for a market not joined");
            return;
        }
        let me = Arc::clone(self);
        let session_market = market.clone();
        let step = tokio::task::spawn_blocking(move || match request {
            wire::Request::Reconcile { start, message, .. } => me.sessions.step(
                &me.store,
                NODE_SYNC_CONFIG,
                peer,
                start,
                &session_market,
                &message,
            ),
            wire::Request::Fetch(f) => {
                responder::answer_fetch(&me.store, &f).and_then(|r| Ok(Step::Reply(r.encode()?)))
            }
        })
        .await
        .map_err(|e| SessionError::Task(e.to_string()))
        .and_then(|r| r);
        match step {
            Ok(Step::Reply(bytes)) => {
                let _ = reply.send(bytes);
            }
            Ok(Step::Done {
                reply: bytes,
                outcome,
                rounds,
            }) => {
                let _ = reply.send(bytes);
                let me = Arc::clone(self);
                tokio::spawn(async move { me.after_served(peer, &market, outcome, rounds).await });
            }
            Ok(Step::Refuse(why)) => tracing::warn!(%peer, "sync step refused: {why}"),
            Err(e) => tracing::warn!(%peer, "sync request failed: {e}"),
        }
    }
}

impl Syncer {
    /// A session we answered is over: fetch what we lack from the initiator.
    async fn after_served(
        &self,
        peer: PeerId,
        market: &str,
        outcome: smartket_protocol::sync::Outcome,
        rounds: u32,
    ) {
        let result = self.fetch(peer, market, &outcome.need).await;
        let report = result.map(|fetched| SyncReport {
            peers: 1,
            fetched,
            pushed: outcome.have.len() as u64,
            rounds: u64::from(rounds),
            bytes: 0,
        });
        match &report {
            Ok(r) => tracing::info!(%peer, market, ?r, "answered sync session done"),
            Err(e) => tracing::warn!(%peer, market, "fetch after sync failed: {e}"),
        }
        self.record(report.as_ref().map_err(|_| ()));
    }

    /// Syncs every joined market with `peer`, summing the reports; failures are logged.
    pub async fn sync_peer(&self, peer: PeerId) -> SyncReport {
        let mut total = SyncReport::default();
        for market in &self.markets {
            match self.sync_with(peer, market).await {
                Ok(r) => {
                    total.peers = 1;
                    total.fetched += r.fetched;
                    total.pushed += r.pushed;
                    total.rounds += r.rounds;
                    total.bytes += r.bytes;
                }
                Err(e) => tracing::debug!(%peer, market, "sync failed: {e}"),
            }
        }
        total
    }

    /// Syncs with every connected peer now (`Handle::sync_now`, `POST /api/v1/sync`).
    pub async fn sync_now(&self) -> SyncReport {
        let peers = self.client.peers().await.unwrap_or_default();
        let mut total = SyncReport::default();
        for info in peers {
            let r = self.sync_peer(info.peer_id).await;
            total.peers += r.peers;
            total.fetched += r.fetched;
            total.pushed += r.pushed;
            total.rounds += r.rounds;
            total.bytes += r.bytes;
        }
        total
    }

    /// On a new connection: the side with the lower peer id initiates, so a pair runs one
    /// session, not two (each side fetches what it lacks either way).
    pub async fn on_connected(&self, peer: PeerId) {
        if self.client.local_peer_id() < peer {
            self.sync_peer(peer).await;
        }
    }

    /// Every [`PERIODIC_EVERY`], syncs with one connected peer picked at random, catching up
    /// whatever gossip dropped.
    pub async fn periodic(&self) {
        let mut tick = tokio::time::interval(PERIODIC_EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            let peers = self.client.peers().await.unwrap_or_default();
            if peers.is_empty() {
                continue;
            }
            let pick = getrandom::u64().unwrap_or_else(|_| now_ms()) as usize % peers.len();
            if let Some(info) = peers.get(pick) {
                self.sync_peer(info.peer_id).await;
            }
        }
    }
}
