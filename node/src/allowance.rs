//! How much work a host may ask of this node: a token bucket per key (a
//! `Requester::quota_key`), a burst and then a steady rate, in bounded memory.
//!
//! Counts of things in flight bound memory; they do not bound CPU: a host that is answered at
//! once asks again at once. Where one request costs the node a public-key operation (opening a
//! sealed message, issuing a mailbox challenge) the host also gets an allowance, spent before
//! that work is done, so that a flood from one address costs the node a few operations a
//! second, not thousands (`spec/security.md` §5).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// A burst, then a steady rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests a host may make at once after a quiet while.
    pub burst: u32,
    /// Requests a second past the burst.
    pub per_second: u32,
}

/// Hosts whose allowance is remembered. A host whose bucket has refilled is no different from
/// one never seen, so those are forgotten first; when every remembered host is mid-burst (a
/// flood from that many addresses), the fullest bucket goes.
const MAX_HOSTS: usize = 4096;

/// Each host's allowance at one [`Rate`].
#[derive(Debug)]
pub struct Allowances {
    rate: Rate,
    buckets: Mutex<HashMap<Vec<u8>, Bucket>>,
}

/// `tokens` left at `at`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Allowances {
    /// Allowances at `rate`.
    pub fn new(rate: Rate) -> Allowances {
        Allowances {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Spends one request of `key`'s allowance at `now`, if it has one left.
    pub fn spend(&self, key: &[u8], now: Instant) -> bool {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_HOSTS && !buckets.contains_key(key) {
            let full = f64::from(self.rate.burst);
            buckets.retain(|_, b| self.refilled(*b, now).tokens < full);
            if buckets.len() >= MAX_HOSTS
                && let Some(fullest) = buckets
                    .iter()
                    .max_by(|a, b| {
                        let (a, b) = (self.refilled(*a.1, now), self.refilled(*b.1, now));
                        a.tokens.total_cmp(&b.tokens)
                    })
                    .map(|(k, _)| k.clone())
            {
                buckets.remove(&fullest);
            }
        }
        let bucket = buckets.get(key).map_or(
            Bucket {
                tokens: f64::from(self.rate.burst),
                at: now,
            },
            |b| self.refilled(*b, now),
        );
        let spent = bucket.tokens >= 1.0;
        let tokens = if spent {
            bucket.tokens - 1.0
        } else {
            bucket.tokens
        };
        buckets.insert(key.to_vec(), Bucket { tokens, at: now });
        spent
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> Bucket {
        let gained = now.saturating_duration_since(bucket.at).as_secs_f64()
            * f64::from(self.rate.per_second);
        Bucket {
            tokens: (bucket.tokens + gained).min(f64::from(self.rate.burst)),
            at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const RATE: Rate = Rate {
        burst: 8,
        per_second: 4,
    };

    #[test]
    fn a_host_past_its_burst_gets_its_rate_and_others_are_not_touched() {
        let allowances = Allowances::new(RATE);
        let refill = Duration::from_millis(250);
        let t0 = Instant::now();
        for _ in 0..RATE.burst {
            assert!(allowances.spend(&[1], t0));
        }
        assert!(!allowances.spend(&[1], t0), "the burst is spent");
        assert!(allowances.spend(&[2], t0), "another host has its own");
        assert!(allowances.spend(&[1], t0 + refill));
        assert!(!allowances.spend(&[1], t0 + refill));
        let later = t0 + refill * 100;
        for _ in 0..RATE.burst {
            assert!(allowances.spend(&[1], later), "refilled");
        }
        assert!(!allowances.spend(&[1], later), "never past the burst");
    }

    #[test]
    fn the_hosts_remembered_stay_bounded() {
        let allowances = Allowances::new(RATE);
        let t0 = Instant::now();
        for i in 0..(MAX_HOSTS as u32 + 100) {
            assert!(allowances.spend(&i.to_be_bytes(), t0));
        }
        assert!(allowances.buckets.lock().unwrap().len() <= MAX_HOSTS);
    }
}
