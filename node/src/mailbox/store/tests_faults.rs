//! The mailbox on a failing disk. For N = 1..50 and each way a disk fails, the N-th write,
//! sync or resize fails once while mail is deposited and handed out: the deposit or delete it
//! belonged to reports the disk's error (so the depositor is never told Stored for it), the
//! next one opens the file again by itself, and after a restart on a healthy disk every
//! deposit acknowledged and not handed out is there, and redb finds every page sound.

use super::*;
use crate::db_file::faults::{self, Mode, Plan};

const NOW: u64 = 1_800_000_000_000;
const DAY: u64 = 86_400_000;

#[test]
fn one_failed_write_or_sync_loses_no_acknowledged_deposit() {
    let mut runs = 0;
    for mode in Mode::ALL {
        for n in 1..=50 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("mailbox.redb");
            let health = DiskHealth::default();
            let plan = Plan::new(mode, false);
            let store = MailboxStore::on_file(faults::open(&path, &health, &plan)).unwrap();
            plan.arm(n);
            let recipient = [7u8; 32];
            let (mut kept, mut failures) = (Vec::new(), 0);
            for i in 0..24u8 {
                let result = if i % 4 == 3 {
                    // Every fourth step the recipient collects the oldest message kept.
                    let Some(id) = kept.first().copied() else {
                        continue;
                    };
                    store.delete(&recipient, &[id]).map(|_| {
                        kept.remove(0);
                    })
                } else {
                    store
                        .deposit(&recipient, &[i], vec![i; 1024], NOW + DAY, NOW)
                        .map(|r| kept.push(r.expect("within quota").0))
                };
                if let Err(e) = result {
                    assert!(e.to_string().contains("mailbox.redb"), "{e}");
                    assert_eq!(e.is_disk_full(), mode == Mode::Full, "{e}");
                    failures += 1;
                }
            }
            assert_eq!((plan.failures(), failures), (1, 1), "{mode:?} at {n}");
            drop(store);
            let store = MailboxStore::open(dir.path(), &DiskHealth::default()).unwrap();
            let (held, _) = store.page(&recipient, None, 100, NOW).unwrap();
            let held: Vec<MailboxId> = held.iter().map(|m| m.id).collect();
            for id in &kept {
                assert!(
                    held.contains(id),
                    "{mode:?} at {n}: an acknowledged deposit was lost"
                );
            }
            drop(store);
            faults::check_integrity(&path);
            runs += 1;
        }
    }
    assert_eq!(runs, 150);
}
