//! Garbage collection of blobs: a blob goes when no current record of a joined market names it
//! and it was last stored longer ago than the grace period.
//!
//! The grace period keeps an image uploaded for a listing that is still being written; the
//! reference scan keeps every image of a current record, the node's own included. The scan
//! reads the current profiles and listings of each market (the only kinds that name blobs);
//! it runs rarely (hourly by default), so no blob → record index is kept on every commit.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use smartket_protocol::BlobId;
use smartket_protocol::blob::{KINDS_WITH_BLOBS, referenced_by};

use super::store::{BlobStore, BlobStoreError};
use crate::store::{Store, StoreError};

/// What one collection did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Blobs kept because a current record names them.
    pub referenced: usize,
    /// Unreferenced blobs kept because they are within the grace period.
    pub in_grace: usize,
    /// Blobs removed.
    pub removed: usize,
}

/// Why a collection stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GcError {
    /// Reading the records failed: nothing was removed.
    #[error("reading records: {0}")]
    Store(#[from] StoreError),
    /// The blob directory.
    #[error(transparent)]
    Blobs(#[from] BlobStoreError),
}

/// The blobs named by the current records of `markets`.
pub(super) fn referenced(store: &Store, markets: &[String]) -> Result<HashSet<BlobId>, StoreError> {
    let mut out = HashSet::new();
    for market in markets {
        for kind in KINDS_WITH_BLOBS {
            for record in store.current_in_market(market, Some(kind))? {
                out.extend(referenced_by(&record.payload.body).iter().copied());
            }
        }
    }
    Ok(out)
}

/// Removes the blobs not in `referenced` stored before `now - grace`.
pub(super) fn collect(
    blobs: &BlobStore,
    referenced: &HashSet<BlobId>,
    grace: Duration,
    now: SystemTime,
) -> Result<GcReport, BlobStoreError> {
    let mut report = GcReport::default();
    for (id, stored) in blobs.list()? {
        if referenced.contains(&id) {
            report.referenced += 1;
        } else if now.duration_since(stored).unwrap_or(Duration::ZERO) < grace {
            report.in_grace += 1;
        } else {
            blobs.remove(&id)?;
            report.removed += 1;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fixtures::{
        self, DAY, MARKET, listing_body, now, signed, signed_in, tombstone,
    };
    use smartket_protocol::{Body, Kind};

    fn listing_with(name: &str, image: BlobId) -> Body {
        let mut body = listing_body(name);
        if let Body::Listing(listing) = &mut body {
            listing.images = vec![image];
        }
        body
    }

    #[test]
    fn images_of_current_listings_count_and_those_of_deleted_or_unjoined_ones_do_not() {
        let (_dir, store) = fixtures::temp_store();
        let (kept, deleted, elsewhere) = (BlobId([1; 32]), BlobId([2; 32]), BlobId([3; 32]));
        let t = now();
        store
            .commit(vec![
                signed(1, "tomme", t, DAY, listing_with("Tomme", kept)),
                signed(1, "gruyere", t, DAY, listing_with("Gruyère", deleted)),
                signed_in(
                    1,
                    "lausanne",
                    "vacherin",
                    t,
                    DAY,
                    listing_with("Vacherin", elsewhere),
                ),
            ])
            .unwrap();
        store
            .commit(vec![tombstone(1, Kind::Listing, "gruyere", t + 1000)])
            .unwrap();
        let found = referenced(&store, &[MARKET.to_owned()]).unwrap();
        assert_eq!(found, HashSet::from([kept]));
    }

    #[test]
    fn only_unreferenced_blobs_past_the_grace_period_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::open(dir.path()).unwrap();
        let put = |tail: &[u8]| {
            let mut b = vec![0xff, 0xd8, 0xff];
            b.extend_from_slice(tail);
            blobs.put(&b).unwrap().0
        };
        let (kept, fresh, old) = (put(b"listed"), put(b"fresh"), put(b"old"));
        let grace = Duration::from_secs(3600);
        let now = SystemTime::now() + Duration::from_secs(1800);
        // `old` and `kept` were stored two hours before `now`, `fresh` half an hour before.
        let two_hours_ago = now - Duration::from_secs(7200);
        for id in [kept, old] {
            std::fs::File::options()
                .write(true)
                .open(blobs.path(&id))
                .unwrap()
                .set_modified(two_hours_ago)
                .unwrap();
        }
        let report = collect(&blobs, &HashSet::from([kept]), grace, now).unwrap();
        assert_eq!(
            report,
            GcReport {
                referenced: 1,
                in_grace: 1,
                removed: 1
            }
        );
        assert!(blobs.path(&kept).exists());
        assert!(blobs.path(&fresh).exists());
        assert!(!blobs.path(&old).exists());
    }
}
