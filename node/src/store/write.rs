//! The write side: everything that changes the database happens here, inside one redb write
//! transaction held by a [`Writer`].
//!
//! A record enters through [`Writer::commit_one`] (slot rule, delegation rule, then every index
//! in the same transaction) and leaves through [`Writer::remove_current`], called when a newer
//! revision or a tombstone replaces it, when it expires, or when its delegation is withdrawn.
//! Keeping both paths in one place keeps the indexes consistent with the records table.

use std::collections::HashMap;

use redb::{ReadableTable, ReadableTableMetadata, Table, WriteTransaction};
use smartket_protocol::record::MAX_LIFETIME_MS;
use smartket_protocol::{AuthorKey, Kind, Record, RecordId};

use super::delegation;
use super::tables::{
    AUTHOR_USAGE, COUNTS, Corruption, DELEGATED, DelegatedKey, EXPIRY, MARKET_INDEX,
    MAX_AUTHOR_BYTES, MAX_AUTHOR_RECORDS, MEMBERSHIP_UNTIL, Meta, RECORDS, SLOTS, SlotRow,
    decode_row, encode_row, encode_slot_key, kind_code,
};
use super::{AuthorQuota, CommitOutcome, Fault, Swept, record_from_row};

type Bytes32 = &'static [u8; 32];

/// The tables of one write transaction.
pub(super) struct Writer<'t> {
    records: Table<'t, Bytes32, &'static [u8]>,
    slots: Table<'t, &'static [u8], &'static [u8]>,
    market: Table<'t, (&'static str, u64, Bytes32), u8>,
    expiry: Table<'t, (u64, Bytes32), &'static [u8]>,
    delegated: Table<'t, DelegatedKey, ()>,
    until: Table<'t, (u64, Bytes32), ()>,
    counts: Table<'t, (&'static str, u8), u64>,
    authors: Table<'t, (&'static str, Bytes32), (u64, u64)>,
    /// Changes to `authors` (records, bytes) per (market, author), written by `finish` like
    /// `count_deltas`.
    author_deltas: HashMap<(String, [u8; 32]), (i64, i64)>,
    /// Changes to `counts` made by this transaction, per market and kind code, written once by
    /// [`Writer::finish`]: every record of a batch touches the same few count rows, so updating
    /// them per record would repeat a read-modify-write of one B-tree entry per insert.
    count_deltas: HashMap<String, [i64; KIND_CODES]>,
}

/// Kind codes are 1..=6; index 0 is unused.
const KIND_CODES: usize = 7;

/// What [`Writer::remove_current`] took out.
pub(super) struct Removed {
    pub(super) meta: Meta,
    /// The slot the record held (from its expiry entry).
    pub(super) slot_key: Option<Vec<u8>>,
    /// The decoded record, for memberships (whose terms the caller needs).
    pub(super) membership: Option<Record>,
}

