//! The node's database: one redb file (`<data-dir>/smartket.redb`) holding every record the node
//! keeps, and the indexes that serve the API, the search indexer and range-based sync.
//!
//! Records come in only through [`Store::commit`] (called by the ingest pipeline) and leave
//! through replacement, [`Store::sweep_expired`] or [`Store::withdraw_delegated`]; each of those
//! is one durable write transaction, so a process killed at any moment reopens with every
//! committed record and consistent indexes. Nothing is kept only in memory.
//!
//! | table | key → value | holds |
//! |---|---|---|
//! | `records` | id → meta ‖ wire | every current record: a small header (kind, slot kind, rev, expires, author, delegated member, market) and the wire bytes as signed |
//! | `slots` | author ‖ slot kind ‖ key → id, rev, vacated | the current holder of each slot; a vacated row keeps an expired slot's revision until older revisions must have expired too; a prefix range on the author serves [`Store::by_author`] |
//! | `market_index` | (market, rev, id) → kind | current records per market (tombstones included), ordered for sync |
//! | `expiry` | (expires, id) → slot key | what the sweep removes, and when |
//! | `delegated` | (market, platform, member, id) → () | listings a platform holds for a member |
//! | `membership_until` | (until, id) → () | memberships granting `publish`, by end of term |
//! | `counts` | (market, kind) → n | size of `market_index` per kind |
//!
//! Superseded revisions are deleted, not kept: a slot holds exactly one record. Reads never
//! serve a record whose `expires` has passed, even before the sweep removes it.
//!
//! This file holds the [`Store`] handle (open, errors, the write entry points and their
//! transaction) and the record decoding both sides share. The tables and row layout are
//! `tables.rs`; the writes themselves `write.rs`, with the delegation rule they apply in
//! `delegation.rs`; the queries `read.rs`.

mod delegation;
#[cfg(test)]
pub(crate) mod fixtures;
mod read;
mod tables;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_faults;
#[cfg(test)]
mod tests_quota;
mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use smartket_protocol::{AuthorKey, Envelope, Payload, Record, RecordId};
use thiserror::Error;

use crate::db_file::DbFile;
use crate::disk::DiskHealth;

pub use delegation::DelegationError;
use tables::{Corruption, LEGACY_AUTHOR_INDEX, decode_row};
pub use tables::{MAX_AUTHOR_BYTES, MAX_AUTHOR_RECORDS};
use write::Writer;

/// Why a store operation failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another process (or another `Store` in this one) has the database open.
    #[error("database {path} is in use by another process (is a node already running?)")]
    Locked {
        /// The database file.
        path: PathBuf,
    },
    /// Reading or writing the file failed.
    #[error("database {path}: {source}")]
    Io {
        /// The database file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file, or a row in it, is not what this node wrote.
    #[error("database {path} is corrupt: {detail}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What was found.
        detail: String,
    },
    /// Any other failure reported by the database engine.
    #[error("database {path}: {message}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// The engine's message.
        message: String,
    },
}

impl StoreError {
    /// Whether the disk (or the owner's quota) is full: the owner can fix it by freeing space,
    /// and the node carries on by itself.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, StoreError::Io { source, .. } if crate::disk::is_full(source))
    }
}

/// What [`Store::commit`] did with one record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommitOutcome {
    /// The record is now its slot's current record.
    Stored {
        /// The record it replaced, if the slot held one.
        replaced: Option<RecordId>,
        /// Delegated listings removed because this record ended a membership's `publish` grant.
        withdrawn: Vec<RecordId>,
    },
    /// A record with this id is already stored.
    Duplicate,
    /// The slot holds an equal or newer revision (possibly a tombstone).
    Stale,
    /// A listing published on behalf of a member without a live membership allowing it.
    NotDelegated(DelegationError),
    /// A new slot (or a larger revision) past what its author may hold in the market.
    OverQuota(AuthorQuota),
}

/// What an author holds in a market, against its quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "its author already holds {records} records ({bytes} bytes) in this market, the most one \
     key may hold ({max_records} records, {max_bytes} bytes): withdraw some first"
)]
pub struct AuthorQuota {
    /// Records held.
    pub records: u64,
    /// Bytes held.
    pub bytes: u64,
    /// [`MAX_AUTHOR_RECORDS`].
    pub max_records: u64,
    /// [`MAX_AUTHOR_BYTES`].
    pub max_bytes: u64,
}

/// What one [`Store::sweep_expired`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Swept {
    /// Records whose `expires` passed.
    pub expired: Vec<RecordId>,
    /// Delegated listings whose membership expired, lapsed or was removed.
    pub withdrawn: Vec<RecordId>,
}

/// The database. Cheap to clone; all clones share one open file. Methods block on disk I/O:
/// call them from `spawn_blocking` in async code.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    db: DbFile,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish()
    }
}

/// An internal failure before the path is attached.
#[derive(Debug)]
pub(crate) enum Fault {
    Db(redb::Error),
    Corrupt(String),
}

impl From<Corruption> for Fault {
    fn from(c: Corruption) -> Fault {
        Fault::Corrupt(c.0)
    }
}

macro_rules! fault_from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for Fault {
            fn from(e: $t) -> Fault {
                Fault::Db(e.into())
            }
        }
    )*};
}
fault_from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::Error
);

