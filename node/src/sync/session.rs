//! One initiator session: claim the peer, reconcile a market with it step by step over
//! `/smartket/sync/1`, then fetch what we lack (`fetch.rs`), all under [`SESSION_DEADLINE`].
//!
//! Separate from the scheduling that decides *when* sessions run (`schedule.rs`) and from the
//! responder side (`serve.rs`): this is the one place a session's reconcile loop lives.

use std::collections::HashSet;
use std::sync::Mutex;

use libp2p::PeerId;
use smartket_protocol::sync::Reconciler;
use smartket_protocol::sync::wire;

use super::{NODE_SYNC_CONFIG, SESSION_DEADLINE, SessionError, SyncReport, Syncer, snapshot};
use crate::network::RequestKind;

impl Syncer {
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
