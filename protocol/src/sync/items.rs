//! The items being reconciled and the sets that hold them.
//!
//! An item is a record's place in a market's index: its revision (`timestamp`, ms) and its id.
//! Items are ordered by `(timestamp, id)`; a [`Bound`] cuts that order, and a range is
//! `[lower, upper)` between two bounds. The node implements [`ItemSet`] over its store;
//! [`VecItemSet`] is the in-memory implementation used by tests, benchmarks and nodes that
//! snapshot a market before syncing it.

use std::convert::Infallible;

use crate::keys::RecordId;
use crate::sync::fingerprint::{Accumulator, Fingerprint};

/// One element of the reconciled set: a record's revision and its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Item {
    /// The record's `rev` (ms since the epoch). Compared first.
    pub timestamp: u64,
    /// The record id. Breaks ties between equal timestamps.
    pub id: RecordId,
}

impl Item {
    /// An item from its parts.
    pub fn new(timestamp: u64, id: RecordId) -> Item {
        Item { timestamp, id }
    }
}

/// A cut in the item order. Items below the bound sort before it; the bound itself is the
/// smallest key it admits, so `[lower, upper)` holds the items `i` with `lower <= i < upper`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bound {
    /// The key `(timestamp, id)`; ids sent on the wire as a prefix are padded with zero bytes.
    At {
        /// The timestamp of the key.
        timestamp: u64,
        /// The id of the key.
        id: [u8; 32],
    },
    /// Past every item.
    End,
}

impl Bound {
    /// The lowest bound, `(0, 00…00)`: the lower end of the whole space.
    pub const MIN: Bound = Bound::At {
        timestamp: 0,
        id: [0; 32],
    };

    /// The bound exactly at an item (the item is on the upper side of it).
    pub fn at(item: &Item) -> Bound {
        Bound::At {
            timestamp: item.timestamp,
            id: item.id.0,
        }
    }

    /// Whether `item` sorts before this bound.
    pub fn is_above(&self, item: &Item) -> bool {
        match self {
            Bound::End => true,
            Bound::At { timestamp, id } => (item.timestamp, &item.id.0) < (*timestamp, id),
        }
    }

    /// The shortest bound that is above `prev` and not above `next` (which must follow `prev`):
    /// the next timestamp with a zero id when the timestamps differ, otherwise the shortest
    /// prefix of `next`'s id that sorts after `prev`'s id. Short bounds are cheap on the wire.
    pub fn between(prev: &Item, next: &Item) -> Bound {
        if prev.timestamp != next.timestamp {
            return Bound::At {
                timestamp: next.timestamp,
                id: [0; 32],
            };
        }
        let shared = prev
            .id
            .0
            .iter()
            .zip(next.id.0)
            .take_while(|(a, b)| **a == *b)
            .count();
        let mut id = [0u8; 32];
        let keep = (shared + 1).min(32);
        id[..keep].copy_from_slice(&next.id.0[..keep]);
        Bound::At {
            timestamp: next.timestamp,
            id,
        }
    }
}

/// A half-open range of the item order, `[lower, upper)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ItemRange {
    /// Inclusive lower bound.
    pub lower: Bound,
    /// Exclusive upper bound.
    pub upper: Bound,
}

impl ItemRange {
    /// The whole space: from [`Bound::MIN`] to [`Bound::End`].
    pub const ALL: ItemRange = ItemRange {
        lower: Bound::MIN,
        upper: Bound::End,
    };

    /// A range from its bounds.
    pub fn new(lower: Bound, upper: Bound) -> ItemRange {
        ItemRange { lower, upper }
    }

    /// Whether `item` lies in the range.
    pub fn contains(&self, item: &Item) -> bool {
        !self.lower.is_above(item) && self.upper.is_above(item)
    }

    /// Whether `other` lies wholly inside this range.
    pub fn covers(&self, other: &ItemRange) -> bool {
        self.lower <= other.lower && other.upper <= self.upper
    }
}

