//! Answering peers' chunk requests on `/smartket/blob/1`, a bounded number at a time: past
//! [`MAX_CONCURRENT_SERVES`] a request is answered "busy" at once, so a peer asking for many
//! chunks in parallel costs a few disk reads, not unbounded memory.

use std::sync::Arc;

use libp2p::PeerId;
use smartket_protocol::blob::{ChunkRequest, ChunkResponse};
use tokio::sync::{Semaphore, oneshot};

use super::store::BlobStore;

/// Chunk requests served at once (each holds one chunk, at most 256 KiB, in memory).
pub(super) const MAX_CONCURRENT_SERVES: usize = 8;

/// Serves chunks from the blob store.
#[derive(Debug)]
pub(super) struct Server {
    store: Arc<BlobStore>,
    permits: Arc<Semaphore>,
}

impl Server {
    /// A server over `store`.
    pub(super) fn new(store: Arc<BlobStore>) -> Server {
        Server {
            store,
            permits: Arc::new(Semaphore::new(MAX_CONCURRENT_SERVES)),
        }
    }

    /// Answers one request from `peer` on `reply`.
    pub(super) async fn serve(
        &self,
        peer: PeerId,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Vec<u8>>,
    ) {
        let response = self.answer(peer, &bytes).await;
        let _ = reply.send(response.encode());
    }

    async fn answer(&self, peer: PeerId, bytes: &[u8]) -> ChunkResponse {
        let request = match ChunkRequest::decode(bytes) {
            Ok(request) => request,
            Err(e) => {
                tracing::debug!(%peer, "blob request refused: {e}");
                return ChunkResponse::BadRequest;
            }
        };
        let Ok(permit) = Arc::clone(&self.permits).try_acquire_owned() else {
            return ChunkResponse::Busy;
        };
        let store = Arc::clone(&self.store);
        let read = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            store.chunk(&request)
        })
        .await;
        match read {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => {
                tracing::warn!(%peer, id = %request.id, "serving a blob chunk failed: {e}");
                ChunkResponse::NotFound
            }
            Err(e) => {
                tracing::warn!(%peer, "blob serve task failed: {e}");
                ChunkResponse::NotFound
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smartket_protocol::BlobId;

    #[tokio::test]
    async fn malformed_requests_are_bad_and_requests_past_the_cap_are_busy() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(BlobStore::open(dir.path()).unwrap());
        let (id, _) = store.put(&[0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]).unwrap();
        let server = Server::new(store);
        let peer = PeerId::random();
        assert_eq!(
            server.answer(peer, b"\x81\x01").await,
            ChunkResponse::BadRequest
        );
        let request = ChunkRequest {
            id,
            offset: 0,
            len: 100,
        }
        .encode();
        assert!(matches!(
            server.answer(peer, &request).await,
            ChunkResponse::Chunk { total: 7, .. }
        ));
        let held = Arc::clone(&server.permits)
            .try_acquire_many_owned(MAX_CONCURRENT_SERVES as u32)
            .unwrap();
        assert_eq!(server.answer(peer, &request).await, ChunkResponse::Busy);
        drop(held);
        let absent = ChunkRequest {
            id: BlobId([0; 32]),
            offset: 0,
            len: 1,
        };
        assert_eq!(
            server.answer(peer, &absent.encode()).await,
            ChunkResponse::NotFound
        );
    }
}
