//! Mailboxes (`/smartket/mailbox/1`, `spec/mailbox.md`): a cooperative node keeps sealed
//! messages for recipients who are away and hands them over to whoever proves it holds the
//! recipient's key; every node deposits what it cannot deliver directly and collects what
//! waits for it.
//!
//! ```text
//! sender ── Deposit ─▶ cooperative (store.rs) ◀─ Challenge / Fetch / Ack ── recipient (client.rs)
//!                      proofs seen (watch.rs) ── Notify ─▶ recipient's Collector (collector.rs)
//! ```
//!
//! Every node serves the protocol through an [`Endpoint`]: a notify goes to its collector, any
//! other request to the mailboxes it keeps, if it is a cooperative.

mod challenges;
pub mod client;
pub mod collector;
pub mod store;
mod watch;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use libp2p::PeerId;
use smartket_protocol::mailbox::{
    MAX_PAGE_MESSAGES, MailboxRequest, MailboxResponse, RefuseCode, check_deposit,
    create_challenge, verify_proof,
};
use smartket_protocol::{AuthorKey, EncryptionPublicKey};
use tokio::sync::oneshot;

use crate::allowance::{Allowances, Rate};
use crate::clock::now_ms;
use crate::network::{Client, Requester};
use challenges::{Challenges, PeerFull};
use collector::Collector;
pub use store::{MailboxDbError, MailboxStore};
use watch::Watchers;

/// How often expired mail is deleted. A fetch never serves an expired message anyway, so the
/// sweep only gives the disk space back: once a minute is soon enough.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Challenges one host may ask for at once, then a second. A node collecting asks one per
/// key it collects for — its own and its 48 newest orders' (`orders/keys.rs`) — each round;
/// two such nodes behind one router fit in the burst.
pub const CHALLENGE_RATE: Rate = Rate {
    burst: 128,
    per_second: 16,
};

/// A cooperative node's mailbox service.
pub struct Mailbox {
    me: AuthorKey,
    store: MailboxStore,
    /// Sends the notifies.
    client: Client,
    /// Challenges issued and not yet answered (bounded: see `challenges.rs`).
    challenges: Mutex<Challenges>,
    /// Each host's challenges a second: issuing one is a key exchange.
    challenge_rate: Allowances,
    /// Who proved which key on a connection open now: told of each deposit for it.
    watchers: Mutex<Watchers>,
}

fn refusal(code: RefuseCode, reason: impl Into<String>) -> MailboxResponse {
    MailboxResponse::Refused {
        code,
        reason: reason.into(),
    }
}

impl Mailbox {
    /// The mailbox service of cooperative `me`, stored in `dir` (its disk failures reported to
    /// `health`), telling recipients of new mail through `client`.
    pub fn open(
        me: AuthorKey,
        dir: &std::path::Path,
        health: &crate::disk::DiskHealth,
        client: Client,
    ) -> Result<Mailbox, MailboxDbError> {
        Ok(Mailbox {
            me,
            store: MailboxStore::open(dir, health)?,
            client,
            challenges: Mutex::new(Challenges::default()),
            challenge_rate: Allowances::new(CHALLENGE_RATE),
            watchers: Mutex::new(Watchers::default()),
        })
    }

    /// The store (for status).
    pub fn store(&self) -> &MailboxStore {
        &self.store
    }

    /// (peer, key) pairs of connected recipients that are told at once when mail arrives for
    /// the key.
    pub fn watched(&self) -> usize {
        self.watchers().len()
    }

