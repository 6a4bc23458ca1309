//! Reconciliation messages and their CBOR.
//!
//! A message lists ranges that together cover the whole item space, in order; each range
//! carries only its upper bound (the lower is the previous range's upper, or [`Bound::MIN`]) and
//! a mode saying what the sender wants done with it. The empty list means "nothing open". See
//! `spec/sync.md` for the byte layout; this module writes it with a small hand-written encoder
//! and reads it after [`cbor::check`](crate::cbor::check) has walked the headers within limits.

use crate::cbor::{self, Limits, ReadError, Reader, put, put_bytes};
use crate::error::CborError;
use crate::keys::RecordId;
use crate::sync::fingerprint::{FINGERPRINT_LEN, Fingerprint};
use crate::sync::items::{Bound, Item, ItemRange};
use crate::sync::{SyncError, SyncLimits};

/// The version written first in every message.
pub const SYNC_VERSION: u64 = 1;

/// Mode numbers on the wire.
const SKIP: u64 = 0;
const FINGERPRINT: u64 = 1;
const ID_LIST: u64 = 2;
const DIFF: u64 = 3;

/// One message of a reconciliation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncMessage {
    /// Ranges in increasing order; the last one ends at [`Bound::End`]. Empty when the sender
    /// has nothing left open.
    pub ranges: Vec<Range>,
}

/// One range of a message: everything from the previous range's upper bound up to `upper`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    /// Exclusive upper bound.
    pub upper: Bound,
    /// What the sender says about the range.
    pub mode: Mode,
}

/// What the sender of a range says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Nothing to do here.
    Skip,
    /// The sender's fingerprint of the range; the receiver compares it with its own.
    Fingerprint(Fingerprint),
    /// Every item the sender holds in the range; the receiver answers with a [`Mode::Diff`].
    IdList(Vec<Item>),
    /// The answer to an id list, for a range inside the id list's range.
    Diff {
        /// Ids the sender holds in the range that the id list did not name.
        ids: Vec<RecordId>,
        /// Bit `i` (byte `i / 8`, bit `i % 8`, least significant first) set when the sender
        /// lacks the `i`-th item of the id list that falls in this range.
        lacking: Vec<u8>,
    },
}

impl SyncMessage {
    /// The ranges with their lower bounds filled in.
    pub fn spans(&self) -> impl Iterator<Item = (ItemRange, &Mode)> {
        let mut lower = Bound::MIN;
        self.ranges.iter().map(move |range| {
            let span = ItemRange::new(lower, range.upper);
            lower = range.upper;
            (span, &range.mode)
        })
    }

    /// How many ids (in id lists and diffs) the message carries.
    pub fn id_count(&self) -> usize {
        self.ranges
            .iter()
            .map(|r| match &r.mode {
                Mode::IdList(items) => items.len(),
                Mode::Diff { ids, .. } => ids.len(),
                _ => 0,
            })
            .sum()
    }

