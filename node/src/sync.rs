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
//! Each side fetches only what *it* lacks, from the other: nobody accepts unsolicited records,
//! so "pushing" `have` is the peer's own fetch. A peer that breaks the protocol (bogus
//! messages, records it was not asked for, ids it claimed and cannot supply) is penalised: its
//! gossip score drops, its connection is cut, and sync refuses it for a while (`guard.rs`). The item set is a snapshot of the market's
//! `(rev, id)` index taken into a `VecItemSet` at session start: simple and exact, and it keeps
//! a session consistent while gossip writes. It costs a full index scan and 40 bytes per record
//! per session; the better later design is an `ItemSet` reading the redb index directly with
//! per-block cached fingerprint sums (the fingerprint is additive), so nothing is copied.

mod guard;
mod pull;
mod responder;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use libp2p::PeerId;
use serde::{Deserialize, Serialize};
use smartket_protocol::RecordId;
use smartket_protocol::sync::{Item, Reconciler, SyncConfig, SyncLimits, VecItemSet};
use tokio::sync::oneshot;

use crate::background::Background;
use crate::clock::now_ms;
use crate::ingest::{Ingest, IngestError, Source, Verdict};
use crate::network::{Client, NetworkError, RequestKind};
use crate::store::{Store, StoreError};
use guard::Guard;
pub use pull::PullReport;
use responder::{Sessions, Step};
use smartket_protocol::sync::wire;
pub use wire::FrameError;

/// How often the node syncs with one random connected peer.
pub const PERIODIC_EVERY: Duration = Duration::from_secs(300);
/// How often the node checks whether it must catch up sooner: its network dropped events it
/// could not take in time (gossip records, requests, a new connection), or a session failed
/// for a reason that may pass (a timeout, a busy peer). Gossip lost that way is otherwise
/// only recovered by the next periodic session, minutes later.
pub const CATCH_UP_EVERY: Duration = Duration::from_secs(2);
/// How many connected peers a catch-up after dropped events syncs with (picked at random).
const CATCH_UP_PEERS: usize = 3;
/// How many times a session that failed for a passing reason is tried again, one catch-up
/// apart; after that the periodic session is its next chance.
const RETRIES: u8 = 3;
/// Most peers waiting for a retry (a bounded table, whatever the peers do).
const MAX_RETRYING: usize = 256;
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
            SessionError::Frame(_) | SessionError::BadFetch | SessionError::BadPull(_) => true,
            _ => false,
        }
    }

    /// Whether trying again soon may succeed: the request failed or timed out (the peer was
    /// busy, the link dropped), and the peer broke nothing.
    fn may_pass(&self) -> bool {
        matches!(self, SessionError::Network(_) | SessionError::Deadline(_))
    }
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
    /// Bytes of requests and responses, reconciliation and fetches.
    pub bytes: u64,
}

impl SyncReport {
    fn add(&mut self, other: &SyncReport) {
        self.peers += other.peers;
        self.fetched += other.fetched;
        self.pushed += other.pushed;
        self.rounds += other.rounds;
        self.bytes += other.bytes;
    }
}

