//! The read side: every query on the records and their indexes, each in one read transaction,
//! so a query sees one consistent state while gossip commits.
//!
//! Apart from the handle and its writes (`store.rs`, `write.rs`) because nothing here changes
//! the database. Every read that returns records or their bytes checks `expires` against the
//! clock, so an expired record is never served even before the sweep removes it; the index
//! ranges and the counts include it until then.

use std::collections::BTreeMap;
use std::ops::Bound;

use redb::{ReadTransaction, ReadableTable};
use smartket_protocol::{AuthorKey, Kind, Record, RecordId, Slot};

use super::tables::{
    COUNTS, MARKET_INDEX, RECORDS, SLOTS, SlotRow, decode_row, encode_slot_key, kind_code,
    kind_from_code,
};
use super::{Fault, Store, StoreError, fault_to_error, record_from_row};

impl Store {
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