impl<'t> Writer<'t> {
    /// Opens (creating if needed) every table in `txn`.
    pub(super) fn open(txn: &'t WriteTransaction) -> Result<Writer<'t>, Fault> {
        Ok(Writer {
            records: txn.open_table(RECORDS)?,
            slots: txn.open_table(SLOTS)?,
            market: txn.open_table(MARKET_INDEX)?,
            expiry: txn.open_table(EXPIRY)?,
            delegated: txn.open_table(DELEGATED)?,
            until: txn.open_table(MEMBERSHIP_UNTIL)?,
            counts: txn.open_table(COUNTS)?,
            authors: txn.open_table(AUTHOR_USAGE)?,
            author_deltas: HashMap::new(),
            count_deltas: HashMap::new(),
        })
    }

    /// Writes what must be written once per transaction (the count changes). Call before
    /// committing; dropping a `Writer` without it loses those changes.
    pub(super) fn finish(mut self) -> Result<(), Fault> {
        for ((market, author), (records, bytes)) in std::mem::take(&mut self.author_deltas) {
            if (records, bytes) == (0, 0) {
                continue;
            }
            let key = (market.as_str(), &author);
            let (n, b) = self.authors.get(key)?.map_or((0, 0), |v| v.value());
            let (n, b) = (
                n.saturating_add_signed(records),
                b.saturating_add_signed(bytes),
            );
            if n == 0 {
                self.authors.remove(key)?;
            } else {
                self.authors.insert(key, (n, b))?;
            }
        }
        for (market, deltas) in std::mem::take(&mut self.count_deltas) {
            for (code, delta) in deltas.into_iter().enumerate() {
                if delta == 0 {
                    continue;
                }
                let code = code as u8;
                let n = self
                    .counts
                    .get((market.as_str(), code))?
                    .map(|v| v.value())
                    .unwrap_or(0);
                let n = n.saturating_add_signed(delta);
                if n == 0 {
                    self.counts.remove((market.as_str(), code))?;
                } else {
                    self.counts.insert((market.as_str(), code), n)?;
                }
            }
        }
        Ok(())
    }

    /// Applies the slot rule to one record and, if it wins, makes it current everywhere.
    pub(super) fn commit_one(&mut self, record: &Record, now: u64) -> Result<CommitOutcome, Fault> {
        if self.records.get(&record.id.0)?.is_some() {
            return Ok(CommitOutcome::Duplicate);
        }
        let slot_kind = record.payload.body.slot_kind();
        let slot_key = encode_slot_key(&record.author(), slot_kind, &record.payload.key);
        let existing = self.slot(&slot_key)?;
        if let Some(held) = existing {
            let newer = smartket_protocol::record::supersedes(
                (record.payload.rev, &record.id),
                (held.rev, &held.id),
            );
            if !newer {
                return Ok(CommitOutcome::Stale);
            }
        }
        let replacing = existing.filter(|h| !h.vacated);
        if let Err(quota) = self.fits(record, replacing.map(|h| h.id))? {
            return Ok(CommitOutcome::OverQuota(quota));
        }
        let on_behalf_of = delegation::on_behalf_of(record);
        if let Some(member) = on_behalf_of {
            let membership = self.current_record(&encode_slot_key(
                &member,
                Kind::Membership,
                &record.author().to_hex(),
            ))?;
            let checked = delegation::authorises(
                membership.as_ref(),
                member,
                record.author(),
                &record.payload.market,
                now,
            );
            if let Err(e) = checked {
                return Ok(CommitOutcome::NotDelegated(e));
            }
        }

        let mut replaced = None;
        let mut old_market = None;
        if let Some(held) = existing.filter(|h| !h.vacated) {
            if let Some(removed) = self.remove_current(&held.id)? {
                old_market = Some(removed.meta.market);
            }
            replaced = Some(held.id);
        }

        let meta = Meta {
            kind: record.payload.kind,
            slot_kind,
            rev: record.payload.rev,
            expires: record.payload.expires,
            author: record.author(),
            on_behalf_of,
            market: record.payload.market.clone(),
        };
        self.insert_current(record, &meta, &slot_key)?;

        // A membership replaced by a tombstone, or by terms that no longer grant publishing,
        // takes the platform's listings for this member with it.
        let mut withdrawn = Vec::new();
        if slot_kind == Kind::Membership
            && let (Some(market), Ok(platform)) =
                (old_market, record.payload.key.parse::<AuthorKey>())
        {
            let still =
                delegation::authorises(Some(record), record.author(), platform, &market, now);
            if still.is_err() {
                withdrawn = self.withdraw(&market, &platform, &record.author())?;
            }
        }
        Ok(CommitOutcome::Stored {
            replaced,
            withdrawn,
        })
    }

    fn slot(&self, slot_key: &[u8]) -> Result<Option<SlotRow>, Fault> {
        match self.slots.get(slot_key)? {
            Some(row) => Ok(Some(SlotRow::decode(row.value())?)),
            None => Ok(None),
        }
    }

    /// The live record holding a slot, decoded.
    fn current_record(&self, slot_key: &[u8]) -> Result<Option<Record>, Fault> {
        let Some(held) = self.slot(slot_key)?.filter(|h| !h.vacated) else {
            return Ok(None);
        };
        match self.records.get(&held.id.0)? {
            Some(row) => Ok(Some(record_from_row(&held.id, row.value())?)),
            None => Err(Corruption(format!("slot points to missing record {}", held.id)).into()),
        }
    }

    fn insert_current(
        &mut self,
        record: &Record,
        meta: &Meta,
        slot_key: &[u8],
    ) -> Result<(), Fault> {
        let id = &record.id.0;
        let market = meta.market.as_str();
        let code = kind_code(meta.kind);
        let wire = record.to_wire();
        self.author_delta(market, &meta.author.0, 1, wire.len());
        self.records
            .insert(id, encode_row(meta, &wire).as_slice())?;
        let slot = SlotRow {
            id: record.id,
            rev: meta.rev,
            vacated: false,
        };
        self.slots.insert(slot_key, slot.encode().as_slice())?;
        self.market.insert((market, meta.rev, id), code)?;
        self.count(market, code, 1);
        self.expiry.insert((meta.expires, id), slot_key)?;
        if let Some(member) = &meta.on_behalf_of {
            self.delegated
                .insert((market, &meta.author.0, &member.0, id), ())?;
        }
        if let Some(terms) = delegation::terms(record).filter(|t| t.publish) {
            self.until.insert((terms.until, id), ())?;
        }
        Ok(())
    }

    /// Takes a current record out of the records table and every index (not its slot row,
    /// which the caller overwrites, vacates or deletes). `None` if it was not stored.
    pub(super) fn remove_current(&mut self, id: &RecordId) -> Result<Option<Removed>, Fault> {
        let Some(row) = self.records.remove(&id.0)?.map(|r| r.value().to_vec()) else {
            return Ok(None);
        };
        let (meta, wire) = decode_row(&row)?;
        let wire_len = wire.len();
        let market = meta.market.as_str();
        let code = kind_code(meta.kind);
        self.author_delta(market, &meta.author.0, -1, wire_len);
        if self.market.remove((market, meta.rev, &id.0))?.is_some() {
            self.count(market, code, -1);
        }
        let slot_key = self
            .expiry
            .remove((meta.expires, &id.0))?
            .map(|k| k.value().to_vec());
        if let Some(member) = &meta.on_behalf_of {
            self.delegated
                .remove((market, &meta.author.0, &member.0, &id.0))?;
        }
        let mut membership = None;
        if meta.kind == Kind::Membership {
            let record = record_from_row(id, &row)?;
            if let Some(terms) = delegation::terms(&record) {
                self.until.remove((terms.until, &id.0))?;
            }
            membership = Some(record);
        }
        Ok(Some(Removed {
            meta,
            slot_key,
            membership,
        }))
    }

    /// Removes every current listing `platform` published for `member` in `market`.
    pub(super) fn withdraw(
        &mut self,
        market: &str,
        platform: &AuthorKey,
        member: &AuthorKey,
    ) -> Result<Vec<RecordId>, Fault> {
        let ids: Vec<RecordId> = self
            .delegated
            .range(
                (market, &platform.0, &member.0, &[0u8; 32])
                    ..=(market, &platform.0, &member.0, &[0xffu8; 32]),
            )?
            .map(|entry| entry.map(|(k, _)| RecordId(*k.value().3)))
            .collect::<Result<_, _>>()?;
        for id in &ids {
            if let Some(removed) = self.remove_current(id)?
                && let Some(slot_key) = removed.slot_key
                && self.slot(&slot_key)?.is_some_and(|s| s.id == *id)
            {
                self.slots.remove(slot_key.as_slice())?;
            }
        }
        Ok(ids)
    }

    /// Removes what expired at `now` and withdraws what lapsed memberships no longer cover.
    pub(super) fn sweep(&mut self, now: u64) -> Result<Swept, Fault> {
        let mut swept = Swept::default();
        let due: Vec<(u64, RecordId, Vec<u8>)> = self
            .expiry
            .range(..=(now, &[0xffu8; 32]))?
            .map(|entry| {
                entry.map(|(k, v)| {
                    let (at, id) = k.value();
                    (at, RecordId(*id), v.value().to_vec())
                })
            })
            .collect::<Result<_, _>>()?;
        for (at, id, slot_key) in due {
            let removed = self.remove_current(&id)?;
            self.expiry.remove((at, &id.0))?;
            let held = self.slot(&slot_key)?.filter(|s| s.id == id);
            let Some(removed) = removed else {
                // A vacated-slot marker whose time has come.
                if held.is_some_and(|s| s.vacated) {
                    self.slots.remove(slot_key.as_slice())?;
                }
                continue;
            };
            swept.expired.push(id);
            if let Some(held) = held {
                // Older revisions may still be live until `rev + MAX_LIFETIME_MS`: keep the
                // slot's revision until then so they cannot come back.
                let keep_until = held.rev.saturating_add(MAX_LIFETIME_MS);
                if keep_until > now {
                    let vacated = SlotRow {
                        vacated: true,
                        ..held
                    };
                    self.slots
                        .insert(slot_key.as_slice(), vacated.encode().as_slice())?;
                    self.expiry
                        .insert((keep_until, &id.0), slot_key.as_slice())?;
                } else {
                    self.slots.remove(slot_key.as_slice())?;
                }
            }
            if let Some(terms) = removed.membership.as_ref().and_then(delegation::terms) {
                let member = removed.meta.author;
                let ids = self.withdraw(&removed.meta.market, &terms.platform, &member)?;
                swept.withdrawn.extend(ids);
            }
        }

        let lapsed: Vec<(u64, RecordId)> = self
            .until
            .range(..=(now, &[0xffu8; 32]))?
            .map(|entry| entry.map(|(k, _)| (k.value().0, RecordId(*k.value().1))))
            .collect::<Result<_, _>>()?;
        for (until, id) in lapsed {
            self.until.remove((until, &id.0))?;
            let Some(row) = self.records.get(&id.0)?.map(|r| r.value().to_vec()) else {
                continue;
            };
            let record = record_from_row(&id, &row)?;
            if let Some(terms) = delegation::terms(&record) {
                let ids =
                    self.withdraw(&record.payload.market, &terms.platform, &record.author())?;
                swept.withdrawn.extend(ids);
            }
        }
        Ok(swept)
    }

    fn author_delta(&mut self, market: &str, author: &[u8; 32], sign: i64, bytes: usize) {
        let delta = self
            .author_deltas
            .entry((market.to_owned(), *author))
            .or_default();
        delta.0 += sign;
        delta.1 += sign * bytes as i64;
    }

    /// What `author` holds in `market`, this transaction's changes included.
    fn author_usage(&self, market: &str, author: &[u8; 32]) -> Result<(u64, u64), Fault> {
        let (n, b) = self
            .authors
            .get((market, author))?
            .map_or((0, 0), |v| v.value());
        let (dn, db) = self
            .author_deltas
            .get(&(market.to_owned(), *author))
            .copied()
            .unwrap_or_default();
        Ok((n.saturating_add_signed(dn), b.saturating_add_signed(db)))
    }

    /// Whether `record` fits its author's quota in its market, taking the place of `replacing`.
    fn fits(
        &self,
        record: &Record,
        replacing: Option<RecordId>,
    ) -> Result<Result<(), AuthorQuota>, Fault> {
        let author = record.author();
        let (records, bytes) = self.author_usage(&record.payload.market, &author.0)?;
        let old = match replacing {
            Some(id) => match self.records.get(&id.0)? {
                Some(row) => decode_row(row.value())?.1.len() as u64,
                None => 0,
            },
            None => 0,
        };
        let after_records = records + u64::from(replacing.is_none());
        let after_bytes = (bytes + record.to_wire().len() as u64).saturating_sub(old);
        if after_records > MAX_AUTHOR_RECORDS || after_bytes > MAX_AUTHOR_BYTES {
            return Ok(Err(AuthorQuota {
                records,
                bytes,
                max_records: MAX_AUTHOR_RECORDS,
                max_bytes: MAX_AUTHOR_BYTES,
            }));
        }
        Ok(Ok(()))
    }

    /// Counts every author's records once, when `author_usage` is new (a store written by an
    /// earlier version).
    pub(super) fn count_authors_if_new(&mut self) -> Result<(), Fault> {
        if !self.authors.is_empty()? || self.records.is_empty()? {
            return Ok(());
        }
        let mut rows = Vec::new();
        for row in self.records.iter()? {
            let (_, v) = row?;
            let (meta, wire) = decode_row(v.value())?;
            rows.push((meta.market, meta.author.0, wire.len()));
        }
        for (market, author, len) in rows {
            self.author_delta(&market, &author, 1, len);
        }
        Ok(())
    }

    fn count(&mut self, market: &str, code: u8, delta: i64) {
        let slot = usize::from(code).min(KIND_CODES - 1);
        match self.count_deltas.get_mut(market) {
            Some(deltas) => deltas[slot] += delta,
            None => {
                let mut deltas = [0; KIND_CODES];
                deltas[slot] = delta;
                self.count_deltas.insert(market.to_owned(), deltas);
            }
        }
    }
}
