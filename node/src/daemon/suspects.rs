//! Peers whose gossip was just rejected twice. Gossipsub graylists a peer from its score, but only for
//! what arrives after the verdict: what the peer sent before it — a flood's whole burst, already
//! queued for ingest — would still be verified, record by record, delaying the honest gossip
//! queued behind it. The router drops a suspect's queued gossip unverified, as `Ignore`, for a
//! short while (`spec/security.md` §2), and has the network ban it: its connections are cut,
//! so the rest of its flood is never even received (decrypting and decoding a graylisted
//! peer's 10 000 messages took more of the honest nodes' CPU than verifying the first ones).
//!
//! Honest nodes validate before forwarding, so a peer that forwarded invalid records is not
//! one whose next records we need: what it sent honestly, others send too, and sync catches up.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libp2p::PeerId;

/// How long a rejected peer's gossip is dropped unverified: long past the few heartbeats it
/// takes gossipsub to graylist it, short enough that an honest peer that relayed a buggy
/// record once is heard again within the minute.
pub(super) const SUSPECT_FOR: Duration = Duration::from_secs(60);

/// Rejections that make a peer a suspect: the two that put it under gossipsub's graylist
/// threshold (`network/scoring.rs`). After one only, its next records are still verified, so
/// that a second invalid one is counted and the graylist is reached.
pub(super) const REJECTIONS: u32 = 2;

/// Most peers held: a flood from freshly minted ids cannot grow the table; when full, the
/// oldest entries go first.
pub(super) const MAX_SUSPECTS: usize = 4096;

#[derive(Debug, Default)]
pub(super) struct Suspects {
    /// When each peer was last rejected, and how often within [`SUSPECT_FOR`].
    since: HashMap<PeerId, (Instant, u32)>,
}

impl Suspects {
    /// `peer` forwarded a rejected record at `now`. True when this rejection made it a suspect
    /// (the caller then bans it; later ones within the term are already covered).
    pub(super) fn mark(&mut self, peer: PeerId, now: Instant) -> bool {
        if self.since.len() >= MAX_SUSPECTS && !self.since.contains_key(&peer) {
            self.since
                .retain(|_, (at, _)| now.saturating_duration_since(*at) < SUSPECT_FOR);
            if self.since.len() >= MAX_SUSPECTS
                && let Some(oldest) = self
                    .since
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(p, _)| *p)
            {
                self.since.remove(&oldest);
            }
        }
        let entry = self.since.entry(peer).or_insert((now, 0));
        if now.saturating_duration_since(entry.0) >= SUSPECT_FOR {
            entry.1 = 0;
        }
        *entry = (now, entry.1 + 1);
        entry.1 == REJECTIONS
    }

    /// Whether gossip from `peer` is to be dropped unverified at `now`.
    pub(super) fn holds(&self, peer: &PeerId, now: Instant) -> bool {
        self.since.get(peer).is_some_and(|(at, n)| {
            *n >= REJECTIONS && now.saturating_duration_since(*at) < SUSPECT_FOR
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejected_peer_is_suspect_for_a_while_then_heard_again() {
        let mut suspects = Suspects::default();
        let (peer, other) = (PeerId::random(), PeerId::random());
        let t0 = Instant::now();
        assert!(!suspects.mark(peer, t0));
        assert!(!suspects.holds(&peer, t0), "one rejection leaves it heard");
        assert!(suspects.mark(peer, t0), "the second makes it a suspect");
        assert!(suspects.holds(&peer, t0 + Duration::from_secs(1)));
        assert!(!suspects.mark(peer, t0), "a third is not a new suspect");
        assert!(!suspects.holds(&other, t0));
        assert!(!suspects.holds(&peer, t0 + SUSPECT_FOR));
    }

    #[test]
    fn the_table_stays_bounded_and_forgets_the_oldest_first() {
        let mut suspects = Suspects::default();
        let t0 = Instant::now();
        let first = PeerId::random();
        suspects.mark(first, t0);
        suspects.mark(first, t0);
        for i in 1..=MAX_SUSPECTS as u64 {
            suspects.mark(PeerId::random(), t0 + Duration::from_millis(i));
        }
        assert_eq!(suspects.since.len(), MAX_SUSPECTS);
        assert!(!suspects.holds(&first, t0 + Duration::from_secs(1)));
    }
}
