//! A cooperative's memory of which connected peer collects for which mailbox key, so that a
//! deposit can be announced to its recipient at once (`spec/mailbox.md` §3.5).
//!
//! ```text
//! proof verified (fetch, ack) ─▶ insert(peer, key)    deposit for key ─▶ peers_for(key) ─▶ notify
//! last connection closed, notify failed ─▶ forget(peer)
//! ```
//!
//! A peer enters only through a proof the cooperative has just verified, which shows the link
//! between that peer and that key anyway (§7); it leaves when its connection closes. Nothing is
//! written down, and both the keys per peer and the total are capped, so a peer proving many
//! keys costs a fixed amount of memory.

use std::collections::{HashMap, VecDeque};

use libp2p::PeerId;

/// Keys remembered per peer, the oldest proof forgotten first. A node collects for its profile
/// key and for the per-order keys still in use; 64 covers a consumer's open orders, and a key
/// forgotten here is still collected by the recipient's periodic round.
const MAX_KEYS_PER_PEER: usize = 64;

/// (peer, key) pairs remembered in all, like the open challenges: beyond it new proofs are not
/// remembered and those recipients wait for their periodic round.
const MAX_WATCHED: usize = 10_000;

/// Who has proved which key on a connection open now.
#[derive(Debug, Default)]
pub(super) struct Watchers {
    /// Each peer's keys, oldest proof first.
    by_peer: HashMap<PeerId, VecDeque<[u8; 32]>>,
    /// Each key's peers: what a deposit looks up.
    by_key: HashMap<[u8; 32], Vec<PeerId>>,
    /// Pairs in all.
    len: usize,
}

impl Watchers {
    /// Remembers that `peer` has just proved it holds `key`.
    pub(super) fn insert(&mut self, peer: PeerId, key: [u8; 32]) {
        let keys = self.by_peer.entry(peer).or_default();
        if let Some(i) = keys.iter().position(|k| *k == key) {
            keys.remove(i);
            keys.push_back(key);
            return;
        }
        if keys.len() >= MAX_KEYS_PER_PEER {
            if let Some(oldest) = keys.pop_front() {
                unlink(&mut self.by_key, &oldest, &peer);
                self.len -= 1;
            }
        } else if self.len >= MAX_WATCHED {
            if keys.is_empty() {
                self.by_peer.remove(&peer);
            }
            return;
        }
        keys.push_back(key);
        self.by_key.entry(key).or_default().push(peer);
        self.len += 1;
    }

    /// The peers to tell of a deposit for `key`.
    pub(super) fn peers_for(&self, key: &[u8; 32]) -> Vec<PeerId> {
        self.by_key.get(key).cloned().unwrap_or_default()
    }

    /// Forgets every key of `peer` (its connection closed, or it did not take a notify).
    pub(super) fn forget(&mut self, peer: &PeerId) {
        for key in self.by_peer.remove(peer).unwrap_or_default() {
            unlink(&mut self.by_key, &key, peer);
            self.len -= 1;
        }
    }

    /// (peer, key) pairs remembered.
    pub(super) fn len(&self) -> usize {
        self.len
    }
}

fn unlink(by_key: &mut HashMap<[u8; 32], Vec<PeerId>>, key: &[u8; 32], peer: &PeerId) {
    if let Some(peers) = by_key.get_mut(key) {
        peers.retain(|p| p != peer);
        if peers.is_empty() {
            by_key.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: usize) -> [u8; 32] {
        let mut k = [0; 32];
        k[..8].copy_from_slice(&(n as u64).to_be_bytes());
        k
    }

    #[test]
    fn a_deposit_finds_every_peer_that_proved_its_key_until_each_is_forgotten() {
        let (a, b) = (PeerId::random(), PeerId::random());
        let mut w = Watchers::default();
        w.insert(a, key(1));
        w.insert(a, key(1));
        w.insert(b, key(1));
        w.insert(b, key(2));
        assert_eq!(w.len(), 3);
        assert_eq!(w.peers_for(&key(1)), vec![a, b]);
        w.forget(&a);
        assert_eq!(w.peers_for(&key(1)), vec![b]);
        w.forget(&b);
        assert!(w.peers_for(&key(2)).is_empty());
        assert_eq!(w.len(), 0);
        assert!(w.by_key.is_empty() && w.by_peer.is_empty());
    }

    #[test]
    fn a_peer_proving_more_keys_than_its_share_loses_its_oldest_not_its_latest() {
        let peer = PeerId::random();
        let mut w = Watchers::default();
        for n in 0..MAX_KEYS_PER_PEER + 5 {
            w.insert(peer, key(n));
            // Proving the first key again keeps it the newest.
            w.insert(peer, key(0));
        }
        assert_eq!(w.len(), MAX_KEYS_PER_PEER);
        assert_eq!(w.peers_for(&key(0)), vec![peer]);
        assert!(w.peers_for(&key(1)).is_empty());
        assert_eq!(w.peers_for(&key(MAX_KEYS_PER_PEER + 4)), vec![peer]);
    }

    #[test]
    fn when_full_new_proofs_are_not_remembered_and_nothing_is_evicted() {
        let mut w = Watchers::default();
        let mut peers = Vec::new();
        while w.len() < MAX_WATCHED {
            let peer = PeerId::random();
            for n in 0..MAX_KEYS_PER_PEER.min(MAX_WATCHED - w.len()) {
                w.insert(peer, key(n));
            }
            peers.push(peer);
        }
        let late = PeerId::random();
        w.insert(late, key(0));
        assert_eq!(w.len(), MAX_WATCHED);
        assert!(!w.peers_for(&key(0)).contains(&late));
        assert!(!w.by_peer.contains_key(&late));
        w.forget(&peers[0]);
        w.insert(late, key(0));
        assert!(w.peers_for(&key(0)).contains(&late));
    }
}
