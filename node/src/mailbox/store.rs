//! The cooperative's mailboxes: one redb file (`<data-dir>/mailbox.redb`) of sealed messages
//! kept for absent recipients. It holds nothing readable: the recipient's encryption key, the
//! depositor (its host, or its peer id where it has none), times and the sealed bytes.
//!
//! | table | key → value | holds |
//! |---|---|---|
//! | `messages` | (recipient, deposited ms, id) → CBOR entry | waiting messages, oldest first per recipient |
//! | `ids` | (recipient, id) → deposited ms | finds a message (and the page after it) by id |
//! | `usage` | tagged key → (messages, bytes) | what each recipient, depositor and pair holds, and the total |
//!
//! Every quota is read from `usage` and updated in the transaction that inserts or deletes,
//! so a deposit costs a few B-tree lookups whatever the mailboxes hold (before: every stored
//! entry decoded on every deposit), and two deposits cannot both pass a check only one fits.
//! Messages count until deleted: expired ones go at the next sweep, or at once when their
//! recipient's quota would refuse a deposit.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use redb::{ReadableTable, ReadableTableMetadata, Table, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};
use smartket_protocol::mailbox::{
    MAX_TTL_MS, MailboxId, RECIPIENT_QUOTA_BYTES, RECIPIENT_QUOTA_MESSAGES, RefuseCode,
    SENDER_QUOTA_BYTES, SENDER_QUOTA_MESSAGES, StoredMessage,
};

use crate::db_file::DbFile;
use crate::disk::DiskHealth;

type MessageKey<'a> = (&'a [u8; 32], u64, &'a [u8; 32]);
const MESSAGES: TableDefinition<MessageKey, &[u8]> = TableDefinition::new("messages");
const IDS: TableDefinition<(&[u8; 32], &[u8; 32]), u64> = TableDefinition::new("ids");
const USAGE: TableDefinition<&[u8], (u64, u64)> = TableDefinition::new("usage");

/// Messages one depositor may leave for one recipient: an honest sender has a few orders in
/// flight with one seller, each a handful of steps. Without it one depositor could take a whole
/// recipient's quota, and that recipient's offline mail would be refused for 14 days.
pub const PAIR_QUOTA_MESSAGES: u64 = 32;
/// Messages all mailboxes of a cooperative hold at most.
pub const TOTAL_MESSAGES: u64 = 65_536;
/// Sealed bytes all mailboxes of a cooperative hold at most (what its disk gives mail).
pub const TOTAL_BYTES: u64 = 512 * 1024 * 1024;

/// Why the mailbox database failed.
#[derive(Debug, thiserror::Error)]
#[error("mailbox database {path}: {source}")]
pub struct MailboxDbError {
    path: PathBuf,
    source: Box<redb::Error>,
}

impl MailboxDbError {
    /// Whether the disk (or the owner's quota) is full.
    pub fn is_disk_full(&self) -> bool {
        matches!(&*self.source, redb::Error::Io(e) if crate::disk::is_full(e))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    expires_ms: u64,
    #[serde(with = "smartket_protocol::cbor::byte_vec")]
    depositor: Vec<u8>,
    #[serde(with = "smartket_protocol::cbor::byte_vec")]
    sealed: Vec<u8>,
}

impl Entry {
    fn decode(bytes: &[u8]) -> Option<Entry> {
        ciborium::de::from_reader(bytes).ok()
    }
}

/// Whose usage a `usage` row counts.
enum Holder<'a> {
    Total,
    Recipient(&'a [u8; 32]),
    Depositor(&'a [u8]),
    Pair(&'a [u8], &'a [u8; 32]),
}

impl Holder<'_> {
    fn key(&self) -> Vec<u8> {
        match self {
            Holder::Total => vec![b't'],
            Holder::Recipient(r) => [&b"r"[..], &r[..]].concat(),
            Holder::Depositor(d) => [&b"d"[..], d].concat(),
            // The depositor (a host or a peer id, variable length) last, after the fixed-size recipient.
            Holder::Pair(d, r) => [&b"p"[..], &r[..], d].concat(),
        }
    }
}

/// The quota rows a message counts against.
fn holders<'a>(recipient: &'a [u8; 32], depositor: &'a [u8]) -> [Holder<'a>; 4] {
    [
        Holder::Total,
        Holder::Recipient(recipient),
        Holder::Depositor(depositor),
        Holder::Pair(depositor, recipient),
    ]
}

/// The mailboxes of a cooperative node.
#[derive(Clone)]
pub struct MailboxStore {
    db: Arc<DbFile>,
    path: PathBuf,
    limits: Limits,
}

type Result<T> = std::result::Result<T, MailboxDbError>;