/// One on-demand sync with every connected peer (`smartket sync`), as it goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRun {
    /// When it started, ms since the epoch.
    pub started_at_ms: u64,
    /// When it ended; `None` while it runs.
    pub finished_at_ms: Option<u64>,
    /// Peers to sync with.
    pub peers_total: u64,
    /// Peers done (synced or failed).
    pub peers_done: u64,
    /// Records found missing so far (what the fetches will bring).
    pub need: u64,
    /// What the sessions did so far.
    pub report: SyncReport,
    /// Sessions that failed.
    pub failed: u64,
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
    /// The current or last on-demand run.
    pub run: Option<SyncRun>,
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
    /// Peers we run a session with as initiator now (see [`Running`]).
    initiating: Mutex<HashSet<PeerId>>,
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
        }
    }

    fn status_mut<T>(&self, f: impl FnOnce(&mut SyncStatus) -> T) -> T {
        f(&mut self.status.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Progress so far.
    pub fn status(&self) -> SyncStatus {
        let mut status = self.status_mut(|s| *s);
        status.open_sessions = self.sessions.len() as u64;
        status
    }

    /// Counts a finished session; while an on-demand run is going, it counts there too.
    fn record(&self, report: Result<&SyncReport, ()>) {
        self.status_mut(|s| match report {
            Ok(r) => {
                s.last_at_ms = Some(now_ms());
                s.total.add(r);
            }
            Err(()) => s.failed += 1,
        });
    }

    /// Adds to the running on-demand run, if any.
    fn progress(&self, f: impl FnOnce(&mut SyncRun)) {
        self.status_mut(|s| {
            if let Some(run) = s.run.as_mut().filter(|r| r.finished_at_ms.is_none()) {
                f(run);
            }
        });
    }

    /// A peer broke the protocol: refuse it here, lower its score and cut it off.
    async fn penalise(&self, peer: PeerId, why: &(dyn std::fmt::Display + Sync)) {
        tracing::warn!(%peer, "sync: peer broke the protocol: {why}");
        self.guard.penalise(peer, Instant::now());
        let _ = self.client.penalise(peer).await;
    }

    /// Reconciles `market` with `peer` as initiator, then fetches what we lack.
    pub async fn sync_with(&self, peer: PeerId, market: &str) -> Result<SyncReport, SessionError> {
        if !self.markets.iter().any(|m| m == market) {
            return Err(SessionError::NotJoined(market.to_owned()));
        }
        let Some(_running) = Running::claim(&self.initiating, peer) else {
            tracing::debug!(%peer, market, "a session with this peer is already running");
            return Err(SessionError::AlreadyRunning);
        };
        let result = tokio::time::timeout(SESSION_DEADLINE, self.run_session(peer, market))
            .await
            .unwrap_or(Err(SessionError::Deadline(SESSION_DEADLINE)));
        match &result {
            Err(e) if e.is_peer_fault() => self.penalise(peer, e).await,
            Err(e) if e.may_pass() => self.retry_later(peer),
            _ => {}
        }
        self.record(result.as_ref().map_err(|_| ()));
        result
    }

    /// Puts `peer` down for another session at the next catch-up, while it has retries left.
    fn retry_later(&self, peer: PeerId) {
        let mut retrying = self.retrying.lock().unwrap_or_else(|p| p.into_inner());
        if retrying.len() >= MAX_RETRYING && !retrying.contains_key(&peer) {
            return;
        }
        retrying.entry(peer).or_insert(RETRIES);
    }

    /// The peers due for a retry now, each spending one of its retries.
    fn take_retries(&self) -> Vec<PeerId> {
        let mut retrying = self.retrying.lock().unwrap_or_else(|p| p.into_inner());
        let due: Vec<PeerId> = retrying.keys().copied().collect();
        retrying.retain(|_, left| {
            *left -= 1;
            *left > 0
        });
        due
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
        self.progress(|run| run.need += outcome.need.len() as u64);
        let fetched = self.fetch(peer, market, &outcome.need).await?;
        report.fetched = fetched.stored;
        report.bytes += fetched.bytes;
        tracing::info!(%peer, market, ?report, "sync session done");
        Ok(report)
    }

    /// Fetches `ids` from `peer` in requests of at most 256 ids and ingests each answer as a
    /// batch, asking for the next page while the current one is verified and committed. Records
    /// refused for want of a delegation are tried once more at the end, when the memberships
    /// fetched later in the same session are stored.
    async fn fetch(
        &self,
        peer: PeerId,
        market: &str,
        ids: &[RecordId],
    ) -> Result<Fetched, SessionError> {
        let mut fetched = Fetched::default();
        let mut deferred = Vec::new();
        let page_of = |at: usize| &ids[at..(at + wire::MAX_FETCH_IDS).min(ids.len())];
        if ids.is_empty() {
            return Ok(fetched);
        }
        let mut page = self.fetch_page(peer, market, page_of(0)).await?;
        let mut at = 0;
        loop {
            let Page {
                answered,
                wires,
                bytes,
            } = page;
            fetched.bytes += bytes;
            at += answered;
            let ask = page_of(at);
            let (ingested, next) = tokio::join!(self.ingest_wires(peer, market, wires), async {
                if ask.is_empty() {
                    None
                } else {
                    Some(self.fetch_page(peer, market, ask).await)
                }
            });
            let (stored, refused) = ingested?;
            fetched.stored += stored;
            deferred.extend(refused);
            self.progress(|run| run.report.fetched += stored);
            match next {
                Some(next) => page = next?,
                None => break,
            }
        }
        if !deferred.is_empty() {
            let (stored, refused) = self.ingest_wires(peer, market, deferred).await?;
            fetched.stored += stored;
            self.progress(|run| run.report.fetched += stored);
            for wire in refused {
                tracing::debug!(%peer, bytes = wire.len(), "delegated record still refused");
            }
        }
        Ok(fetched)
    }

    /// Asks `peer` for the records `ask` and checks the answer: it settles a non-empty prefix
    /// of the ids and carries only records among them.
    async fn fetch_page(
        &self,
        peer: PeerId,
        market: &str,
        ask: &[RecordId],
    ) -> Result<Page, SessionError> {
        let request = wire::fetch(market, ask)?;
        let mut bytes = request.len() as u64;
        let reply = self
            .client
            .request(peer, RequestKind::Sync, request)
            .await?;
        bytes += reply.len() as u64;
        let response = wire::FetchResponse::decode(&reply)?;
        let answered = usize::try_from(response.answered).unwrap_or(usize::MAX);
        if answered == 0 || answered > ask.len() || response.records.len() > answered {
            return Err(SessionError::BadFetch);
        }
        let wires: Vec<Vec<u8>> = response.records.into_iter().map(|w| w.0).collect();
        if !wires.iter().all(|w| asked_for(w, &ask[..answered])) {
            return Err(SessionError::BadFetch);
        }
        Ok(Page {
            answered,
            wires,
            bytes,
        })
    }

    /// Ingests records from `peer`; returns how many were stored and the ones refused for
    /// want of a delegation (their membership may come later in the same session).
    async fn ingest_wires(
        &self,
        peer: PeerId,
        market: &str,
        wires: Vec<Vec<u8>>,
    ) -> Result<(u64, Vec<Vec<u8>>), SessionError> {
        let ingest = self.ingest.clone();
        let owned = market.to_owned();
        let kept = wires.clone();
        let verdicts = tokio::task::spawn_blocking(move || {
            ingest.ingest(Source::Sync, &owned, wires, now_ms())
        })
        .await
        .map_err(|e| SessionError::Task(e.to_string()))?;
        let mut stored = 0;
        let mut refused = Vec::new();
        for (verdict, wire) in verdicts.into_iter().zip(kept) {
            match verdict {
                Verdict::Accepted(_) => stored += 1,
                Verdict::Rejected(IngestError::NotDelegated(_)) => refused.push(wire),
                Verdict::Rejected(e) => tracing::warn!(%peer, "synced record refused: {e}"),
                Verdict::Ignored(_) => {}
            }
        }
        Ok((stored, refused))
    }

    /// Answers one request of `peer`; dropping `reply` refuses it.
    pub async fn serve(
        self: &Arc<Self>,
        peer: PeerId,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Vec<u8>>,
    ) {
        if let Err(denied) = self.guard.admit(peer, Instant::now()) {
            tracing::debug!(%peer, ?denied, "sync request not served");
            return;
        }
        let request = match wire::decode_request(&bytes) {
            Ok(request) => request,
            Err(e) => {
                self.penalise(peer, &e).await;
                return;
            }
        };
        let market = request.market().to_owned();
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
            wire::Request::Pull(p) => responder::answer_pull(&me.store, &p).and_then(|r| {
                Ok(Step::Reply(
                    r.encode().map_err(|e| SessionError::Frame(e.into()))?,
                ))
            }),
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
                self.background
                    .spawn(async move { me.after_served(peer, &market, outcome, rounds).await });
            }
            Ok(Step::Refuse { why, fault: true }) => self.penalise(peer, &why).await,
            Ok(Step::Refuse { why, fault: false }) => {
                tracing::debug!(%peer, "sync step not served: {why}");
            }
            Err(e) => tracing::warn!(%peer, "sync request failed: {e}"),
        }
    }

    /// A session we answered is over: fetch what we lack from the initiator.
    async fn after_served(
        &self,
        peer: PeerId,
        market: &str,
        outcome: smartket_protocol::sync::Outcome,
        rounds: u32,
    ) {
        let result =
            tokio::time::timeout(SESSION_DEADLINE, self.fetch(peer, market, &outcome.need))
                .await
                .unwrap_or(Err(SessionError::Deadline(SESSION_DEADLINE)));
        let report = result.map(|fetched| SyncReport {
            peers: 1,
            fetched: fetched.stored,
            pushed: outcome.have.len() as u64,
            rounds: u64::from(rounds),
            bytes: fetched.bytes,
        });
        match &report {
            Ok(r) => tracing::info!(%peer, market, ?r, "answered sync session done"),
            Err(e) if e.is_peer_fault() => self.penalise(peer, e).await,
            Err(e) => {
                tracing::warn!(%peer, market, "fetch after sync failed: {e}");
                if e.may_pass() {
                    self.retry_later(peer);
                }
            }
        }
        self.record(report.as_ref().map_err(|_| ()));
    }

    /// Syncs every joined market with `peer`; returns the summed reports and how many
    /// markets failed (each failure is logged).
    async fn sync_peer(&self, peer: PeerId) -> (SyncReport, u64) {
        let mut total = SyncReport::default();
        let mut failed = 0;
        if self.guard.is_penalised(peer, Instant::now()) {
            return (total, 0);
        }
        for market in &self.markets {
            match self.sync_with(peer, market).await {
                Ok(r) => {
                    total.add(&r);
                    // One peer, however many markets.
                    total.peers = 1;
                }
                // Not a failure: the session already running catches up the same.
                Err(SessionError::AlreadyRunning) => {}
                Err(e) => {
                    failed += 1;
                    tracing::debug!(%peer, market, "sync failed: {e}");
                }
            }
        }
        (total, failed)
    }

    /// Starts an on-demand run with every connected peer unless one is going; returns
    /// whether it started. Its progress is [`SyncStatus::run`].
    pub fn start_run(self: &Arc<Self>) -> bool {
        let started = self.status_mut(|s| {
            if s.run.is_some_and(|r| r.finished_at_ms.is_none()) {
                return false;
            }
            s.run = Some(SyncRun {
                started_at_ms: now_ms(),
                ..SyncRun::default()
            });
            true
        });
        if started {
            let me = Arc::clone(self);
            self.background.spawn(async move {
                me.run_now().await;
            });
        }
        started
    }

    /// Syncs with every connected peer now, one after the other, and ends the run.
    async fn run_now(&self) {
        let peers = self.client.peers().await.unwrap_or_default();
        self.progress(|run| run.peers_total = peers.len() as u64);
        for info in peers {
            let (report, failed) = self.sync_peer(info.peer_id).await;
            self.progress(|run| {
                run.peers_done += 1;
                run.failed += failed;
                // `fetched` is counted as each page is stored, so the bar moves during a peer.
                run.report.add(&SyncReport {
                    fetched: 0,
                    ..report
                });
            });
        }
        self.progress(|run| run.finished_at_ms = Some(now_ms()));
    }

    /// On a new connection: the side with the lower peer id initiates, so a pair runs one
    /// session, not two (each side fetches what it lacks either way).
    pub async fn on_connected(&self, peer: PeerId) {
        if self.client.local_peer_id() < peer {
            self.sync_peer(peer).await;
        }
    }

    /// Every [`PERIODIC_EVERY`], syncs with one connected peer picked at random, catching up
    /// whatever gossip missed; every [`CATCH_UP_EVERY`], catches up at once when the network
    /// dropped events or a session failed for a passing reason.
    pub async fn periodic(&self) {
        let mut periodic = tokio::time::interval(PERIODIC_EVERY);
        let mut catch_up = tokio::time::interval(CATCH_UP_EVERY);
        periodic.tick().await;
        let mut dropped_seen = 0;
        loop {
            tokio::select! {
                _ = periodic.tick() => {
                    let peers = self.client.peers().await.unwrap_or_default();
                    if let Some(peer) = pick(peers.iter().map(|p| p.peer_id).collect(), 1).first() {
                        self.sync_peer(*peer).await;
                    }
                }
                _ = catch_up.tick() => self.catch_up(&mut dropped_seen).await,
            }
        }
    }

    /// Syncs with the peers due for a retry and, if the network dropped events since
    /// `dropped_seen`, with a few connected peers.
    async fn catch_up(&self, dropped_seen: &mut u64) {
        let Ok(connected) = self.client.peers().await else {
            return;
        };
        let connected: Vec<PeerId> = connected.into_iter().map(|p| p.peer_id).collect();
        let mut due: Vec<PeerId> = self
            .take_retries()
            .into_iter()
            .filter(|p| connected.contains(p))
            .collect();
        if let Ok(stats) = self.client.stats().await {
            let dropped = stats.dropped_gossip + stats.dropped_requests + stats.dropped_events;
            if dropped > *dropped_seen {
                tracing::info!(
                    dropped = dropped - *dropped_seen,
                    "the network dropped events: catching up by sync"
                );
                *dropped_seen = dropped;
                due.extend(pick(connected, CATCH_UP_PEERS));
            }
        }
        due.sort();
        due.dedup();
        for peer in due {
            self.sync_peer(peer).await;
        }
    }
}

