//! The cooperative's mailboxes: one redb file (`<data-dir>/mailbox.redb`) of sealed messages
//! kept for absent recipients. It holds nothing readable: the recipient's encryption key, the
//! depositing peer, times and the sealed bytes.
//!
//! | table | key → value | holds |
//! |---|---|---|
//! | `messages` | (recipient, deposited ms, id) → CBOR entry | waiting messages, oldest first per recipient |
//! | `ids` | (recipient, id) → deposited ms | finds a message (and the page after it) by id |

use std::path::{Path, PathBuf};
use std::sync::Arc;

use redb::{ReadableTable, TableDefinition};
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

/// A live message: (recipient, deposited ms, id, entry).
type Row = ([u8; 32], u64, [u8; 32], Entry);

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    expires_ms: u64,
    #[serde(with = "smartket_protocol::cbor::byte_vec")]
    depositor: Vec<u8>,
    #[serde(with = "smartket_protocol::cbor::byte_vec")]
    sealed: Vec<u8>,
}

/// The mailboxes of a cooperative node.
#[derive(Clone)]
pub struct MailboxStore {
    db: Arc<DbFile>,
    path: PathBuf,
}

type Result<T> = std::result::Result<T, MailboxDbError>;

impl MailboxStore {
    /// Opens (creating) `mailbox.redb` in `dir`, reporting the disk's failures to `health`.
    pub fn open(dir: &Path, health: &DiskHealth) -> Result<MailboxStore> {
        let path = crate::data_dir::DataDir::new(dir).mailbox();
        crate::data_dir::create_private_file(&path).map_err(|e| fail(&path, e))?;
        let file = DbFile::open(&path, health).map_err(|e| fail(&path, e))?;
        MailboxStore::on_file(file)
    }

    /// The mailbox store kept in `file`, its tables created.
    pub(crate) fn on_file(file: DbFile) -> Result<MailboxStore> {
        let store = MailboxStore {
            path: file.path().to_owned(),
            db: Arc::new(file),
        };
        let txn = store.db.begin_write().map_err(|e| store.fail(e))?;
        txn.open_table(MESSAGES).map_err(|e| store.fail(e))?;
        txn.open_table(IDS).map_err(|e| store.fail(e))?;
        txn.commit().map_err(|e| store.fail(e))?;
        Ok(store)
    }

    fn fail(&self, e: impl Into<redb::Error>) -> MailboxDbError {
        fail(&self.path, e)
    }

