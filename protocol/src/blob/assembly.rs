//! Putting a blob together from one peer's chunks, as data: the fetcher asks
//! [`Assembly::next_request`], sends it, and hands the answer to [`Assembly::accept`] until the
//! blob is whole and verified. Every answer that breaks the protocol ends the assembly with an
//! error, and the fetcher starts a fresh one with the next peer.

use crate::blob::wire::{ChunkRequest, ChunkResponse};
use crate::blob::{BlobError, MAX_CHUNK_BYTES, MediaType, verify};
use crate::keys::BlobId;

/// A blob being fetched from one peer.
#[derive(Debug)]
pub struct Assembly {
    id: BlobId,
    /// The size the peer announced with its first chunk.
    total: Option<u64>,
    buf: Vec<u8>,
}

/// A whole blob whose bytes hash to its name and hold an accepted image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The blob's name.
    pub id: BlobId,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// What they hold.
    pub media: MediaType,
}

/// Why a peer's answer ends the assembly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssemblyError {
    /// The peer does not hold the blob.
    #[error("the peer does not hold the blob")]
    NotFound,
    /// The peer is too busy to serve.
    #[error("the peer is busy")]
    Busy,
    /// The peer refused our request as malformed.
    #[error("the peer refused the request")]
    Refused,
    /// The announced size is empty or over [`MAX_BLOB_BYTES`]: nothing was allocated.
    #[error("announced size: {0}")]
    BadTotal(BlobError),
    /// A later chunk announced another size than the first.
    #[error("the announced size changed from {first} to {now}")]
    TotalChanged {
        /// The first announcement.
        first: u64,
        /// This one.
        now: u64,
    },
    /// A chunk of another length than the request and the size call for.
    #[error("chunk of {got} bytes where {want} were due")]
    WrongLength {
        /// Bytes received.
        got: usize,
        /// Bytes due.
        want: u64,
    },
    /// The whole does not hash to the name, or is not an accepted image.
    #[error(transparent)]
    Invalid(BlobError),
}

impl Assembly {
    /// Starts fetching `id`.
    pub fn new(id: BlobId) -> Assembly {
        Assembly {
            id,
            total: None,
            buf: Vec::new(),
        }
    }

    /// The blob being fetched.
    pub fn id(&self) -> BlobId {
        self.id
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.buf.len() as u64
    }

    /// The next chunk to ask for.
    pub fn next_request(&self) -> ChunkRequest {
        let offset = self.received();
        let left = self
            .total
            .map_or(u64::from(MAX_CHUNK_BYTES), |t| t - offset);
        ChunkRequest {
            id: self.id,
            offset,
            len: u32::try_from(left.min(u64::from(MAX_CHUNK_BYTES))).unwrap_or(MAX_CHUNK_BYTES),
        }
    }