/// What a deposit must fit: (message limit, byte limit, refusal) per holder, in
/// [`holders`]' order.
type Limits = [(u64, u64, RefuseCode); 4];

const LIMITS: Limits = [
    (TOTAL_MESSAGES, TOTAL_BYTES, RefuseCode::Busy),
    (
        RECIPIENT_QUOTA_MESSAGES as u64,
        RECIPIENT_QUOTA_BYTES,
        RefuseCode::RecipientQuota,
    ),
    (
        SENDER_QUOTA_MESSAGES as u64,
        SENDER_QUOTA_BYTES,
        RefuseCode::SenderQuota,
    ),
    (
        PAIR_QUOTA_MESSAGES,
        RECIPIENT_QUOTA_BYTES,
        RefuseCode::SenderQuota,
    ),
];

impl MailboxStore {
    /// Opens (creating) `mailbox.redb` in `dir`, reporting the disk's failures to `health`.
    pub fn open(dir: &Path, health: &DiskHealth) -> Result<MailboxStore> {
        let path = crate::data_dir::DataDir::new(dir).mailbox();
        crate::data_dir::create_private_file(&path).map_err(|e| fail(&path, e))?;
        let file = DbFile::open(&path, health).map_err(|e| fail(&path, e))?;
        MailboxStore::on_file(file)
    }

    /// The mailbox store kept in `file`, its tables created; a file written before `usage`
    /// existed gets it counted from its messages.
    pub(crate) fn on_file(file: DbFile) -> Result<MailboxStore> {
        let store = MailboxStore {
            path: file.path().to_owned(),
            db: Arc::new(file),
            limits: LIMITS,
        };
        let txn = store.db.begin_write().map_err(|e| store.fail(e))?;
        {
            let messages = txn.open_table(MESSAGES).map_err(|e| store.fail(e))?;
            txn.open_table(IDS).map_err(|e| store.fail(e))?;
            let mut usage = txn.open_table(USAGE).map_err(|e| store.fail(e))?;
            if usage.is_empty().map_err(|e| store.fail(e))?
                && !messages.is_empty().map_err(|e| store.fail(e))?
            {
                for row in messages.iter().map_err(|e| store.fail(e))? {
                    let (k, v) = row.map_err(|e| store.fail(e))?;
                    let (recipient, _, _) = k.value();
                    if let Some(entry) = Entry::decode(v.value()) {
                        count(&mut usage, recipient, &entry, 1).map_err(|e| store.fail(e))?;
                    }
                }
            }
        }
        txn.commit().map_err(|e| store.fail(e))?;
        Ok(store)
    }

    fn fail(&self, e: impl Into<redb::Error>) -> MailboxDbError {
        fail(&self.path, e)
    }

    /// Copies every table, as one read transaction sees them, into a new database at `dest`
    /// (a backup while the node runs). Returns the rows copied.
    pub fn copy_to(&self, dest: &Path) -> std::result::Result<u64, redb::Error> {
        use crate::db_file::copy_table;
        self.db.copy_into(dest, |from, to| {
            Ok(copy_table(from, to, MESSAGES)?
                + copy_table(from, to, IDS)?
                + copy_table(from, to, USAGE)?)
        })
    }

    /// Keeps `sealed` for `recipient` until `expires_ms` (both already checked by
    /// `check_deposit`), within the quotas. Depositing the same bytes again keeps one copy with
    /// the later expiry.
    pub fn deposit(
        &self,
        recipient: &[u8; 32],
        depositor: &[u8],
        sealed: Vec<u8>,
        expires_ms: u64,
        now_ms: u64,
    ) -> Result<std::result::Result<(MailboxId, u64), RefuseCode>> {
        let id = MailboxId::of(&sealed);
        let expires_ms = expires_ms.min(now_ms.saturating_add(MAX_TTL_MS));
        let txn = self.db.begin_write().map_err(|e| self.fail(e))?;
        let outcome = deposit_in(
            &txn,
            &self.limits,
            recipient,
            depositor,
            sealed,
            (id, expires_ms),
            now_ms,
        )
        .map_err(|e| self.fail(e))?;
        if outcome.is_ok() {
            txn.commit().map_err(|e| self.fail(e))?;
        }
        Ok(outcome)
    }

