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

mod delegation;
#[cfg(test)]
pub(crate) mod fixtures;
mod tables;
#[cfg(test)]
mod tests;
mod write;

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use redb::{Database, ReadTransaction, ReadableDatabase, ReadableTable};
use smartket_protocol::{AuthorKey, Envelope, Kind, Payload, Record, RecordId, Slot};
use thiserror::Error;

pub use delegation::DelegationError;
use tables::{
    COUNTS, Corruption, LEGACY_AUTHOR_INDEX, MARKET_INDEX, RECORDS, SLOTS, SlotRow, decode_row,
    encode_slot_key, kind_code, kind_from_code,
};
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
    db: Database,
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
    redb::CommitError
);

impl Store {
    /// Opens the database at `path`, creating the file and its tables if they do not exist.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let fail = |f| fault_to_error(path, f);
        let db = Database::create(path).map_err(|e| fail(e.into()))?;
        let store = Store {
            inner: Arc::new(Inner {
                db,
                path: path.to_owned(),
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
            Writer::open(&txn)?.finish()?;
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

    /// The record with this id, unless it expired.
    pub fn get(&self, id: &RecordId) -> Result<Option<Record>, StoreError> {
        self.get_at(id, crate::clock::now_ms())
    }

    /// [`Store::get`] at a given time.
    pub fn get_at(&self, id: &RecordId, now: u64) -> Result<Option<Record>, StoreError> {
        self.read(|txn| {
            let records = txn.open_table(RECORDS)?;
            load(&records, id, now)
        })
    }

    /// The unexpired records among `ids`, in the order asked, skipping unknown ones (for sync).
    pub fn get_many(&self, ids: &[RecordId]) -> Result<Vec<Record>, StoreError> {
        let now = crate::clock::now_ms();
        self.read(|txn| {
            let records = txn.open_table(RECORDS)?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                out.extend(load(&records, id, now)?);
            }
            Ok(out)
        })
    }

    /// The stored wire bytes of a record, unexpired, without decoding its payload (serving
    /// peers and the API cheaply).
    pub fn wire(&self, id: &RecordId) -> Result<Option<Vec<u8>>, StoreError> {
        let now = crate::clock::now_ms();
        self.read(|txn| {
            let records = txn.open_table(RECORDS)?;
            let Some(row) = records.get(&id.0)? else {
                return Ok(None);
            };
            let (meta, wire) = decode_row(row.value())?;
            Ok((meta.expires > now).then(|| wire.to_vec()))
        })
    }

    /// Whether a record with this id is stored (expired or not): sync uses it to skip what it
    /// already has.
    pub fn has(&self, id: &RecordId) -> Result<bool, StoreError> {
        self.read(|txn| Ok(txn.open_table(RECORDS)?.get(&id.0)?.is_some()))
    }

    /// The current, unexpired record of a slot (a tombstone if the slot was deleted).
    pub fn current(&self, slot: &Slot) -> Result<Option<Record>, StoreError> {
        let now = crate::clock::now_ms();
        let key = encode_slot_key(&slot.author, slot.kind, &slot.key);
        self.read(|txn| {
            let slots = txn.open_table(SLOTS)?;
            let Some(row) = slots.get(key.as_slice())? else {
                return Ok(None);
            };
            let held = SlotRow::decode(row.value())?;
            if held.vacated {
                return Ok(None);
            }
            load(&txn.open_table(RECORDS)?, &held.id, now)
        })
    }

    /// An author's current, unexpired records in a market, tombstones left out, in id order.
    ///
    /// Served from the author's slots (every slot key starts with the author), so no separate
    /// author index has to be written on every commit; an author holds few slots, and the rows
    /// of other markets are skipped on their header without decoding the payload.
    pub fn by_author(&self, market: &str, author: &AuthorKey) -> Result<Vec<Record>, StoreError> {
        let now = crate::clock::now_ms();
        self.read(|txn| {
            let slots = txn.open_table(SLOTS)?;
            let records = txn.open_table(RECORDS)?;
            let mut out = Vec::new();
            for entry in slots.range(author.0.as_slice()..)? {
                let (key, row) = entry?;
                if !key.value().starts_with(&author.0) {
                    break;
                }
                let held = SlotRow::decode(row.value())?;
                if held.vacated {
                    continue;
                }
                let Some(row) = records.get(&held.id.0)? else {
                    continue;
                };
                let (meta, _) = decode_row(row.value())?;
                if meta.market == market && meta.kind != Kind::Tombstone && meta.expires > now {
                    out.push(record_from_row(&held.id, row.value())?);
                }
            }
            out.sort_unstable_by_key(|r| r.id);
            Ok(out)
        })
    }

    /// The current attestations about `subject` in `market` from every issuer (only those
    /// valid at `now_ms` when `only_valid`).
    pub fn attestations_about(
        &self,
        market: &str,
        subject: &smartket_protocol::kinds::Subject,
        only_valid: bool,
        now_ms: u64,
    ) -> Result<Vec<Record>, StoreError> {
        Ok(self
            .current_in_market(market, Some(Kind::Attestation))?
            .into_iter()
            .filter(|r| match &r.payload.body {
                smartket_protocol::Body::Attestation(a) => {
                    &a.subject == subject && (!only_valid || a.is_valid_at(now_ms))
                }
                _ => false,
            })
            .collect())
    }

    /// A market's current, unexpired records of one kind, or of every kind but tombstones, in
    /// (rev, id) order.
    pub fn current_in_market(
        &self,
        market: &str,
        kind: Option<Kind>,
    ) -> Result<Vec<Record>, StoreError> {
        let now = crate::clock::now_ms();
        let tombstone = kind_code(Kind::Tombstone);
        let wanted = kind.map(kind_code);
        self.read(|txn| {
            let index = txn.open_table(MARKET_INDEX)?;
            let records = txn.open_table(RECORDS)?;
            let mut out = Vec::new();
            for entry in index.range((market, 0, &[0u8; 32])..=(market, u64::MAX, &[0xffu8; 32]))? {
                let (key, code) = entry?;
                let code = code.value();
                let keep = match wanted {
                    Some(w) => code == w,
                    None => code != tombstone,
                };
                if keep {
                    out.extend(load(&records, &RecordId(*key.value().2), now)?);
                }
            }
            Ok(out)
        })
    }

    /// How many current records a market holds per kind (tombstones under [`Kind::Tombstone`];
    /// expired records count until swept).
    pub fn counts(&self, market: &str) -> Result<BTreeMap<Kind, u64>, StoreError> {
        self.read(|txn| {
            let counts = txn.open_table(COUNTS)?;
            let mut out = BTreeMap::new();
            for entry in counts.range((market, 0u8)..=(market, u8::MAX))? {
                let (key, n) = entry?;
                out.insert(kind_from_code(key.value().1)?, n.value());
            }
            Ok(out)
        })
    }

    /// Up to `limit` entries `(rev, id)` of a market's index from `start` (inclusive) to `end`,
    /// in (rev, id) order: the ranges range-based reconciliation compares.
    pub fn market_range(
        &self,
        market: &str,
        start: (u64, RecordId),
        end: Bound<(u64, RecordId)>,
        limit: usize,
    ) -> Result<Vec<(u64, RecordId)>, StoreError> {
        self.read(|txn| {
            let index = txn.open_table(MARKET_INDEX)?;
            let mut out = Vec::new();
            for entry in index.range(market_bounds(market, &start, &end))? {
                if out.len() >= limit {
                    break;
                }
                let (key, _) = entry?;
                let (_, rev, id) = key.value();
                out.push((rev, RecordId(*id)));
            }
            Ok(out)
        })
    }

    /// How many entries a market's index holds from `start` (inclusive) to `end`.
    pub fn market_count(
        &self,
        market: &str,
        start: (u64, RecordId),
        end: Bound<(u64, RecordId)>,
    ) -> Result<u64, StoreError> {
        self.read(|txn| {
            let index = txn.open_table(MARKET_INDEX)?;
            let mut n = 0u64;
            for entry in index.range(market_bounds(market, &start, &end))? {
                entry?;
                n += 1;
            }
            Ok(n)
        })
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&ReadTransaction) -> Result<T, Fault>,
    ) -> Result<T, StoreError> {
        let run = || {
            let txn = self.inner.db.begin_read()?;
            f(&txn)
        };
        run().map_err(|fault| fault_to_error(&self.inner.path, fault))
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

type MarketKey<'a> = (&'a str, u64, &'a [u8; 32]);

fn market_bounds<'a>(
    market: &'a str,
    start: &'a (u64, RecordId),
    end: &'a Bound<(u64, RecordId)>,
) -> (Bound<MarketKey<'a>>, Bound<MarketKey<'a>>) {
    let lower = Bound::Included((market, start.0, &start.1.0));
    let upper = match end {
        Bound::Included((rev, id)) => Bound::Included((market, *rev, &id.0)),
        Bound::Excluded((rev, id)) => Bound::Excluded((market, *rev, &id.0)),
        Bound::Unbounded => Bound::Included((market, u64::MAX, &[0xffu8; 32])),
    };
    (lower, upper)
}

/// Reads and decodes one record row, unless absent or expired at `now`.
fn load(
    records: &impl ReadableTable<&'static [u8; 32], &'static [u8]>,
    id: &RecordId,
    now: u64,
) -> Result<Option<Record>, Fault> {
    let Some(row) = records.get(&id.0)? else {
        return Ok(None);
    };
    let record = record_from_row(id, row.value())?;
    Ok((record.payload.expires > now).then_some(record))
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
