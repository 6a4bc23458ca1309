//! Steps that came before their order (or job, or an earlier step), kept until they can be
//! applied — bounded, because anyone can send a step for an order id nobody has.
//!
//! ```text
//! step for an unknown order ─▶ put (quota per sender, cap in all, expired ones purged first)
//! order X stored or stepped ─▶ of_order(X) ─▶ applied or refused ─▶ seen ─▶ remove
//! ```
//!
//! Keyed by order first, so that what an arriving message can unblock is found without
//! reading the rest. An entry leaves only once its message is marked seen (applied or
//! refused), in a transaction of its own after that: a crash in between leaves an entry whose
//! message is seen, which the next look removes — never a step acknowledged and lost.

use redb::{ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};
use smartket_protocol::AuthorKey;
use smartket_protocol::messages::{MessageId, OrderId};

use super::{Kept, OrdersDb, Result, encode};

/// (order id, sender, message id) → CBOR [`Entry`].
type Key<'a> = (&'a [u8; 16], &'a [u8; 32], &'a [u8; 16]);
pub(super) const WAITING: TableDefinition<Key, &[u8]> = TableDefinition::new("waiting_by_order");
/// sender → how many entries it has in [`WAITING`].
pub(super) const PER_SENDER: TableDefinition<&[u8; 32], u64> =
    TableDefinition::new("waiting_per_sender");
/// The table of earlier versions, keyed by (sender, message id): read once and moved.
pub(super) const OLD_WAITING: TableDefinition<(&[u8; 32], &[u8; 16]), &[u8]> =
    TableDefinition::new("waiting");

/// Entries one sender may have waiting. An honest party's steps wait seconds, a few at a time
/// (they overtook the order, or an earlier step); a stranger's never get applied.
pub const MAX_PER_SENDER: u64 = 64;
/// Entries waiting in all: what strangers together can make this node keep.
pub const MAX_WAITING: u64 = 4096;
/// How long an entry is kept (the mailbox retention: its order cannot come later than that).
pub const KEEP_MS: u64 = 14 * 24 * 3600 * 1000;
/// How often a full queue is purged of expired entries. A purge reads every entry; done for
/// each step refused because the queue is full, it made a stranger's flood cost one scan of
/// 4 096 entries and one commit per step (the seller slowed from 530 to 50 steps a second, and
/// honest steps queued behind them). Entries expire after two weeks: once a minute is plenty.
pub const PURGE_EVERY_MS: u64 = 60_000;

/// One waiting message and when it came.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    kept: Kept,
    received_ms: u64,
}

/// Whether [`OrdersDb::put_waiting`] kept the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// Kept (or already there).
    Kept,
    /// Its sender has [`MAX_PER_SENDER`] waiting, or the node [`MAX_WAITING`]: not kept.
    Full,
}

