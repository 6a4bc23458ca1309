//! The reconciliation state machine of one side.
//!
//! A [`Reconciler`] turns each message of the peer into its answer, reading its own items
//! through [`ItemSet`] and remembering only the ranges it left open in its last message (the
//! ranges it fingerprinted and the id lists it sent). What it learns accumulates into an
//! [`Outcome`]. Per range of the peer's message:
//!
//! | peer sent | answer |
//! |---|---|
//! | skip | skip |
//! | fingerprint, equal to ours | skip |
//! | fingerprint, differs, we hold ≤ threshold items | our id list |
//! | fingerprint, differs, we hold more | `branching` sub-ranges with our fingerprints |
//! | id list (inside a range we fingerprinted) | a diff: our ids they lack, and a bitmap of theirs we lack |
//! | diff (inside an id list we sent) | skip; we note `have` and `need` |
//!
//! When the next answer would not fit the limits, the side stops and sends its fingerprint of
//! everything from there to the end instead; the peer takes it up in the next round. Each
//! message settles at least one range, so a session between honest peers ends.

use std::collections::HashSet;

use crate::keys::RecordId;
use crate::sync::fingerprint::Accumulator;
use crate::sync::items::{Bound, Item, ItemRange, ItemSet};
use crate::sync::messages::{Mode, Range, SyncMessage};
use crate::sync::{SyncConfig, SyncError};

/// Upper estimates of encoded sizes, used to keep written messages inside the limits.
const RANGE_BYTES: usize = 48;
const FINGERPRINT_RANGE_BYTES: usize = RANGE_BYTES + 17;
const PER_LISTED_ITEM_BYTES: usize = 32 + 9;
const PER_ID_BYTES: usize = 32;
/// Room kept for the closing fingerprint and skip, and the message header.
const RESERVED_RANGES: usize = 2;
const RESERVED_BYTES: usize = FINGERPRINT_RANGE_BYTES + RANGE_BYTES + 16;

/// What one side learned: ids to send and ids to fetch. Sorted, without duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Ids this side holds that the peer lacks.
    pub have: Vec<RecordId>,
    /// Ids the peer holds that this side lacks.
    pub need: Vec<RecordId>,
}

/// A range this side left open in its last message, and what it sent there.
#[derive(Clone, Debug)]
struct Open {
    range: ItemRange,
    id_list: Option<Vec<Item>>,
}

/// One side of a reconciliation session.
#[derive(Debug)]
pub struct Reconciler {
    config: SyncConfig,
    open: Vec<Open>,
    have: Vec<RecordId>,
    need: Vec<RecordId>,
    rounds: u32,
    done: bool,
}

impl Reconciler {
    /// The side that waits for the first message.
    pub fn new(config: SyncConfig) -> Result<Reconciler, SyncError> {
        config.validate()?;
        Ok(Reconciler {
            config,
            // Before anything is sent, the whole space is open to the peer's first message.
            open: vec![Open {
                range: ItemRange::ALL,
                id_list: None,
            }],
            have: Vec::new(),
            need: Vec::new(),
            rounds: 0,
            done: false,
        })
    }

    /// The side that starts: its first message describes its whole set.
    pub fn initiate<S: ItemSet>(
        set: &S,
        config: SyncConfig,
    ) -> Result<(Reconciler, SyncMessage), SyncError> {
        let mut me = Reconciler::new(config)?;
        let mut w = Writer::new(&config);
        me.answer_differing(set, &ItemRange::ALL, &mut w)?;
        let (message, open) = w.finish();
        me.open = open;
        Ok((me, message))
    }

    /// Reads the peer's message and returns the answer, or `None` when nothing is left open
    /// (then the session is over for this side; a responder that must answer sends the empty
    /// message).
    pub fn receive<S: ItemSet>(
        &mut self,
        set: &S,
        message: &SyncMessage,
    ) -> Result<Option<SyncMessage>, SyncError> {
        self.rounds += 1;
        if self.rounds > self.config.limits.max_rounds {
            return Err(SyncError::TooManyRounds {
                max: self.config.limits.max_rounds,
            });
        }
        let mut w = Writer::new(&self.config);
        for (index, (span, mode)) in message.spans().enumerate() {
            let stopped = match mode {
                Mode::Skip => {
                    w.skip(span.upper);
                    false
                }
                Mode::Fingerprint(theirs) => {
                    if store(set.fingerprint(&span))? == *theirs {
                        w.skip(span.upper);
                        false
                    } else {
                        self.answer_differing(set, &span, &mut w)?
                    }
                }
                Mode::IdList(theirs) => {
                    match self.opened(&span) {
                        Some(open) if open.id_list.is_none() => {}
                        _ => return Err(SyncError::UnexpectedIdList { index }),
                    }
                    self.answer_id_list(set, &span, theirs, &mut w)?
                }
                Mode::Diff { ids, lacking } => {
                    self.take_diff(index, &span, ids, lacking)?;
                    w.skip(span.upper);
                    false
                }
            };
            if stopped {
                break;
            }
        }
        let (reply, open) = w.finish();
        self.done = open.is_empty();
        self.open = open;
        Ok(if reply.ranges.is_empty() {
            None
        } else {
            Some(reply)
        })
    }

