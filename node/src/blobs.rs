//! Content-addressed blobs (product images, logos) in the node: stored once under
//! `<data-dir>/blobs/`, served to peers in chunks, fetched on demand, collected when unused.
//!
//! ```text
//!  API POST ──▶ Blobs::put ──check_upload──▶ BlobStore (tmp → fsync → rename)
//!  API GET  ──▶ Blobs::read ──held──▶ BlobStore::read (verified)
//!           └──▶ Blobs::fetch (not held) ─▶ fetch::from_candidates ──chunks──▶ peers' Server
//!                                       └─ Verified ─▶ BlobStore::put_verified
//!  gc task  ──▶ Blobs::collect_garbage: referenced by current records? within grace?
//! ```
//!
//! Collection and the commit of the node's own records exclude each other (a read/write
//! lock): an image uploaded long ago and named by a listing being published now cannot be
//! removed between the reference scan and the listing's commit.

mod fetch;
mod gc;
mod serve;
mod store;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use libp2p::PeerId;
use smartket_protocol::BlobId;
use smartket_protocol::blob::MediaType;
use tokio::sync::{RwLock, RwLockReadGuard, Semaphore, oneshot};

use crate::network::Client;
use crate::store::Store;
pub use gc::{GcError, GcReport};
use store::BlobStore;
pub use store::BlobStoreError;

/// Fetches from peers running at once; each holds up to one whole blob (8 MiB) in memory.
pub const MAX_CONCURRENT_FETCHES: usize = 4;

/// Why a blob operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobsError {
    /// The store refused the bytes or the disk failed.
    #[error(transparent)]
    Store(#[from] BlobStoreError),
    /// Garbage collection failed.
    #[error("garbage collection: {0}")]
    Gc(#[from] GcError),
    /// A blocking task failed.
    #[error("blob task failed: {0}")]
    Task(String),
}

/// The node's blobs: store, server, fetcher and collector.
#[derive(Debug)]
pub struct Blobs {
    store: Arc<BlobStore>,
    server: serve::Server,
    client: Client,
    fetches: Semaphore,
    gc_lock: RwLock<()>,
    grace: Duration,
}

/// Runs `f` on the blocking pool: every blob operation reads or writes files.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BlobsError> + Send + 'static,
) -> Result<T, BlobsError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| BlobsError::Task(e.to_string()))?
}

impl Blobs {
    /// Opens the blob store of `data_dir`; unreferenced blobs are kept `grace` after they
    /// were last stored.
    pub fn open(data_dir: &Path, client: Client, grace: Duration) -> Result<Blobs, BlobsError> {
        let store = Arc::new(BlobStore::open(data_dir)?);
        Ok(Blobs {
            server: serve::Server::new(Arc::clone(&store)),
            store,
            client,
            fetches: Semaphore::new(MAX_CONCURRENT_FETCHES),
            gc_lock: RwLock::new(()),
            grace,
        })
    }

    /// Checks and stores an upload; storing a blob again renews its grace period.
    pub async fn put(&self, bytes: Vec<u8>) -> Result<(BlobId, MediaType), BlobsError> {
        let _guard = self.gc_lock.read().await;
        let store = Arc::clone(&self.store);
        blocking(move || Ok(store.put(&bytes)?)).await
    }

    /// The blob's verified bytes from disk; `None` when it is not held (or its copy failed the
    /// check and was dropped).
    pub async fn read(&self, id: BlobId) -> Result<Option<(Vec<u8>, MediaType)>, BlobsError> {
        let store = Arc::clone(&self.store);
        blocking(move || Ok(store.read(&id)?)).await
    }

    /// A blob's verified bytes, from disk or fetched on demand: from `author`'s node first
    /// when it is connected (the record naming the blob says who that is), then from every
    /// other connected peer. `None` when nobody delivered it.
    pub async fn get(
        &self,
        id: BlobId,
        author: Option<smartket_protocol::AuthorKey>,
    ) -> Result<Option<(Vec<u8>, MediaType)>, BlobsError> {
        if let Some(held) = self.read(id).await? {
            return Ok(Some(held));
        }
        let mut candidates: Vec<PeerId> = self
            .client
            .peers()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.peer_id)
            .collect();
        if let Some(author) = author {
            let first = crate::network::peer_id_of(&author);
            if let Some(at) = candidates.iter().position(|p| *p == first) {
                candidates[..=at].rotate_right(1);
            }
        }
        self.fetch(id, &candidates).await
    }

    /// Fetches the blob from `candidates` in order and stores the first verified copy. `None`
    /// when no candidate delivered it.
    pub async fn fetch(
        &self,
        id: BlobId,
        candidates: &[PeerId],
    ) -> Result<Option<(Vec<u8>, MediaType)>, BlobsError> {
        let _permit = self
            .fetches
            .acquire()
            .await
            .map_err(|e| BlobsError::Task(e.to_string()))?;
        let blob = match fetch::from_candidates(&self.client, id, candidates).await {
            Ok(blob) => blob,
            Err(last) => {
                if let Some(e) = last {
                    tracing::info!(%id, "blob not found on {} peers; last: {e}", candidates.len());
                }
                return Ok(None);
            }
        };
        let _guard = self.gc_lock.read().await;
        let store = Arc::clone(&self.store);
        blocking(move || {
            store.put_verified(&blob)?;
            Ok(Some((blob.bytes, blob.media)))
        })
        .await
    }

    /// Answers a peer's chunk request on `reply`.
    pub async fn serve(&self, peer: PeerId, bytes: Vec<u8>, reply: oneshot::Sender<Vec<u8>>) {
        self.server.serve(peer, bytes, reply).await;
    }

    /// Held while the node commits its own records, so collection cannot run in between.
    pub async fn hold_off_gc(&self) -> RwLockReadGuard<'_, ()> {
        self.gc_lock.read().await
    }

    /// Removes the blobs no current record of `markets` names, once past the grace period.
    pub async fn collect_garbage(
        &self,
        records: Store,
        markets: Vec<String>,
    ) -> Result<GcReport, BlobsError> {
        let _guard = self.gc_lock.write().await;
        let store = Arc::clone(&self.store);
        let grace = self.grace;
        blocking(move || {
            let referenced = gc::referenced(&records, &markets).map_err(GcError::from)?;
            Ok(
                gc::collect(&store, &referenced, grace, SystemTime::now())
                    .map_err(GcError::from)?,
            )
        })
        .await
    }
}

impl crate::network::Responder for Arc<Blobs> {
    async fn serve(
        &self,
        from: crate::network::Requester,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Vec<u8>>,
    ) {
        Blobs::serve(self, from.peer, bytes, reply).await
    }
}