/// What a reconciler needs from the side's set of items. All ranges are `[lower, upper)`.
///
/// The node implements it over its per-market index; reads may fail there, hence the error type.
pub trait ItemSet {
    /// Why a read failed.
    type Error: std::error::Error + Send + Sync + 'static;

    /// How many items lie in `range`.
    fn count(&self, range: &ItemRange) -> Result<u64, Self::Error>;

    /// The fingerprint of the items in `range` (see [`crate::sync::fingerprint`]).
    fn fingerprint(&self, range: &ItemRange) -> Result<Fingerprint, Self::Error>;

    /// The first `limit` items of `range`, in order.
    fn items(&self, range: &ItemRange, limit: usize) -> Result<Vec<Item>, Self::Error>;
}

/// An [`ItemSet`] held as a sorted vector: exact, simple, and fast enough for 10^5–10^6 items.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VecItemSet {
    items: Vec<Item>,
}

impl VecItemSet {
    /// A set of these items (sorted and deduplicated here).
    pub fn new(mut items: Vec<Item>) -> VecItemSet {
        items.sort_unstable();
        items.dedup();
        VecItemSet { items }
    }

    /// All items, in order.
    pub fn as_slice(&self) -> &[Item] {
        &self.items
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn slice(&self, range: &ItemRange) -> &[Item] {
        let start = self.items.partition_point(|i| range.lower.is_above(i));
        let end = self.items.partition_point(|i| range.upper.is_above(i));
        self.items.get(start..end.max(start)).unwrap_or(&[])
    }
}

impl ItemSet for VecItemSet {
    type Error = Infallible;

    fn count(&self, range: &ItemRange) -> Result<u64, Infallible> {
        Ok(self.slice(range).len() as u64)
    }

    fn fingerprint(&self, range: &ItemRange) -> Result<Fingerprint, Infallible> {
        let mut acc = Accumulator::new();
        for item in self.slice(range) {
            acc.add(&item.id);
        }
        Ok(acc.finish())
    }

    fn items(&self, range: &ItemRange, limit: usize) -> Result<Vec<Item>, Infallible> {
        Ok(self.slice(range).iter().take(limit).copied().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(ts: u64, first: u8, second: u8) -> Item {
        let mut id = [0u8; 32];
        id[0] = first;
        id[1] = second;
        Item::new(ts, RecordId(id))
    }

    #[test]
    fn a_bound_between_different_timestamps_has_an_empty_id() {
        let bound = Bound::between(&item(5, 9, 9), &item(7, 1, 1));
        assert_eq!(
            bound,
            Bound::At {
                timestamp: 7,
                id: [0; 32]
            }
        );
    }

    #[test]
    fn a_bound_between_equal_timestamps_keeps_the_shortest_separating_prefix() {
        let prev = item(5, 3, 1);
        let next = item(5, 3, 2);
        let bound = Bound::between(&prev, &next);
        let Bound::At { id, .. } = bound else {
            panic!("not a key bound")
        };
        assert_eq!(&id[..3], &[3, 2, 0]);
        assert!(bound.is_above(&prev));
        assert!(!bound.is_above(&next));
    }

    #[test]
    fn ranges_are_half_open() {
        let set = VecItemSet::new(vec![item(1, 0, 0), item(2, 0, 0), item(3, 0, 0)]);
        let range = ItemRange::new(Bound::at(&item(2, 0, 0)), Bound::at(&item(3, 0, 0)));
        assert_eq!(set.items(&range, 10).unwrap(), vec![item(2, 0, 0)]);
        assert_eq!(set.count(&ItemRange::ALL).unwrap(), 3);
        assert!(ItemRange::ALL.covers(&range));
    }

    #[test]
    fn an_inverted_range_is_empty() {
        let set = VecItemSet::new(vec![item(1, 0, 0), item(2, 0, 0)]);
        let range = ItemRange::new(Bound::End, Bound::MIN);
        assert_eq!(set.count(&range).unwrap(), 0);
    }
}