    /// [`Reconciler::receive`] on bytes: checks and decodes the peer's message, encodes the
    /// answer.
    pub fn receive_bytes<S: ItemSet>(
        &mut self,
        set: &S,
        bytes: &[u8],
    ) -> Result<Option<Vec<u8>>, SyncError> {
        let message = SyncMessage::decode(bytes, &self.config.limits)?;
        Ok(self.receive(set, &message)?.map(|m| m.encode()))
    }

    /// Whether this side has nothing left open: its last message (if any) asked nothing back.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Messages received so far.
    pub fn rounds(&self) -> u32 {
        self.rounds
    }

    /// What this side has learned so far.
    pub fn outcome(&self) -> Outcome {
        let mut have = self.have.clone();
        let mut need = self.need.clone();
        for ids in [&mut have, &mut need] {
            ids.sort_unstable();
            ids.dedup();
        }
        Outcome { have, need }
    }

    /// The range this side left open that contains `span` wholly, if any.
    fn opened(&self, span: &ItemRange) -> Option<&Open> {
        let at = self.open.partition_point(|o| o.range.upper <= span.lower);
        self.open.get(at).filter(|o| o.range.covers(span))
    }

    /// Answers a range whose fingerprints differ (or the whole set, to start). Returns whether
    /// the writer is full and this side stopped.
    fn answer_differing<S: ItemSet>(
        &self,
        set: &S,
        span: &ItemRange,
        w: &mut Writer,
    ) -> Result<bool, SyncError> {
        let count = store(set.count(span))?;
        let threshold = self.config.id_list_threshold;
        if count <= threshold as u64 {
            let items = store(set.items(span, threshold))?;
            if !w.fits(
                1,
                items.len(),
                RANGE_BYTES + 8 + items.len() * PER_LISTED_ITEM_BYTES,
            ) {
                return w.stop(set, span.lower);
            }
            w.push(span.upper, Mode::IdList(items.clone()), Some(Some(items)));
            return Ok(false);
        }
        let buckets = self.config.branching.min(count as usize);
        if !w.fits(buckets, 0, buckets * FINGERPRINT_RANGE_BYTES) {
            return w.stop(set, span.lower);
        }
        let items = store(set.items(span, usize::MAX))?;
        let n = items.len();
        for b in 0..buckets {
            let (start, end) = (n * b / buckets, n * (b + 1) / buckets);
            let mut acc = Accumulator::new();
            items[start..end].iter().for_each(|i| acc.add(&i.id));
            let upper = match (items.get(end.wrapping_sub(1)), items.get(end)) {
                (Some(prev), Some(next)) if b + 1 < buckets => Bound::between(prev, next),
                _ => span.upper,
            };
            w.push(upper, Mode::Fingerprint(acc.finish()), Some(None));
        }
        Ok(false)
    }

    /// Answers the peer's id list with a diff, cut short (and the rest fingerprinted) when our
    /// ids do not fit.
    fn answer_id_list<S: ItemSet>(
        &mut self,
        set: &S,
        span: &ItemRange,
        theirs: &[Item],
        w: &mut Writer,
    ) -> Result<bool, SyncError> {
        let mine = store(set.items(span, usize::MAX))?;
        let their_ids: HashSet<&RecordId> = theirs.iter().map(|i| &i.id).collect();
        let my_ids: HashSet<&RecordId> = mine.iter().map(|i| &i.id).collect();
        let missing: Vec<usize> = (0..mine.len())
            .filter(|&k| !their_ids.contains(&mine[k].id))
            .collect();
        let room = w.id_room(theirs.len().div_ceil(8));
        let (upper, sent) = if missing.len() <= room {
            (span.upper, missing.len())
        } else if room == 0 {
            return w.stop(set, span.lower);
        } else {
            let cut = missing[room];
            (Bound::between(&mine[cut - 1], &mine[cut]), room)
        };
        let mut lacking = vec![0u8; 0];
        for (bit, item) in theirs.iter().filter(|i| upper.is_above(i)).enumerate() {
            if bit.is_multiple_of(8) {
                lacking.push(0);
            }
            if !my_ids.contains(&item.id) {
                if let Some(byte) = lacking.last_mut() {
                    *byte |= 1 << (bit % 8);
                }
                self.need.push(item.id);
            }
        }
        let ids: Vec<RecordId> = missing[..sent].iter().map(|&k| mine[k].id).collect();
        self.have.extend_from_slice(&ids);
        if ids.is_empty() && lacking.iter().all(|b| *b == 0) {
            w.skip(upper);
        } else {
            w.push(upper, Mode::Diff { ids, lacking }, None);
        }
        if upper == span.upper {
            Ok(false)
        } else {
            w.stop(set, upper)
        }
    }

