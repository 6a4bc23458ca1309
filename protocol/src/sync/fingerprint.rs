//! Range fingerprints: what two peers compare to learn, without listing ids, whether they hold
//! the same items between two bounds.
//!
//! ```text
//! sum         = Σ id (each id read as a little-endian 256-bit integer) mod 2^256
//! fingerprint = BLAKE3("smartket/sync/v1 fingerprint" || 0x00 || sum (32 bytes, LE) || count (u64 LE))[..16]
//! ```
//!
//! The sum is kept apart from the hash so that it can be updated one item at a time (add on
//! insert, subtract on delete): a node can cache sums per block of its index and combine them,
//! instead of re-reading every id of a range at each comparison. The hash over sum and count is
//! what travels; it stops the linear structure of the sum from being visible on the wire.

use std::fmt;

use crate::keys::RecordId;

/// Domain separation of the fingerprint hash.
const CONTEXT: &[u8] = b"smartket/sync/v1 fingerprint\0";

/// Bytes of a fingerprint on the wire.
pub const FINGERPRINT_LEN: usize = 16;

/// The fingerprint of a range of items: 16 bytes, equal for equal sets of ids.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; FINGERPRINT_LEN]);

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", hex::encode(self.0))
    }
}

/// The running sum and count of a set of ids, from which its [`Fingerprint`] is finished.
///
/// Addition is commutative, so the order in which ids are added does not matter, and two
/// accumulators over disjoint sets combine with [`Accumulator::merge`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accumulator {
    /// The sum mod 2^256, as four little-endian 64-bit limbs.
    sum: [u64; 4],
    /// How many ids were added (minus removed).
    count: u64,
}

impl Accumulator {
    /// An empty accumulator (the fingerprint of the empty set comes from it).
    pub fn new() -> Accumulator {
        Accumulator::default()
    }

    /// Adds one id to the set.
    pub fn add(&mut self, id: &RecordId) {
        self.add_limbs(&limbs(id));
        self.count = self.count.wrapping_add(1);
    }

    /// Removes one id that was added before (for caches kept up to date on deletion).
    pub fn remove(&mut self, id: &RecordId) {
        let negated = negate(&limbs(id));
        self.add_limbs(&negated);
        self.count = self.count.wrapping_sub(1);
    }

    /// Adds every id of another accumulator (the union of two disjoint sets).
    pub fn merge(&mut self, other: &Accumulator) {
        self.add_limbs(&other.sum);
        self.count = self.count.wrapping_add(other.count);
    }

    /// How many ids this accumulator holds.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The sum as 32 little-endian bytes.
    pub fn sum_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (chunk, limb) in out.chunks_exact_mut(8).zip(self.sum) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
        out
    }

    /// The fingerprint of the ids added so far.
    pub fn finish(&self) -> Fingerprint {
        let mut hasher = blake3::Hasher::new();
        hasher.update(CONTEXT);
        hasher.update(&self.sum_bytes());
        hasher.update(&self.count.to_le_bytes());
        let mut out = [0u8; FINGERPRINT_LEN];
        out.copy_from_slice(&hasher.finalize().as_bytes()[..FINGERPRINT_LEN]);
        Fingerprint(out)
    }

    fn add_limbs(&mut self, other: &[u64; 4]) {
        let mut carry = false;
        for (limb, add) in self.sum.iter_mut().zip(other) {
            let (partial, c1) = limb.overflowing_add(*add);
            let (total, c2) = partial.overflowing_add(u64::from(carry));
            *limb = total;
            carry = c1 || c2;
        }
    }
}

/// The fingerprint of a sequence of ids.
pub fn fingerprint_of<'a>(ids: impl IntoIterator<Item = &'a RecordId>) -> Fingerprint {
    let mut acc = Accumulator::new();
    for id in ids {
        acc.add(id);
    }
    acc.finish()
}

fn limbs(id: &RecordId) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (limb, chunk) in out.iter_mut().zip(id.0.chunks_exact(8)) {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(bytes);
    }
    out
}

/// Two's complement negation mod 2^256.
fn negate(value: &[u64; 4]) -> [u64; 4] {
    let mut out = [0u64; 4];
    let mut carry = true;
    for (o, v) in out.iter_mut().zip(value) {
        let (sum, c) = (!v).overflowing_add(u64::from(carry));
        *o = sum;
        carry = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(byte: u8) -> RecordId {
        RecordId([byte; 32])
    }

    #[test]
    fn order_of_addition_does_not_change_the_fingerprint() {
        let ids = [id(1), id(200), id(7)];
        let reversed = [id(7), id(200), id(1)];
        assert_eq!(fingerprint_of(&ids), fingerprint_of(&reversed));
        assert_ne!(fingerprint_of(&ids), fingerprint_of(&ids[..2]));
    }

    #[test]
    fn removing_an_id_undoes_adding_it() {
        let mut acc = Accumulator::new();
        acc.add(&id(0xff));
        acc.add(&id(3));
        acc.remove(&id(0xff));
        assert_eq!(acc.finish(), fingerprint_of(&[id(3)]));
        assert_eq!(acc.count(), 1);
    }

    #[test]
    fn the_sum_carries_across_limbs_and_wraps_mod_2_256() {
        let mut acc = Accumulator::new();
        acc.add(&id(0xff));
        acc.add(&RecordId({
            let mut one = [0u8; 32];
            one[0] = 1;
            one
        }));
        // 2^256 - 1 + 1 = 0 mod 2^256.
        assert_eq!(acc.sum_bytes(), [0u8; 32]);
    }

    #[test]
    fn merging_disjoint_accumulators_equals_adding_all() {
        let mut left = Accumulator::new();
        left.add(&id(9));
        let mut right = Accumulator::new();
        right.add(&id(10));
        right.add(&id(11));
        left.merge(&right);
        assert_eq!(left.finish(), fingerprint_of(&[id(9), id(10), id(11)]));
    }

    #[test]
    fn the_empty_set_has_a_fixed_fingerprint() {
        // Vector: BLAKE3(context || 32 zero bytes || 8 zero bytes), first 16 bytes.
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"smartket/sync/v1 fingerprint\0");
        hasher.update(&[0u8; 40]);
        assert_eq!(
            Accumulator::new().finish().0,
            hasher.finalize().as_bytes()[..16]
        );
    }
}
