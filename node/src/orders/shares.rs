//! Each host's share of the inbox: how many of its messages may be opened and checked at once,
//! and how many a second.
//!
//! Every message to this node is opened (HPKE, a signature) and, if it is new, stored under the
//! orders write lock, one after the other. A stranger sending steps by the thousand, 64 at a
//! time, kept an honest consumer's order queued behind them: 15 ms round trips became 40–85 ms.
//! An honest sender has one message in flight per recipient (the outbox sends them in order);
//! a household behind one address, a few. With 4 in flight, strangers still had the node open
//! 3 500 messages a second and honest round trips took twice as long: the node's two cores went
//! to them. So a host also has a rate: a burst, then a few a second — more than a platform
//! passing on its members' orders sends one node. Past either a host is answered `busy` at once
//! — a transient refusal, which an honest sender retries — and costs the node nothing more.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::allowance::{Allowances, Rate};

/// Messages one host (or, where hosts are not counted, one peer) may have in the inbox at once.
pub const PER_HOST: usize = 4;

/// Messages one host may send in a burst, then a second.
pub const RATE: Rate = Rate {
    burst: 64,
    per_second: 16,
};

/// The messages in the inbox, and each host's allowance, per host.
pub struct Shares {
    in_flight: Mutex<HashMap<Vec<u8>, usize>>,
    allowances: Allowances,
}

impl Default for Shares {
    fn default() -> Shares {
        Shares {
            in_flight: Mutex::default(),
            allowances: Allowances::new(RATE),
        }
    }
}

/// One message's place in its host's share, given back when dropped.
pub struct Share<'a> {
    shares: &'a Shares,
    key: Vec<u8>,
}

impl Shares {
    /// A place for one more message from `key` (a `Requester::quota_key`), unless it already
    /// has [`PER_HOST`] in the inbox or has spent its allowance.
    pub fn take(&self, key: Vec<u8>) -> Option<Share<'_>> {
        self.take_at(key, Instant::now())
    }

    fn take_at(&self, key: Vec<u8>, now: Instant) -> Option<Share<'_>> {
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if in_flight.get(&key).is_some_and(|n| *n >= PER_HOST) || !self.allowances.spend(&key, now)
        {
            return None;
        }
        *in_flight.entry(key.clone()).or_default() += 1;
        Some(Share { shares: self, key })
    }
}

impl Drop for Share<'_> {
    fn drop(&mut self) {
        let mut in_flight = self
            .shares
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = in_flight.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                in_flight.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_host_has_its_share_and_gets_it_back_and_others_are_not_touched() {
        let shares = Shares::default();
        let held: Vec<Share<'_>> = (0..PER_HOST)
            .map(|_| shares.take(vec![1]).unwrap())
            .collect();
        assert!(shares.take(vec![1]).is_none());
        assert!(
            shares.take(vec![2]).is_some(),
            "another host waits behind nobody"
        );
        drop(held);
        assert!(shares.take(vec![1]).is_some());
        let t0 = Instant::now();
        let spent = (0..RATE.burst)
            .filter(|_| shares.take_at(vec![3], t0).is_some())
            .count();
        assert_eq!(
            spent, RATE.burst as usize,
            "one at a time, a host has its whole burst"
        );
        assert!(
            shares.take_at(vec![3], t0).is_none(),
            "and then waits for its rate"
        );
        assert!(
            shares
                .take_at(vec![3], t0 + Duration::from_secs(1))
                .is_some()
        );
        assert!(
            shares.in_flight.lock().unwrap().is_empty(),
            "nothing is kept for hosts with nothing in flight"
        );
    }
}
