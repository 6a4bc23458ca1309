//! What `smartket status`, `GET /api/v1/status` and the node page report: keys, addresses,
//! peers, records held, publishing and sync progress, dropped work, mailboxes kept.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Handle;
use crate::clock::now_ms;
use crate::network::{NetworkStats, Reachability};
use crate::sync::SyncStatus;

/// What `status` reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    /// The actor's public key (hex).
    pub author: String,
    /// The libp2p peer id (same key).
    pub peer_id: String,
    /// The actor's role.
    pub role: String,
    /// Addresses the node listens on.
    pub listen: Vec<String>,
    /// Connected peers.
    pub peers: usize,
    /// Current records held, per market and kind.
    pub markets: BTreeMap<String, BTreeMap<String, u64>>,
    /// Own records waiting for a peer to publish to.
    pub unpublished: usize,
    /// Catch-up sync progress.
    #[serde(default)]
    pub sync: SyncStatus,
    /// Network events dropped because the node did not keep up (caught up by sync).
    #[serde(default)]
    pub network: NetworkStats,
    /// How other nodes reach this one.
    #[serde(default)]
    pub reachability: Reachability,
    /// The mailboxes this node keeps for others (cooperative nodes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<MailboxStatus>,
}

/// A cooperative's mailboxes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailboxStatus {
    /// Sealed messages waiting for their recipients.
    pub waiting: usize,
    /// Mailbox keys (per connected recipient) whose owner is told at once of new mail: it
    /// proved the key on the connection open now (`spec/mailbox.md` §3.5).
    #[serde(default)]
    pub watched: usize,
}

impl Handle {
    /// Peers, record counts, addresses.
    pub async fn status(&self) -> Status {
        let inner = &self.inner;
        let peers = inner.client.peers().await.map(|p| p.len()).unwrap_or(0);
        let listen = inner
            .client
            .listen_addrs()
            .await
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect();
        let mut markets = BTreeMap::new();
        for market in &inner.markets {
            let counts = inner.store.counts(&market.id).unwrap_or_default();
            markets.insert(
                market.id.clone(),
                counts
                    .into_iter()
                    .map(|(k, n)| (k.as_str().to_owned(), n))
                    .collect(),
            );
        }
        Status {
            author: self.author().to_hex(),
            peer_id: self.peer_id().to_string(),
            role: inner.config.node.role.clone(),
            listen,
            peers,
            markets,
            unpublished: inner.own.unpublished().await,
            sync: inner.sync.status(),
            network: inner.client.stats().await.unwrap_or_default(),
            reachability: inner.client.reachability().await.unwrap_or_default(),
            mailbox: self.mailbox().map(|m| MailboxStatus {
                waiting: m.store().len(now_ms()).unwrap_or_default(),
                watched: m.watched(),
            }),
        }
    }
}
