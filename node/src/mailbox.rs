//! Mailboxes (`/smartket/mailbox/1`, `spec/mailbox.md`): a cooperative node keeps sealed
//! messages for recipients who are away and hands them over to whoever proves it holds the
//! recipient's key; every node deposits what it cannot deliver directly and collects what
//! waits for it.
//!
//! ```text
//! sender ── Deposit ─▶ cooperative (store.rs) ◀─ Challenge / Fetch / Ack ── recipient (client.rs)
//! ```

pub mod client;
pub mod store;

use std::collections::HashMap;
use std::sync::Mutex;

use libp2p::PeerId;
use smartket_protocol::mailbox::{
    CHALLENGE_LIFETIME_MS, MAX_PAGE_MESSAGES, MailboxRequest, MailboxResponse, PendingChallenge,
    RefuseCode, check_deposit, create_challenge, verify_proof,
};
use smartket_protocol::{AuthorKey, EncryptionPublicKey};
use tokio::sync::oneshot;

use crate::clock::now_ms;
pub use store::{MailboxDbError, MailboxStore};

/// Open challenges kept at most, over all peers: beyond it the oldest are dropped.
const MAX_OPEN_CHALLENGES: usize = 10_000;

/// A cooperative node's mailbox service.
pub struct Mailbox {
    me: AuthorKey,
    store: MailboxStore,
    challenges: Mutex<HashMap<(PeerId, [u8; 32]), PendingChallenge>>,
}

fn refusal(code: RefuseCode, reason: impl Into<String>) -> MailboxResponse {
    MailboxResponse::Refused {
        code,
        reason: reason.into(),
    }
}

impl Mailbox {
    /// The mailbox service of cooperative `me`, stored in `dir`.
    pub fn open(me: AuthorKey, dir: &std::path::Path) -> Result<Mailbox, MailboxDbError> {
        Ok(Mailbox {
            me,
            store: MailboxStore::open(dir)?,
            challenges: Mutex::new(HashMap::new()),
        })
    }

    /// The store (for the sweep and status).
    pub fn store(&self) -> &MailboxStore {
        &self.store
    }

    /// Answers one request from `peer`.
    pub async fn serve(&self, peer: PeerId, bytes: Vec<u8>, reply: oneshot::Sender<Vec<u8>>) {
        let response = match MailboxRequest::decode(&bytes) {
            Ok(request) => self.answer(peer, request),
            Err(e) => refusal(RefuseCode::Malformed, e.to_string()),
        };
        let _ = reply.send(response.encode());
    }

    fn answer(&self, peer: PeerId, request: MailboxRequest) -> MailboxResponse {
        let now = now_ms();
        match request {
            MailboxRequest::Deposit {
                recipient,
                expires_ms,
                sealed,
            } => {
                if let Err(code) = check_deposit(&sealed, expires_ms, now) {
                    return refusal(code, "deposit refused");
                }
                match self
                    .store
                    .deposit(&recipient.0, &peer.to_bytes(), sealed, expires_ms, now)
                {
                    Ok(Ok((id, expires_ms))) => MailboxResponse::Accepted { id, expires_ms },
                    Ok(Err(code)) => refusal(code, "quota reached"),
                    Err(e) => {
                        tracing::error!("mailbox: {e}");
                        refusal(RefuseCode::StorageFailed, "the mailbox could not store it")
                    }
                }
            }
            MailboxRequest::Challenge { recipient } => self.challenge(peer, recipient, now),
            MailboxRequest::Fetch {
                recipient,
                proof,
                after,
                max,
            } => {
                if let Err(refused) = self.check_proof(peer, &recipient, &proof, now) {
                    return refused;
                }
                let max = usize::from(max).clamp(1, MAX_PAGE_MESSAGES);
                match self.store.page(&recipient.0, after.as_ref(), max, now) {
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
                match self.store.delete(&recipient.0, &ids) {
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
                let mut open = self
                    .challenges
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                open.retain(|_, p| now.saturating_sub(p.issued_ms) < CHALLENGE_LIFETIME_MS);
                if open.len() >= MAX_OPEN_CHALLENGES {
                    return refusal(RefuseCode::Busy, "too many open challenges");
                }
                open.insert((peer, recipient.0), pending);
                MailboxResponse::Challenge(challenge)
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
            .get(&(peer, recipient.0))
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

impl crate::network::Responder for std::sync::Arc<Mailbox> {
    async fn serve(&self, peer: PeerId, bytes: Vec<u8>, reply: oneshot::Sender<Vec<u8>>) {
        Mailbox::serve(self, peer, bytes, reply).await
    }
}
