//! What `smartket status`, `GET /api/v1/status` and the node page report: keys, addresses,
//! peers, records held, publishing and sync progress, dropped work, mailboxes kept.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Handle;
use crate::disk::DiskFault;
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
    /// Whether the disk takes the node's writes.
    #[serde(default)]
    pub disk: DiskStatus,
    /// The mailboxes this node keeps for others (cooperative nodes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<MailboxStatus>,
}

/// The disk, as the node's last writes found it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DiskStatus {
    /// `ok`, `full` (the owner frees space, and the node goes on by itself) or `failing` (any
    /// other write error: a failing disk, a file system remounted read-only).
    pub state: String,
    /// The database file whose write failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The operating system's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Since when (ms since the Unix epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<u64>,
}

impl DiskStatus {
    /// What `fault` says, for people and scripts.
    pub fn of(fault: Option<DiskFault>) -> DiskStatus {
        match fault {
            None => DiskStatus {
                state: "ok".into(),
                ..DiskStatus::default()
            },
            Some(f) => DiskStatus {
                state: if f.full { "full" } else { "failing" }.into(),
                file: Some(f.file),
                message: Some(f.message),
                since_ms: Some(f.since_ms),
            },
        }
    }
}

/// A cooperative's mailboxes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailboxStatus {
    /// Sealed messages waiting for their recipients.
    pub waiting: u64,
    /// Mailbox keys (per connected recipient) whose owner is told at once of new mail: it
    /// proved the key on the connection open now (`spec/mailbox.md` §3.5).
    #[serde(default)]
    pub watched: usize,
}

impl Handle {
    /// The disk's fault, if any. While there is one, a small write to the data dir tests
    /// whether space came back, so that an idle node's status does not say "full" forever
    /// (its databases open again by themselves at their next write).
    pub async fn disk_fault(&self) -> Option<DiskFault> {
        let disk = self.inner.disk.clone();
        disk.fault()?;
        tokio::task::spawn_blocking(move || disk.probe())
            .await
            .unwrap_or_else(|_| self.inner.disk.fault())
    }

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
            disk: DiskStatus::of(self.disk_fault().await),
            mailbox: self.mailbox().map(|m| MailboxStatus {
                waiting: m.store().kept().unwrap_or_default(),
                watched: m.watched(),
            }),
        }
    }
}