    fn watchers(&self) -> MutexGuard<'_, Watchers> {
        self.watchers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs until the daemon stops: every [`SWEEP_EVERY`], deletes the expired mail.
    pub async fn run_sweep(mailbox: Arc<Mailbox>) {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        loop {
            tick.tick().await;
            let store = mailbox.store.clone();
            match tokio::task::spawn_blocking(move || store.sweep(now_ms())).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!("mailbox sweep: {e}"),
                Err(e) => tracing::warn!("mailbox sweep task: {e}"),
            }
        }
    }

    /// Answers one request from `from` and, after an accepted deposit, tells the recipient's
    /// connected peers: the depositor never waits for them.
    async fn serve(
        &self,
        from: Requester,
        request: MailboxRequest,
        reply: oneshot::Sender<Vec<u8>>,
    ) {
        let deposit_for = match &request {
            MailboxRequest::Deposit { recipient, .. } => Some(*recipient),
            _ => None,
        };
        let response = self.answer(from, request).await;
        let accepted = matches!(response, MailboxResponse::Accepted { .. });
        let _ = reply.send(response.encode());
        if let Some(recipient) = deposit_for.filter(|_| accepted) {
            self.notify(recipient).await;
        }
    }

    /// Sends a notify for `recipient` to every connected peer that proved it holds the key,
    /// all at once. A peer no longer connected is not dialled, and one that does not answer
    /// `noted` is forgotten: it collects at its next round, and is remembered again then.
    async fn notify(&self, recipient: EncryptionPublicKey) {
        let watching = self.watchers().peers_for(&recipient.0);
        if watching.is_empty() {
            return;
        }
        let Ok(connected) = self.client.peers().await else {
            return;
        };
        let connected: HashSet<PeerId> = connected.into_iter().map(|p| p.peer_id).collect();
        let connected = &connected;
        let sends = watching.into_iter().map(|peer| async move {
            if !connected.contains(&peer) {
                return Some(peer);
            }
            let noted = client::ask(&self.client, peer, MailboxRequest::Notify { recipient }).await;
            (noted != Some(MailboxResponse::Noted)).then_some(peer)
        });
        let gone: Vec<PeerId> = futures::future::join_all(sends)
            .await
            .into_iter()
            .flatten()
            .collect();
        let mut watchers = self.watchers();
        for peer in gone {
            tracing::debug!(%peer, "recipient did not take a notify: forgotten");
            watchers.forget(&peer);
        }
    }

    /// `peer`'s last connection closed: it is told of no more deposits.
    fn forget(&self, peer: &PeerId) {
        self.watchers().forget(peer);
    }

    /// Runs `work` on the store off the async threads (redb blocks on the disk).
    async fn on_store<T: Send + 'static>(
        &self,
        work: impl FnOnce(&MailboxStore) -> Result<T, MailboxDbError> + Send + 'static,
    ) -> Result<T, String> {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || work(&store)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(format!("mailbox task: {e}")),
        }
    }

    async fn answer(&self, from: Requester, request: MailboxRequest) -> MailboxResponse {
        let now = now_ms();
        let peer = from.peer;
        match request {
            MailboxRequest::Deposit {
                recipient,
                expires_ms,
                sealed,
            } => {
                if let Err(code) = check_deposit(&sealed, expires_ms, now) {
                    return refusal(code, "deposit refused");
                }
                // By host where there is one: a fresh peer id from the same machine shares
                // its quotas (`spec/security.md` §5).
                let depositor = from.quota_key();
                let stored = self
                    .on_store(move |store| {
                        store.deposit(&recipient.0, &depositor, sealed, expires_ms, now)
                    })
                    .await;
                match stored {
                    Ok(Ok((id, expires_ms))) => MailboxResponse::Accepted { id, expires_ms },
                    Ok(Err(code)) => refusal(code, "quota reached"),
                    Err(e) => {
                        tracing::error!("mailbox: {e}");
                        refusal(RefuseCode::StorageFailed, "the mailbox could not store it")
                    }
                }
            }
            MailboxRequest::Challenge { recipient } => {
                if !self
                    .challenge_rate
                    .spend(&from.quota_key(), std::time::Instant::now())
                {
                    return refusal(
                        RefuseCode::Busy,
                        "too many challenges from your address: try again in a moment",
                    );
                }
                self.challenge(peer, recipient, now)
            }
            // The endpoint hands notifies to the collector; one reaching here is answered the
            // same way, whatever this node holds.
            MailboxRequest::Notify { .. } => MailboxResponse::Noted,
            MailboxRequest::Fetch {
                recipient,
                proof,
                after,
                max,
            } => {
                if let Err(refused) = self.check_proof(peer, &recipient, &proof, now) {
                    return refused;
                }
                self.watchers().insert(peer, recipient.0);
                let max = usize::from(max).clamp(1, MAX_PAGE_MESSAGES);
                let page = self
                    .on_store(move |store| store.page(&recipient.0, after.as_ref(), max, now))
                    .await;
                match page {
                    Ok((messages, more)) => MailboxResponse::Page { messages, more },
                    Err(e) => {
                        tracing::error!("mailbox: {e}");
                        refusal(RefuseCode::StorageFailed, "the mailbox could not be read")
                    }
                }
            }
            MailboxRequest::Ack {
                recipient,
                proof,
                ids,
            } => {
                if let Err(refused) = self.check_proof(peer, &recipient, &proof, now) {
                    return refused;
                }
                self.watchers().insert(peer, recipient.0);
                match self
                    .on_store(move |store| store.delete(&recipient.0, &ids))
                    .await
                {
                    Ok(deleted) => MailboxResponse::Acked { deleted },
                    Err(e) => {
                        tracing::error!("mailbox: {e}");
                        refusal(
                            RefuseCode::StorageFailed,
                            "the mailbox could not be written",
                        )
                    }
                }
            }
        }
    }

    fn challenge(&self, peer: PeerId, recipient: EncryptionPublicKey, now: u64) -> MailboxResponse {
        let mut seed = [0u8; 32];
        if getrandom::fill(&mut seed).is_err() {
            return refusal(RefuseCode::Busy, "no randomness");
        }
        let mut rng = smartket_protocol::seal::SeedRng::new(&seed);
        match create_challenge(&self.me, &recipient, now, &mut rng) {
            Ok((challenge, pending)) => {
                let issued = self
                    .challenges
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .issue(peer, recipient.0, pending, now);
                match issued {
                    Ok(()) => MailboxResponse::Challenge(challenge),
                    Err(PeerFull) => {
                        refusal(RefuseCode::Busy, "too many open challenges from this peer")
                    }
                }
            }
            Err(e) => refusal(RefuseCode::BadProof, e.to_string()),
        }
    }

    fn check_proof(
        &self,
        peer: PeerId,
        recipient: &EncryptionPublicKey,
        proof: &smartket_protocol::mailbox::Proof,
        now: u64,
    ) -> Result<(), MailboxResponse> {
        let open = self
            .challenges
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let pending = open
            .get(peer, recipient.0)
            .ok_or_else(|| refusal(RefuseCode::BadProof, "no open challenge for this key"))?;
        verify_proof(&self.me, pending, proof, now).map_err(|e| {
            let code = if matches!(e, smartket_protocol::mailbox::ProofError::Expired) {
                RefuseCode::ProofExpired
            } else {
                RefuseCode::BadProof
            };
            refusal(code, e.to_string())
        })
    }
}

