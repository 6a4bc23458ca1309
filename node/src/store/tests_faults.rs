//! The store on a failing disk. For N = 1..50 and each way a disk fails (an I/O error, a short
//! write, a full disk), the N-th write, sync or resize fails once: the commit it belonged to
//! reports the disk's error (never a panic), the next commit opens the file again by itself,
//! and after a restart on a healthy disk every acknowledged record is there, a failed batch is
//! there whole or not at all, the indexes agree, and redb finds every page sound.

use std::ops::Bound;

use smartket_protocol::RecordId;

use super::fixtures::*;
use super::*;
use crate::db_file::faults::{self, Mode, Plan};

/// Commits made in each run: enough writes and syncs that the 50th operation falls inside.
const COMMITS: u64 = 24;

fn batch(i: u64) -> Vec<Record> {
    let t = now();
    vec![
        listing(1, &format!("pommes-{i}"), t + i),
        listing(2, &format!("poires-{i}"), t + i),
    ]
}

/// Every record of the market, and whether the counts table agrees with the market index.
fn held(store: &Store) -> Vec<RecordId> {
    let index = store
        .market_range(MARKET, (0, RecordId([0; 32])), Bound::Unbounded, usize::MAX)
        .unwrap();
    let counted: u64 = store.counts(MARKET).unwrap().values().sum();
    assert_eq!(
        counted,
        index.len() as u64,
        "counts disagree with the index"
    );
    for (_, id) in &index {
        assert!(
            store.get(id).unwrap().is_some(),
            "{id} indexed but not stored"
        );
    }
    index.into_iter().map(|(_, id)| id).collect()
}

#[test]
fn one_failed_write_or_sync_loses_no_acknowledged_record() {
    let mut runs = 0;
    for mode in Mode::ALL {
        for n in 1..=50 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("smartket.redb");
            let health = DiskHealth::default();
            let plan = Plan::new(mode, false);
            let store = Store::on_file(faults::open(&path, &health, &plan)).unwrap();
            plan.arm(n);
            let (mut acked, mut failed) = (Vec::new(), Vec::new());
            for i in 0..COMMITS {
                let records = batch(i);
                match store.commit(records.clone()) {
                    Ok(outcomes) => {
                        assert!(
                            outcomes
                                .iter()
                                .all(|o| matches!(o, CommitOutcome::Stored { .. }))
                        );
                        acked.extend(records.iter().map(|r| r.id));
                    }
                    Err(e) => {
                        assert!(matches!(e, StoreError::Io { .. }), "{mode:?} at {n}: {e}");
                        assert!(e.to_string().contains("smartket.redb"), "{e}");
                        assert_eq!(e.is_disk_full(), mode == Mode::Full, "{e}");
                        failed.push(records);
                    }
                }
            }
            assert_eq!(plan.failures(), 1, "{mode:?} at {n}");
            assert_eq!(
                failed.len(),
                1,
                "{mode:?} at {n}: one failure fails one commit"
            );
            drop(store);
            let store = Store::open(&path).unwrap();
            let kept = held(&store);
            for id in &acked {
                assert!(
                    kept.contains(id),
                    "{mode:?} at {n}: {id} acknowledged, then lost"
                );
            }
            for records in &failed {
                let there = records.iter().filter(|r| kept.contains(&r.id)).count();
                assert!(
                    there == 0 || there == records.len(),
                    "{mode:?} at {n}: half a batch"
                );
            }
            drop(store);
            faults::check_integrity(&path);
            runs += 1;
        }
    }
    assert_eq!(runs, 150);
}

#[test]
fn a_full_disk_refuses_what_needs_space_keeps_serving_reads_and_carries_on_when_space_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("smartket.redb");
    let health = DiskHealth::probing(dir.path().join("disk-probe"));
    let plan = Plan::new(Mode::Full, true);
    let store = Store::on_file(faults::open(&path, &health, &plan)).unwrap();
    store.commit(batch(0)).unwrap();
    plan.arm(1);
    // While the disk stays full, a commit that fits in the file's free pages may still work
    // (as on a real disk); one that needs the file to grow fails as a full disk, never
    // otherwise, and what was acknowledged stays readable.
    let mut acked = batch(0).iter().map(|r| r.id).collect::<Vec<_>>();
    let mut refused = 0;
    for i in 1..40 {
        let records = batch(i);
        match store.commit(records.clone()) {
            Ok(_) => acked.extend(records.iter().map(|r| r.id)),
            Err(e) => {
                assert!(e.is_disk_full(), "{e}");
                refused += 1;
            }
        }
        let kept = held(&store);
        assert!(
            acked.iter().all(|id| kept.contains(id)),
            "a read lost a record"
        );
    }
    assert!(refused > 0);
    assert!(health.fault().is_some_and(|f| f.full));
    plan.heal();
    store.commit(batch(40)).unwrap();
    assert_eq!(health.probe(), None, "the probe finds space again");
    assert_eq!(held(&store).len(), acked.len() + 2);
}
