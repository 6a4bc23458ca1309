//! Blobs on disk: one file per blob under `<data-dir>/blobs/`, named by the blob id in hex.
//!
//! A blob is written to `blobs/tmp/`, synced, then renamed to its name and the directory synced,
//! so after a crash a name holds either nothing or the whole verified blob; leftovers in `tmp/`
//! are removed at open. A file's modification time is when the node last stored or was handed
//! the blob: the garbage collector's grace period runs from it.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use smartket_protocol::BlobId;
use smartket_protocol::blob::{
    self, BlobError, ChunkRequest, ChunkResponse, MAX_BLOB_BYTES, MediaType, Verified,
};

/// Where blobs are written before they get their name.
const TMP_DIR: &str = "tmp";

/// Why the blob store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobStoreError {
    /// The bytes cannot be a blob.
    #[error(transparent)]
    Invalid(#[from] BlobError),
    /// The disk.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

/// The blobs held on this node's disk.
#[derive(Debug)]
pub(super) struct BlobStore {
    dir: PathBuf,
    tmp: PathBuf,
    /// Makes temp file names unique within the process (the data dir lock excludes others).
    next_tmp: AtomicU64,
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> BlobStoreError + '_ {
    move |source| BlobStoreError::Io {
        path: path.to_owned(),
        source,
    }
}

impl BlobStore {
    /// Opens (creating) `<data_dir>/blobs/` and clears what a crash left half-written.
    pub(super) fn open(data_dir: &Path) -> Result<BlobStore, BlobStoreError> {
        let dir = crate::data_dir::DataDir::new(data_dir).blobs();
        let tmp = dir.join(TMP_DIR);
        fs::create_dir_all(&tmp).map_err(io_at(&tmp))?;
        for entry in fs::read_dir(&tmp).map_err(io_at(&tmp))? {
            let path = entry.map_err(io_at(&tmp))?.path();
            fs::remove_file(&path).map_err(io_at(&path))?;
        }
        Ok(BlobStore {
            dir,
            tmp,
            next_tmp: AtomicU64::new(0),
        })
    }

    /// Where blob `id` lives.
    pub(super) fn path(&self, id: &BlobId) -> PathBuf {
        self.dir.join(id.to_hex())
    }

    /// Checks and stores new bytes (an upload).
    pub(super) fn put(&self, bytes: &[u8]) -> Result<(BlobId, MediaType), BlobStoreError> {
        let (id, media) = blob::check_upload(bytes)?;
        self.write(&id, bytes)?;
        Ok((id, media))
    }

    /// Stores a blob fetched and verified from a peer.
    pub(super) fn put_verified(&self, blob: &Verified) -> Result<(), BlobStoreError> {
        self.write(&blob.id, &blob.bytes)
    }

    /// Writes `bytes` under `id` atomically; a blob already held has its time renewed instead
    /// (storing it again restarts its grace period).
    fn write(&self, id: &BlobId, bytes: &[u8]) -> Result<(), BlobStoreError> {
        let path = self.path(id);
        match File::options().write(true).open(&path) {
            Ok(file) => {
                return file.set_modified(SystemTime::now()).map_err(io_at(&path));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_at(&path)(e)),
        }
        let n = self.next_tmp.fetch_add(1, Ordering::Relaxed);
        let tmp = self.tmp.join(format!("{}.{n}", id.to_hex()));
        let mut file = File::create(&tmp).map_err(io_at(&tmp))?;
        file.write_all(bytes).map_err(io_at(&tmp))?;
        file.sync_all().map_err(io_at(&tmp))?;
        drop(file);
        fs::rename(&tmp, &path).map_err(io_at(&path))?;
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(io_at(&self.dir))
    }

    /// The blob's bytes, verified; `None` when it is not held. A copy that fails its check
    /// (changed on disk) is removed and reported as not held, so it is fetched afresh.
    pub(super) fn read(&self, id: &BlobId) -> Result<Option<(Vec<u8>, MediaType)>, BlobStoreError> {
        let path = self.path(id);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_at(&path)(e)),
        };
        let size = file.metadata().map_err(io_at(&path))?.len();
        if blob::check_size(size).is_err() {
            return self.discard(id, "size out of bounds").map(|()| None);
        }
        let mut bytes = Vec::with_capacity(size as usize);
        file.take(MAX_BLOB_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io_at(&path))?;
        match blob::verify(id, &bytes) {
            Ok(media) => Ok(Some((bytes, media))),
            Err(e) => self.discard(id, &e.to_string()).map(|()| None),
        }
    }

    /// Answers a peer's chunk request. The whole file is verified when a fetch starts (offset
    /// 0), so a copy changed on disk is dropped instead of served; the fetcher verifies the
    /// whole again in any case.
    pub(super) fn chunk(&self, request: &ChunkRequest) -> Result<ChunkResponse, BlobStoreError> {
        let path = self.path(&request.id);
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ChunkResponse::NotFound),
            Err(e) => return Err(io_at(&path)(e)),
        };
        let total = file.metadata().map_err(io_at(&path))?.len();
        if blob::check_size(total).is_err() {
            self.discard(&request.id, "size out of bounds")?;
            return Ok(ChunkResponse::NotFound);
        }
        if request.offset == 0 {
            let mut hasher = blake3::Hasher::new();
            hasher.update_reader(&mut file).map_err(io_at(&path))?;
            if BlobId(*hasher.finalize().as_bytes()) != request.id {
                self.discard(&request.id, "bytes do not hash to the name")?;
                return Ok(ChunkResponse::NotFound);
            }
        }
        let Some(span) = request.span(total) else {
            return Ok(ChunkResponse::BadRequest);
        };
        let mut bytes = vec![0u8; (span.end - span.start) as usize];
        file.seek(SeekFrom::Start(span.start))
            .and_then(|_| file.read_exact(&mut bytes))
            .map_err(io_at(&path))?;
        Ok(ChunkResponse::Chunk { total, bytes })
    }

    /// Every blob held, with the time it was last stored.
    pub(super) fn list(&self) -> Result<Vec<(BlobId, SystemTime)>, BlobStoreError> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.dir).map_err(io_at(&self.dir))? {
            let entry = entry.map_err(io_at(&self.dir))?;
            let Some(id) = entry
                .file_name()
                .to_str()
                .and_then(|name| name.parse::<BlobId>().ok())
            else {
                continue;
            };
            let modified = entry
                .metadata()
                .and_then(|m| m.modified())
                .map_err(io_at(&entry.path()))?;
            out.push((id, modified));
        }
        Ok(out)
    }

    /// Removes blob `id` (nothing if it is not held).
    pub(super) fn remove(&self, id: &BlobId) -> Result<(), BlobStoreError> {
        let path = self.path(id);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_at(&path)(e)),
            _ => Ok(()),
        }
    }

    fn discard(&self, id: &BlobId, why: &str) -> Result<(), BlobStoreError> {
        tracing::warn!(%id, "stored blob dropped: {why}");
        self.remove(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(tail: &[u8]) -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        b.extend_from_slice(tail);
        b
    }

    #[test]
    fn a_stored_blob_reads_back_and_is_served_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let bytes = png(&[5; 1000]);
        let (id, media) = store.put(&bytes).unwrap();
        assert_eq!(media, MediaType::Png);
        assert_eq!(store.read(&id).unwrap(), Some((bytes.clone(), media)));
        let chunk = store
            .chunk(&ChunkRequest {
                id,
                offset: 1000,
                len: 100,
            })
            .unwrap();
        assert_eq!(
            chunk,
            ChunkResponse::Chunk {
                total: 1008,
                bytes: bytes[1000..].to_vec()
            }
        );
        assert_eq!(
            store
                .chunk(&ChunkRequest {
                    id,
                    offset: 1008,
                    len: 1
                })
                .unwrap(),
            ChunkResponse::BadRequest
        );
        assert_eq!(store.list().unwrap().len(), 1);
    }

    #[test]
    fn a_blob_not_held_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let id = BlobId([9; 32]);
        assert_eq!(store.read(&id).unwrap(), None);
        let request = ChunkRequest {
            id,
            offset: 0,
            len: 10,
        };
        assert_eq!(store.chunk(&request).unwrap(), ChunkResponse::NotFound);
    }

    #[test]
    fn a_copy_changed_on_disk_is_neither_read_nor_served_and_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let (id, _) = store.put(&png(b"original")).unwrap();
        fs::write(store.path(&id), png(b"tampered")).unwrap();
        let request = ChunkRequest {
            id,
            offset: 0,
            len: 64,
        };
        assert_eq!(store.chunk(&request).unwrap(), ChunkResponse::NotFound);
        assert!(!store.path(&id).exists());

        let (id, _) = store.put(&png(b"original")).unwrap();
        fs::write(store.path(&id), png(b"tampered")).unwrap();
        assert_eq!(store.read(&id).unwrap(), None);
        assert!(!store.path(&id).exists());
    }

    #[test]
    fn uploads_that_are_not_images_are_refused_and_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        assert!(matches!(
            store.put(b"GIF89a"),
            Err(BlobStoreError::Invalid(BlobError::UnsupportedMedia))
        ));
        assert!(store.list().unwrap().is_empty());
    }

    #[test]
    fn half_written_temp_files_are_cleared_at_open_and_never_listed() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let leftover = store.tmp.join(format!("{}.0", BlobId([1; 32]).to_hex()));
        fs::write(&leftover, b"half").unwrap();
        assert!(store.list().unwrap().is_empty());
        let store = BlobStore::open(dir.path()).unwrap();
        assert!(!leftover.exists());
        assert!(store.list().unwrap().is_empty());
    }

    #[test]
    fn storing_a_blob_again_renews_its_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let bytes = png(b"again");
        let (id, _) = store.put(&bytes).unwrap();
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        File::options()
            .write(true)
            .open(store.path(&id))
            .unwrap()
            .set_modified(old)
            .unwrap();
        let modified = || fs::metadata(store.path(&id)).unwrap().modified().unwrap();
        assert_eq!(modified(), old);
        store.put(&bytes).unwrap();
        assert!(modified() > old);
    }
}