    /// Up to `max` live messages for `recipient`, oldest first, after `after` (from the start
    /// when `after` is `None` or no longer there); and whether more follow.
    pub fn page(
        &self,
        recipient: &[u8; 32],
        after: Option<&MailboxId>,
        max: usize,
        now_ms: u64,
    ) -> Result<(Vec<StoredMessage>, bool)> {
        let txn = self.db.begin_read().map_err(|e| self.fail(e))?;
        let messages = txn.open_table(MESSAGES).map_err(|e| self.fail(e))?;
        let ids = txn.open_table(IDS).map_err(|e| self.fail(e))?;
        let from = match after {
            Some(a) => ids
                .get((recipient, &a.0))
                .map_err(|e| self.fail(e))?
                .map(|d| (d.value(), a.0)),
            None => None,
        };
        let range = messages
            .range((recipient, 0, &[0u8; 32])..=(recipient, u64::MAX, &[0xff; 32]))
            .map_err(|e| self.fail(e))?;
        let mut page = Vec::new();
        let mut more = false;
        for row in range {
            let (k, v) = row.map_err(|e| self.fail(e))?;
            let (_, deposited, id) = k.value();
            if from.is_some_and(|f| (deposited, *id) <= f) {
                continue;
            }
            let Some(entry) = Entry::decode(v.value()).filter(|e| e.expires_ms > now_ms) else {
                continue;
            };
            if page.len() == max {
                more = true;
                break;
            }
            page.push(StoredMessage::new(
                deposited,
                entry.expires_ms,
                entry.sealed,
            ));
        }
        Ok((page, more))
    }

    /// Deletes `ids` from `recipient`'s mailbox; returns how many were there.
    pub fn delete(&self, recipient: &[u8; 32], ids: &[MailboxId]) -> Result<u32> {
        let txn = self.db.begin_write().map_err(|e| self.fail(e))?;
        let mut deleted = 0;
        {
            let mut index = txn.open_table(IDS).map_err(|e| self.fail(e))?;
            let mut messages = txn.open_table(MESSAGES).map_err(|e| self.fail(e))?;
            let mut usage = txn.open_table(USAGE).map_err(|e| self.fail(e))?;
            for id in ids {
                let found = index
                    .remove((recipient, &id.0))
                    .map_err(|e| self.fail(e))?
                    .map(|v| v.value());
                if let Some(deposited) = found {
                    remove(&mut messages, &mut usage, recipient, deposited, &id.0)
                        .map_err(|e| self.fail(e))?;
                    deleted += 1;
                }
            }
        }
        txn.commit().map_err(|e| self.fail(e))?;
        Ok(deleted)
    }

    /// Deletes every expired message, in one transaction; returns how many.
    pub fn sweep(&self, now_ms: u64) -> Result<usize> {
        let txn = self.db.begin_write().map_err(|e| self.fail(e))?;
        let n = {
            let mut messages = txn.open_table(MESSAGES).map_err(|e| self.fail(e))?;
            let mut ids = txn.open_table(IDS).map_err(|e| self.fail(e))?;
            let mut usage = txn.open_table(USAGE).map_err(|e| self.fail(e))?;
            let mut expired: Vec<([u8; 32], u64, [u8; 32])> = Vec::new();
            for row in messages.iter().map_err(|e| self.fail(e))? {
                let (k, v) = row.map_err(|e| self.fail(e))?;
                let (recipient, deposited, id) = k.value();
                if Entry::decode(v.value()).is_none_or(|e| e.expires_ms <= now_ms) {
                    expired.push((*recipient, deposited, *id));
                }
            }
            for (recipient, deposited, id) in &expired {
                ids.remove((recipient, id)).map_err(|e| self.fail(e))?;
                remove(&mut messages, &mut usage, recipient, *deposited, id)
                    .map_err(|e| self.fail(e))?;
            }
            expired.len()
        };
        if n > 0 {
            txn.commit().map_err(|e| self.fail(e))?;
        }
        Ok(n)
    }

    /// Messages kept, over all mailboxes (expired ones until the next sweep).
    pub fn kept(&self) -> Result<u64> {
        let txn = self.db.begin_read().map_err(|e| self.fail(e))?;
        let usage = txn.open_table(USAGE).map_err(|e| self.fail(e))?;
        let total = usage
            .get(Holder::Total.key().as_slice())
            .map_err(|e| self.fail(e))?;
        Ok(total.map_or(0, |v| v.value().0))
    }
}

