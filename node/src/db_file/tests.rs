//! A database file across a failing disk: it reports the disk's own error, opens again by
//! itself, and loses no committed write.

use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use super::faults::{self, Mode, Plan};
use crate::disk::DiskHealth;

const T: TableDefinition<u64, u64> = TableDefinition::new("t");

fn put(file: &super::DbFile, k: u64) -> Result<(), redb::Error> {
    let txn = file.begin_write()?;
    txn.open_table(T)?.insert(k, k)?;
    txn.commit()?;
    Ok(())
}

fn keys(path: &std::path::Path) -> Vec<u64> {
    let db = redb::Database::create(path).unwrap();
    let txn = db.begin_read().unwrap();
    let Ok(table) = txn.open_table(T) else {
        return Vec::new();
    };
    table
        .iter()
        .unwrap()
        .map(|row| row.unwrap().0.value())
        .collect()
}

#[test]
fn a_full_disk_is_reported_then_the_file_opens_again_when_space_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.redb");
    let health = DiskHealth::probing(dir.path().join("disk-probe"));
    let plan = Plan::new(Mode::Full, true);
    let file = faults::open(&path, &health, &plan);
    put(&file, 1).unwrap();
    plan.arm(1);
    let err = put(&file, 2).unwrap_err();
    assert!(
        matches!(&err, redb::Error::Io(e) if crate::disk::is_full(e)),
        "{err}"
    );
    let fault = health.fault().expect("the full disk is reported");
    assert!(fault.full);
    assert!(fault.file.ends_with("t.redb"));
    // While the disk stays full a write fails as a full disk or works (when it fits in the
    // file), never otherwise, and nothing panics or spins.
    let mut kept = vec![1];
    for k in 3..10 {
        match put(&file, k) {
            Ok(()) => kept.push(k),
            Err(err) => assert!(
                matches!(&err, redb::Error::Io(e) if crate::disk::is_full(e)),
                "{err}"
            ),
        }
    }
    plan.heal();
    put(&file, 10).unwrap();
    kept.push(10);
    assert!(
        health.fault().is_some(),
        "a commit is no proof that space came back"
    );
    assert_eq!(health.probe(), None, "the probe's write is");
    drop(file);
    assert_eq!(keys(&path), kept);
    faults::check_integrity(&path);
}

#[test]
fn one_failed_write_in_each_mode_loses_only_what_was_not_acknowledged() {
    for mode in Mode::ALL {
        for n in 1..=50 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.redb");
            let health = DiskHealth::default();
            let plan = Plan::new(mode, false);
            let file = faults::open(&path, &health, &plan);
            plan.arm(n);
            let mut acked = Vec::new();
            for k in 0..20 {
                if put(&file, k).is_ok() {
                    acked.push(k);
                }
            }
            assert_eq!(plan.failures(), 1, "{mode:?} at {n}");
            assert!(acked.len() >= 19, "{mode:?} at {n}: only {acked:?}");
            drop(file);
            let kept = keys(&path);
            for k in &acked {
                assert!(
                    kept.contains(k),
                    "{mode:?} at {n}: {k} acknowledged, then lost"
                );
            }
            faults::check_integrity(&path);
        }
    }
}
