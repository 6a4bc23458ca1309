//! Content-addressed blobs (product images, logos): what a blob may hold, how it is named and
//! checked, and the chunk messages of `/smartket/blob/1` (`spec/blobs.md`).
//!
//! ```text
//!  uploaded bytes ──check_upload──▶ (BlobId, MediaType) ──▶ node's blob store
//!  fetcher: Assembly::next_request ──ChunkRequest──▶ peer ──ChunkResponse──▶ Assembly::accept
//!                                                      … until Verified (blake3 + media sniffed)
//! ```
//!
//! A blob's name is the blake3 hash of its bytes, so anyone may serve it: the receiver checks
//! the hash of the whole before storing or showing anything. The media type is sniffed from the
//! leading bytes, never taken from what a sender declares, so a blob that is not one of the
//! accepted image formats cannot be stored under an image's name.

mod assembly;
mod wire;

use crate::keys::BlobId;
use crate::kinds::{Body, Kind};

pub use assembly::{Assembly, AssemblyError, Verified};
pub use wire::{
    BLOB_WIRE_VERSION, ChunkRequest, ChunkResponse, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES,
    WireError,
};

/// Largest blob, in bytes: a phone photo fits, a video does not.
pub const MAX_BLOB_BYTES: u64 = 8 * 1024 * 1024;

/// Largest chunk one response carries. Whole blobs would need 8 MiB frames, which a peer could
/// make every node allocate at once; 256 KiB chunks keep each frame small and let a fetch move
/// on to another peer after a bad chunk instead of a bad 8 MiB.
pub const MAX_CHUNK_BYTES: u32 = 256 * 1024;

/// The image formats a blob may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG (the 8-byte PNG signature).
    Png,
    /// WebP (`RIFF` <size> `WEBP`).
    Webp,
}

impl MediaType {
    /// The format the leading bytes announce, if it is one accepted.
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        const PNG: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(&PNG) {
            Some(MediaType::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(MediaType::Webp)
        } else {
            None
        }
    }

    /// The MIME type served over HTTP.
    pub fn mime(&self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Webp => "image/webp",
        }
    }
}

/// Why bytes cannot be a blob.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// No bytes at all.
    #[error("a blob cannot be empty")]
    Empty,
    /// Over [`MAX_BLOB_BYTES`].
    #[error("blob of {size} bytes is over the limit of {max}")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// Not JPEG, PNG or WebP by its leading bytes.
    #[error("not a JPEG, PNG or WebP image")]
    UnsupportedMedia,
    /// The bytes do not hash to the name they were fetched or served under.
    #[error("blob bytes hash to {actual}, not to their name {expected}")]
    Mismatch {
        /// The name asked for.
        expected: BlobId,
        /// What the bytes hash to.
        actual: BlobId,
    },
}

impl BlobError {
    /// A stable name for the error, as in `spec/blobs.md` and the test vectors.
    pub fn code(&self) -> &'static str {
        match self {
            BlobError::Empty => "empty",
            BlobError::TooLarge { .. } => "too_large",
            BlobError::UnsupportedMedia => "unsupported_media",
            BlobError::Mismatch { .. } => "mismatch",
        }
    }
}

/// Checks a size before anything of that size is read or allocated.
pub fn check_size(size: u64) -> Result<(), BlobError> {
    if size == 0 {
        return Err(BlobError::Empty);
    }
    if size > MAX_BLOB_BYTES {
        return Err(BlobError::TooLarge {
            size,
            max: MAX_BLOB_BYTES,
        });
    }
    Ok(())
}

/// Checks new bytes (an upload) and names them.
pub fn check_upload(bytes: &[u8]) -> Result<(BlobId, MediaType), BlobError> {
    check_size(bytes.len() as u64)?;
    let media = MediaType::sniff(bytes).ok_or(BlobError::UnsupportedMedia)?;
    Ok((BlobId::of(bytes), media))
}

/// Checks that `bytes` are the blob named `id`: size, hash, then media type.
pub fn verify(id: &BlobId, bytes: &[u8]) -> Result<MediaType, BlobError> {
    check_size(bytes.len() as u64)?;
    let actual = BlobId::of(bytes);
    if actual != *id {
        return Err(BlobError::Mismatch {
            expected: *id,
            actual,
        });
    }
    MediaType::sniff(bytes).ok_or(BlobError::UnsupportedMedia)
}

/// The record kinds whose bodies name blobs: a garbage collector reads only these.
pub const KINDS_WITH_BLOBS: [Kind; 2] = [Kind::Profile, Kind::Listing];

/// The blobs a record body names (a listing's images, a profile's logo).
pub fn referenced_by(body: &Body) -> &[BlobId] {
    match body {
        Body::Listing(listing) => &listing.images,
        Body::Profile(profile) => profile.logo.as_slice(),
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest byte strings each sniffer accepts, plus a tail.
    fn png() -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        b.extend_from_slice(b"\0\0\0\x0dIHDR rest of a png");
        b
    }

    #[test]
    fn the_three_image_formats_are_sniffed_by_their_leading_bytes() {
        assert_eq!(
            MediaType::sniff(&[0xff, 0xd8, 0xff, 0xe0]),
            Some(MediaType::Jpeg)
        );
        assert_eq!(MediaType::sniff(&png()), Some(MediaType::Png));
        assert_eq!(
            MediaType::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some(MediaType::Webp)
        );
    }

    #[test]
    fn other_formats_and_near_misses_are_not_images() {
        for bytes in [
            &b""[..],
            b"GIF89a....",
            b"%PDF-1.7",
            b"<svg xmlns=",
            &[0xff, 0xd8],
            &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a],
            b"RIFF\x24\0\0\0WAVEfmt ",
            b"RIFF\x24\0\0\0WEB",
        ] {
            assert_eq!(MediaType::sniff(bytes), None, "{bytes:?}");
        }
    }

    #[test]
    fn an_upload_is_named_by_its_blake3_hash() {
        let bytes = png();
        let (id, media) = check_upload(&bytes).unwrap();
        assert_eq!(id.0, *blake3::hash(&bytes).as_bytes());
        assert_eq!(media.mime(), "image/png");
    }

    #[test]
    fn uploads_that_are_empty_oversize_or_not_images_are_refused() {
        assert_eq!(check_upload(b""), Err(BlobError::Empty));
        assert_eq!(
            check_upload(b"plain text"),
            Err(BlobError::UnsupportedMedia)
        );
        let mut big = png();
        big.resize(MAX_BLOB_BYTES as usize + 1, 0);
        assert_eq!(
            check_upload(&big),
            Err(BlobError::TooLarge {
                size: MAX_BLOB_BYTES + 1,
                max: MAX_BLOB_BYTES
            })
        );
        big.truncate(MAX_BLOB_BYTES as usize);
        assert!(check_upload(&big).is_ok());
    }

    #[test]
    fn bytes_that_do_not_hash_to_their_name_are_refused() {
        let bytes = png();
        let id = BlobId::of(&bytes);
        assert_eq!(verify(&id, &bytes), Ok(MediaType::Png));
        let mut tampered = bytes.clone();
        tampered[20] ^= 1;
        assert!(matches!(
            verify(&id, &tampered),
            Err(BlobError::Mismatch { expected, .. }) if expected == id
        ));
    }
}