/// Up to `n` of `peers`, picked at random.
fn pick(mut peers: Vec<PeerId>, n: usize) -> Vec<PeerId> {
    let mut picked = Vec::with_capacity(n.min(peers.len()));
    while picked.len() < n && !peers.is_empty() {
        let at = getrandom::u64().unwrap_or_else(|_| now_ms()) as usize % peers.len();
        picked.push(peers.swap_remove(at));
    }
    picked
}

/// The claim on running the one initiator session with a peer, released when dropped. The
/// peer's responder keeps one session per peer, and a second start from us would replace the
/// first: the first's next step would then meet the second's state, and one of the two honest
/// nodes would take the other for a liar. On-connect, periodic, catch-up and on-demand sessions
/// can all fall due at once, so they take turns here.
struct Running<'a> {
    set: &'a Mutex<HashSet<PeerId>>,
    peer: PeerId,
}

impl<'a> Running<'a> {
    /// The claim on `peer`, or `None` while another session with it runs.
    fn claim(set: &'a Mutex<HashSet<PeerId>>, peer: PeerId) -> Option<Running<'a>> {
        let fresh = set.lock().unwrap_or_else(|p| p.into_inner()).insert(peer);
        fresh.then_some(Running { set, peer })
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.peer);
    }
}

/// One checked fetch answer.
struct Page {
    /// How many of the asked ids it settles.
    answered: usize,
    /// The records among them.
    wires: Vec<Vec<u8>>,
    /// Request and response bytes.
    bytes: u64,
}

