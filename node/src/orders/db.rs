//! The orders database: one redb file (`<data-dir>/orders.redb`) apart from the catalogue's,
//! because what it holds is private (orders, addresses, the basket) and is never synced.
//!
//! | table | key → value | holds |
//! |---|---|---|
//! | `orders` | order id → CBOR [`OrderFile`] | every order this node is a party to, with its signed history |
//! | `seen` | (sender, message id) → () | messages already acted on: duplicates and replays are dropped |
//! | `outbox` | (order id, message id, recipient) → CBOR [`Outgoing`] | sealed messages until their recipient has acknowledged them |
//! | `waiting_by_order` | (order id, sender, message id) → CBOR kept message and when it came | steps that came before their order, job or an earlier step ([`waiting`]) |
//! | `waiting_per_sender` | sender → count | the per-sender quota of `waiting_by_order` |
//! | `basket` | `"basket"` → CBOR [`Basket`] | the consumer's basket |

use std::path::{Path, PathBuf};

use redb::{ReadableTable, TableDefinition};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use smartket_protocol::messages::{MessageId, OrderId};
use smartket_protocol::{AuthorKey, RecipientKeys, Signature};

use super::basket::Basket;
use crate::db_file::DbFile;
use crate::disk::DiskHealth;

#[cfg(test)]
mod tests_faults;
pub mod waiting;

const ORDERS: TableDefinition<&[u8; 16], &[u8]> = TableDefinition::new("orders");
const SEEN: TableDefinition<(&[u8; 32], &[u8; 16]), ()> = TableDefinition::new("seen");
/// (order id, message id, recipient).
type OutboxKey<'a> = (&'a [u8; 16], &'a [u8; 16], &'a [u8; 32]);
const OUTBOX: TableDefinition<OutboxKey, &[u8]> = TableDefinition::new("outbox");

/// A queued message's key: its order, its id, its recipient.
pub type OutgoingKey = (OrderId, MessageId, AuthorKey);
const BASKET: TableDefinition<&str, &[u8]> = TableDefinition::new("basket");

/// Why the orders database failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OrdersDbError {
    /// redb failed (I/O, a full disk, a file locked by another process).
    #[error("orders database {path}: {source}")]
    Redb {
        /// The file.
        path: PathBuf,
        /// What redb said.
        source: Box<redb::Error>,
    },
    /// A stored value does not decode: the file was damaged or written by another version.
    #[error("orders database {path}: a stored {what} does not decode: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Which value.
        what: &'static str,
        /// The decoder's message.
        reason: String,
    },
}

impl OrdersDbError {
    /// Whether the disk (or the owner's quota) is full.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, OrdersDbError::Redb { source, .. }
            if matches!(&**source, redb::Error::Io(e) if crate::disk::is_full(e)))
    }
}

/// One message of an order's history: the signed inner bytes and the signature, as sent or
/// received, so the history can be verified again by anyone holding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    /// The signed inner message.
    #[serde(with = "smartket_protocol::cbor::byte_vec")]
    pub inner: Vec<u8>,
    /// The sender's signature over it.
    pub signature: Signature,
}

/// Which party this node is in an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// We placed it.
    Consumer,
    /// We sell.
    Seller,
    /// We deliver.
    Courier,
}

/// An order as this node keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFile {
    /// The order.
    pub order_id: OrderId,
    /// Its market.
    pub market: String,
    /// Who we are in it.
    pub party: Party,
    /// When we first saw it (ms).
    pub created_ms: u64,
    /// Every message of the order we sent or accepted, in the order they were accepted.
    pub history: Vec<Kept>,
}

/// How far a sealed message has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not yet handed to anyone.
    Pending,
    /// A cooperative node holds it for the recipient.
    InMailbox,
    /// The recipient acknowledged it.
    Delivered,
    /// The recipient refused it (see the node's log for why).
    Refused,
    /// Not delivered within the retention time; given up.
    Expired,
}

/// A sealed message on its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    /// To whom.
    pub to: RecipientKeys,
    /// The node that takes it directly, when not `to.author`'s (a consumer's per-order key:
    /// the order's `reply_node`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<AuthorKey>,
    /// The sealed bytes.
    #[serde(with = "smartket_protocol::cbor::byte_vec")]
    pub sealed: Vec<u8>,
    /// What kind of message (for the UI: "order", "transition"…).
    pub kind: String,
    /// Where it is.
    pub state: DeliveryState,
    /// Direct attempts so far.
    pub attempts: u32,
    /// Next direct attempt (ms).
    pub next_try_ms: u64,
    /// When it was sealed (ms); given up after the mailbox retention.
    pub created_ms: u64,
}

