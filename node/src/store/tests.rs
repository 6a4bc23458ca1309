//! Store tests against real redb files in temp dirs.

use std::ops::Bound;

use redb::{ReadableTable, ReadableTableMetadata};
use smartket_protocol::record::MAX_LIFETIME_MS;
use smartket_protocol::{Kind, RecordId};

use super::fixtures::*;
use super::tables::{MARKET_INDEX, RECORDS};
use super::*;

fn stored(outcome: &CommitOutcome) -> Option<RecordId> {
    match outcome {
        CommitOutcome::Stored { replaced, .. } => *replaced,
        other => panic!("expected Stored, got {other:?}"),
    }
}

fn index_ids(store: &Store) -> Vec<(u64, RecordId)> {
    store
        .market_range(MARKET, (0, RecordId([0; 32])), Bound::Unbounded, usize::MAX)
        .unwrap()
}

#[test]
fn a_newer_revision_replaces_the_current_record() {
    let (_dir, store) = temp_store();
    let t = now();
    let old = listing(1, "pommes", t - 2000);
    let new = listing(1, "pommes", t - 1000);
    let out = store.commit(vec![old.clone(), new.clone()]).unwrap();
    assert_eq!(stored(&out[0]), None);
    assert_eq!(stored(&out[1]), Some(old.id));
    assert_eq!(store.current(&new.slot()).unwrap(), Some(new.clone()));
    assert_eq!(store.get(&old.id).unwrap(), None);
    assert!(!store.has(&old.id).unwrap());
    assert_eq!(index_ids(&store), vec![(new.payload.rev, new.id)]);
    assert_eq!(store.by_author(MARKET, &author(1)).unwrap(), vec![new]);
}

#[test]
fn an_older_revision_is_stale() {
    let (_dir, store) = temp_store();
    let t = now();
    let new = listing(1, "pommes", t - 1000);
    let old = listing(1, "pommes", t - 2000);
    store.commit(vec![new.clone()]).unwrap();
    assert_eq!(store.commit(vec![old]).unwrap(), vec![CommitOutcome::Stale]);
    assert_eq!(store.current(&new.slot()).unwrap(), Some(new));
}

#[test]
fn equal_revisions_keep_the_lower_id_whatever_the_insertion_order() {
    let t = now();
    let a = signed(1, "pommes", t, DAY, listing_body("a"));
    let b = signed(1, "pommes", t, DAY, listing_body("b"));
    let (low, high) = if a.id < b.id { (a, b) } else { (b, a) };
    for order in [
        vec![low.clone(), high.clone()],
        vec![high.clone(), low.clone()],
    ] {
        let (_dir, store) = temp_store();
        store.commit(order).unwrap();
        assert_eq!(store.current(&low.slot()).unwrap(), Some(low.clone()));
        assert_eq!(index_ids(&store), vec![(t, low.id)]);
    }
    // One at a time, too.
    let (_dir, store) = temp_store();
    store.commit(vec![high.clone()]).unwrap();
    assert_eq!(
        stored(&store.commit(vec![low.clone()]).unwrap()[0]),
        Some(high.id)
    );
    assert_eq!(
        store.commit(vec![high]).unwrap(),
        vec![CommitOutcome::Stale]
    );
}

#[test]
fn the_same_record_twice_is_a_duplicate_even_in_one_batch() {
    let (_dir, store) = temp_store();
    let r = listing(1, "pommes", now());
    let out = store.commit(vec![r.clone(), r.clone()]).unwrap();
    assert_eq!(stored(&out[0]), None);
    assert_eq!(out[1], CommitOutcome::Duplicate);
    assert_eq!(
        store.commit(vec![r]).unwrap(),
        vec![CommitOutcome::Duplicate]
    );
}

