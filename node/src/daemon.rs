//! The running node: wires the network, the ingest pipeline and the store together, publishes
//! the actor's own records, and shuts everything down cleanly.
//!
//! ```text
//!            NetworkEvent (bounded)                      Vec<Verdict>
//!  EventLoop ───────────────────────▶ gossip task ──▶ Ingest ──▶ Store (redb)
//!     ▲   report_validation / publish      │            │
//!     └────────────── Client ◀─────────────┘            └──▶ StoreEvent (broadcast)
//!                       ▲
//!            Handle ────┘  (API, CLI: submit own records, status, blobs)
//! ```
//!
//! Blob chunk requests go to [`Blobs`], which also fetches blobs for the API and collects
//! unreferenced ones every `blobs.gc_every_secs`.
//!
//! Gossip is acknowledged to libp2p (Accept/Ignore/Reject) only after the ingest pipeline has
//! committed or refused the record, so nothing is forwarded that this node has not stored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use libp2p::{Multiaddr, PeerId};
use serde::{Deserialize, Serialize};
use smartket_protocol::blob::{MediaType, referenced_by};
use smartket_protocol::market::Market;
use smartket_protocol::record::Payload;
use smartket_protocol::{AuthorKey, BlobId, Kind, Record, SecretKey};
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;

use crate::background::Background;
use crate::blobs::{Blobs, BlobsError};
use crate::clock::now_ms;
use crate::config::Config;
use crate::data_dir::DataDir;
use crate::identity::{self, DataDirLock};
use crate::ingest::{IgnoreReason, Ingest, Source, Verdict};
use crate::markets;
use crate::network::{self, Client, NetworkConfig, NetworkEvent};
use crate::search::{self, SearchError, SearchIndex, SearchQuery, SearchResults};
use crate::store::Store;
use crate::sync::{PullReport, SessionError, SyncStatus, Syncer};

