//! Peers refused for a while after a protocol fault: which ones, and until when.
//!
//! The event loop applies the list to libp2p's block list (a banned peer's connections are
//! closed, and new ones in either direction are denied before any protocol runs), and lifts
//! each ban when it expires. The table is bounded: a peer-id-minting attacker makes the
//! earliest-expiring ban end sooner, never the table grow.

use std::collections::HashMap;
use std::time::Instant;

use libp2p::PeerId;

use super::scoring::{FAULT_BAN, MAX_FAULTY_PEERS};

/// Banned peers and when each ban ends.
#[derive(Debug, Default)]
pub(super) struct Bans {
    until: HashMap<PeerId, Instant>,
}

impl Bans {
    /// Bans `peer` for [`FAULT_BAN`] from `now` (a second fault starts the ban over). Returns
    /// the peer whose ban ended early to keep the table bounded, if any.
    pub(super) fn ban(&mut self, peer: PeerId, now: Instant) -> Option<PeerId> {
        let mut evicted = None;
        if self.until.len() >= MAX_FAULTY_PEERS && !self.until.contains_key(&peer) {
            evicted = self
                .until
                .iter()
                .min_by_key(|(_, until)| **until)
                .map(|(p, _)| *p);
            if let Some(p) = evicted {
                self.until.remove(&p);
            }
        }
        self.until.insert(peer, now + FAULT_BAN);
        evicted
    }

    /// Removes and returns the peers whose ban is over at `now`.
    pub(super) fn expire(&mut self, now: Instant) -> Vec<PeerId> {
        let over: Vec<PeerId> = self
            .until
            .iter()
            .filter(|(_, until)| **until <= now)
            .map(|(p, _)| *p)
            .collect();
        for peer in &over {
            self.until.remove(peer);
        }
        over
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_ban_lasts_its_whole_term_and_then_is_lifted_once() {
        let mut bans = Bans::default();
        let peer = PeerId::random();
        let now = Instant::now();
        assert_eq!(bans.ban(peer, now), None);
        assert!(bans.expire(now + FAULT_BAN / 2).is_empty());
        assert_eq!(bans.expire(now + FAULT_BAN), vec![peer]);
        assert!(bans.expire(now + FAULT_BAN * 2).is_empty());
        assert_eq!(bans.until.len(), 0);
    }

    #[test]
    fn a_second_fault_starts_the_ban_over() {
        let mut bans = Bans::default();
        let peer = PeerId::random();
        let now = Instant::now();
        bans.ban(peer, now);
        bans.ban(peer, now + FAULT_BAN / 2);
        assert!(bans.expire(now + FAULT_BAN).is_empty());
        assert_eq!(bans.expire(now + FAULT_BAN * 3 / 2), vec![peer]);
    }

    #[test]
    fn a_full_table_ends_the_ban_that_would_end_first() {
        let mut bans = Bans::default();
        let now = Instant::now();
        let first = PeerId::random();
        bans.ban(first, now);
        for i in 1..MAX_FAULTY_PEERS {
            bans.ban(
                PeerId::random(),
                now + std::time::Duration::from_millis(i as u64),
            );
        }
        assert_eq!(bans.until.len(), MAX_FAULTY_PEERS);
        let newcomer = PeerId::random();
        assert_eq!(bans.ban(newcomer, now + FAULT_BAN / 2), Some(first));
        assert_eq!(bans.until.len(), MAX_FAULTY_PEERS);
    }
}