#[test]
fn a_tombstone_removes_its_target_from_the_indexes_and_blocks_older_revisions() {
    let (_dir, store) = temp_store();
    let t = now();
    let target = listing(1, "pommes", t - 2000);
    let other = listing(1, "poires", t - 2000);
    let stone = tombstone(1, Kind::Listing, "pommes", t - 1000);
    store.commit(vec![target.clone(), other.clone()]).unwrap();
    let out = store.commit(vec![stone.clone()]).unwrap();
    assert_eq!(stored(&out[0]), Some(target.id));
    assert_eq!(store.get(&target.id).unwrap(), None);
    assert_eq!(store.current(&target.slot()).unwrap(), Some(stone.clone()));
    assert_eq!(
        store.by_author(MARKET, &author(1)).unwrap(),
        vec![other.clone()]
    );
    assert_eq!(store.current_in_market(MARKET, None).unwrap(), vec![other]);
    // The tombstone itself stays in the market index, so that the deletion syncs.
    let ids: Vec<RecordId> = index_ids(&store).into_iter().map(|(_, id)| id).collect();
    assert!(ids.contains(&stone.id) && !ids.contains(&target.id));
    // The old revision arriving again (from a peer that missed the deletion) stays out.
    assert_eq!(
        store.commit(vec![target]).unwrap(),
        vec![CommitOutcome::Stale]
    );
    let again = listing(1, "pommes", t - 1500);
    assert_eq!(
        store.commit(vec![again]).unwrap(),
        vec![CommitOutcome::Stale]
    );
}

#[test]
fn expired_records_are_not_served_and_the_sweep_removes_them() {
    let (_dir, store) = temp_store();
    let t = now();
    let gone = signed(1, "pommes", t - 2 * DAY, DAY, listing_body("pommes"));
    let live = listing(1, "poires", t - 1000);
    store.commit(vec![gone.clone(), live.clone()]).unwrap();
    assert_eq!(store.get(&gone.id).unwrap(), None);
    assert_eq!(store.current(&gone.slot()).unwrap(), None);
    assert_eq!(
        store.by_author(MARKET, &author(1)).unwrap(),
        vec![live.clone()]
    );
    assert_eq!(store.counts(MARKET).unwrap().get(&Kind::Listing), Some(&2));

    let swept = store.sweep_expired(t).unwrap();
    assert_eq!(swept.expired, vec![gone.id]);
    assert!(!store.has(&gone.id).unwrap());
    assert_eq!(index_ids(&store), vec![(live.payload.rev, live.id)]);
    assert_eq!(store.counts(MARKET).unwrap().get(&Kind::Listing), Some(&1));
    assert_eq!(store.sweep_expired(t).unwrap(), Swept::default());
}

#[test]
fn a_swept_slot_keeps_older_revisions_out_until_they_must_have_expired() {
    let (_dir, store) = temp_store();
    let t = now();
    // rev 2 lives a day; the older rev 1 was published to live two days.
    let newer = signed(1, "pommes", t - 3 * DAY, DAY, listing_body("v2"));
    let older = signed(1, "pommes", t - 3 * DAY - 1000, 4 * DAY, listing_body("v1"));
    store.commit(vec![newer.clone()]).unwrap();
    assert_eq!(store.sweep_expired(t).unwrap().expired, vec![newer.id]);
    assert_eq!(
        store.commit(vec![older]).unwrap(),
        vec![CommitOutcome::Stale]
    );
    // Once every older revision must have expired, the slot row goes too.
    let later = newer.payload.rev + MAX_LIFETIME_MS + 1;
    assert_eq!(store.sweep_expired(later).unwrap(), Swept::default());
    let txn = store.inner.db.begin_read().unwrap();
    assert!(
        txn.open_table(super::tables::SLOTS)
            .unwrap()
            .is_empty()
            .unwrap()
    );
}

#[test]
fn the_market_range_is_ordered_by_rev_then_id_and_holds_only_current_records() {
    let (_dir, store) = temp_store();
    let t = now();
    let mut records = Vec::new();
    for n in 1..=6u8 {
        // Pairs of authors share a revision, so ids decide their order.
        records.push(listing(n, "pommes", t - 1000 * u64::from(n.div_ceil(2))));
    }
    let replaced = listing(7, "poires", t - 9000);
    let replacement = listing(7, "poires", t - 500);
    records.push(replaced.clone());
    records.push(replacement.clone());
    records.push(signed_in(8, "lausanne", "x", t, DAY, listing_body("x")));
    store.commit(records.clone()).unwrap();

    let mut expected: Vec<(u64, RecordId)> = records[..6]
        .iter()
        .chain([&replacement])
        .map(|r| (r.payload.rev, r.id))
        .collect();
    expected.sort();
    let all = index_ids(&store);
    assert_eq!(all, expected);
    assert_eq!(
        store
            .market_count(MARKET, (0, RecordId([0; 32])), Bound::Unbounded)
            .unwrap(),
        7
    );

    // Paging: from the 3rd entry, 2 at a time, and an exclusive end.
    let page = store
        .market_range(MARKET, all[2], Bound::Unbounded, 2)
        .unwrap();
    assert_eq!(page, all[2..4]);
    let bounded = store
        .market_range(MARKET, all[1], Bound::Excluded(all[5]), 100)
        .unwrap();
    assert_eq!(bounded, all[1..5]);
    assert_eq!(
        store
            .market_count(MARKET, all[1], Bound::Included(all[5]))
            .unwrap(),
        5
    );
}