impl Store {
    /// Opens the database at `path`, creating the file (mode 0600: see `data_dir`) and its
    /// tables if they do not exist. Disk failures are reported to a health of its own; a node
    /// shares one between its databases ([`Store::open_on`]).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_on(path, &DiskHealth::default())
    }

    /// [`Store::open`], reporting the disk's failures to `health`.
    pub fn open_on(path: &Path, health: &DiskHealth) -> Result<Store, StoreError> {
        crate::data_dir::create_private_file(path).map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
        let db = DbFile::open(path, health).map_err(|e| fault_to_error(path, e.into()))?;
        Store::on_file(db)
    }

    /// The store kept in `db`, its tables created.
    pub(crate) fn on_file(db: DbFile) -> Result<Store, StoreError> {
        let store = Store {
            inner: Arc::new(Inner {
                path: db.path().to_owned(),
                db,
            }),
        };
        store.create_tables()?;
        Ok(store)
    }

    /// Creates every table (so read transactions can assume they exist) and drops tables this
    /// version no longer keeps, in one transaction.
    fn create_tables(&self) -> Result<(), StoreError> {
        let run = || {
            let txn = self.inner.db.begin_write()?;
            let mut writer = Writer::open(&txn)?;
            writer.count_authors_if_new()?;
            writer.finish()?;
            txn.delete_table(LEGACY_AUTHOR_INDEX)?;
            txn.commit()?;
            Ok(())
        };
        run().map_err(|fault| fault_to_error(&self.inner.path, fault))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Copies every table, as one read transaction sees them, into a new database at `dest`
    /// (a backup while the node runs). Returns the rows copied.
    pub fn copy_to(&self, dest: &Path) -> Result<u64, redb::Error> {
        use crate::db_file::copy_table;
        use tables::{
            AUTHOR_USAGE, COUNTS, DELEGATED, EXPIRY, MARKET_INDEX, MEMBERSHIP_UNTIL, RECORDS, SLOTS,
        };
        self.inner.db.copy_into(dest, |from, to| {
            Ok(copy_table(from, to, RECORDS)?
                + copy_table(from, to, SLOTS)?
                + copy_table(from, to, MARKET_INDEX)?
                + copy_table(from, to, EXPIRY)?
                + copy_table(from, to, DELEGATED)?
                + copy_table(from, to, MEMBERSHIP_UNTIL)?
                + copy_table(from, to, COUNTS)?
                + copy_table(from, to, AUTHOR_USAGE)?)
        })
    }

    /// Applies the slot rule to each record in order, in ONE durable write transaction, and
    /// returns what happened to each (same order). Records must already be verified; the time
    /// used for delegation checks is the system clock.
    pub fn commit(&self, records: Vec<Record>) -> Result<Vec<CommitOutcome>, StoreError> {
        self.commit_at(&records, crate::clock::now_ms())
    }

    /// [`Store::commit`] with an explicit clock, borrowing the records (the ingest pipeline
    /// passes its own `now` and keeps the records for its verdicts).
    pub fn commit_at(
        &self,
        records: &[Record],
        now: u64,
    ) -> Result<Vec<CommitOutcome>, StoreError> {
        self.write(|w| records.iter().map(|r| w.commit_one(r, now)).collect())
    }

    /// Removes every record expired at `now` (and withdraws the listings of memberships that
    /// expired or whose term ended), in one durable transaction.
    pub fn sweep_expired(&self, now: u64) -> Result<Swept, StoreError> {
        self.write(|w| w.sweep(now))
    }

    /// Removes the listings `platform` published on behalf of `member` in `market` (the
    /// membership was revoked or ended). Returns their ids.
    pub fn withdraw_delegated(
        &self,
        market: &str,
        platform: &AuthorKey,
        member: &AuthorKey,
    ) -> Result<Vec<RecordId>, StoreError> {
        self.write(|w| w.withdraw(market, platform, member))
    }

    /// Runs `f` in one write transaction and commits it durably (redb's default
    /// `Durability::Immediate`: the commit has reached the disk when this returns).
    fn write<T>(
        &self,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T, Fault>,
    ) -> Result<T, StoreError> {
        let run = || {
            let txn = self.inner.db.begin_write()?;
            let out = {
                let mut writer = Writer::open(&txn)?;
                let out = f(&mut writer)?;
                writer.finish()?;
                out
            };
            txn.commit()?;
            Ok(out)
        };
        run().map_err(|fault| fault_to_error(&self.inner.path, fault))
    }
}

/// Rebuilds a record from its row. The signature was verified on ingest, so only the framing
/// and payload are decoded; the id is recomputed and must match the key (catching a row that
/// was damaged or moved).
pub(crate) fn record_from_row(id: &RecordId, row: &[u8]) -> Result<Record, Corruption> {
    let (_, wire) = decode_row(row)?;
    let bad = |what: String| Corruption(format!("record {id}: {what}"));
    let envelope = Envelope::decode(wire).map_err(|e| bad(format!("envelope: {e}")))?;
    if envelope.id() != *id {
        return Err(bad("stored payload does not hash to its id".into()));
    }
    let payload = Payload::decode(&envelope.payload).map_err(|e| bad(format!("payload: {e}")))?;
    Ok(Record {
        id: *id,
        envelope,
        payload,
    })
}

fn fault_to_error(path: &Path, fault: Fault) -> StoreError {
    let path = path.to_owned();
    match fault {
        Fault::Corrupt(detail) => StoreError::Corrupt { path, detail },
        Fault::Db(redb::Error::DatabaseAlreadyOpen) => StoreError::Locked { path },
        Fault::Db(redb::Error::Io(source)) => StoreError::Io { path, source },
        Fault::Db(redb::Error::Corrupted(detail)) => StoreError::Corrupt { path, detail },
        Fault::Db(other) => StoreError::Database {
            path,
            message: other.to_string(),
        },
    }
}
