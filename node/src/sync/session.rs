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

/// What a session does when another session with the same peer is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Turn {
    /// Gives way (`SessionError::AlreadyRunning`): the running one catches up the same
    /// (on-connect, periodic and catch-up sessions).
    Skip,
    /// Waits for it to end, then runs (a sync the owner asked for reports what it did itself).
    Wait,
}

impl Syncer {
    /// Reconciles `market` with `peer` as initiator, then fetches what we lack.
    pub async fn sync_with(&self, peer: PeerId, market: &str) -> Result<SyncReport, SessionError> {
        self.sync_in_turn(peer, market, Turn::Skip).await
    }

    /// [`Syncer::sync_with`], giving way to or waiting for a session already running with
    /// `peer` as `turn` says.
    pub(super) async fn sync_in_turn(
        &self,
        peer: PeerId,
        market: &str,
        turn: Turn,
    ) -> Result<SyncReport, SessionError> {
        if !self.markets.iter().any(|m| m == market) {
            return Err(SessionError::NotJoined(market.to_owned()));
        }
        let Some(_running) = Running::take(&self.initiating, &self.turn_freed, peer, turn).await
        else {
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
    /// Told when the claim is released.
    freed: &'a tokio::sync::Notify,
    peer: PeerId,
}

impl<'a> Running<'a> {
    /// The claim on `peer`, or `None` while another session with it runs.
    fn claim(
        set: &'a Mutex<HashSet<PeerId>>,
        freed: &'a tokio::sync::Notify,
        peer: PeerId,
    ) -> Option<Running<'a>> {
        let fresh = set.lock().unwrap_or_else(|p| p.into_inner()).insert(peer);
        // Not `then_some`: a claim built and dropped on refusal would release the running one's.
        if fresh {
            Some(Running { set, freed, peer })
        } else {
            None
        }
    }

    /// The claim on `peer`; with [`Turn::Wait`], once the session holding it ends (at most
    /// one session deadline later).
    async fn take(
        set: &'a Mutex<HashSet<PeerId>>,
        freed: &'a tokio::sync::Notify,
        peer: PeerId,
        turn: Turn,
    ) -> Option<Running<'a>> {
        let deadline = tokio::time::Instant::now() + SESSION_DEADLINE;
        loop {
            // Registered before the check, so a release between the two is not missed.
            let released = freed.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            if let Some(running) = Running::claim(set, freed, peer) {
                return Some(running);
            }
            if turn == Turn::Skip || tokio::time::timeout_at(deadline, released).await.is_err() {
                return None;
            }
        }
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.peer);
        self.freed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_initiator_session_per_peer_runs_at_a_time() {
        let set = Mutex::new(HashSet::new());
        let freed = tokio::sync::Notify::new();
        let (a, b) = (PeerId::random(), PeerId::random());
        let first = Running::claim(&set, &freed, a);
        assert!(first.is_some());
        assert!(
            Running::claim(&set, &freed, a).is_none(),
            "a second session with a"
        );
        assert!(
            Running::claim(&set, &freed, a).is_none(),
            "a refused claim leaves the first one held"
        );
        assert!(
            Running::claim(&set, &freed, b).is_some(),
            "another peer is not held up"
        );
        drop(first);
        assert!(
            Running::claim(&set, &freed, a).is_some(),
            "the claim ends with its session"
        );
    }

    #[tokio::test]
    async fn a_session_that_waits_its_turn_runs_once_the_running_one_ends() {
        let set = Mutex::new(HashSet::new());
        let freed = tokio::sync::Notify::new();
        let peer = PeerId::random();
        let first = Running::claim(&set, &freed, peer).unwrap();
        assert!(
            Running::take(&set, &freed, peer, Turn::Skip)
                .await
                .is_none(),
            "a session that gives way does not wait"
        );
        let waiting = Running::take(&set, &freed, peer, Turn::Wait);
        tokio::pin!(waiting);
        // Not before the running session ends…
        assert!(futures::poll!(waiting.as_mut()).is_pending());
        drop(first);
        // …and at once after.
        assert!(waiting.await.is_some());
    }
}