impl OrdersDb {
    /// Keeps a message for order `order` that cannot be applied yet, within the quotas; entries
    /// past [`KEEP_MS`] are purged first when the node's cap is reached (at most every
    /// [`PURGE_EVERY_MS`]).
    pub fn put_waiting(
        &self,
        order: &OrderId,
        from: &AuthorKey,
        id: &MessageId,
        kept: &Kept,
        now_ms: u64,
    ) -> Result<Put> {
        let (per_sender_cap, cap) = self.waiting_caps;
        if self.waiting_count()? >= cap {
            use std::sync::atomic::Ordering;
            let last = self.waiting_purged_ms.load(Ordering::Relaxed);
            if now_ms.saturating_sub(last) >= PURGE_EVERY_MS
                && self
                    .waiting_purged_ms
                    .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                self.purge_waiting(now_ms)?;
            }
        }
        let txn = self.write()?;
        {
            let mut table = txn.open_table(WAITING).map_err(|e| self.fail(e))?;
            let key = (&order.0, from.as_bytes(), &id.0);
            if table.get(key).map_err(|e| self.fail(e))?.is_some() {
                return Ok(Put::Kept);
            }
            let mut per_sender = txn.open_table(PER_SENDER).map_err(|e| self.fail(e))?;
            let theirs = per_sender
                .get(from.as_bytes())
                .map_err(|e| self.fail(e))?
                .map_or(0, |v| v.value());
            if theirs >= per_sender_cap || table.len().map_err(|e| self.fail(e))? >= cap {
                return Ok(Put::Full);
            }
            let entry = Entry {
                kept: kept.clone(),
                received_ms: now_ms,
            };
            table
                .insert(key, encode(&entry).as_slice())
                .map_err(|e| self.fail(e))?;
            per_sender
                .insert(from.as_bytes(), theirs + 1)
                .map_err(|e| self.fail(e))?;
        }
        txn.commit().map_err(|e| self.fail(e))?;
        Ok(Put::Kept)
    }

    /// The messages waiting for order `order`, oldest first.
    pub fn waiting_for(&self, order: &OrderId) -> Result<Vec<(AuthorKey, MessageId, Kept)>> {
        let txn = self.read()?;
        let table = txn.open_table(WAITING).map_err(|e| self.fail(e))?;
        let mut out = Vec::new();
        let range = table
            .range((&order.0, &[0u8; 32], &[0u8; 16])..=(&order.0, &[0xffu8; 32], &[0xffu8; 16]))
            .map_err(|e| self.fail(e))?;
        for row in range {
            let (k, v) = row.map_err(|e| self.fail(e))?;
            let (_, from, id) = k.value();
            let entry: Entry = self.decode("waiting message", v.value())?;
            out.push((
                entry.received_ms,
                AuthorKey(*from),
                MessageId(*id),
                entry.kept,
            ));
        }
        out.sort_by_key(|(at, ..)| *at);
        Ok(out
            .into_iter()
            .map(|(_, from, id, kept)| (from, id, kept))
            .collect())
    }

    /// Removes one entry (its message was applied or refused).
    pub fn remove_waiting(&self, order: &OrderId, from: &AuthorKey, id: &MessageId) -> Result<()> {
        let txn = self.write()?;
        {
            let mut table = txn.open_table(WAITING).map_err(|e| self.fail(e))?;
            let removed = table
                .remove((&order.0, from.as_bytes(), &id.0))
                .map_err(|e| self.fail(e))?
                .is_some();
            if removed {
                let mut per_sender = txn.open_table(PER_SENDER).map_err(|e| self.fail(e))?;
                uncount(&mut per_sender, from.as_bytes(), 1).map_err(|e| self.fail(e))?;
            }
        }
        txn.commit().map_err(|e| self.fail(e))
    }

    /// How many messages are waiting.
    pub fn waiting_count(&self) -> Result<u64> {
        let txn = self.read()?;
        let table = txn.open_table(WAITING).map_err(|e| self.fail(e))?;
        table.len().map_err(|e| self.fail(e))
    }

    /// Drops the entries kept longer than [`KEEP_MS`].
    pub fn purge_waiting(&self, now_ms: u64) -> Result<u64> {
        let cutoff = now_ms.saturating_sub(KEEP_MS);
        let txn = self.write()?;
        let mut purged = 0;
        {
            let mut table = txn.open_table(WAITING).map_err(|e| self.fail(e))?;
            let mut old: Vec<([u8; 16], [u8; 32], [u8; 16])> = Vec::new();
            for row in table.iter().map_err(|e| self.fail(e))? {
                let (k, v) = row.map_err(|e| self.fail(e))?;
                let entry: Entry = self.decode("waiting message", v.value())?;
                if entry.received_ms < cutoff {
                    let (order, from, id) = k.value();
                    old.push((*order, *from, *id));
                }
            }
            if old.is_empty() {
                // Nothing to write: no commit (and no fsync).
                return Ok(0);
            }
            let mut per_sender = txn.open_table(PER_SENDER).map_err(|e| self.fail(e))?;
            for (order, from, id) in &old {
                table.remove((order, from, id)).map_err(|e| self.fail(e))?;
                uncount(&mut per_sender, from, 1).map_err(|e| self.fail(e))?;
                purged += 1;
            }
        }
        txn.commit().map_err(|e| self.fail(e))?;
        Ok(purged)
    }

    /// Moves what an earlier version kept in its `waiting` table (keyed by sender) into this
    /// one, asking `order_of` for each message's order; one it cannot tell is dropped, as the
    /// earlier version would have dropped it.
    pub(super) fn move_old_waiting(
        &self,
        now_ms: u64,
        order_of: impl Fn(&Kept) -> Option<OrderId>,
    ) -> Result<()> {
        let txn = self.write()?;
        let old: Vec<(AuthorKey, MessageId, Kept)> = {
            let Ok(table) = txn.open_table(OLD_WAITING) else {
                return Ok(());
            };
            let mut old = Vec::new();
            for row in table.iter().map_err(|e| self.fail(e))? {
                let (k, v) = row.map_err(|e| self.fail(e))?;
                let (from, id) = k.value();
                if let Ok(kept) = self.decode::<Kept>("waiting message", v.value()) {
                    old.push((AuthorKey(*from), MessageId(*id), kept));
                }
            }
            old
        };
        txn.delete_table(OLD_WAITING).map_err(|e| self.fail(e))?;
        txn.commit().map_err(|e| self.fail(e))?;
        for (from, id, kept) in old {
            if let Some(order) = order_of(&kept) {
                self.put_waiting(&order, &from, &id, &kept, now_ms)?;
            }
        }
        Ok(())
    }
}