    /// Takes the answer to [`Assembly::next_request`]: `Ok(None)` when more chunks are due,
    /// `Ok(Some(_))` once the blob is whole and verified.
    pub fn accept(&mut self, response: ChunkResponse) -> Result<Option<Verified>, AssemblyError> {
        let (total, bytes) = match response {
            ChunkResponse::Chunk { total, bytes } => (total, bytes),
            ChunkResponse::NotFound => return Err(AssemblyError::NotFound),
            ChunkResponse::Busy => return Err(AssemblyError::Busy),
            ChunkResponse::BadRequest => return Err(AssemblyError::Refused),
        };
        match self.total {
            Some(first) if first != total => {
                return Err(AssemblyError::TotalChanged { first, now: total });
            }
            Some(_) => {}
            None => {
                crate::blob::check_size(total).map_err(AssemblyError::BadTotal)?;
                // Checked above: at most MAX_BLOB_BYTES, so this reservation is bounded.
                self.buf.reserve_exact(total as usize);
                self.total = Some(total);
            }
        }
        let request = self.next_request();
        let want = request.span(total).map_or(0, |span| span.end - span.start);
        if bytes.len() as u64 != want || want == 0 {
            return Err(AssemblyError::WrongLength {
                got: bytes.len(),
                want,
            });
        }
        self.buf.extend_from_slice(&bytes);
        if self.received() < total {
            return Ok(None);
        }
        let bytes = std::mem::take(&mut self.buf);
        let media = verify(&self.id, &bytes).map_err(AssemblyError::Invalid)?;
        Ok(Some(Verified {
            id: self.id,
            bytes,
            media,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG-looking blob of `len` bytes.
    fn image(len: usize) -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        b.extend((0..len - 8).map(|i| (i % 251) as u8));
        b
    }

    /// Serves `blob` honestly, as a node would.
    fn serve(blob: &[u8], request: &ChunkRequest) -> ChunkResponse {
        match request.span(blob.len() as u64) {
            Some(span) => ChunkResponse::Chunk {
                total: blob.len() as u64,
                bytes: blob[span.start as usize..span.end as usize].to_vec(),
            },
            None => ChunkResponse::BadRequest,
        }
    }

    fn fetch(
        id: BlobId,
        mut peer: impl FnMut(&ChunkRequest) -> ChunkResponse,
    ) -> Result<Verified, AssemblyError> {
        let mut assembly = Assembly::new(id);
        for _ in 0..64 {
            let request = assembly.next_request();
            if let Some(done) = assembly.accept(peer(&request))? {
                return Ok(done);
            }
        }
        panic!("no end after 64 chunks");
    }

    #[test]
    fn a_blob_of_several_chunks_is_put_together_and_verified() {
        let blob = image(MAX_CHUNK_BYTES as usize * 2 + 17);
        let id = BlobId::of(&blob);
        let mut asked = Vec::new();
        let done = fetch(id, |r| {
            asked.push((r.offset, r.len));
            serve(&blob, r)
        })
        .unwrap();
        assert_eq!(done.bytes, blob);
        assert_eq!(done.media, MediaType::Png);
        let chunk = u64::from(MAX_CHUNK_BYTES);
        assert_eq!(
            asked,
            vec![
                (0, MAX_CHUNK_BYTES),
                (chunk, MAX_CHUNK_BYTES),
                (2 * chunk, 17)
            ]
        );
    }

    #[test]
    fn a_blob_of_exactly_one_chunk_needs_one_request() {
        let blob = image(MAX_CHUNK_BYTES as usize);
        let mut n = 0;
        fetch(BlobId::of(&blob), |r| {
            n += 1;
            serve(&blob, r)
        })
        .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn bytes_that_do_not_match_the_name_are_refused_at_the_end() {
        let blob = image(1000);
        let mut other = blob.clone();
        other[500] ^= 0xff;
        let err = fetch(BlobId::of(&blob), |r| serve(&other, r)).unwrap_err();
        assert!(matches!(
            err,
            AssemblyError::Invalid(BlobError::Mismatch { .. })
        ));
    }

    #[test]
    fn an_oversize_or_empty_total_is_refused_before_allocating() {
        let mut a = Assembly::new(BlobId([1; 32]));
        let err = a
            .accept(ChunkResponse::Chunk {
                total: u64::MAX,
                bytes: vec![0; 10],
            })
            .unwrap_err();
        assert!(matches!(
            err,
            AssemblyError::BadTotal(BlobError::TooLarge { .. })
        ));
        assert_eq!(a.buf.capacity(), 0);
        let err = Assembly::new(BlobId([1; 32]))
            .accept(ChunkResponse::Chunk {
                total: 0,
                bytes: Vec::new(),
            })
            .unwrap_err();
        assert_eq!(err, AssemblyError::BadTotal(BlobError::Empty));
    }

    #[test]
    fn a_peer_changing_its_total_or_sending_a_wrong_length_is_abandoned() {
        let blob = image(MAX_CHUNK_BYTES as usize + 10);
        let mut calls = 0;
        let err = fetch(BlobId::of(&blob), |r| {
            calls += 1;
            match serve(&blob, r) {
                ChunkResponse::Chunk { bytes, .. } if calls == 2 => ChunkResponse::Chunk {
                    total: blob.len() as u64 + 1,
                    bytes,
                },
                other => other,
            }
        })
        .unwrap_err();
        assert!(matches!(err, AssemblyError::TotalChanged { .. }));

        let err = fetch(BlobId::of(&blob), |r| match serve(&blob, r) {
            ChunkResponse::Chunk { total, mut bytes } => {
                bytes.pop();
                ChunkResponse::Chunk { total, bytes }
            }
            other => other,
        })
        .unwrap_err();
        assert!(matches!(err, AssemblyError::WrongLength { .. }));
    }

    #[test]
    fn not_found_busy_and_refused_end_the_assembly() {
        for (response, want) in [
            (ChunkResponse::NotFound, AssemblyError::NotFound),
            (ChunkResponse::Busy, AssemblyError::Busy),
            (ChunkResponse::BadRequest, AssemblyError::Refused),
        ] {
            assert_eq!(Assembly::new(BlobId([0; 32])).accept(response), Err(want));
        }
    }
}