/// Every node's end of `/smartket/mailbox/1`: a notify goes to this node's collector, any other
/// request to the mailboxes it keeps (a cooperative) or is refused `no_mailbox`.
#[derive(Clone)]
pub struct Endpoint {
    keeper: Option<Arc<Mailbox>>,
    collector: Collector,
}

impl Endpoint {
    /// The endpoint of a node keeping `keeper` (cooperatives) and collecting with `collector`.
    pub fn new(keeper: Option<Arc<Mailbox>>, collector: Collector) -> Endpoint {
        Endpoint { keeper, collector }
    }

    /// A peer's first connection opened: collect what waits there.
    pub fn connected(&self, peer: PeerId) {
        self.collector.connected(peer);
    }

    /// A peer's last connection closed: it is neither told of deposits nor heard when it tells.
    pub fn disconnected(&self, peer: PeerId) {
        if let Some(keeper) = &self.keeper {
            keeper.forget(&peer);
        }
        self.collector.disconnected(peer);
    }
}

impl crate::network::Responder for Endpoint {
    async fn serve(&self, from: Requester, bytes: Vec<u8>, reply: oneshot::Sender<Vec<u8>>) {
        let request = match MailboxRequest::decode(&bytes) {
            Ok(request) => request,
            Err(e) => {
                let _ = reply.send(refusal(RefuseCode::Malformed, e.to_string()).encode());
                return;
            }
        };
        match (request, &self.keeper) {
            // Answered `noted` whatever is done with it, so the answer does not tell whether
            // this node holds the key.
            (MailboxRequest::Notify { recipient }, _) => {
                self.collector.notified(from.peer, recipient);
                let _ = reply.send(MailboxResponse::Noted.encode());
            }
            (request, Some(keeper)) => keeper.serve(from, request, reply).await,
            (_, None) => {
                let refused = refusal(RefuseCode::NoMailbox, "this node keeps no mailboxes");
                let _ = reply.send(refused.encode());
            }
        }
    }
}