    /// Takes in the peer's diff of one of our id lists.
    fn take_diff(
        &mut self,
        index: usize,
        span: &ItemRange,
        ids: &[RecordId],
        lacking: &[u8],
    ) -> Result<(), SyncError> {
        let Some(Open {
            id_list: Some(list),
            ..
        }) = self.opened(span)
        else {
            return Err(SyncError::UnexpectedDiff { index });
        };
        let listed: Vec<RecordId> = list
            .iter()
            .filter(|i| span.contains(i))
            .map(|i| i.id)
            .collect();
        let spare_bits_clear = match lacking.last() {
            Some(last) if !listed.len().is_multiple_of(8) => last >> (listed.len() % 8) == 0,
            _ => true,
        };
        if lacking.len() != listed.len().div_ceil(8) || !spare_bits_clear {
            return Err(SyncError::BadBitmap { index });
        }
        for (k, id) in listed.iter().enumerate() {
            if lacking[k / 8] >> (k % 8) & 1 == 1 {
                self.have.push(*id);
            }
        }
        self.need.extend_from_slice(ids);
        Ok(())
    }
}

fn store<T, E: std::error::Error + Send + Sync + 'static>(r: Result<T, E>) -> Result<T, SyncError> {
    r.map_err(|e| SyncError::Store(Box::new(e)))
}

/// Builds one outgoing message inside the limits and records which ranges it leaves open.
struct Writer {
    ranges: Vec<Range>,
    open: Vec<Open>,
    lower: Bound,
    ranges_left: usize,
    ids_left: usize,
    bytes_left: usize,
}

impl Writer {
    fn new(config: &SyncConfig) -> Writer {
        let l = &config.limits;
        Writer {
            ranges: Vec::new(),
            open: Vec::new(),
            lower: Bound::MIN,
            ranges_left: l.max_ranges.saturating_sub(RESERVED_RANGES),
            ids_left: l.max_ids,
            bytes_left: l.max_message_bytes.saturating_sub(RESERVED_BYTES),
        }
    }

    /// Whether `ranges` more ranges with `ids` ids and about `bytes` bytes fit, counting one
    /// skip range after them.
    fn fits(&self, ranges: usize, ids: usize, bytes: usize) -> bool {
        ranges < self.ranges_left && ids <= self.ids_left && bytes + RANGE_BYTES <= self.bytes_left
    }

    /// How many of our ids fit in one diff whose bitmap takes `bitmap` bytes.
    fn id_room(&self, bitmap: usize) -> usize {
        if self.ranges_left < 2 {
            return 0;
        }
        let bytes = self.bytes_left.saturating_sub(2 * RANGE_BYTES + bitmap) / PER_ID_BYTES;
        bytes.min(self.ids_left)
    }

    fn skip(&mut self, upper: Bound) {
        if let Some(Range {
            upper: last,
            mode: Mode::Skip,
        }) = self.ranges.last_mut()
        {
            *last = upper;
        } else {
            self.ranges.push(Range {
                upper,
                mode: Mode::Skip,
            });
            self.ranges_left = self.ranges_left.saturating_sub(1);
            self.bytes_left = self.bytes_left.saturating_sub(RANGE_BYTES);
        }
        self.lower = upper;
    }

    /// Appends a range; `opens` is `Some(id list or None for a fingerprint)` when the range
    /// expects an answer.
    fn push(&mut self, upper: Bound, mode: Mode, opens: Option<Option<Vec<Item>>>) {
        let (ids, bytes) = match &mode {
            Mode::Skip => (0, RANGE_BYTES),
            Mode::Fingerprint(_) => (0, FINGERPRINT_RANGE_BYTES),
            Mode::IdList(items) => (
                items.len(),
                RANGE_BYTES + 8 + items.len() * PER_LISTED_ITEM_BYTES,
            ),
            Mode::Diff { ids, lacking } => (
                ids.len(),
                RANGE_BYTES + 8 + ids.len() * PER_ID_BYTES + lacking.len(),
            ),
        };
        self.ranges_left = self.ranges_left.saturating_sub(1);
        self.ids_left = self.ids_left.saturating_sub(ids);
        self.bytes_left = self.bytes_left.saturating_sub(bytes);
        if let Some(id_list) = opens {
            self.open.push(Open {
                range: ItemRange::new(self.lower, upper),
                id_list,
            });
        }
        self.ranges.push(Range { upper, mode });
        self.lower = upper;
    }

    /// Stops answering: everything from `from` on is sent back as one fingerprint, which the
    /// peer takes up next round (the reserved room always holds it).
    fn stop<S: ItemSet>(&mut self, set: &S, from: Bound) -> Result<bool, SyncError> {
        let rest = ItemRange::new(from, Bound::End);
        let fp = store(set.fingerprint(&rest))?;
        self.push(Bound::End, Mode::Fingerprint(fp), Some(None));
        Ok(true)
    }

    /// The message, and the ranges it leaves open. A message of skips only is empty.
    fn finish(mut self) -> (SyncMessage, Vec<Open>) {
        if self.lower != Bound::End {
            self.skip(Bound::End);
        }
        if self.ranges.iter().all(|r| r.mode == Mode::Skip) {
            self.ranges.clear();
        }
        (
            SyncMessage {
                ranges: self.ranges,
            },
            self.open,
        )
    }
}