fn uncount(
    per_sender: &mut redb::Table<&[u8; 32], u64>,
    from: &[u8; 32],
    by: u64,
) -> std::result::Result<(), redb::StorageError> {
    let left = per_sender
        .get(from)?
        .map_or(0, |v| v.value())
        .saturating_sub(by);
    if left == 0 {
        per_sender.remove(from)?;
    } else {
        per_sender.insert(from, left)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use smartket_protocol::{SecretKey, Signature};

    const NOW: u64 = 1_800_000_000_000;

    fn db(per_sender: u64, total: u64) -> (tempfile::TempDir, OrdersDb) {
        let dir = tempfile::tempdir().unwrap();
        let mut db = OrdersDb::open(dir.path(), &Default::default()).unwrap();
        db.waiting_caps = (per_sender, total);
        (dir, db)
    }

    fn kept(n: u8) -> Kept {
        Kept {
            inner: vec![n; 8],
            signature: Signature([n; 64]),
        }
    }

    fn sender(n: u8) -> AuthorKey {
        SecretKey::from_bytes(&[n; 32]).public()
    }

    #[test]
    fn each_sender_and_the_node_have_a_quota_and_expired_entries_make_room() {
        let (_dir, db) = db(2, 3);
        let (order, other) = (OrderId([1; 16]), OrderId([2; 16]));
        let put = |order: &OrderId, from: u8, id: u8, now: u64| {
            db.put_waiting(order, &sender(from), &MessageId([id; 16]), &kept(id), now)
                .unwrap()
        };
        assert_eq!(put(&order, 1, 1, NOW), Put::Kept);
        assert_eq!(put(&other, 1, 2, NOW), Put::Kept);
        // The same message again is not counted twice.
        assert_eq!(put(&other, 1, 2, NOW), Put::Kept);
        assert_eq!(put(&order, 1, 3, NOW), Put::Full, "sender 1 has its 2");
        assert_eq!(put(&order, 2, 4, NOW + 1), Put::Kept);
        assert_eq!(put(&order, 3, 5, NOW), Put::Full, "the node has its 3");
        assert_eq!(db.waiting_count().unwrap(), 3);
        // Only that order's entries are read, oldest first.
        let for_order: Vec<MessageId> = db
            .waiting_for(&order)
            .unwrap()
            .into_iter()
            .map(|(_, id, _)| id)
            .collect();
        assert_eq!(for_order, [MessageId([1; 16]), MessageId([4; 16])]);
        // Removing one gives its sender room again.
        db.remove_waiting(&other, &sender(1), &MessageId([2; 16]))
            .unwrap();
        assert_eq!(put(&order, 1, 3, NOW), Put::Kept);
        // Once the oldest are past the retention, a full node purges them to keep a new one.
        // (Those of NOW are past it; sender 2's, a millisecond younger, stays.)
        assert_eq!(put(&order, 3, 5, NOW + KEEP_MS + 1), Put::Kept);
        assert_eq!(db.waiting_count().unwrap(), 2);
        assert_eq!(put(&order, 1, 6, NOW + KEEP_MS + 1), Put::Kept);
    }

    #[test]
    fn a_full_queue_is_purged_at_most_once_a_minute() {
        let (_dir, db) = db(1, 1);
        let order = OrderId([1; 16]);
        let put = |from: u8, now: u64| {
            db.put_waiting(
                &order,
                &sender(from),
                &MessageId([from; 16]),
                &kept(from),
                now,
            )
            .unwrap()
        };
        assert_eq!(put(1, NOW), Put::Kept);
        // Full, and entry 1 not yet expired: the purge finds nothing.
        let looked = NOW + KEEP_MS - 10;
        assert_eq!(put(2, looked), Put::Full);
        // Entry 1 has expired since, but the queue was looked at 11 ms ago: refused at once,
        // without reading every entry again.
        assert_eq!(put(3, NOW + KEEP_MS + 1), Put::Full);
        // A minute after that look, the next refusal purges it and makes room.
        assert_eq!(put(4, looked + PURGE_EVERY_MS), Put::Kept);
        assert_eq!(db.waiting_count().unwrap(), 1);
    }

    #[test]
    fn what_an_earlier_version_kept_waiting_is_moved_under_its_order() {
        let (_dir, db) = db(MAX_PER_SENDER, MAX_WAITING);
        let txn = db.write().unwrap();
        {
            let mut old = txn.open_table(OLD_WAITING).unwrap();
            for n in [1u8, 2] {
                old.insert(
                    (sender(n).as_bytes(), &[n; 16]),
                    encode(&kept(n)).as_slice(),
                )
                .unwrap();
            }
        }
        txn.commit().unwrap();
        let order = OrderId([7; 16]);
        // The second cannot be told (it does not open): dropped, as before.
        db.move_old_waiting(NOW, |k| (k.inner[0] == 1).then_some(order))
            .unwrap();
        let moved = db.waiting_for(&order).unwrap();
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].0, sender(1));
        assert_eq!(db.waiting_count().unwrap(), 1);
        // Done once: the old table is gone.
        let txn = db.read().unwrap();
        assert!(txn.open_table(OLD_WAITING).is_err());
    }
}
