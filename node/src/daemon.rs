//! The running node: opens the databases, starts the network and the services, routes network
//! events to them, and shuts everything down cleanly.
//!
//! ```text
//!            NetworkEvent (bounded)
//!  EventLoop ───────────────────────▶ Router ──▶ Ingest ──▶ Store (redb) ──▶ StoreEvent
//!     ▲   report_validation / publish   │   └──▶ Syncer | Blobs | Orders | Mailbox (requests)
//!     └────────────── Client ◀──────────┘
//!                       ▲
//!  Handle ──▶ OwnRecords, Orders, Blobs, Syncer, SearchIndex, OwnerSettings  (API, UI, CLI)
//! ```
//!
//! The daemon only wires: each service takes the narrow things it uses (store, ingest, network
//! client, keys), and [`Handle`] hands the services to the HTTP layer. Gossip is acknowledged to
//! libp2p (Accept/Ignore/Reject) only after the ingest pipeline has committed or refused the
//! record, so nothing is forwarded that this node has not stored.

mod backups;
mod router;
mod status;
mod suspects;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use libp2p::{Multiaddr, PeerId};
use smartket_protocol::market::Market;
use smartket_protocol::{AuthorKey, SecretKey};
use tokio::task::JoinHandle;

use crate::background::Background;
use crate::backup::{BackupError, Manifest};
use crate::blobs::{Blobs, BlobsError};
use crate::clock::now_ms;
use crate::config::Config;
use crate::data_dir::DataDir;
use crate::disk::DiskHealth;
use crate::identity::{self, DataDirLock};
use crate::ingest::Ingest;
use crate::mailbox::client::Fetcher;
use crate::mailbox::collector::Collector;
use crate::mailbox::{Endpoint, Mailbox};
use crate::markets;
use crate::network::{self, Client, ConnectionLimitsConfig, NetworkConfig, PerIpLimits};
use crate::orders::Orders;
use crate::own::OwnRecords;
use crate::search::{self, SearchError, SearchIndex, SearchQuery, SearchResults};
use crate::settings::{OwnerSettings, SettingsError};
use crate::store::Store;
use crate::sync::{PullReport, SessionError, Syncer};