/// The orders database.
#[derive(Clone)]
pub struct OrdersDb {
    db: std::sync::Arc<DbFile>,
    path: PathBuf,
    /// The waiting queue's quotas (per sender, in all): [`waiting::MAX_PER_SENDER`] and
    /// [`waiting::MAX_WAITING`], smaller in tests.
    waiting_caps: (u64, u64),
    /// When a full waiting queue was last purged of expired entries (ms; see
    /// [`waiting::PURGE_EVERY_MS`]).
    waiting_purged_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

type Result<T> = std::result::Result<T, OrdersDbError>;

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing CBOR into a Vec cannot fail for these plain data types.
    let _ = ciborium::ser::into_writer(value, &mut out);
    out
}

impl OrdersDb {
    /// Opens (creating, mode 0600: it holds buyers' delivery addresses) the database in `dir`,
    /// reporting the disk's failures to `health`.
    pub fn open(dir: &Path, health: &DiskHealth) -> Result<OrdersDb> {
        let path = crate::data_dir::DataDir::new(dir).orders();
        crate::data_dir::create_private_file(&path).map_err(|e| redb_error(&path, e))?;
        let file = DbFile::open(&path, health).map_err(|e| redb_error(&path, e))?;
        OrdersDb::on_file(file)
    }

    /// The orders database kept in `file`, its tables created and old waiting steps moved.
    pub(crate) fn on_file(file: DbFile) -> Result<OrdersDb> {
        let db = OrdersDb {
            path: file.path().to_owned(),
            db: std::sync::Arc::new(file),
            waiting_caps: (waiting::MAX_PER_SENDER, waiting::MAX_WAITING),
            waiting_purged_ms: Default::default(),
        };
        let txn = db.write()?;
        {
            txn.open_table(ORDERS).map_err(|e| db.fail(e))?;
            txn.open_table(SEEN).map_err(|e| db.fail(e))?;
            txn.open_table(OUTBOX).map_err(|e| db.fail(e))?;
            txn.open_table(waiting::WAITING).map_err(|e| db.fail(e))?;
            txn.open_table(waiting::PER_SENDER)
                .map_err(|e| db.fail(e))?;
            txn.open_table(BASKET).map_err(|e| db.fail(e))?;
        }
        txn.commit().map_err(|e| db.fail(e))?;
        db.move_old_waiting(crate::clock::now_ms(), |kept| {
            smartket_protocol::reopen(
                &kept.inner,
                &kept.signature,
                &smartket_protocol::cbor::Limits::MESSAGE,
            )
            .ok()
            .and_then(|opened| opened.body.order_id())
        })?;
        Ok(db)
    }

    fn fail(&self, e: impl Into<redb::Error>) -> OrdersDbError {
        redb_error(&self.path, e)
    }

    fn decode<T: DeserializeOwned>(&self, what: &'static str, bytes: &[u8]) -> Result<T> {
        ciborium::de::from_reader(bytes).map_err(|e| OrdersDbError::Corrupt {
            path: self.path.clone(),
            what,
            reason: e.to_string(),
        })
    }

    fn write(&self) -> Result<redb::WriteTransaction> {
        self.db.begin_write().map_err(|e| self.fail(e))
    }

    fn read(&self) -> Result<redb::ReadTransaction> {
        self.db.begin_read().map_err(|e| self.fail(e))
    }

    /// Copies every table, as one read transaction sees them, into a new database at `dest`
    /// (a backup while the node runs). Returns the rows copied.
    pub fn copy_to(&self, dest: &Path) -> std::result::Result<u64, redb::Error> {
        use crate::db_file::copy_table;
        self.db.copy_into(dest, |from, to| {
            Ok(copy_table(from, to, ORDERS)?
                + copy_table(from, to, SEEN)?
                + copy_table(from, to, OUTBOX)?
                + copy_table(from, to, waiting::WAITING)?
                + copy_table(from, to, waiting::PER_SENDER)?
                + copy_table(from, to, BASKET)?)
        })
    }

    /// One order.
    pub fn order(&self, id: &OrderId) -> Result<Option<OrderFile>> {
        let txn = self.read()?;
        let table = txn.open_table(ORDERS).map_err(|e| self.fail(e))?;
        match table.get(&id.0).map_err(|e| self.fail(e))? {
            Some(v) => Ok(Some(self.decode("order", v.value())?)),
            None => Ok(None),
        }
    }

    /// Every order, newest first.
    pub fn orders(&self) -> Result<Vec<OrderFile>> {
        let txn = self.read()?;
        let table = txn.open_table(ORDERS).map_err(|e| self.fail(e))?;
        let mut out = Vec::new();
        for row in table.iter().map_err(|e| self.fail(e))? {
            let (_, v) = row.map_err(|e| self.fail(e))?;
            out.push(self.decode::<OrderFile>("order", v.value())?);
        }
        out.sort_by_key(|o| std::cmp::Reverse(o.created_ms));
        Ok(out)
    }

