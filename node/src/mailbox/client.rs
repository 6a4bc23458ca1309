//! Both ends of the mailbox seen from an ordinary node: leaving a message with the connected
//! cooperatives when its recipient cannot be reached, and collecting what waits for this node.
//!
//! ```text
//! outbox ─▶ deposit(client) ─▶ every connected cooperative
//! Collector (when) ─▶ Fetcher::collect_from ─▶ per key: challenge, fetch pages ─▶ Inbox::receive ─▶ ack
//! ```
//!
//! The fetcher hands what it fetched to an [`Inbox`] (the orders service), so that this module
//! knows the mailbox protocol and nothing of orders.

use std::future::Future;

use libp2p::PeerId;
use smartket_protocol::mailbox::{
    MAX_PAGE_MESSAGES, MAX_TTL_MS, MailboxRequest, MailboxResponse, MsgResponse, answer_challenge,
};
use smartket_protocol::{EncryptionKey, EncryptionPublicKey, RecipientKeys};

use crate::clock::now_ms;
use crate::network::{Client, RequestKind, author_of_peer};

/// Where collected messages go: stored and acknowledged (`Ok`), refused for good (`Ok` with a
/// refusal: acknowledged too, it can never be taken), or not stored (`Err`: left in the mailbox
/// for the next round).
pub trait Inbox: Send + Sync + 'static {
    /// The keys whose mailboxes this node collects: its own, then its orders' (a consumer's
    /// per-order keys, `spec/orders.md` §2).
    fn mailboxes(&self) -> Vec<EncryptionKey>;

    /// Takes one sealed message fetched from the mailbox of `to`.
    fn receive(
        &self,
        to: &EncryptionPublicKey,
        sealed: &[u8],
    ) -> impl Future<Output = Result<MsgResponse, String>> + Send;
}

/// Sends one mailbox request and reads the answer; `None` when there is none or it is not a
/// mailbox response.
pub(super) async fn ask(
    client: &Client,
    peer: PeerId,
    request: MailboxRequest,
) -> Option<MailboxResponse> {
    let bytes = client
        .request(peer, RequestKind::Mailbox, request.encode())
        .await
        .ok()?;
    MailboxResponse::decode(&bytes).ok()
}

/// Leaves `sealed` for `to` with every connected cooperative (a bootstrap peer of this node,
/// [`Client::is_bootstrap`]); true when at least one took it. Any other peer would learn the
/// recipient's key, the time and the size of the message for nothing: it is not where the
/// recipient collects.
pub async fn deposit(client: &Client, to: &RecipientKeys, sealed: &[u8], created_ms: u64) -> bool {
    let Ok(peers) = client.peers().await else {
        return false;
    };
    let expires_ms = created_ms.saturating_add(MAX_TTL_MS).max(now_ms() + 60_000);
    let mut kept = false;
    for peer in peers {
        if !client.is_bootstrap(&peer.peer_id) || author_of_peer(&peer.peer_id) == Some(to.author) {
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

/// One collection from one peer: what a collection found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Collected {
    /// Messages taken and acknowledged.
    pub taken: usize,
    /// Whether the peer accepted our proof: it keeps mailboxes, and from now on it tells this
    /// node of new deposits for the key while the connection lasts.
    pub proved: bool,
}

/// Collects the mail sealed to the inbox's keys from one peer at a time; [`super::collector`]
/// decides when.
pub struct Fetcher<I> {
    client: Client,
    inbox: I,
}

impl<I: Inbox> Fetcher<I> {
    /// Fetches the mail of `inbox`'s keys into it.
    pub fn new(client: Client, inbox: I) -> Fetcher<I> {
        Fetcher { client, inbox }
    }

    /// Whether `recipient` is one of the mailboxes this fetcher collects.
    pub fn collects(&self, recipient: &EncryptionPublicKey) -> bool {
        self.inbox
            .mailboxes()
            .iter()
            .any(|key| key.public() == *recipient)
    }

    /// The network, to list the connected peers.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Collects every message waiting for this node at `peer` (when it keeps mailboxes), one
    /// key after the other: its own key first, so that a cooperative that does not keep
    /// mailboxes is asked one challenge, not one per order.
    pub async fn collect_from(&self, peer: PeerId) -> Collected {
        let mut collected = Collected::default();
        let Some(cooperative) = author_of_peer(&peer) else {
            return collected;
        };
        for key in self.inbox.mailboxes() {
            let one = self.collect_key(peer, &cooperative, &key).await;
            if !one.proved {
                break;
            }
            collected.taken += one.taken;
            collected.proved = true;
        }
        collected
    }

    /// Collects the mailbox of `key` at `peer`: proves the key, fetches page by page, hands
    /// each message to the inbox, and acknowledges what was stored (or can never be).
    async fn collect_key(
        &self,
        peer: PeerId,
        cooperative: &smartket_protocol::AuthorKey,
        key: &EncryptionKey,
    ) -> Collected {
        let mut collected = Collected::default();
        let client = &self.client;
        let recipient = key.public();
        let Some(MailboxResponse::Challenge(challenge)) =
            ask(client, peer, MailboxRequest::Challenge { recipient }).await
        else {
            return collected;
        };
        let Ok(proof) = answer_challenge(cooperative, key, &challenge, now_ms()) else {
            tracing::warn!(%peer, "mailbox challenge does not open: not from this cooperative");
            return collected;
        };
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
                return collected;
            };
            collected.proved = true;
            let mut done = Vec::new();
            for message in &messages {
                match self.inbox.receive(&recipient, &message.sealed).await {
                    Ok(MsgResponse::Refused { code, .. }) if code.is_transient() => {}
                    Ok(_) => done.push(message.id),
                    Err(e) => tracing::warn!("message from a mailbox not stored: {e}"),
                }
            }
            after = messages.last().map(|m| m.id);
            if !done.is_empty() {
                collected.taken += done.len();
                let ack = MailboxRequest::Ack {
                    recipient,
                    proof,
                    ids: done,
                };
                if !matches!(
                    ask(client, peer, ack).await,
                    Some(MailboxResponse::Acked { .. })
                ) {
                    return collected;
                }
            }
            if !more || after.is_none() {
                return collected;
            }
        }
        collected
    }
}
