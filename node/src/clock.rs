//! The node's wall clock, in the unit every record uses: milliseconds since the Unix epoch.
//!
//! Revisions, expiry times and membership terms are all compared against this one function, so
//! tests and benchmarks pass their own `now` to the `_at` variants instead of mocking time.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch. A clock set before 1970 reads as 0 rather than panicking;
/// records would then look future-dated and be refused, which is the safe failure.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_after_2024_and_monotone_enough() {
        let a = now_ms();
        let b = now_ms();
        assert!(a > 1_700_000_000_000);
        assert!(b >= a);
    }
}
