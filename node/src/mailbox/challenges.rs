//! The challenges a cooperative has issued and not yet seen answered, bounded per peer and in
//! all, so that nobody can keep recipients from collecting their mail.
//!
//! A challenge is cheap to ask for and must be held until answered (or for
//! [`CHALLENGE_LIFETIME_MS`]). One peer may hold [`PER_PEER`] at once — a node collects for
//! its profile key and its per-order keys, a few dozen at most — and past that is refused.
//! When the whole table is full, the oldest challenge gives way to the new one instead of the
//! new one being refused: a flood from many peer ids then only shortens how long others'
//! challenges stay open, and an honest collector answers within a round trip, so it would
//! take thousands of requests a second to make it fail.

use std::collections::HashMap;

use libp2p::PeerId;
use smartket_protocol::mailbox::{CHALLENGE_LIFETIME_MS, PendingChallenge};

/// Open challenges one peer may hold.
pub(super) const PER_PEER: usize = 64;
/// Open challenges held in all.
pub(super) const MAX_OPEN: usize = 10_000;

/// Open challenges by (peer, recipient key).
#[derive(Default)]
pub(super) struct Challenges {
    open: HashMap<(PeerId, [u8; 32]), PendingChallenge>,
}

/// Why a challenge was not issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PeerFull;

impl Challenges {
    /// Holds `pending` for `peer` and key `recipient` (replacing one it held for that key),
    /// unless the peer already holds [`PER_PEER`] others.
    pub(super) fn issue(
        &mut self,
        peer: PeerId,
        recipient: [u8; 32],
        pending: PendingChallenge,
        now: u64,
    ) -> Result<(), PeerFull> {
        self.open
            .retain(|_, p| now.saturating_sub(p.issued_ms) < CHALLENGE_LIFETIME_MS);
        let key = (peer, recipient);
        if !self.open.contains_key(&key) {
            if self.open.keys().filter(|(p, _)| *p == peer).count() >= PER_PEER {
                return Err(PeerFull);
            }
            if self.open.len() >= MAX_OPEN
                && let Some(oldest) = self
                    .open
                    .iter()
                    .min_by_key(|(_, p)| p.issued_ms)
                    .map(|(k, _)| *k)
            {
                self.open.remove(&oldest);
            }
        }
        self.open.insert(key, pending);
        Ok(())
    }

    /// The challenge `peer` holds for `recipient`, if open.
    pub(super) fn get(&self, peer: PeerId, recipient: [u8; 32]) -> Option<&PendingChallenge> {
        self.open.get(&(peer, recipient))
    }

    /// How many are open.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.open.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smartket_protocol::mailbox::create_challenge;
    use smartket_protocol::{EncryptionKey, SecretKey};

    const NOW: u64 = 1_800_000_000_000;

    fn pending(n: u64, at: u64) -> PendingChallenge {
        let me = SecretKey::from_bytes(&[1; 32]).public();
        let recipient = EncryptionKey::from_seed(&[2; 32]).public();
        let mut rng = smartket_protocol::seal::SeedRng::new(&[n as u8; 32]);
        let (_, pending) = create_challenge(&me, &recipient, at, &mut rng).unwrap();
        pending
    }

    fn key(n: usize) -> [u8; 32] {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&(n as u64).to_le_bytes());
        key
    }

    #[test]
    fn one_peer_cannot_hold_more_than_its_share_and_a_full_table_drops_the_oldest() {
        let mut table = Challenges::default();
        let (greedy, honest) = (PeerId::random(), PeerId::random());
        for n in 0..PER_PEER {
            assert_eq!(table.issue(greedy, key(n), pending(1, NOW), NOW), Ok(()));
        }
        assert_eq!(
            table.issue(greedy, key(PER_PEER), pending(1, NOW), NOW),
            Err(PeerFull)
        );
        // Asking again for a key it holds replaces that challenge.
        assert_eq!(table.issue(greedy, key(0), pending(1, NOW), NOW), Ok(()));
        // Another peer is not refused.
        assert_eq!(table.issue(honest, key(0), pending(1, NOW), NOW), Ok(()));
        assert_eq!(table.len(), PER_PEER + 1);

        // Many peers fill the table: the newest challenge still gets in, the oldest goes.
        let mut table = Challenges::default();
        let first = PeerId::random();
        table.issue(first, key(0), pending(1, NOW), NOW).unwrap();
        let mut n = 1;
        while table.len() < MAX_OPEN {
            let peer = PeerId::random();
            for _ in 0..PER_PEER.min(MAX_OPEN - table.len()) {
                table
                    .issue(peer, key(n), pending(1, NOW + 1), NOW + 1)
                    .unwrap();
                n += 1;
            }
        }
        assert_eq!(
            table.issue(honest, key(0), pending(1, NOW + 2), NOW + 2),
            Ok(())
        );
        assert_eq!(table.len(), MAX_OPEN);
        assert!(table.get(honest, key(0)).is_some());
        assert!(table.get(first, key(0)).is_none(), "the oldest gave way");
        // Expired challenges leave at the next issue.
        let later = NOW + 2 + CHALLENGE_LIFETIME_MS;
        table
            .issue(honest, key(1), pending(1, later), later)
            .unwrap();
        assert_eq!(table.len(), 1);
    }
}