pub use status::{MailboxStatus, Status};

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
    /// The owner's settings file.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// A file of the data dir could not be created.
    #[error("{path}: {source}")]
    DataDir {
        /// The file.
        path: std::path::PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

struct Inner {
    dir: crate::data_dir::DataDir,
    secret: SecretKey,
    config: Config,
    markets: Vec<Market>,
    store: Store,
    ingest: Ingest,
    client: Client,
    own: OwnRecords,
    sync: Arc<Syncer>,
    blobs: Arc<Blobs>,
    search: SearchIndex,
    orders: Orders,
    mailbox: Option<Arc<Mailbox>>,
    settings: OwnerSettings,
    /// What the disk last said to the databases.
    disk: DiskHealth,
    /// Tasks started by events (sync sessions, answers to requests), stopped on shutdown.
    background: Background,
}

/// A cloneable handle on the running node's services, for the HTTP layer, the CLI and tests.
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
        let market_ids: Vec<String> = markets.iter().map(|m| m.id.clone()).collect();
        let settings = OwnerSettings::load(data_dir)?;
        let files = DataDir::new(data_dir);
        let disk = DiskHealth::probing(files.disk_probe());
        let store = Store::open_on(&files.store(), &disk)?;
        let ingest = Ingest::new(store.clone(), markets.clone());
        // Subscribed before anything can be ingested, so the index misses no change.
        let search_events = ingest.subscribe();
        let search = search::open(&files.search(), &store, &markets).await?;

        let keypair = libp2p::identity::Keypair::ed25519_from_bytes(secret.to_bytes())
            .map_err(|e| network::NetworkError::Identity(e.to_string()))?;
        let (client, events, event_loop) =
            network::new(keypair, network_config(&config, &markets)).await?;
        let event_loop = tokio::spawn(event_loop.run());
        let blobs = Arc::new(Blobs::open(
            data_dir,
            client.clone(),
            Duration::from_secs(config.blobs.gc_grace_secs),
        )?);
        let own = OwnRecords::new(
            secret.clone(),
            store.clone(),
            ingest.clone(),
            client.clone(),
            Arc::clone(&blobs),
            market_ids.clone(),
        );
        let orders = Orders::open(
            data_dir,
            &disk,
            secret.clone(),
            store.clone(),
            own.clone(),
            client.clone(),
            markets.clone(),
        )?;
        let mailbox = match config.node.role.as_str() {
            "cooperative" => Some(Arc::new(Mailbox::open(
                secret.public(),
                data_dir,
                &disk,
                client.clone(),
            )?)),
            _ => None,
        };
        let (collector, collect_loop) = Collector::new(
            Fetcher::new(client.clone(), orders.clone()),
            Duration::from_secs(config.mailbox.collect_every_secs.max(1)),
        );
        let background = Background::default();
        let sync = Arc::new(Syncer::new(
            store.clone(),
            ingest.clone(),
            client.clone(),
            market_ids.clone(),
            background.clone(),
        ));
        let router = router::Router {
            ingest: ingest.clone(),
            client: client.clone(),
            own: own.clone(),
            sync: Arc::clone(&sync),
            blobs: Arc::clone(&blobs),
            orders: orders.clone(),
            mailbox: Endpoint::new(mailbox.clone(), collector),
            background: background.clone(),
            suspects: suspects::Suspects::default(),
        };
        let (stop_search, search_stop) = tokio::sync::oneshot::channel();
        let search_feed = tokio::spawn(search::feed(search.clone(), search_events, search_stop));
        let gc_every = Duration::from_secs(config.blobs.gc_every_secs.max(1));
        let mut tasks = vec![
            tokio::spawn(router.run(events)),
            tokio::spawn(own.clone().run_republish()),
            tokio::spawn(sweep_expired(ingest.clone())),
            tokio::spawn(collect_blobs(
                Arc::clone(&blobs),
                store.clone(),
                market_ids,
                gc_every,
            )),
            tokio::spawn({
                let sync = Arc::clone(&sync);
                async move { sync.periodic().await }
            }),
            tokio::spawn(crate::orders::run_outbox(orders.clone())),
            tokio::spawn(collect_loop.run()),
        ];
        if let Some(mailbox) = &mailbox {
            tasks.push(tokio::spawn(Mailbox::run_sweep(Arc::clone(mailbox))));
        }
        let handle = Handle {
            inner: Arc::new(Inner {
                dir: DataDir::new(data_dir),
                secret,
                config,
                markets,
                store,
                ingest,
                client,
                own,
                sync,
                blobs,
                search,
                orders,
                mailbox,
                settings,
                disk,
                background,
            }),
        };
        tasks.push(tokio::spawn(backups::run(handle.clone())));
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

/// The network's configuration: the config file's addresses, and the bootstrap nodes of the
/// config and of every market joined.
fn network_config(config: &Config, markets: &[Market]) -> NetworkConfig {
    let mut bootstrap: Vec<Multiaddr> = config
        .network
        .bootstrap
        .iter()
        .map(|a| a.0.clone())
        .collect();
    for market in markets {
        for addr in &market.bootstrap {
            if let Ok(addr) = addr.parse() {
                bootstrap.push(addr);
            }
        }
    }
    NetworkConfig {
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
        limits: ConnectionLimitsConfig {
            per_ip: PerIpLimits {
                limit_loopback: config.network.count_loopback,
                ..PerIpLimits::default()
            },
            ..ConnectionLimitsConfig::default()
        },
        ..NetworkConfig::default()
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

    /// The ingest pipeline's verdicts since start.
    pub fn ingest_counts(&self) -> crate::ingest::VerdictCounts {
        self.inner.ingest.counts()
    }

    /// Bytes each database file takes on disk, by file name.
    pub fn database_bytes(&self) -> Vec<(&'static str, u64)> {
        let dir = &self.inner.dir;
        [
            ("smartket.redb", dir.store()),
            ("orders.redb", dir.orders()),
            ("mailbox.redb", dir.mailbox()),
        ]
        .into_iter()
        .filter_map(|(name, path)| Some((name, std::fs::metadata(path).ok()?.len())))
        .collect()
    }

    /// Changes of the store's current records, from now on (for the API's event stream, the
    /// search index and benchmarks).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<crate::ingest::StoreEvent> {
        self.inner.ingest.subscribe()
    }

    /// The addresses the node listens on, waiting up to five seconds for the first (the OS
    /// picks a port asked as 0 a moment after start); empty when none came.
    pub async fn listen_addrs(&self) -> Vec<Multiaddr> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let addrs = self.inner.client.listen_addrs().await.unwrap_or_default();
            if !addrs.is_empty() || tokio::time::Instant::now() > deadline {
                return addrs;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The network client.
    pub fn network(&self) -> &Client {
        &self.inner.client
    }

    /// The actor's own records: everything this node signs and publishes.
    pub fn own(&self) -> &OwnRecords {
        &self.inner.own
    }

    /// This node's orders, basket and jobs.
    pub fn orders(&self) -> &Orders {
        &self.inner.orders
    }

    /// The mailbox service, on a cooperative node.
    pub fn mailbox(&self) -> Option<&Mailbox> {
        self.inner.mailbox.as_deref()
    }

    /// Images: uploads, reads, fetches from peers.
    pub fn blobs(&self) -> &Blobs {
        &self.inner.blobs
    }

    /// The owner's settings (trusted issuers, location, languages).
    pub fn settings(&self) -> &OwnerSettings {
        &self.inner.settings
    }

    /// Writes a backup of this node, as it runs, to `out` (gzip'd tar; [`crate::backup`]).
    /// Blocks on disk I/O: call it off the async threads.
    pub fn backup(&self, out: impl std::io::Write) -> Result<Manifest, BackupError> {
        let sources = crate::backup::Sources {
            dir: &self.inner.dir,
            author: self.author(),
            store: &self.inner.store,
            orders: &self.inner.orders,
            mailbox: self
                .inner
                .mailbox
                .as_deref()
                .map(|m| m.store() as &dyn crate::backup::Database),
        };
        crate::backup::write(&sources, out)
    }

    /// [`Handle::backup`] into a file of its own in the data dir, already unlinked (nothing
    /// is left behind whatever happens to the reader), positioned at its start: what the API
    /// streams to the CLI.
    pub fn backup_file(&self) -> Result<(std::fs::File, Manifest), BackupError> {
        use std::io::{Seek, Write};
        use std::os::unix::fs::OpenOptionsExt;
        let path = self
            .inner
            .dir
            .root()
            .join(format!(".backup-{}.tar.gz", crate::clock::now_ms()));
        let at = |source| BackupError::Io {
            path: path.clone(),
            source,
        };
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(at)?;
        std::fs::remove_file(&path).map_err(at)?;
        let mut out = std::io::BufWriter::new(file);
        let manifest = self.backup(&mut out)?;
        out.flush().map_err(at)?;
        let mut file = out.into_inner().map_err(|e| at(e.into_error()))?;
        file.rewind().map_err(at)?;
        Ok((file, manifest))
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

    /// Runs `task` among the node's background tasks, so that shutdown stops it (a CSV import
    /// under way, for one).
    pub fn spawn(&self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        self.inner.background.spawn(task);
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

    /// Searches the listings of a joined market.
    pub async fn search(&self, query: SearchQuery) -> Result<SearchResults, SearchError> {
        let index = self.inner.search.clone();
        tokio::task::spawn_blocking(move || index.search(&query))
            .await
            .map_err(|e| SearchError::Failed(e.to_string()))?
    }
}

/// Removes expired records every [`SWEEP_EVERY`].
async fn sweep_expired(ingest: Ingest) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tick.tick().await;
        let ingest = ingest.clone();
        let swept = tokio::task::spawn_blocking(move || ingest.sweep(now_ms())).await;
        if let Ok(Err(e)) = swept {
            tracing::warn!("expiry sweep failed: {e}");
        }
    }
}

/// Removes unreferenced blobs past their grace period, every `blobs.gc_every_secs`.
async fn collect_blobs(blobs: Arc<Blobs>, store: Store, markets: Vec<String>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    // The first tick is immediate; the first collection waits one period after start.
    tick.tick().await;
    loop {
        tick.tick().await;
        match blobs.collect_garbage(store.clone(), markets.clone()).await {
            Ok(report) if report.removed > 0 => {
                tracing::info!(?report, "unreferenced blobs removed");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("blob collection failed: {e}"),
        }
    }
}

/// A node on a fresh temporary data dir, listening on a loopback port chosen by the OS: what
/// the unit tests of the API, the orders and the UI run against.
#[cfg(test)]
pub(crate) async fn test_daemon() -> (tempfile::TempDir, Daemon) {
    let dir = crate::data_dir::temp_data_dir();
    identity::create_key(dir.path()).expect("key");
    let mut config = Config::default();
    config.network.listen = vec!["/ip4/127.0.0.1/tcp/0".parse().expect("address")];
    let daemon = Daemon::start(dir.path(), config).await.expect("daemon");
    (dir, daemon)
}