/// How many gossip records are verified and committed together.
const GOSSIP_BATCH: usize = 64;
/// How often own records that found no peer are offered again.
const RETRY_EVERY: Duration = Duration::from_secs(1);
/// How often own records are checked for re-signing before expiry.
const REPUBLISH_EVERY: Duration = Duration::from_secs(60);
/// Own records are re-signed when less than this share of their lifetime remains.
const REPUBLISH_WHEN_LEFT: u64 = 4;
/// How often expired records are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Why the node could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// Key file or data-dir lock.
    #[error(transparent)]
    Identity(#[from] identity::IdentityError),
    /// A market config.
    #[error(transparent)]
    Market(#[from] markets::MarketLoadError),
    /// The database.
    #[error("database: {0}")]
    Store(#[from] crate::store::StoreError),
    /// The network (listen address in use, bad bootstrap address…).
    #[error(transparent)]
    Network(#[from] network::NetworkError),
    /// The blob directory.
    #[error("blobs: {0}")]
    Blobs(#[from] BlobsError),
    /// The search index.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// The orders database.
    #[error(transparent)]
    Orders(#[from] crate::orders::db::OrdersDbError),
    /// The mailbox database (cooperative nodes).
    #[error(transparent)]
    Mailbox(#[from] crate::mailbox::MailboxDbError),
}

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
    pub network: network::NetworkStats,
    /// The mailboxes this node keeps for others (cooperative nodes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<MailboxStatus>,
}

/// A cooperative's mailboxes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailboxStatus {
    /// Sealed messages waiting for their recipients.
    pub waiting: usize,
}

struct Inner {
    secret: SecretKey,
    config: Config,
    markets: Vec<Market>,
    store: Store,
    ingest: Ingest,
    client: Client,
    /// Catch-up sync, both roles.
    sync: Arc<Syncer>,
    /// Tasks started by events (sync sessions, answers to requests), stopped on shutdown.
    background: Background,
    /// Images: store, server, fetcher, collector.
    blobs: Arc<Blobs>,
    /// Own records accepted locally but not yet handed to gossip (no peers yet).
    unpublished: Mutex<Vec<Record>>,
    /// Full-text search over the joined markets' listings.
    search: SearchIndex,
    /// Orders, basket, jobs, and the queue of sealed messages to send.
    orders: crate::orders::OrderBook,
    /// Mailboxes kept for absent recipients (cooperative nodes only).
    mailbox: Option<Arc<crate::mailbox::Mailbox>>,
}

/// A cloneable handle on the running node, for the API and the CLI.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

/// The running node. Drop order matters: tasks stop, then the store closes, then the lock goes.
pub struct Daemon {
    handle: Handle,
    tasks: Vec<JoinHandle<()>>,
    event_loop: JoinHandle<()>,
    /// The search indexer, stopped by `stop_search` and awaited (not aborted: see
    /// `search::feed`).
    search_feed: JoinHandle<()>,
    stop_search: tokio::sync::oneshot::Sender<()>,
    _lock: DataDirLock,
}

impl Daemon {
    /// Starts a node on `data_dir` with `config` (already layered).
    pub async fn start(data_dir: &Path, config: Config) -> Result<Daemon, StartError> {
        let lock = identity::lock_data_dir(data_dir)?;
        let secret = identity::load_key(data_dir)?;
        let markets = markets::load_all(&config.markets, data_dir)?;
        let files = DataDir::new(data_dir);
        let store = Store::open(&files.store())?;
        let ingest = Ingest::new(store.clone(), markets.clone());
        // Subscribed before anything can be ingested, so the index misses no change.
        let search_events = ingest.subscribe();
        let search = search::open(&files.search(), &store, &markets).await?;

        let keypair = libp2p::identity::Keypair::ed25519_from_bytes(secret.to_bytes())
            .map_err(|e| network::NetworkError::Identity(e.to_string()))?;
        let mut bootstrap: Vec<Multiaddr> = config
            .network
            .bootstrap
            .iter()
            .map(|a| a.0.clone())
            .collect();
        for market in &markets {
            for addr in &market.bootstrap {
                if let Ok(addr) = addr.parse() {
                    bootstrap.push(addr);
                }
            }
        }
        let net_config = NetworkConfig {
            listen: config.network.listen.iter().map(|a| a.0.clone()).collect(),
            bootstrap,
            markets: markets.iter().map(|m| m.id.clone()).collect(),
            external: config
                .network
                .external
                .iter()
                .map(|a| a.0.clone())
                .collect(),
            cooperative: config.node.role == "cooperative",
            event_capacity: config.network.event_capacity,
            ..NetworkConfig::default()
        };
        let (client, events, event_loop) = network::new(keypair, net_config).await?;
        let event_loop = tokio::spawn(event_loop.run());
        let blobs = Arc::new(Blobs::open(
            data_dir,
            client.clone(),
            Duration::from_secs(config.blobs.gc_grace_secs),
        )?);

        let orders = crate::orders::OrderBook::open(data_dir)?;
        let mailbox = match config.node.role.as_str() {
            "cooperative" => Some(Arc::new(crate::mailbox::Mailbox::open(
                secret.public(),
                data_dir,
            )?)),
            _ => None,
        };
        let background = Background::default();
        let sync = Arc::new(Syncer::new(
            store.clone(),
            ingest.clone(),
            client.clone(),
            markets.iter().map(|m| m.id.clone()).collect(),
            background.clone(),
        ));
        let handle = Handle {
            inner: Arc::new(Inner {
                secret,
                config,
                markets,
                store,
                ingest,
                client,
                sync: Arc::clone(&sync),
                background,
                blobs,
                unpublished: Mutex::new(Vec::new()),
                search: search.clone(),
                orders,
                mailbox,
            }),
        };
        let (stop_search, search_stop) = tokio::sync::oneshot::channel();
        let search_feed = tokio::spawn(search::feed(search, search_events, search_stop));
        let tasks = vec![
            tokio::spawn(gossip_task(handle.clone(), events)),
            tokio::spawn(republish_task(handle.clone())),
            tokio::spawn(sweep_task(handle.clone())),
            tokio::spawn(blob_gc_task(handle.clone())),
            tokio::spawn(async move { sync.periodic().await }),
            tokio::spawn(crate::orders::run_outbox(handle.clone())),
            tokio::spawn(crate::mailbox::client::run_collection(handle.clone())),
        ];
        Ok(Daemon {
            handle,
            tasks,
            event_loop,
            search_feed,
            stop_search,
            _lock: lock,
        })
    }

    /// A handle for the API and tests.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Leaves the network, stops every task and closes the database.
    pub async fn shutdown(self) {
        let Daemon {
            handle,
            tasks,
            event_loop,
            search_feed,
            stop_search,
            _lock,
        } = self;
        let _ = stop_search.send(());
        for task in &tasks {
            task.abort();
        }
        for task in tasks {
            let _ = task.await;
        }
        handle.inner.background.shutdown().await;
        let _ = search_feed.await;
        let _ = handle.inner.client.shutdown().await;
        let _ = event_loop.await;
        drop(handle);
    }
}

impl Handle {
    /// The actor's key.
    pub fn author(&self) -> AuthorKey {
        self.inner.secret.public()
    }

    /// The X25519 key sealed messages to this actor are encrypted to (published in its
    /// profile). Derived from the identity key, so the key file stays the one secret to back up.
    pub fn encryption_key(&self) -> smartket_protocol::EncryptionKey {
        identity::encryption_key(&self.inner.secret)
    }

    /// The identity key, for sealing messages.
    pub(crate) fn secret(&self) -> &SecretKey {
        &self.inner.secret
    }

    /// The mailbox service, on a cooperative node.
    pub fn mailbox(&self) -> Option<&crate::mailbox::Mailbox> {
        self.inner.mailbox.as_deref()
    }

    /// This node's orders, basket and jobs.
    pub fn orders(&self) -> crate::orders::Orders<'_> {
        crate::orders::Orders::new(self, &self.inner.orders)
    }

    /// The libp2p peer id.
    pub fn peer_id(&self) -> PeerId {
        network::peer_id_of(&self.author())
    }

    /// The node's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The markets joined.
    pub fn markets(&self) -> &[Market] {
        &self.inner.markets
    }

    /// The store (read side for the API).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Changes of the store's current records, from now on (for the API's event stream, the
    /// search index and benchmarks).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<crate::ingest::StoreEvent> {
        self.inner.ingest.subscribe()
    }

    /// The network client.
    pub fn network(&self) -> &Client {
        &self.inner.client
    }

    /// Ingests one of the actor's own records (signed by the CLI or the API) and publishes it.
    pub async fn submit_own(&self, wire: Vec<u8>) -> Result<Verdict, StartError> {
        let payload = smartket_protocol::Envelope::decode(&wire)
            .ok()
            .and_then(|e| Payload::decode(&e.payload).ok());
        let names_blobs = payload
            .as_ref()
            .is_some_and(|p| !referenced_by(&p.body).is_empty());
        let market = payload.map(|p| p.market).unwrap_or_default();
        // An own record naming blobs is committed while blob collection is held off, so the
        // images it names cannot go between collection's reference scan and this commit.
        let gc_held = if names_blobs {
            Some(self.inner.blobs.hold_off_gc().await)
        } else {
            None
        };
        let verdict = self
            .ingest_blocking(Source::Local, market, vec![wire])
            .await;
        drop(gc_held);
        let verdict = verdict
            .into_iter()
            .next()
            .unwrap_or(Verdict::Rejected("empty batch".into()));
        if let Verdict::Accepted(record) = &verdict {
            self.publish(record.clone()).await;
        }
        Ok(verdict)
    }

    /// This node's countersignature, as a platform, of `member`'s membership in `market`: what
    /// the member puts in its membership record. The key never leaves the node.
    pub fn countersign_membership(
        &self,
        market: &str,
        member: &AuthorKey,
        scope: &[smartket_protocol::kinds::Scope],
        until: u64,
    ) -> Result<smartket_protocol::Signature, smartket_protocol::RecordError> {
        smartket_protocol::kinds::Membership::countersign(
            &self.inner.secret,
            market,
            member,
            scope,
            until,
        )
    }

    /// Signs `payload` with the node's own key, ingests and publishes it.
    pub async fn publish_payload(&self, payload: Payload) -> Result<Verdict, StartError> {
        match Record::sign(&self.inner.secret, payload) {
            Ok(record) => self.submit_own(record.to_wire()).await,
            Err(e) => Ok(Verdict::Rejected(e.into())),
        }
    }

    async fn publish(&self, record: Record) {
        let family = network::family_of(record.payload.body.slot_kind());
        match self
            .inner
            .client
            .publish(&record.payload.market, family, record.to_wire())
            .await
        {
            Ok(()) => {}
            Err(network::NetworkError::InsufficientPeers) => {
                self.inner.unpublished.lock().await.push(record);
            }
            Err(e) => tracing::warn!(id = %record.id, "publishing failed: {e}"),
        }
    }

    async fn ingest_blocking(
        &self,
        source: Source,
        market: String,
        wires: Vec<Vec<u8>>,
    ) -> Vec<Verdict> {
        let ingest = self.inner.ingest.clone();
        let n = wires.len();
        match tokio::task::spawn_blocking(move || ingest.ingest(source, &market, wires, now_ms()))
            .await
        {
            Ok(verdicts) => verdicts,
            Err(e) => vec![
                Verdict::Ignored(IgnoreReason::LocalFailure(format!(
                    "ingest task failed: {e}"
                )));
                n
            ],
        }
    }

    /// Peers, record counts, addresses.
    pub async fn status(&self) -> Status {
        let peers = self
            .inner
            .client
            .peers()
            .await
            .map(|p| p.len())
            .unwrap_or(0);
        let listen = self
            .inner
            .client
            .listen_addrs()
            .await
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect();
        let mut markets = BTreeMap::new();
        for market in &self.inner.markets {
            let counts = self.inner.store.counts(&market.id).unwrap_or_default();
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
            role: self.inner.config.node.role.clone(),
            listen,
            peers,
            markets,
            unpublished: self.inner.unpublished.lock().await.len(),
            sync: self.inner.sync.status(),
            network: self.inner.client.stats().await.unwrap_or_default(),
            mailbox: self.mailbox().map(|m| MailboxStatus {
                waiting: m.store().len(now_ms()).unwrap_or_default(),
            }),
        }
    }

    /// Starts syncing with every connected peer in the background unless a run is going;
    /// returns whether it started. Progress is in `status().sync.run`.
    pub fn start_sync(&self) -> bool {
        self.inner.sync.start_run()
    }

    /// Pulls one author's current records in `market` from its node or any peer.
    pub async fn pull_author(
        &self,
        market: &str,
        author: &AuthorKey,
    ) -> Result<PullReport, SessionError> {
        self.inner.sync.pull_author(market, author).await
    }

    /// Checks and stores an uploaded image; returns its id and sniffed type.
    pub async fn put_blob(&self, bytes: Vec<u8>) -> Result<(BlobId, MediaType), BlobsError> {
        self.inner.blobs.put(bytes).await
    }

    /// A blob's verified bytes, from disk or fetched on demand: from `author`'s node first
    /// when it is connected (the record naming the blob says who that is), then from every
    /// other connected peer. `None` when nobody delivered it.
    pub async fn blob(
        &self,
        id: BlobId,
        author: Option<AuthorKey>,
    ) -> Result<Option<(Vec<u8>, MediaType)>, BlobsError> {
        if let Some(held) = self.inner.blobs.read(id).await? {
            return Ok(Some(held));
        }
        let mut candidates: Vec<PeerId> = self
            .inner
            .client
            .peers()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.peer_id)
            .collect();
        if let Some(author) = author {
            let first = network::peer_id_of(&author);
            if let Some(at) = candidates.iter().position(|p| *p == first) {
                candidates[..=at].rotate_right(1);
            }
        }
        self.inner.blobs.fetch(id, &candidates).await
    }

    /// Searches the listings of a joined market.
    pub async fn search(&self, query: SearchQuery) -> Result<SearchResults, SearchError> {
        let index = self.inner.search.clone();
        tokio::task::spawn_blocking(move || index.search(&query))
            .await
            .map_err(|e| SearchError::Failed(e.to_string()))?
    }

    /// The actor's own current records of `kind` in every market.
    pub fn own_records(&self, kind: Option<Kind>) -> Vec<Record> {
        let me = self.author();
        self.inner
            .markets
            .iter()
            .flat_map(|m| self.inner.store.by_author(&m.id, &me).unwrap_or_default())
            .filter(|r| kind.is_none_or(|k| r.payload.kind == k))
            .collect()
    }
}

/// Receives gossip, ingests it in batches and reports each verdict to gossipsub.
async fn gossip_task(handle: Handle, mut events: mpsc::Receiver<NetworkEvent>) {
    while let Some(event) = events.recv().await {
        let mut batch = Vec::new();
        let mut next = Some(event);
        while let Some(event) = next.take() {
            match event {
                NetworkEvent::GossipRecord {
                    market,
                    data,
                    message_id,
                    ..
                } => batch.push((market, data, message_id)),
                NetworkEvent::PeerConnected(peer) => {
                    tracing::debug!(%peer, "peer connected");
                    retry_unpublished(&handle).await;
                    let collector = handle.clone();
                    handle.inner.background.spawn(async move {
                        crate::mailbox::client::collect_from(&collector, peer).await;
                    });
                    let sync = Arc::clone(&handle.inner.sync);
                    handle
                        .inner
                        .background
                        .spawn(async move { sync.on_connected(peer).await });
                }
                NetworkEvent::InboundRequest {
                    peer,
                    kind: network::RequestKind::Sync,
                    bytes,
                    reply,
                } => {
                    let sync = Arc::clone(&handle.inner.sync);
                    handle
                        .inner
                        .background
                        .spawn(async move { sync.serve(peer, bytes, reply).await });
                }
                NetworkEvent::InboundRequest {
                    peer,
                    kind: network::RequestKind::Blob,
                    bytes,
                    reply,
                } => {
                    let blobs = Arc::clone(&handle.inner.blobs);
                    handle
                        .inner
                        .background
                        .spawn(async move { blobs.serve(peer, bytes, reply).await });
                }
                NetworkEvent::InboundRequest {
                    peer,
                    kind: network::RequestKind::Msg,
                    bytes,
                    reply,
                } => {
                    let handle = handle.clone();
                    handle.inner.background.clone().spawn(async move {
                        handle.orders().serve(peer, bytes, reply).await;
                    });
                }
                NetworkEvent::InboundRequest {
                    peer,
                    kind: network::RequestKind::Mailbox,
                    bytes,
                    reply,
                } => match &handle.inner.mailbox {
                    Some(mailbox) => {
                        let mailbox = Arc::clone(mailbox);
                        handle
                            .inner
                            .background
                            .spawn(async move { mailbox.serve(peer, bytes, reply).await });
                    }
                    None => {
                        let refusal = smartket_protocol::mailbox::MailboxResponse::Refused {
                            code: smartket_protocol::mailbox::RefuseCode::NoMailbox,
                            reason: "this node keeps no mailboxes".into(),
                        };
                        let _ = reply.send(refusal.encode());
                    }
                },
                other => tracing::debug!(?other, "network event"),
            }
            if batch.len() < GOSSIP_BATCH {
                next = events.try_recv().ok();
            }
        }
        let mut by_market: BTreeMap<String, Vec<(Vec<u8>, network::MessageHandle)>> =
            BTreeMap::new();
        for (market, data, id) in batch {
            by_market.entry(market).or_default().push((data, id));
        }
        for (market, items) in by_market {
            let (wires, ids): (Vec<_>, Vec<_>) = items.into_iter().unzip();
            let verdicts = handle.ingest_blocking(Source::Gossip, market, wires).await;
            for (verdict, id) in verdicts.into_iter().zip(ids) {
                let result = match verdict {
                    Verdict::Accepted(_) => network::Validation::Accept,
                    Verdict::Rejected(e) if e.blames_sender() => network::Validation::Reject,
                    Verdict::Ignored(_) | Verdict::Rejected(_) => network::Validation::Ignore,
                };
                let _ = handle.inner.client.report_validation(id, result).await;
            }
        }
    }
}

async fn retry_unpublished(handle: &Handle) {
    let pending = std::mem::take(&mut *handle.inner.unpublished.lock().await);
    for record in pending {
        handle.publish(record).await;
    }
}

/// Re-signs own records nearing expiry and retries those no peer has taken yet.
async fn republish_task(handle: Handle) {
    // Everything already held is offered to the network once at start.
    for record in handle.own_records(None) {
        handle.publish(record).await;
    }
    let mut retry = tokio::time::interval(RETRY_EVERY);
    let mut republish = tokio::time::interval(REPUBLISH_EVERY);
    loop {
        tokio::select! {
            _ = retry.tick() => {
                retry_unpublished(&handle).await;
                continue;
            }
            _ = republish.tick() => {}
        }
        let now = now_ms();
        for record in handle.own_records(None) {
            let p = &record.payload;
            let lifetime = p.expires.saturating_sub(p.rev);
            if p.expires.saturating_sub(now) > lifetime / REPUBLISH_WHEN_LEFT {
                continue;
            }
            let fresh = p.clone().next_revision(now, p.body.clone());
            match handle.publish_payload(fresh).await {
                Ok(Verdict::Accepted(r)) => tracing::info!(id = %r.id, "republished before expiry"),
                Ok(other) => tracing::warn!(?other, "republish refused"),
                Err(e) => tracing::warn!("republish failed: {e}"),
            }
        }
    }
}

async fn sweep_task(handle: Handle) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tick.tick().await;
        let ingest = handle.inner.ingest.clone();
        let swept = tokio::task::spawn_blocking(move || ingest.sweep(now_ms())).await;
        if let Ok(Err(e)) = swept {
            tracing::warn!("expiry sweep failed: {e}");
        }
    }
}

