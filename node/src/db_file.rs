//! One redb database file, opened through a storage backend that tells [`DiskHealth`] what the
//! disk says, and opened again by itself after a failed write.
//!
//! redb refuses every operation after one failed write or sync (`PreviousIo`: "close and
//! re-open the database"), because it can no longer trust what it holds in memory. Left there,
//! a node whose disk filled for a minute would fail every request until someone restarted it.
//! A [`DbFile`] sees the failure (its backend was told), drops the database and opens it again
//! at the next use — redb repairs an interrupted file when it opens it — trying at most once a
//! second while the disk keeps failing. Until then each use fails with the disk's own error, so
//! a full disk reads as a full disk all the way to the HTTP edge.

use std::fs::OpenOptions;
use std::io;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use redb::backends::FileBackend;
use redb::{
    BackendError, Database, DatabaseError, ReadTransaction, StorageBackend, WriteTransaction,
};

use crate::disk::DiskHealth;

/// How long a closed database waits before trying to open again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Opens the database at a path through a backend that reports to a [`Watch`].
pub(crate) type Opener = Box<dyn Fn(&Path, Watch) -> Result<Database, DatabaseError> + Send + Sync>;

/// One database file of the node. Its methods block on disk I/O.
pub struct DbFile {
    path: PathBuf,
    health: DiskHealth,
    opener: Opener,
    retry_after: Duration,
    state: RwLock<State>,
}

enum State {
    Open {
        db: Arc<Database>,
        /// Set by this opening's backend when the disk failed it.
        broken: Arc<AtomicBool>,
    },
    Closed {
        tried: Instant,
        kind: io::ErrorKind,
        message: String,
    },
}

impl std::fmt::Debug for DbFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbFile").field("path", &self.path).finish()
    }
}

impl DbFile {
    /// Opens (creating) the database at `path`, reporting the disk's failures to `health`.
    pub fn open(path: &Path, health: &DiskHealth) -> Result<DbFile, DatabaseError> {
        DbFile::open_with(path, health, Box::new(open_file), RETRY_AFTER)
    }

