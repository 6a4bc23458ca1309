//! The orders database on a failing disk. For N = 1..50 and each way a disk fails, the N-th
//! write, sync or resize fails once while orders arrive and steps are added to them: the save
//! it belonged to reports the disk's error, the next save opens the file again by itself, and
//! after a restart on a healthy disk every acknowledged order and step is there, each with the
//! outbox message saved with it, and redb finds every page sound.

use std::collections::BTreeMap;

use smartket_protocol::messages::{MessageId, OrderId};
use smartket_protocol::{AuthorKey, RecipientKeys, Signature};

use super::*;
use crate::db_file::faults::{self, Mode, Plan};

/// Saves made in each run: enough writes and syncs that the 50th operation falls inside.
const SAVES: u8 = 24;

fn step(order: u8, n: u8) -> Kept {
    Kept {
        inner: vec![order, n],
        signature: Signature([n; 64]),
    }
}

fn outgoing(n: u8) -> Outgoing {
    let seller = smartket_protocol::SecretKey::from_bytes(&[n; 32]).public();
    Outgoing {
        to: RecipientKeys {
            author: seller,
            enc: smartket_protocol::EncryptionKey::from_seed(&[n; 32]).public(),
        },
        via: None,
        sealed: vec![n; 300],
        kind: "transition".into(),
        state: DeliveryState::Pending,
        attempts: 0,
        next_try_ms: 0,
        created_ms: 0,
    }
}

/// Saves `steps` steps of order `order` (one message seen and one queued with each).
fn save(db: &OrdersDb, order: u8, steps: u8) -> Result<()> {
    let file = OrderFile {
        order_id: OrderId([order; 16]),
        market: "geneva".into(),
        party: Party::Seller,
        created_ms: u64::from(order),
        history: (0..steps).map(|n| step(order, n)).collect(),
    };
    let seen = (AuthorKey([order; 32]), MessageId([steps; 16]));
    db.save(
        &file,
        Some(seen),
        &[(MessageId([steps; 16]), outgoing(order))],
    )
}

#[test]
fn one_failed_write_or_sync_loses_no_acknowledged_order_or_step() {
    let mut runs = 0;
    for mode in Mode::ALL {
        for n in 1..=50 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("orders.redb");
            let health = DiskHealth::default();
            let plan = Plan::new(mode, false);
            let db = OrdersDb::on_file(faults::open(&path, &health, &plan)).unwrap();
            plan.arm(n);
            // Six orders, each taking steps in turn: order o has s steps after save i.
            let mut acked: BTreeMap<u8, u8> = BTreeMap::new();
            let mut queued = Vec::new();
            let mut failures = 0;
            for i in 0..SAVES {
                let (order, steps) = (i % 6, i / 6 + 1);
                match save(&db, order, steps) {
                    Ok(()) => {
                        acked.insert(order, steps);
                        queued.push((order, MessageId([steps; 16])));
                    }
                    Err(e) => {
                        assert!(e.to_string().contains("orders.redb"), "{e}");
                        assert_eq!(e.is_disk_full(), mode == Mode::Full, "{e}");
                        failures += 1;
                    }
                }
            }
            assert_eq!((plan.failures(), failures), (1, 1), "{mode:?} at {n}");
            drop(db);
            let db = OrdersDb::open(dir.path(), &DiskHealth::default()).unwrap();
            for (&order, &steps) in &acked {
                let file = db.order(&OrderId([order; 16])).unwrap();
                let kept = file.map_or(0, |f| f.history.len());
                // The failed save may have reached the disk after all (its last sync failed
                // late); it may add one step, never lose one.
                assert!(
                    kept == usize::from(steps) || kept == usize::from(steps) + 1,
                    "{mode:?} at {n}: order {order} acknowledged with {steps} steps, has {kept}"
                );
                assert!(
                    db.seen(&AuthorKey([order; 32]), &MessageId([steps; 16]))
                        .unwrap()
                );
            }
            for (order, id) in &queued {
                let outbox = db.outbox_of(&OrderId([*order; 16])).unwrap();
                assert!(
                    outbox.iter().any(|(m, _)| m == id),
                    "{mode:?} at {n}: a queued message of order {order} was lost"
                );
            }
            drop(db);
            faults::check_integrity(&path);
            runs += 1;
        }
    }
    assert_eq!(runs, 150);
}
