//! Both ends of the mailbox seen from an ordinary node: leaving a message with the connected
//! cooperatives when its recipient cannot be reached, and collecting what waits for this node.
//!
//! ```text
//! outbox ─▶ deposit(client) ─▶ every connected cooperative
//! peer connected / every 30 s ─▶ Collector ─▶ challenge, fetch pages ─▶ Inbox::receive ─▶ ack
//! ```
//!
//! The collector hands what it fetched to an [`Inbox`] (the orders service), so that this module
//! knows the mailbox protocol and nothing of orders.

use std::future::Future;
use std::sync::Arc;

use libp2p::PeerId;
use smartket_protocol::mailbox::{
    MAX_PAGE_MESSAGES, MAX_TTL_MS, MailboxRequest, MailboxResponse, MsgResponse, answer_challenge,
};
use smartket_protocol::{EncryptionKey, RecipientKeys};

use super::Mailbox;
use crate::clock::now_ms;
use crate::network::{Client, RequestKind, author_of_peer};

/// Where collected messages go: stored and acknowledged (`Ok`), refused for good (`Ok` with a
/// refusal: acknowledged too, it can never be taken), or not stored (`Err`: left in the mailbox
/// for the next round).
pub trait Inbox: Send + Sync + 'static {
    /// Takes one sealed message fetched from a mailbox.
    fn receive(&self, sealed: &[u8]) -> impl Future<Output = Result<MsgResponse, String>> + Send;
}

async fn ask(client: &Client, peer: PeerId, request: MailboxRequest) -> Option<MailboxResponse> {
    let bytes = client
        .request(peer, RequestKind::Mailbox, request.encode())
        .await
        .ok()?;
    MailboxResponse::decode(&bytes).ok()
}

/// Leaves `sealed` for `to` with every connected peer that keeps mailboxes; true when at least
/// one took it.
pub async fn deposit(client: &Client, to: &RecipientKeys, sealed: &[u8], created_ms: u64) -> bool {
    let Ok(peers) = client.peers().await else {
        return false;
    };
    let expires_ms = created_ms.saturating_add(MAX_TTL_MS).max(now_ms() + 60_000);
    let mut kept = false;
    for peer in peers {
        if author_of_peer(&peer.peer_id) == Some(to.author) {
            continue;
        }
        let request = MailboxRequest::Deposit {
            recipient: to.enc,
            expires_ms: expires_ms.min(now_ms().saturating_add(MAX_TTL_MS)),
            sealed: sealed.to_vec(),
        };
        if let Some(MailboxResponse::Accepted { .. }) = ask(client, peer.peer_id, request).await {
            kept = true;
        }
    }
    kept
}

/// How often connected cooperatives are asked for waiting messages (besides on connecting),
/// and a cooperative sweeps expired ones.
const COLLECT_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Collects this node's mail from the cooperatives it is connected to. Cheap to clone.
pub struct Collector<I> {
    client: Client,
    /// The key mail is sealed to; proves to a cooperative that the mail is ours.
    key: EncryptionKey,
    inbox: I,
    /// The mailboxes this node keeps for others (cooperative nodes), swept each round.
    mailbox: Option<Arc<Mailbox>>,
}

impl<I: Clone> Clone for Collector<I> {
    fn clone(&self) -> Self {
        Collector {
            client: self.client.clone(),
            key: self.key.clone(),
            inbox: self.inbox.clone(),
            mailbox: self.mailbox.clone(),
        }
    }
}

impl<I: Inbox> Collector<I> {
    /// Collects the mail sealed to `key` into `inbox`, and sweeps `mailbox` if this node keeps
    /// one.
    pub fn new(
        client: Client,
        key: EncryptionKey,
        inbox: I,
        mailbox: Option<Arc<Mailbox>>,
    ) -> Collector<I> {
        Collector {
            client,
            key,
            inbox,
            mailbox,
        }
    }

    /// Runs until the daemon stops: every [`COLLECT_EVERY`], collects what waits for this
    /// node with the connected cooperatives and, on a cooperative, drops the expired mail it
    /// keeps.
    pub async fn run(self) {
        let mut tick = tokio::time::interval(COLLECT_EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            self.collect_all().await;
            if let Some(mailbox) = &self.mailbox {
                let store = mailbox.store().clone();
                match tokio::task::spawn_blocking(move || store.sweep(now_ms())).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!("mailbox sweep: {e}"),
                    Err(e) => tracing::warn!("mailbox sweep task: {e}"),
                }
            }
        }
    }

    /// Collects every message waiting for this node at `peer` (when it keeps mailboxes):
    /// proves the key, fetches page by page, hands each message to the inbox, and acknowledges
    /// what was stored (or can never be). Returns how many messages were taken.
    pub async fn collect_from(&self, peer: PeerId) -> usize {
        let Some(cooperative) = author_of_peer(&peer) else {
            return 0;
        };
        let client = &self.client;
        let recipient = self.key.public();
        let Some(MailboxResponse::Challenge(challenge)) =
            ask(client, peer, MailboxRequest::Challenge { recipient }).await
        else {
            return 0;
        };
        let Ok(proof) = answer_challenge(&cooperative, &self.key, &challenge, now_ms()) else {
            tracing::warn!(%peer, "mailbox challenge does not open: not from this cooperative");
            return 0;
        };
        let mut taken = 0;
        let mut after = None;
        // A whole mailbox is at most this many pages; messages left unacknowledged (transient
        // failures) must not keep the loop going.
        let pages =
            smartket_protocol::mailbox::RECIPIENT_QUOTA_MESSAGES as usize / MAX_PAGE_MESSAGES + 2;
        for _ in 0..pages {
            let fetch = MailboxRequest::Fetch {
                recipient,
                proof,
                after,
                max: MAX_PAGE_MESSAGES as u8,
            };
            let Some(MailboxResponse::Page { messages, more }) = ask(client, peer, fetch).await
            else {
                return taken;
            };
            let mut done = Vec::new();
            for message in &messages {
                match self.inbox.receive(&message.sealed).await {
                    Ok(MsgResponse::Refused { code, .. }) if code.is_transient() => {}
                    Ok(_) => done.push(message.id),
                    Err(e) => tracing::warn!("message from a mailbox not stored: {e}"),
                }
            }
            after = messages.last().map(|m| m.id);
            if !done.is_empty() {
                taken += done.len();
                let ack = MailboxRequest::Ack {
                    recipient,
                    proof,
                    ids: done,
                };
                if !matches!(
                    ask(client, peer, ack).await,
                    Some(MailboxResponse::Acked { .. })
                ) {
                    return taken;
                }
            }
            if !more || after.is_none() {
                return taken;
            }
        }
        taken
    }

    /// Collects from every connected peer.
    pub async fn collect_all(&self) -> usize {
        let Ok(peers) = self.client.peers().await else {
            return 0;
        };
        let mut taken = 0;
        for peer in peers {
            taken += self.collect_from(peer.peer_id).await;
        }
        taken
    }
}
