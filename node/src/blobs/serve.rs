//! Answering peers' chunk requests on `/smartket/blob/1`, a bounded number at a time: past
//! [`MAX_CONCURRENT_SERVES`] a request is answered "busy" at once, so a peer asking for many
//! chunks in parallel costs a few disk reads, not unbounded memory; and past
//! [`MAX_SERVES_PER_PEER`] for one peer, so that one peer cannot keep every slot busy and
//! the pictures of a shop stop loading for everyone else.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use libp2p::PeerId;
use smartket_protocol::blob::{ChunkRequest, ChunkResponse};
use tokio::sync::{Semaphore, oneshot};

use super::store::BlobStore;

/// Chunk requests served at once (each holds one chunk, at most 256 KiB, in memory).
pub(super) const MAX_CONCURRENT_SERVES: usize = 8;

/// Chunk requests of one peer served at once: as many as an honest node fetches at once
/// ([`super::MAX_CONCURRENT_FETCHES`], one chunk each), so an honest peer never meets this
/// bound, and half of [`MAX_CONCURRENT_SERVES`], so one peer never holds every slot.
pub(super) const MAX_SERVES_PER_PEER: usize = super::MAX_CONCURRENT_FETCHES;

/// The serves under way per peer (an entry lives only while its peer has one).
type InFlight = Arc<Mutex<HashMap<PeerId, usize>>>;

/// One peer's claim on a serve, given back when dropped.
struct PeerShare {
    peer: PeerId,
    in_flight: InFlight,
}

impl PeerShare {
    /// A claim for `peer`, unless it already has [`MAX_SERVES_PER_PEER`] serves under way.
    fn claim(in_flight: &InFlight, peer: PeerId) -> Option<PeerShare> {
        let mut counts = in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let count = counts.entry(peer).or_default();
        if *count >= MAX_SERVES_PER_PEER {
            return None;
        }
        *count += 1;
        Some(PeerShare {
            peer,
            in_flight: Arc::clone(in_flight),
        })
    }
}

impl Drop for PeerShare {
    fn drop(&mut self) {
        let mut counts = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = counts.get_mut(&self.peer) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.peer);
            }
        }
    }
}

/// Serves chunks from the blob store.
#[derive(Debug)]
pub(super) struct Server {
    store: Arc<BlobStore>,
    permits: Arc<Semaphore>,
    in_flight: InFlight,
}

impl Server {
    /// A server over `store`.
    pub(super) fn new(store: Arc<BlobStore>) -> Server {
        Server {
            store,
            permits: Arc::new(Semaphore::new(MAX_CONCURRENT_SERVES)),
            in_flight: InFlight::default(),
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
        let Some(share) = PeerShare::claim(&self.in_flight, peer) else {
            return ChunkResponse::Busy;
        };
        let Ok(permit) = Arc::clone(&self.permits).try_acquire_owned() else {
            return ChunkResponse::Busy;
        };
        let store = Arc::clone(&self.store);
        let read = tokio::task::spawn_blocking(move || {
            let _held = (permit, share);
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

const _: () = assert!(MAX_SERVES_PER_PEER < MAX_CONCURRENT_SERVES);

#[cfg(test)]
mod tests {
    use super::*;
    use smartket_protocol::BlobId;

    #[tokio::test]
    async fn malformed_requests_are_bad_and_requests_past_the_cap_or_a_peer_s_share_are_busy() {
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
        let shares: Vec<PeerShare> = (0..MAX_SERVES_PER_PEER)
            .filter_map(|_| PeerShare::claim(&server.in_flight, peer))
            .collect();
        assert_eq!(shares.len(), MAX_SERVES_PER_PEER);
        assert_eq!(
            server.answer(peer, &request).await,
            ChunkResponse::Busy,
            "a peer with its share under way waits its turn"
        );
        assert!(
            matches!(
                server.answer(PeerId::random(), &request).await,
                ChunkResponse::Chunk { .. }
            ),
            "while another peer is served"
        );
        drop(shares);
        assert!(
            server.in_flight.lock().unwrap().is_empty(),
            "a peer's entry goes with its last serve"
        );
        assert!(matches!(
            server.answer(peer, &request).await,
            ChunkResponse::Chunk { .. }
        ));
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