    /// Stores `file`, marks `(from, id)` seen, and queues `outgoing`, in one transaction: a
    /// message is acted on exactly once and what it causes to be sent is never lost.
    pub fn save(
        &self,
        file: &OrderFile,
        seen: Option<(AuthorKey, MessageId)>,
        outgoing: &[(MessageId, Outgoing)],
    ) -> Result<()> {
        let txn = self.write()?;
        {
            let mut orders = txn.open_table(ORDERS).map_err(|e| self.fail(e))?;
            orders
                .insert(&file.order_id.0, encode(file).as_slice())
                .map_err(|e| self.fail(e))?;
            if let Some((from, id)) = seen {
                let mut table = txn.open_table(SEEN).map_err(|e| self.fail(e))?;
                table
                    .insert((from.as_bytes(), &id.0), ())
                    .map_err(|e| self.fail(e))?;
            }
            let mut outbox = txn.open_table(OUTBOX).map_err(|e| self.fail(e))?;
            for (id, out) in outgoing {
                outbox
                    .insert(
                        (&file.order_id.0, &id.0, out.to.author.as_bytes()),
                        encode(out).as_slice(),
                    )
                    .map_err(|e| self.fail(e))?;
            }
        }
        txn.commit().map_err(|e| self.fail(e))
    }

    /// Whether `(from, id)` was already acted on.
    pub fn seen(&self, from: &AuthorKey, id: &MessageId) -> Result<bool> {
        let txn = self.read()?;
        let table = txn.open_table(SEEN).map_err(|e| self.fail(e))?;
        Ok(table
            .get((from.as_bytes(), &id.0))
            .map_err(|e| self.fail(e))?
            .is_some())
    }

    /// Marks `(from, id)` seen without touching an order (a refused or stray message).
    pub fn mark_seen(&self, from: &AuthorKey, id: &MessageId) -> Result<()> {
        let txn = self.write()?;
        {
            let mut table = txn.open_table(SEEN).map_err(|e| self.fail(e))?;
            table
                .insert((from.as_bytes(), &id.0), ())
                .map_err(|e| self.fail(e))?;
        }
        txn.commit().map_err(|e| self.fail(e))
    }

    /// Every queued message with its key.
    pub fn outbox(&self) -> Result<Vec<(OutgoingKey, Outgoing)>> {
        let txn = self.read()?;
        let table = txn.open_table(OUTBOX).map_err(|e| self.fail(e))?;
        let mut out = Vec::new();
        for row in table.iter().map_err(|e| self.fail(e))? {
            let (k, v) = row.map_err(|e| self.fail(e))?;
            let (order, id, to) = k.value();
            out.push((
                (OrderId(*order), MessageId(*id), AuthorKey(*to)),
                self.decode("outgoing message", v.value())?,
            ));
        }
        Ok(out)
    }

    /// The queued messages of one order.
    pub fn outbox_of(&self, order: &OrderId) -> Result<Vec<(MessageId, Outgoing)>> {
        Ok(self
            .outbox()?
            .into_iter()
            .filter(|((o, _, _), _)| o == order)
            .map(|((_, id, _), out)| (id, out))
            .collect())
    }

    /// Updates a queued message's state.
    pub fn update_outgoing(&self, key: &OutgoingKey, out: &Outgoing) -> Result<()> {
        let txn = self.write()?;
        {
            let mut table = txn.open_table(OUTBOX).map_err(|e| self.fail(e))?;
            table
                .insert(
                    (&key.0.0, &key.1.0, key.2.as_bytes()),
                    encode(out).as_slice(),
                )
                .map_err(|e| self.fail(e))?;
        }
        txn.commit().map_err(|e| self.fail(e))
    }

    /// The basket (empty when none was saved).
    pub fn basket(&self) -> Result<Basket> {
        let txn = self.read()?;
        let table = txn.open_table(BASKET).map_err(|e| self.fail(e))?;
        match table.get("basket").map_err(|e| self.fail(e))? {
            Some(v) => self.decode("basket", v.value()),
            None => Ok(Basket::default()),
        }
    }

    /// Saves the basket.
    pub fn save_basket(&self, basket: &Basket) -> Result<()> {
        let txn = self.write()?;
        {
            let mut table = txn.open_table(BASKET).map_err(|e| self.fail(e))?;
            table
                .insert("basket", encode(basket).as_slice())
                .map_err(|e| self.fail(e))?;
        }
        txn.commit().map_err(|e| self.fail(e))
    }
}

fn redb_error(path: &Path, e: impl Into<redb::Error>) -> OrdersDbError {
    OrdersDbError::Redb {
        path: path.to_owned(),
        source: Box::new(e.into()),
    }
}