    pub(crate) fn open_with(
        path: &Path,
        health: &DiskHealth,
        opener: Opener,
        retry_after: Duration,
    ) -> Result<DbFile, DatabaseError> {
        let broken = Arc::new(AtomicBool::new(false));
        let db = opener(path, Watch::new(path, health, &broken))?;
        Ok(DbFile {
            path: path.to_owned(),
            health: health.clone(),
            opener,
            retry_after,
            state: RwLock::new(State::Open {
                db: Arc::new(db),
                broken,
            }),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Begins a write transaction, opening the database again first if the disk failed it.
    pub fn begin_write(&self) -> Result<WriteTransaction, redb::Error> {
        Ok(self.database()?.begin_write()?)
    }

    /// Begins a read transaction, opening the database again first if the disk failed it.
    pub fn begin_read(&self) -> Result<ReadTransaction, redb::Error> {
        use redb::ReadableDatabase;
        Ok(self.database()?.begin_read()?)
    }

    /// The open database, or the disk's error while it cannot be opened.
    fn database(&self) -> Result<Arc<Database>, redb::Error> {
        {
            let state = self.state.read().unwrap_or_else(|p| p.into_inner());
            if let State::Open { db, broken } = &*state
                && !broken.load(Ordering::Acquire)
            {
                return Ok(db.clone());
            }
        }
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        match &*state {
            State::Open { db, broken } if !broken.load(Ordering::Acquire) => return Ok(db.clone()),
            State::Closed {
                tried,
                kind,
                message,
            } if tried.elapsed() < self.retry_after => {
                return Err(closed_error(*kind, message));
            }
            _ => {}
        }
        // Close the failed database before opening the file again: it holds the file's lock
        // until dropped (or until a write transaction still running on it ends).
        let (kind, message) = match &*state {
            State::Closed { kind, message, .. } => (*kind, message.clone()),
            State::Open { .. } => (io::ErrorKind::Other, "a write to the disk failed".into()),
        };
        *state = State::Closed {
            tried: Instant::now(),
            kind,
            message,
        };
        let broken = Arc::new(AtomicBool::new(false));
        match (self.opener)(&self.path, Watch::new(&self.path, &self.health, &broken)) {
            Ok(db) => {
                tracing::info!("database {} opened again", self.path.display());
                let db = Arc::new(db);
                *state = State::Open {
                    db: db.clone(),
                    broken,
                };
                Ok(db)
            }
            Err(e) => {
                let e = redb::Error::from(e);
                let kind = match &e {
                    redb::Error::Io(io) => io.kind(),
                    _ => io::ErrorKind::Other,
                };
                *state = State::Closed {
                    tried: Instant::now(),
                    kind,
                    message: e.to_string(),
                };
                Err(e)
            }
        }
    }
}

/// A consistent copy of a database into a new file: what a backup takes while the node runs.
///
/// redb's file may not be copied while it is written (a copy can hold half a commit); a read
/// transaction sees one commit whole, whatever is written meanwhile. Each database module
/// names its tables ([`copy_table`]) — redb opens a table only with its types.
impl DbFile {
    /// Creates `dest` (which must not exist) and copies into it, in one write transaction, what
    /// `copy` copies from one read transaction of this database. Returns `copy`'s row count.
    pub(crate) fn copy_into(
        &self,
        dest: &Path,
        copy: impl FnOnce(&ReadTransaction, &WriteTransaction) -> Result<u64, redb::Error>,
    ) -> Result<u64, redb::Error> {
        let from = self.begin_read()?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(dest)?;
        let to_db = Database::builder().create_with_backend(FileBackend::new(file)?)?;
        let to = to_db.begin_write()?;
        let rows = copy(&from, &to)?;
        // A table added to a module but not to its copy would be lost without a word.
        use redb::TableHandle;
        let copied: Vec<String> = to.list_tables()?.map(|t| t.name().to_owned()).collect();
        if let Some(missed) = from
            .list_tables()?
            .map(|t| t.name().to_owned())
            .find(|name| !copied.contains(name))
        {
            return Err(redb::Error::Io(io::Error::other(format!(
                "{}: table {missed} is not copied by this version's backup",
                self.path.display()
            ))));
        }
        to.commit()?;
        Ok(rows)
    }
}

/// Copies table `def` as `from` sees it into `to`; a table `from` never created is skipped.
pub(crate) fn copy_table<K: redb::Key + 'static, V: redb::Value + 'static>(
    from: &ReadTransaction,
    to: &WriteTransaction,
    def: redb::TableDefinition<K, V>,
) -> Result<u64, redb::Error> {
    use redb::ReadableTable;
    let source = match from.open_table(def) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let mut target = to.open_table(def)?;
    let mut rows = 0;
    for row in source.iter()? {
        let (key, value) = row?;
        target.insert(key.value(), value.value())?;
        rows += 1;
    }
    Ok(rows)
}

fn closed_error(kind: io::ErrorKind, message: &str) -> redb::Error {
    redb::Error::Io(io::Error::new(
        kind,
        format!("closed after a failed write ({message}); it opens again when the disk answers"),
    ))
}

fn open_file(path: &Path, watch: Watch) -> Result<Database, DatabaseError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    Database::builder().create_with_backend(Watched {
        inner: FileBackend::new(file)?,
        watch,
    })
}

/// Where one opening's backend reports the disk's answers.
#[derive(Debug)]
pub(crate) struct Watch {
    path: PathBuf,
    health: DiskHealth,
    broken: Arc<AtomicBool>,
}

impl Watch {
    fn new(path: &Path, health: &DiskHealth, broken: &Arc<AtomicBool>) -> Watch {
        Watch {
            path: path.to_owned(),
            health: health.clone(),
            broken: broken.clone(),
        }
    }

    fn check<T>(&self, result: Result<T, io::Error>) -> Result<T, io::Error> {
        if let Err(e) = &result {
            self.broken.store(true, Ordering::Release);
            self.health.failed(&self.path, e);
        }
        result
    }
}

/// A storage backend that reports every failure to its [`Watch`] and every completed sync as
/// the disk working.
#[derive(Debug)]
pub(crate) struct Watched<B> {
    pub(crate) inner: B,
    pub(crate) watch: Watch,
}

impl<B: StorageBackend> StorageBackend for Watched<B> {
    fn len(&self) -> Result<u64, io::Error> {
        self.watch.check(self.inner.len())
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        self.watch.check(self.inner.read(offset, out))
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        self.watch.check(self.inner.set_len(len))
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        self.watch.check(self.inner.sync_data())?;
        self.watch.health.synced();
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        self.watch.check(self.inner.write(offset, data))
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

#[cfg(test)]
pub(crate) mod faults;
#[cfg(test)]
mod tests;
