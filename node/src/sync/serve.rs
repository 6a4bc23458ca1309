//! Serving a peer's sync requests: admit it (`guard.rs`), decode the request, answer it on a
//! blocking thread (`responder.rs`), and once a session we answered is over, fetch what it
//! taught us we lack from the initiator.
//!
//! This is the async front of the responder; `responder.rs` stays blocking and network-free.

use std::sync::Arc;
use std::time::Instant;

use libp2p::PeerId;
use smartket_protocol::sync::wire;
use tokio::sync::oneshot;

use super::responder::{self, Step};
use super::{NODE_SYNC_CONFIG, SESSION_DEADLINE, SessionError, SyncReport, Syncer};

impl Syncer {
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
}

impl crate::network::Responder for Arc<Syncer> {
    async fn serve(
        &self,
        from: crate::network::Requester,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Vec<u8>>,
    ) {
        Syncer::serve(self, from.peer, bytes, reply).await
    }
}