/// Removes unreferenced blobs past their grace period, every `blobs.gc_every_secs`.
async fn blob_gc_task(handle: Handle) {
    let every = Duration::from_secs(handle.inner.config.blobs.gc_every_secs.max(1));
    let mut tick = tokio::time::interval(every);
    // The first tick is immediate; the first collection waits one period after start.
    tick.tick().await;
    loop {
        tick.tick().await;
        let markets = handle.inner.markets.iter().map(|m| m.id.clone()).collect();
        match handle
            .inner
            .blobs
            .collect_garbage(handle.inner.store.clone(), markets)
            .await
        {
            Ok(report) if report.removed > 0 => {
                tracing::info!(?report, "unreferenced blobs removed");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("blob collection failed: {e}"),
        }
    }
}

/// Where the data dir is when neither `--data-dir` nor `$SMARTKET_DATA_DIR` names one (the
/// CLI reads those): `$XDG_DATA_HOME/smartket`, else `~/.local/share/smartket`.
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(dir).join("smartket");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".local/share/smartket"),
        None => PathBuf::from("smartket-data"),
    }
}

/// A node on a fresh temporary data dir, listening on a loopback port chosen by the OS: what
/// the unit tests of the API, the orders and the UI run against.
#[cfg(test)]
pub(crate) async fn test_daemon() -> (tempfile::TempDir, Daemon) {
    let dir = tempfile::tempdir().expect("temp dir");
    identity::create_key(dir.path()).expect("key");
    let mut config = Config::default();
    config.network.listen = vec!["/ip4/127.0.0.1/tcp/0".parse().expect("address")];
    let daemon = Daemon::start(dir.path(), config).await.expect("daemon");
    (dir, daemon)
}