/// What the fetches of one session brought.
#[derive(Debug, Default, Clone, Copy)]
struct Fetched {
    stored: u64,
    bytes: u64,
}

/// Whether `wire` is one of `asked`: its id is the blake3 of its payload, so it can be checked
/// before the (costlier) signature verification that ingest does anyway.
fn asked_for(wire: &[u8], asked: &[RecordId]) -> bool {
    smartket_protocol::Envelope::decode(wire)
        .map(|e| asked.contains(&e.id()))
        .unwrap_or(false)
}

impl crate::network::Responder for Arc<Syncer> {
    async fn serve(&self, peer: PeerId, bytes: Vec<u8>, reply: oneshot::Sender<Vec<u8>>) {
        Syncer::serve(self, peer, bytes, reply).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_initiator_session_per_peer_runs_at_a_time() {
        let set = Mutex::new(HashSet::new());
        let (a, b) = (PeerId::random(), PeerId::random());
        let first = Running::claim(&set, a);
        assert!(first.is_some());
        assert!(Running::claim(&set, a).is_none(), "a second session with a");
        assert!(
            Running::claim(&set, b).is_some(),
            "another peer is not held up"
        );
        drop(first);
        assert!(
            Running::claim(&set, a).is_some(),
            "the claim ends with its session"
        );
    }
}