    /// Writes the message (shortest-form CBOR headers).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.ranges.len() * 24 + self.id_count() * 34);
        put(&mut out, 4, 2);
        put(&mut out, 0, SYNC_VERSION);
        put(&mut out, 4, self.ranges.len() as u64);
        let mut prev_ts = 0u64;
        let mut lower_ts = 0u64;
        for range in &self.ranges {
            let fields = match range.mode {
                Mode::Skip => 3,
                Mode::Fingerprint(_) => 4,
                Mode::IdList(_) | Mode::Diff { .. } => 5,
            };
            put(&mut out, 4, fields);
            match range.upper {
                Bound::End => {
                    put(&mut out, 0, 0);
                    put(&mut out, 2, 0);
                }
                Bound::At { timestamp, id } => {
                    put(
                        &mut out,
                        0,
                        timestamp.saturating_sub(prev_ts).saturating_add(1),
                    );
                    let len = 32 - id.iter().rev().take_while(|b| **b == 0).count();
                    put_bytes(&mut out, &id[..len]);
                    prev_ts = timestamp;
                }
            }
            match &range.mode {
                Mode::Skip => put(&mut out, 0, SKIP),
                Mode::Fingerprint(fp) => {
                    put(&mut out, 0, FINGERPRINT);
                    put_bytes(&mut out, &fp.0);
                }
                Mode::IdList(items) => {
                    put(&mut out, 0, ID_LIST);
                    put(&mut out, 4, items.len() as u64);
                    let mut last = lower_ts;
                    for item in items {
                        put(&mut out, 0, item.timestamp.saturating_sub(last));
                        last = item.timestamp;
                    }
                    put(&mut out, 2, (items.len() * 32) as u64);
                    items.iter().for_each(|i| out.extend_from_slice(&i.id.0));
                }
                Mode::Diff { ids, lacking } => {
                    put(&mut out, 0, DIFF);
                    put(&mut out, 2, (ids.len() * 32) as u64);
                    ids.iter().for_each(|id| out.extend_from_slice(&id.0));
                    put_bytes(&mut out, lacking);
                }
            }
            lower_ts = prev_ts;
        }
        out
    }

    /// Reads a message, refusing anything outside `limits` or not shaped as `spec/sync.md`
    /// says. Checks that need the receiver's own state (which ranges it left open) are the
    /// reconciler's.
    pub fn decode(bytes: &[u8], limits: &SyncLimits) -> Result<SyncMessage, SyncError> {
        if bytes.len() > limits.max_message_bytes {
            return Err(SyncError::TooLarge {
                size: bytes.len(),
                max: limits.max_message_bytes,
            });
        }
        // Version and range count first, so a hostile count fails before the whole walk.
        let mut r = Reader::new(bytes);
        if r.array()? != 2 {
            return Err(schema("a message is an array of 2 items"));
        }
        let version = r.uint()?;
        if version != SYNC_VERSION {
            return Err(SyncError::UnknownVersion(version));
        }
        let count = r.array()?;
        if count > limits.max_ranges as u64 {
            return Err(SyncError::TooManyRanges {
                count,
                max: limits.max_ranges,
            });
        }
        cbor::check(bytes, &cbor_limits(limits)).map_err(SyncError::Malformed)?;
        let mut ranges = Vec::with_capacity(count as usize);
        let mut lower = Bound::MIN;
        let mut prev_ts = 0u64;
        let mut ids_seen = 0usize;
        for index in 0..count as usize {
            let fields = r.array()?;
            let ts = r.uint()?;
            let prefix = r.bytes()?;
            let upper = if ts == 0 {
                if !prefix.is_empty() {
                    return Err(schema("the end bound has an empty id prefix"));
                }
                Bound::End
            } else {
                let timestamp = prev_ts
                    .checked_add(ts - 1)
                    .ok_or_else(|| schema("bound timestamp overflows"))?;
                let mut id = [0u8; 32];
                id.get_mut(..prefix.len())
                    .ok_or_else(|| schema("id prefix longer than 32 bytes"))?
                    .copy_from_slice(prefix);
                prev_ts = timestamp;
                Bound::At { timestamp, id }
            };
            if upper <= lower {
                return Err(SyncError::RangesOutOfOrder { index });
            }
            let span = ItemRange::new(lower, upper);
            let mode = match (r.uint()?, fields) {
                (SKIP, 3) => Mode::Skip,
                (FINGERPRINT, 4) => {
                    Mode::Fingerprint(Fingerprint(r.fixed("a fingerprint is 16 bytes")?))
                }
                (ID_LIST, 5) => Mode::IdList(read_id_list(&mut r, &span, index)?),
                (DIFF, 5) => {
                    let ids = read_ids(r.bytes()?)?;
                    let lacking = r.bytes()?.to_vec();
                    Mode::Diff { ids, lacking }
                }
                (mode, _) => {
                    return Err(SyncError::Malformed(CborError::Schema(format!(
                        "range {index}: mode {mode} with {fields} fields"
                    ))));
                }
            };
            if let Mode::IdList(items) = &mode {
                ids_seen += items.len();
            }
            if let Mode::Diff { ids, .. } = &mode {
                ids_seen += ids.len();
            }
            if ids_seen > limits.max_ids {
                return Err(SyncError::TooManyIds {
                    max: limits.max_ids,
                });
            }
            ranges.push(Range { upper, mode });
            lower = upper;
        }
        if count > 0 && lower != Bound::End {
            return Err(SyncError::RangesDoNotCover);
        }
        Ok(SyncMessage { ranges })
    }
}

/// The CBOR walk's limits for a message: four levels (message, ranges, range, id-list
/// timestamps), at most `max_ranges` ranges, strings no longer than the whole id budget.
fn cbor_limits(limits: &SyncLimits) -> Limits {
    Limits {
        max_bytes: limits.max_message_bytes,
        max_depth: 4,
        max_collection_len: limits.max_ranges.max(limits.max_ids).max(5),
        max_string_len: limits.max_ids.saturating_mul(32).max(FINGERPRINT_LEN),
    }
}

fn read_id_list(
    r: &mut Reader<'_>,
    span: &ItemRange,
    index: usize,
) -> Result<Vec<Item>, SyncError> {
    let n = r.array()?;
    let mut stamps = Vec::with_capacity(n as usize);
    let mut last = match span.lower {
        Bound::At { timestamp, .. } => timestamp,
        Bound::End => 0,
    };
    for _ in 0..n {
        last = last
            .checked_add(r.uint()?)
            .ok_or_else(|| schema("id list timestamp overflows"))?;
        stamps.push(last);
    }
    let ids = read_ids(r.bytes()?)?;
    if ids.len() != stamps.len() {
        return Err(schema("an id list has as many ids as timestamps"));
    }
    let items: Vec<Item> = stamps
        .into_iter()
        .zip(ids)
        .map(|(t, id)| Item::new(t, id))
        .collect();
    let ordered = items.windows(2).all(|w| w[0] < w[1]);
    if !ordered || !items.iter().all(|i| span.contains(i)) {
        return Err(SyncError::ItemOutsideRange { index });
    }
    Ok(items)
}

fn read_ids(bytes: &[u8]) -> Result<Vec<RecordId>, SyncError> {
    if !bytes.len().is_multiple_of(32) {
        return Err(schema("ids are a multiple of 32 bytes"));
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| {
            let mut id = [0u8; 32];
            id.copy_from_slice(c);
            RecordId(id)
        })
        .collect())
}

fn schema(what: &str) -> SyncError {
    SyncError::Malformed(CborError::Schema(what.to_string()))
}

impl From<ReadError> for SyncError {
    fn from(e: ReadError) -> SyncError {
        match e {
            ReadError::Malformed(e) => SyncError::Malformed(e),
            ReadError::Shape(what) => schema(what),
        }
    }
}
