//! Fetching a blob from peers: one peer at a time, chunk by chunk, through a fresh
//! [`Assembly`] per peer. A peer that does not hold the blob, is busy, times out, breaks the
//! protocol or sends bytes that do not hash to the name is left for the next candidate.

use std::time::Duration;

use libp2p::PeerId;
use smartket_protocol::BlobId;
use smartket_protocol::blob::{Assembly, AssemblyError, ChunkResponse, Verified, WireError};

use crate::network::{Client, NetworkError, RequestKind};

/// Longest wait for one chunk. A 256 KiB chunk takes well under a second on any link a
/// marketplace node runs on; a peer slower than this is better replaced by the next one.
pub(super) const CHUNK_TIMEOUT: Duration = Duration::from_secs(10);

/// Why one peer did not deliver the blob.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(super) enum PeerFetchError {
    /// The request failed.
    #[error("network: {0}")]
    Network(#[from] NetworkError),
    /// No chunk within [`CHUNK_TIMEOUT`].
    #[error("no chunk within {0:?}")]
    Timeout(Duration),
    /// The response is not a chunk response.
    #[error("bad response: {0}")]
    Wire(#[from] WireError),
    /// The peer's answers end the assembly (not held, busy, lying, wrong bytes).
    #[error(transparent)]
    Assembly(#[from] AssemblyError),
}

impl PeerFetchError {
    /// Whether the peer broke the protocol or lied (as opposed to not holding the blob, being
    /// busy or slow): such a peer is penalised like one that lies in sync.
    fn is_peer_fault(&self) -> bool {
        match self {
            PeerFetchError::Wire(_) => true,
            PeerFetchError::Assembly(e) => !matches!(
                e,
                AssemblyError::NotFound | AssemblyError::Busy | AssemblyError::Refused
            ),
            PeerFetchError::Network(_) | PeerFetchError::Timeout(_) => false,
        }
    }
}

/// Fetches `id` from each of `candidates` in turn; returns the first verified copy and, when
/// none delivered, the last peer's reason. A peer that sent bytes not matching the name, or
/// broke the protocol, is penalised (`Client::penalise`).
pub(super) async fn from_candidates(
    client: &Client,
    id: BlobId,
    candidates: &[PeerId],
) -> Result<Verified, Option<PeerFetchError>> {
    let mut last = None;
    for peer in candidates {
        match from_peer(client, id, *peer).await {
            Ok(blob) => return Ok(blob),
            Err(e) => {
                tracing::debug!(%peer, %id, "blob not fetched from this peer: {e}");
                if e.is_peer_fault() {
                    tracing::warn!(%peer, %id, "peer sent a bogus blob: {e}");
                    let _ = client.penalise(*peer).await;
                }
                last = Some(e);
            }
        }
    }
    Err(last)
}

/// Fetches `id` from `peer`. At most `MAX_BLOB_BYTES / MAX_CHUNK_BYTES` round trips: every
/// accepted chunk is exactly as long as asked, or the assembly fails.
pub(super) async fn from_peer(
    client: &Client,
    id: BlobId,
    peer: PeerId,
) -> Result<Verified, PeerFetchError> {
    let mut assembly = Assembly::new(id);
    loop {
        let request = assembly.next_request().encode();
        let bytes = tokio::time::timeout(
            CHUNK_TIMEOUT,
            client.request(peer, RequestKind::Blob, request),
        )
        .await
        .map_err(|_| PeerFetchError::Timeout(CHUNK_TIMEOUT))??;
        let response = ChunkResponse::decode(&bytes)?;
        if let Some(blob) = assembly.accept(response)? {
            return Ok(blob);
        }
    }
}
