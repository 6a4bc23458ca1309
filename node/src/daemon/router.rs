//! Network events to the services that own them (Lighthouse's router is the model): gossip to
//! the ingest pipeline in batches, then its verdicts back to gossipsub; each protocol's inbound
//! requests to its [`Responder`]; a new peer to the services that act on one.
//!
//! ```text
//! NetworkEvent ─▶ GossipRecord ─▶ batch per market ─▶ Ingest ─▶ Accept / Ignore / Reject
//!              ─▶ InboundRequest{Sync|Blob|Msg|Mailbox} ─▶ Syncer | Blobs | Orders | mailbox::Endpoint
//!              ─▶ PeerConnected ─▶ own records and waiting messages retried, mail collected, sync on connect
//!              ─▶ PeerDisconnected ─▶ mailbox notifies to and from it stop
//! ```
//!
//! Verdicts follow the ingest pipeline's rule: only bytes that are invalid whoever looks at
//! them are rejected (the forwarder is penalised); refusals that depend on this node — its
//! clock, its state, its disk — are ignored.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use libp2p::PeerId;
use tokio::sync::{mpsc, oneshot};

use crate::background::Background;
use crate::blobs::Blobs;
use crate::ingest::{Ingest, Source, Verdict};
use crate::mailbox::Endpoint;
use crate::network::{
    Client, MessageHandle, NetworkEvent, RequestKind, Requester, Responder, Validation,
};
use crate::orders::Orders;
use crate::own::OwnRecords;
use crate::sync::Syncer;

use super::suspects::Suspects;

/// How many gossip records are verified and committed together.
const GOSSIP_BATCH: usize = 64;

/// What the router hands events to.
pub(super) struct Router {
    pub(super) ingest: Ingest,
    pub(super) client: Client,
    pub(super) own: OwnRecords,
    pub(super) sync: Arc<Syncer>,
    pub(super) blobs: Arc<Blobs>,
    pub(super) orders: Orders,
    /// Mailbox requests, and the collections a connection starts.
    pub(super) mailbox: Endpoint,
    /// Answers and sessions run here, so shutdown stops them.
    pub(super) background: Background,
    /// Peers whose gossip was just rejected: the rest of their burst is dropped unverified.
    pub(super) suspects: Suspects,
}

impl Router {
    /// Runs until the network's event channel closes.
    pub(super) async fn run(mut self, mut events: mpsc::Receiver<NetworkEvent>) {
        while let Some(event) = events.recv().await {
            let mut batch = Vec::new();
            let mut next = Some(event);
            while let Some(event) = next.take() {
                match event {
                    NetworkEvent::GossipRecord {
                        market,
                        data,
                        message_id,
                        source,
                        ..
                    } => batch.push((market, data, message_id, source)),
                    NetworkEvent::PeerConnected(peer) => self.on_connected(peer).await,
                    NetworkEvent::PeerDisconnected(peer) => self.mailbox.disconnected(peer),
                    NetworkEvent::InboundRequest {
                        from,
                        kind,
                        bytes,
                        reply,
                    } => self.on_request(from, kind, bytes, reply),
                    other => tracing::debug!(?other, "network event"),
                }
                if batch.len() < GOSSIP_BATCH {
                    next = events.try_recv().ok();
                }
            }
            self.ingest_gossip(batch).await;
        }
    }

    async fn on_connected(&self, peer: PeerId) {
        tracing::debug!(%peer, "peer connected");
        self.own.retry_unpublished().await;
        self.orders.peer_connected();
        self.mailbox.connected(peer);
        let sync = Arc::clone(&self.sync);
        self.background
            .spawn(async move { sync.on_connected(peer).await });
    }

    fn on_request(
        &self,
        from: Requester,
        kind: RequestKind,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Vec<u8>>,
    ) {
        match kind {
            RequestKind::Sync => self.answer(&self.sync, from, bytes, reply),
            RequestKind::Blob => self.answer(&self.blobs, from, bytes, reply),
            RequestKind::Msg => self.answer(&self.orders, from, bytes, reply),
            RequestKind::Mailbox => self.answer(&self.mailbox, from, bytes, reply),
        }
    }

    fn answer<R: Responder>(
        &self,
        responder: &R,
        from: Requester,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Vec<u8>>,
    ) {
        let responder = responder.clone();
        self.background
            .spawn(async move { responder.serve(from, bytes, reply).await });
    }

    /// Ingests a batch of gossip, market by market, and reports each verdict to gossipsub.
    /// Gossip from a suspect is ignored unverified; a peer whose records are rejected becomes
    /// one, and is banned like a peer that lies in sync (`spec/security.md` §2).
    async fn ingest_gossip(&mut self, batch: Vec<(String, Vec<u8>, MessageHandle, PeerId)>) {
        let now = Instant::now();
        let mut by_market: BTreeMap<String, Vec<(Vec<u8>, MessageHandle, PeerId)>> =
            BTreeMap::new();
        for (market, data, id, source) in batch {
            if self.suspects.holds(&source, now) {
                let _ = self.client.report_validation(id, Validation::Ignore).await;
                continue;
            }
            by_market
                .entry(market)
                .or_default()
                .push((data, id, source));
        }
        let mut banned = Vec::new();
        for (market, items) in by_market {
            let mut wires = Vec::with_capacity(items.len());
            let mut handles = Vec::with_capacity(items.len());
            for (data, id, source) in items {
                wires.push(data);
                handles.push((id, source));
            }
            let verdicts = self
                .ingest
                .ingest_async(Source::Gossip, market, wires)
                .await;
            for (verdict, (id, source)) in verdicts.into_iter().zip(handles) {
                let result = match verdict {
                    Verdict::Accepted(_) => Validation::Accept,
                    Verdict::Rejected(e) if e.blames_sender() => {
                        if self.suspects.mark(source, Instant::now()) {
                            banned.push(source);
                        }
                        Validation::Reject
                    }
                    Verdict::Ignored(_) | Verdict::Rejected(_) => Validation::Ignore,
                };
                let _ = self.client.report_validation(id, result).await;
            }
        }
        for peer in banned {
            let _ = self.client.penalise(peer).await;
        }
    }
}