    /// Every live entry: (recipient, deposited, id, entry).
    fn all(&self, now_ms: u64) -> Result<Vec<Row>> {
        let txn = self.db.begin_read().map_err(|e| self.fail(e))?;
        let table = txn.open_table(MESSAGES).map_err(|e| self.fail(e))?;
        let mut out = Vec::new();
        for row in table.iter().map_err(|e| self.fail(e))? {
            let (k, v) = row.map_err(|e| self.fail(e))?;
            let (recipient, deposited, id) = k.value();
            if let Ok(entry) = ciborium::de::from_reader::<Entry, _>(v.value())
                && entry.expires_ms > now_ms
            {
                out.push((*recipient, deposited, *id, entry));
            }
        }
        Ok(out)
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
        let live = self.all(now_ms)?;
        let existing = live
            .iter()
            .find(|(r, _, i, _)| r == recipient && *i == id.0);
        if existing.is_none() {
            let (mut to_n, mut to_bytes, mut from_n, mut from_bytes) = (0u32, 0u64, 0u32, 0u64);
            for (r, _, _, entry) in &live {
                if r == recipient {
                    to_n += 1;
                    to_bytes += entry.sealed.len() as u64;
                }
                if entry.depositor == depositor {
                    from_n += 1;
                    from_bytes += entry.sealed.len() as u64;
                }
            }
            let size = sealed.len() as u64;
            if to_n >= RECIPIENT_QUOTA_MESSAGES || to_bytes + size > RECIPIENT_QUOTA_BYTES {
                return Ok(Err(RefuseCode::RecipientQuota));
            }
            if from_n >= SENDER_QUOTA_MESSAGES || from_bytes + size > SENDER_QUOTA_BYTES {
                return Ok(Err(RefuseCode::SenderQuota));
            }
        }
        let deposited = existing.map_or(now_ms, |(_, d, _, _)| *d);
        let expires_ms = existing.map_or(expires_ms, |(_, _, _, e)| e.expires_ms.max(expires_ms));
        let entry = Entry {
            expires_ms,
            depositor: depositor.to_vec(),
            sealed,
        };
        let mut bytes = Vec::new();
        let _ = ciborium::ser::into_writer(&entry, &mut bytes);
        let txn = self.db.begin_write().map_err(|e| self.fail(e))?;
        {
            let mut messages = txn.open_table(MESSAGES).map_err(|e| self.fail(e))?;
            messages
                .insert((recipient, deposited, &id.0), bytes.as_slice())
                .map_err(|e| self.fail(e))?;
            let mut ids = txn.open_table(IDS).map_err(|e| self.fail(e))?;
            ids.insert((recipient, &id.0), deposited)
                .map_err(|e| self.fail(e))?;
        }
        txn.commit().map_err(|e| self.fail(e))?;
        Ok(Ok((id, expires_ms)))
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
        let mine: Vec<_> = self
            .all(now_ms)?
            .into_iter()
            .filter(|(r, _, _, _)| r == recipient)
            .collect();
        let start = after
            .and_then(|a| mine.iter().position(|(_, _, id, _)| *id == a.0))
            .map_or(0, |i| i + 1);
        let rest = &mine[start.min(mine.len())..];
        let page = rest
            .iter()
            .take(max)
            .map(|(_, deposited, _, e)| {
                StoredMessage::new(*deposited, e.expires_ms, e.sealed.clone())
            })
            .collect();
        Ok((page, rest.len() > max))
    }

    /// Deletes `ids` from `recipient`'s mailbox; returns how many were there.
    pub fn delete(&self, recipient: &[u8; 32], ids: &[MailboxId]) -> Result<u32> {
        let txn = self.db.begin_write().map_err(|e| self.fail(e))?;
        let mut deleted = 0;
        {
            let mut index = txn.open_table(IDS).map_err(|e| self.fail(e))?;
            let mut messages = txn.open_table(MESSAGES).map_err(|e| self.fail(e))?;
            for id in ids {
                let found = index
                    .remove((recipient, &id.0))
                    .map_err(|e| self.fail(e))?
                    .map(|v| v.value());
                if let Some(deposited) = found {
                    messages
                        .remove((recipient, deposited, &id.0))
                        .map_err(|e| self.fail(e))?;
                    deleted += 1;
                }
            }
        }
        txn.commit().map_err(|e| self.fail(e))?;
        Ok(deleted)
    }

    /// Deletes every expired message; returns how many.
    pub fn sweep(&self, now_ms: u64) -> Result<usize> {
        let txn = self.db.begin_read().map_err(|e| self.fail(e))?;
        let table = txn.open_table(MESSAGES).map_err(|e| self.fail(e))?;
        let mut expired: Vec<([u8; 32], [u8; 32])> = Vec::new();
        for row in table.iter().map_err(|e| self.fail(e))? {
            let (k, v) = row.map_err(|e| self.fail(e))?;
            let (recipient, _, id) = k.value();
            let gone = ciborium::de::from_reader::<Entry, _>(v.value())
                .map_or(true, |e| e.expires_ms <= now_ms);
            if gone {
                expired.push((*recipient, *id));
            }
        }
        drop(table);
        drop(txn);
        let n = expired.len();
        for (recipient, id) in expired {
            self.delete(&recipient, &[MailboxId(id)])?;
        }
        Ok(n)
    }

    /// Messages waiting, over all mailboxes.
    pub fn len(&self, now_ms: u64) -> Result<usize> {
        Ok(self.all(now_ms)?.len())
    }
}

fn fail(path: &Path, e: impl Into<redb::Error>) -> MailboxDbError {
    MailboxDbError {
        path: path.to_owned(),
        source: Box::new(e.into()),
    }
}

#[cfg(test)]
mod tests_faults;
