//! The per-author quota: one key holds at most [`MAX_AUTHOR_RECORDS`] current records in a
//! market, counted in the commit's own transaction and kept right across replacements,
//! expiry and restarts.

use redb::ReadableTable;
use smartket_protocol::Kind;

use super::fixtures::*;
use super::tables::{AUTHOR_USAGE, RECORDS, decode_row};
use super::*;

/// (market, author) → (records, bytes), sorted.
type Rows = Vec<((String, [u8; 32]), (u64, u64))>;

/// Every (market, author) row recounted from the records themselves.
fn recount(store: &Store) -> Rows {
    let txn = store.inner.db.begin_read().unwrap();
    let records = txn.open_table(RECORDS).unwrap();
    let mut rows = std::collections::BTreeMap::<(String, [u8; 32]), (u64, u64)>::new();
    for row in records.iter().unwrap() {
        let (_, v) = row.unwrap();
        let (meta, wire) = decode_row(v.value()).unwrap();
        let entry = rows.entry((meta.market, meta.author.0)).or_default();
        entry.0 += 1;
        entry.1 += wire.len() as u64;
    }
    rows.into_iter().collect()
}

fn usage(store: &Store) -> Rows {
    let txn = store.inner.db.begin_read().unwrap();
    let table = txn.open_table(AUTHOR_USAGE).unwrap();
    table
        .iter()
        .unwrap()
        .map(|row| {
            let (k, v) = row.unwrap();
            let (market, author) = k.value();
            ((market.to_owned(), *author), v.value())
        })
        .collect()
}

#[test]
fn one_author_holds_at_most_its_quota_of_records_in_a_market() {
    let (_dir, store) = temp_store();
    let t = now();
    let batch: Vec<Record> = (0..MAX_AUTHOR_RECORDS)
        .map(|i| listing(1, &format!("l{i}"), t))
        .collect();
    let outcomes = store.commit_at(&batch, t).unwrap();
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, CommitOutcome::Stored { .. }))
    );

    match &store.commit_at(&[listing(1, "one-more", t)], t).unwrap()[0] {
        CommitOutcome::OverQuota(quota) => {
            assert_eq!(quota.records, MAX_AUTHOR_RECORDS);
            assert!(quota.to_string().contains("withdraw some"), "{quota}");
        }
        other => panic!("{other:?}"),
    }
    // A new revision of a slot it holds takes no more room; another author is not affected.
    let revised = listing(1, "l7", t + 1);
    assert!(matches!(
        store.commit_at(&[revised], t).unwrap()[0],
        CommitOutcome::Stored {
            replaced: Some(_),
            ..
        }
    ));
    assert!(matches!(
        store.commit_at(&[listing(2, "l0", t)], t).unwrap()[0],
        CommitOutcome::Stored { .. }
    ));
    // Once its records expire, the room comes back.
    let later = t + 2 * DAY;
    store.sweep_expired(later).unwrap();
    assert!(matches!(
        store
            .commit_at(&[listing(1, "one-more", later)], later)
            .unwrap()[0],
        CommitOutcome::Stored { .. }
    ));
    assert_eq!(usage(&store), recount(&store));
}

#[test]
fn the_counts_agree_with_the_records_after_replacements_tombstones_and_a_reopen() {
    let (dir, store) = temp_store();
    let t = now();
    let mut batch = Vec::new();
    for n in 1..=4u8 {
        for i in 0..20u64 {
            batch.push(listing(n, &format!("k{i}"), t + i));
        }
    }
    store.commit_at(&batch, t).unwrap();
    let changes: Vec<Record> = (0..10u64)
        .map(|i| match i % 2 {
            0 => listing(1, &format!("k{i}"), t + 100 + i),
            _ => tombstone(2, Kind::Listing, &format!("k{i}"), t + 100 + i),
        })
        .collect();
    store.commit_at(&changes, t).unwrap();
    assert_eq!(usage(&store), recount(&store));
    let counted = usage(&store);

    // A store from before the table: counted when opened.
    let txn = store.inner.db.begin_write().unwrap();
    txn.delete_table(AUTHOR_USAGE).unwrap();
    txn.commit().unwrap();
    let path = store.path().to_owned();
    drop(store);
    let store = Store::open_on(&path, &crate::disk::DiskHealth::default()).unwrap();
    assert_eq!(usage(&store), counted);
    drop(dir);
}