/// The deposit, inside `txn`; the caller commits when it was accepted.
fn deposit_in(
    txn: &WriteTransaction,
    limits: &Limits,
    recipient: &[u8; 32],
    depositor: &[u8],
    sealed: Vec<u8>,
    (id, expires_ms): (MailboxId, u64),
    now_ms: u64,
) -> std::result::Result<std::result::Result<(MailboxId, u64), RefuseCode>, redb::Error> {
    let mut messages = txn.open_table(MESSAGES)?;
    let mut ids = txn.open_table(IDS)?;
    let mut usage = txn.open_table(USAGE)?;
    let held = ids.get((recipient, &id.0))?.map(|v| v.value());
    if let Some(deposited) = held {
        let old = messages
            .get((recipient, deposited, &id.0))?
            .and_then(|v| Entry::decode(v.value()));
        if let Some(mut entry) = old {
            entry.expires_ms = entry.expires_ms.max(expires_ms);
            let expires_ms = entry.expires_ms;
            messages.insert((recipient, deposited, &id.0), encode(&entry).as_slice())?;
            return Ok(Ok((id, expires_ms)));
        }
    }
    let entry = Entry {
        expires_ms,
        depositor: depositor.to_vec(),
        sealed,
    };
    let mut refused = over_quota(&usage, limits, recipient, &entry)?;
    if refused == Some(RefuseCode::RecipientQuota) {
        purge_expired(&mut messages, &mut ids, &mut usage, recipient, now_ms)?;
        refused = over_quota(&usage, limits, recipient, &entry)?;
    }
    if let Some(code) = refused {
        return Ok(Err(code));
    }
    messages.insert((recipient, now_ms, &id.0), encode(&entry).as_slice())?;
    ids.insert((recipient, &id.0), now_ms)?;
    count(&mut usage, recipient, &entry, 1)?;
    Ok(Ok((id, expires_ms)))
}

fn encode(entry: &Entry) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = ciborium::ser::into_writer(entry, &mut bytes);
    bytes
}

/// The first quota `entry` would break, if any.
fn over_quota(
    usage: &Table<&[u8], (u64, u64)>,
    limits: &Limits,
    recipient: &[u8; 32],
    entry: &Entry,
) -> std::result::Result<Option<RefuseCode>, redb::Error> {
    let size = entry.sealed.len() as u64;
    for (holder, &(max_n, max_bytes, code)) in
        holders(recipient, &entry.depositor).iter().zip(limits)
    {
        let (n, bytes) = usage
            .get(holder.key().as_slice())?
            .map_or((0, 0), |v| v.value());
        if n >= max_n || bytes.saturating_add(size) > max_bytes {
            return Ok(Some(code));
        }
    }
    Ok(None)
}

/// Adds (`sign` 1) or takes away (−1) `entry` from every quota row it counts against.
fn count(
    usage: &mut Table<&[u8], (u64, u64)>,
    recipient: &[u8; 32],
    entry: &Entry,
    sign: i8,
) -> std::result::Result<(), redb::Error> {
    let size = entry.sealed.len() as u64;
    for holder in holders(recipient, &entry.depositor) {
        let key = holder.key();
        let (n, bytes) = usage.get(key.as_slice())?.map_or((0, 0), |v| v.value());
        let (n, bytes) = if sign > 0 {
            (n.saturating_add(1), bytes.saturating_add(size))
        } else {
            (n.saturating_sub(1), bytes.saturating_sub(size))
        };
        if n == 0 {
            usage.remove(key.as_slice())?;
        } else {
            usage.insert(key.as_slice(), (n, bytes))?;
        }
    }
    Ok(())
}

/// Removes one message and its share of the quotas.
fn remove(
    messages: &mut Table<MessageKey, &[u8]>,
    usage: &mut Table<&[u8], (u64, u64)>,
    recipient: &[u8; 32],
    deposited: u64,
    id: &[u8; 32],
) -> std::result::Result<(), redb::Error> {
    let old = messages
        .remove((recipient, deposited, id))?
        .and_then(|v| Entry::decode(v.value()));
    if let Some(entry) = old {
        count(usage, recipient, &entry, -1)?;
    }
    Ok(())
}

/// Deletes `recipient`'s expired messages (at most its quota's worth).
fn purge_expired(
    messages: &mut Table<MessageKey, &[u8]>,
    ids: &mut Table<(&[u8; 32], &[u8; 32]), u64>,
    usage: &mut Table<&[u8], (u64, u64)>,
    recipient: &[u8; 32],
    now_ms: u64,
) -> std::result::Result<(), redb::Error> {
    let mut expired = Vec::new();
    for row in messages.range((recipient, 0, &[0u8; 32])..=(recipient, u64::MAX, &[0xff; 32]))? {
        let (k, v) = row?;
        let (_, deposited, id) = k.value();
        if Entry::decode(v.value()).is_none_or(|e| e.expires_ms <= now_ms) {
            expired.push((deposited, *id));
        }
    }
    for (deposited, id) in expired {
        ids.remove((recipient, &id))?;
        remove(messages, usage, recipient, deposited, &id)?;
    }
    Ok(())
}

fn fail(path: &Path, e: impl Into<redb::Error>) -> MailboxDbError {
    MailboxDbError {
        path: path.to_owned(),
        source: Box::new(e.into()),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_faults;
