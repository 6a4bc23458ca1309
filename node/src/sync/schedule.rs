//! When the node syncs, and with whom: on a new connection, every few minutes with one random
//! peer, at once to catch up after dropped events or a session that failed for a passing
//! reason, and on demand (`smartket sync`) with every connected peer.
//!
//! Apart from the sessions themselves (`session.rs`): this decides only which peers are due,
//! so the retry table and the timers are the whole of it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use libp2p::PeerId;

use super::session::Turn;
use super::{SessionError, SyncReport, SyncRun, Syncer};
use crate::clock::now_ms;

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

impl Syncer {
    /// Puts `peer` down for another session at the next catch-up, while it has retries left.
    pub(super) fn retry_later(&self, peer: PeerId) {
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

    /// Syncs every joined market with `peer`; returns the summed reports and how many
    /// markets failed (each failure is logged).
    pub(super) async fn sync_peer(&self, peer: PeerId, turn: Turn) -> (SyncReport, u64) {
        let mut total = SyncReport::default();
        let mut failed = 0;
        if self.guard.is_penalised(peer, Instant::now()) {
            return (total, 0);
        }
        for market in &self.markets {
            match self.sync_in_turn(peer, market, turn).await {
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
    /// whether it started. Its progress is [`SyncStatus::run`](super::SyncStatus::run).
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
            let (report, failed) = self.sync_peer(info.peer_id, Turn::Wait).await;
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
            self.sync_peer(peer, Turn::Skip).await;
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
                        self.sync_peer(*peer, Turn::Skip).await;
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
            self.sync_peer(peer, Turn::Skip).await;
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
