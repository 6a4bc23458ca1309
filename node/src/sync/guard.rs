//! Who may sync with us, and how much: peers caught breaking the protocol are left out for a
//! while, and every peer's requests draw on a budget that refills over time.
//!
//! The penalty is local to sync; the same fault also lowers the peer's gossipsub score and bans
//! it from connecting for as long (`Client::penalise`). The ban table is bounded, so a peer
//! whose ban was cut short by a flood of others is still refused a fresh session here.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use libp2p::PeerId;

/// How long a peer that broke the protocol is refused: as long as its network ban.
pub(crate) const PENALTY: Duration = crate::network::scoring::FAULT_BAN;
/// Requests a peer may make at once before its budget runs dry. A full sync of 100 000
/// records takes about 15 reconcile steps and 400 fetches, so an honest catch-up fits.
pub(crate) const BUDGET_BURST: f64 = 1_200.0;
/// Requests per second the budget refills at (1 200 a minute).
pub(crate) const BUDGET_REFILL_PER_SEC: f64 = 20.0;
/// Most peers tracked; beyond, the least recently seen are forgotten.
const MAX_TRACKED: usize = 4_096;

struct PeerState {
    tokens: f64,
    refilled: Instant,
    penalised_until: Option<Instant>,
}

/// Per-peer penalties and request budgets.
#[derive(Default)]
pub(crate) struct Guard {
    peers: Mutex<HashMap<PeerId, PeerState>>,
}

/// Why a peer's request is not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied {
    /// It broke the protocol recently.
    Penalised,
    /// It spent its budget; it may ask again later.
    OverBudget,
}

impl Guard {
    fn with<T>(&self, peer: PeerId, now: Instant, f: impl FnOnce(&mut PeerState) -> T) -> T {
        let mut peers = self.peers.lock().unwrap_or_else(|p| p.into_inner());
        if peers.len() >= MAX_TRACKED && !peers.contains_key(&peer) {
            let oldest = peers
                .iter()
                .filter(|(_, s)| s.penalised_until.is_none_or(|t| t <= now))
                .min_by_key(|(_, s)| s.refilled)
                .map(|(p, _)| *p);
            if let Some(oldest) = oldest {
                peers.remove(&oldest);
            }
        }
        let state = peers.entry(peer).or_insert(PeerState {
            tokens: BUDGET_BURST,
            refilled: now,
            penalised_until: None,
        });
        f(state)
    }

    /// Spends one request of `peer`'s budget, unless it is penalised or has none left.
    pub(crate) fn admit(&self, peer: PeerId, now: Instant) -> Result<(), Denied> {
        self.with(peer, now, |state| {
            if state.penalised_until.is_some_and(|t| t > now) {
                return Err(Denied::Penalised);
            }
            let elapsed = now.saturating_duration_since(state.refilled).as_secs_f64();
            state.tokens = (state.tokens + elapsed * BUDGET_REFILL_PER_SEC).min(BUDGET_BURST);
            state.refilled = now;
            if state.tokens < 1.0 {
                return Err(Denied::OverBudget);
            }
            state.tokens -= 1.0;
            Ok(())
        })
    }

    /// Whether `peer` is penalised now (we do not start sessions with it either).
    pub(crate) fn is_penalised(&self, peer: PeerId, now: Instant) -> bool {
        let peers = self.peers.lock().unwrap_or_else(|p| p.into_inner());
        peers
            .get(&peer)
            .and_then(|s| s.penalised_until)
            .is_some_and(|t| t > now)
    }

    /// Refuses `peer` for [`PENALTY`] from `now`.
    pub(crate) fn penalise(&self, peer: PeerId, now: Instant) {
        self.with(peer, now, |state| {
            state.penalised_until = Some(now + PENALTY)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_penalised_peer_is_refused_until_the_penalty_ends() {
        let guard = Guard::default();
        let peer = PeerId::random();
        let now = Instant::now();
        assert_eq!(guard.admit(peer, now), Ok(()));
        guard.penalise(peer, now);
        assert!(guard.is_penalised(peer, now));
        assert_eq!(guard.admit(peer, now), Err(Denied::Penalised));
        let later = now + PENALTY + Duration::from_secs(1);
        assert!(!guard.is_penalised(peer, later));
        assert_eq!(guard.admit(peer, later), Ok(()));
    }

    #[test]
    fn the_budget_runs_dry_and_refills_with_time() {
        let guard = Guard::default();
        let peer = PeerId::random();
        let now = Instant::now();
        for _ in 0..BUDGET_BURST as usize {
            assert_eq!(guard.admit(peer, now), Ok(()));
        }
        assert_eq!(guard.admit(peer, now), Err(Denied::OverBudget));
        assert_eq!(
            guard.admit(PeerId::random(), now),
            Ok(()),
            "others unaffected"
        );
        assert_eq!(guard.admit(peer, now + Duration::from_secs(1)), Ok(()));
    }
}