#[test]
fn counts_are_kept_per_kind() {
    let (_dir, store) = temp_store();
    let t = now();
    store
        .commit(vec![
            listing(1, "a", t - 3000),
            listing(1, "b", t - 3000),
            listing(2, "a", t - 3000),
            membership(3, 1, true, t + DAY, t - 3000),
            tombstone(1, Kind::Listing, "b", t - 1000),
        ])
        .unwrap();
    let counts = store.counts(MARKET).unwrap();
    assert_eq!(counts.get(&Kind::Listing), Some(&2));
    assert_eq!(counts.get(&Kind::Membership), Some(&1));
    assert_eq!(counts.get(&Kind::Tombstone), Some(&1));
    assert!(store.counts("lausanne").unwrap().is_empty());
    assert_eq!(
        store
            .current_in_market(MARKET, Some(Kind::Membership))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(store.current_in_market(MARKET, None).unwrap().len(), 3);
}

#[test]
fn reopening_the_database_keeps_every_record() {
    let (dir, store) = temp_store();
    let t = now();
    let records: Vec<_> = (1..=20u8).map(|n| listing(n, "pommes", t - 1000)).collect();
    store.commit(records.clone()).unwrap();
    drop(store);
    let store = Store::open(&dir.path().join("smartket.redb")).unwrap();
    for r in &records {
        assert_eq!(store.get(&r.id).unwrap().as_ref(), Some(r));
        assert_eq!(store.wire(&r.id).unwrap(), Some(r.to_wire()));
    }
    assert_eq!(index_ids(&store).len(), 20);
    assert_eq!(store.counts(MARKET).unwrap().get(&Kind::Listing), Some(&20));
}

#[test]
fn a_second_open_of_the_same_file_is_locked() {
    let (dir, _store) = temp_store();
    let err = Store::open(&dir.path().join("smartket.redb")).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
}

#[test]
fn opening_a_file_that_is_not_a_database_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("smartket.redb");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    assert!(Store::open(&path).is_err());
    let missing = dir.path().join("no/such/dir/smartket.redb");
    assert!(matches!(Store::open(&missing), Err(StoreError::Io { .. })));
}

#[test]
fn a_corrupt_record_row_is_an_error_not_a_panic() {
    let (_dir, store) = temp_store();
    let t = now();
    let short = listing(1, "pommes", t);
    let garbled = listing(2, "pommes", t);
    store.commit(vec![short.clone(), garbled.clone()]).unwrap();
    {
        let txn = store.inner.db.begin_write().unwrap();
        {
            let mut records = txn.open_table(RECORDS).unwrap();
            records.insert(&short.id.0, [1u8, 2, 3].as_slice()).unwrap();
            let mut row = records
                .get(&garbled.id.0)
                .unwrap()
                .unwrap()
                .value()
                .to_vec();
            let last = row.len() - 120;
            row[last] ^= 0x01; // inside the payload (the wire ends with 100 bytes of key and signature)
            records.insert(&garbled.id.0, row.as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }
    for id in [short.id, garbled.id] {
        let err = store.get(&id).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    }
    assert!(store.by_author(MARKET, &author(1)).is_err());
    assert!(store.sweep_expired(t + 2 * DAY).is_err());
    // The index is untouched by the failed sweep (its transaction did not commit).
    let txn = store.inner.db.begin_read().unwrap();
    assert_eq!(txn.open_table(MARKET_INDEX).unwrap().len().unwrap(), 2);
}

#[test]
fn a_new_database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _store) = temp_store();
    let meta = std::fs::metadata(dir.path().join("smartket.redb")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
}
