//! Injected disk faults for the tests of every database: a backend over the real file that
//! fails the N-th write, sync or resize — with an I/O error, a short write, or a full disk —
//! once, or from then on until the test frees space.

use std::fs::OpenOptions;
use std::io;
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use redb::backends::FileBackend;
use redb::{BackendError, Database, StorageBackend};

use super::{DbFile, Opener, Watch, Watched};
use crate::disk::DiskHealth;

/// How an operation fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `EIO`: the operation did nothing.
    Error,
    /// Half of the bytes reached the file, then the write failed (a write's `WriteZero`; a sync
    /// or resize fails as `Error`).
    ShortWrite,
    /// `ENOSPC`.
    Full,
}

impl Mode {
    pub(crate) const ALL: [Mode; 3] = [Mode::Error, Mode::ShortWrite, Mode::Full];

    fn error(self) -> io::Error {
        match self {
            Mode::Error => io::Error::other("injected I/O error"),
            Mode::ShortWrite => io::Error::new(io::ErrorKind::WriteZero, "injected short write"),
            Mode::Full => io::Error::from(io::ErrorKind::StorageFull),
        }
    }
}

/// When and how the disk fails, shared by every opening of one file (so "the 7th write" counts
/// across the reopenings after a failure).
#[derive(Debug)]
pub(crate) struct Plan {
    mode: Mode,
    /// Operations (writes, syncs, resizes) seen since armed.
    seen: AtomicU64,
    /// The operation that fails (1-based); 0 while unarmed.
    fail_at: AtomicU64,
    /// Whether the disk stays failing after the failing operation: an I/O error or short
    /// write then fails every operation; a full disk every one that needs more space (a write
    /// past, or a resize beyond, the file's length when it filled), as a real one does.
    stays: bool,
    /// The file's length when the disk filled.
    full_len: AtomicU64,
    healed: AtomicBool,
    failures: AtomicU64,
}

impl Plan {
    /// Fails the `n`-th operation counted from now, once (`stays` false) or until
    /// [`Plan::heal`].
    pub(crate) fn new(mode: Mode, stays: bool) -> Arc<Plan> {
        Arc::new(Plan {
            mode,
            seen: AtomicU64::new(0),
            fail_at: AtomicU64::new(0),
            stays,
            healed: AtomicBool::new(false),
            failures: AtomicU64::new(0),
            full_len: AtomicU64::new(u64::MAX),
        })
    }

    /// Starts counting: the `n`-th operation from now fails.
    pub(crate) fn arm(&self, n: u64) {
        self.seen.store(0, Ordering::SeqCst);
        self.fail_at.store(n, Ordering::SeqCst);
    }

    /// Space is back: nothing fails any more.
    pub(crate) fn heal(&self) {
        self.healed.store(true, Ordering::SeqCst);
    }

    /// How many operations were made to fail.
    pub(crate) fn failures(&self) -> u64 {
        self.failures.load(Ordering::SeqCst)
    }

    /// Whether this operation fails: `end` is how far into the file it reaches (none for a
    /// sync), `len` the file's length now.
    fn fails_now(&self, end: Option<u64>, len: u64) -> bool {
        let fail_at = self.fail_at.load(Ordering::SeqCst);
        if fail_at == 0 || self.healed.load(Ordering::SeqCst) {
            return false;
        }
        let n = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        let fails = if n == fail_at {
            self.full_len.store(len, Ordering::SeqCst);
            true
        } else if self.stays && n > fail_at {
            self.mode != Mode::Full || end.is_some_and(|e| e > self.full_len.load(Ordering::SeqCst))
        } else {
            false
        };
        if fails {
            self.failures.fetch_add(1, Ordering::SeqCst);
        }
        fails
    }
}

/// The real file backend, failing as its plan says.
#[derive(Debug)]
struct Faulty {
    inner: FileBackend,
    plan: Arc<Plan>,
}

impl StorageBackend for Faulty {
    fn len(&self) -> Result<u64, io::Error> {
        self.inner.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        self.inner.read(offset, out)
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        if self.plan.fails_now(Some(len), self.inner.len()?) {
            return Err(match self.plan.mode {
                Mode::ShortWrite => Mode::Error.error(),
                mode => mode.error(),
            });
        }
        self.inner.set_len(len)
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        if self.plan.fails_now(None, self.inner.len()?) {
            return Err(match self.plan.mode {
                Mode::ShortWrite => Mode::Error.error(),
                mode => mode.error(),
            });
        }
        self.inner.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        let end = offset.saturating_add(data.len() as u64);
        if self.plan.fails_now(Some(end), self.inner.len()?) {
            if self.plan.mode == Mode::ShortWrite {
                self.inner.write(offset, &data[..data.len() / 2])?;
            }
            return Err(self.plan.mode.error());
        }
        self.inner.write(offset, data)
    }

    fn close(&self) -> Result<(), io::Error> {
        self.inner.close()
    }

    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.try_lock_range(start, end)
    }

    fn try_lock_shared_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, BackendError> {
        self.inner.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_range(start, end)
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_shared_range(start, end)
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.query_lock_range(start, end)
    }
}

fn opener(plan: Arc<Plan>) -> Opener {
    Box::new(move |path: &Path, watch: Watch| {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        let inner = Faulty {
            inner: FileBackend::new(file)?,
            plan: plan.clone(),
        };
        Database::builder().create_with_backend(Watched { inner, watch })
    })
}

/// Opens `path` through a backend failing as `plan` says, retrying at once after a failure (the
/// tests need not wait out the second the node waits).
pub(crate) fn open(path: &Path, health: &DiskHealth, plan: &Arc<Plan>) -> DbFile {
    DbFile::open_with(path, health, opener(plan.clone()), Duration::ZERO)
        .unwrap_or_else(|e| panic!("opening {}: {e}", path.display()))
}

/// Opens `path` with the plain file backend and checks redb's own integrity (every page, every
/// checksum): what a node restarted on a healthy disk finds.
pub(crate) fn check_integrity(path: &Path) {
    let mut db = Database::create(path).unwrap_or_else(|e| panic!("reopening: {e}"));
    assert!(
        db.check_integrity()
            .unwrap_or_else(|e| panic!("integrity check: {e}")),
        "{} needed repair after its clean close",
        path.display()
    );
}
