//! Quotas of the mailboxes: per pair, per recipient, per depositor and in all, counted in the
//! deposit's own transaction, kept right across deletes, sweeps and restarts.

use super::*;

const NOW: u64 = 1_800_000_000_000;
const DAY: u64 = 86_400_000;

fn store() -> (tempfile::TempDir, MailboxStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = MailboxStore::open(dir.path(), &DiskHealth::default()).unwrap();
    (dir, store)
}

/// A distinct sealed message of `len` bytes.
fn sealed(n: u32, len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    bytes[..4].copy_from_slice(&n.to_be_bytes());
    bytes
}

fn put(
    store: &MailboxStore,
    to: u8,
    from: u8,
    n: u32,
) -> std::result::Result<MailboxId, RefuseCode> {
    store
        .deposit(&[to; 32], &[from; 38], sealed(n, 1024), NOW + DAY, NOW)
        .unwrap()
        .map(|(id, _)| id)
}

/// Every usage row recounted from the messages themselves.
fn recount(store: &MailboxStore) -> Vec<(Vec<u8>, (u64, u64))> {
    let txn = store.db.begin_read().unwrap();
    let messages = txn.open_table(MESSAGES).unwrap();
    let mut rows = std::collections::BTreeMap::<Vec<u8>, (u64, u64)>::new();
    for row in messages.iter().unwrap() {
        let (k, v) = row.unwrap();
        let (recipient, _, _) = k.value();
        let entry = Entry::decode(v.value()).unwrap();
        for holder in holders(recipient, &entry.depositor) {
            let row = rows.entry(holder.key()).or_default();
            row.0 += 1;
            row.1 += entry.sealed.len() as u64;
        }
    }
    rows.into_iter().collect()
}

fn usage_rows(store: &MailboxStore) -> Vec<(Vec<u8>, (u64, u64))> {
    let txn = store.db.begin_read().unwrap();
    let usage = txn.open_table(USAGE).unwrap();
    usage
        .iter()
        .unwrap()
        .map(|row| {
            let (k, v) = row.unwrap();
            (k.value().to_vec(), v.value())
        })
        .collect()
}

#[test]
fn one_depositor_cannot_fill_a_recipients_mailbox() {
    let (_dir, store) = store();
    for n in 0..PAIR_QUOTA_MESSAGES as u32 {
        put(&store, 1, 9, n).unwrap();
    }
    assert_eq!(put(&store, 1, 9, 1000), Err(RefuseCode::SenderQuota));
    // The same depositor may still write to others, and others to this recipient.
    put(&store, 2, 9, 1001).unwrap();
    put(&store, 1, 8, 1002).unwrap();
    // The same bytes again is not a new message: it is accepted whatever the quota.
    let again = store
        .deposit(&[1; 32], &[9; 38], sealed(0, 1024), NOW + 2 * DAY, NOW)
        .unwrap();
    assert_eq!(again.map(|(_, expires)| expires), Ok(NOW + 2 * DAY));
}

#[test]
fn a_full_recipient_is_refused_until_mail_is_collected_or_expires() {
    let (_dir, store) = store();
    let depositors = RECIPIENT_QUOTA_MESSAGES as u64 / PAIR_QUOTA_MESSAGES;
    let mut first = None;
    for from in 0..depositors as u8 {
        for n in 0..PAIR_QUOTA_MESSAGES as u32 {
            let id = put(&store, 1, from, u32::from(from) * 1000 + n).unwrap();
            first.get_or_insert(id);
        }
    }
    assert_eq!(
        put(&store, 1, 200, 100_000),
        Err(RefuseCode::RecipientQuota)
    );
    assert_eq!(store.delete(&[1; 32], &[first.unwrap()]).unwrap(), 1);
    put(&store, 1, 200, 100_000).unwrap();
    assert_eq!(
        put(&store, 1, 201, 100_001),
        Err(RefuseCode::RecipientQuota)
    );
    // A day and a half later every message has expired: the next deposit clears them out
    // rather than being refused for them.
    let later = NOW + DAY + DAY / 2;
    let kept = store
        .deposit(
            &[1; 32],
            &[201; 38],
            sealed(100_002, 1024),
            later + DAY,
            later,
        )
        .unwrap();
    assert!(kept.is_ok(), "{kept:?}");
    assert_eq!(store.kept().unwrap(), 1);
    assert_eq!(usage_rows(&store), recount(&store));
}

#[test]
fn the_cooperative_as_a_whole_holds_at_most_its_total() {
    let (_dir, mut store) = store();
    store.limits[0] = (100, TOTAL_BYTES, RefuseCode::Busy);
    for n in 0..100u32 {
        put(&store, (n % 50) as u8, (n / 4) as u8, n).unwrap();
    }
    assert_eq!(put(&store, 77, 77, 1), Err(RefuseCode::Busy));
    store.limits[0] = (TOTAL_MESSAGES, 100 * 1024 + 10, RefuseCode::Busy);
    assert_eq!(put(&store, 77, 77, 1), Err(RefuseCode::Busy));
    assert_eq!(store.kept().unwrap(), 100);
}

#[test]
fn the_counts_agree_with_the_messages_after_deletes_sweeps_and_a_restart() {
    let (dir, store) = store();
    let mut ids = Vec::new();
    for n in 0..60u32 {
        let expires = if n % 3 == 0 { NOW + 1000 } else { NOW + DAY };
        let to = [(n % 7) as u8; 32];
        let (id, _) = store
            .deposit(
                &to,
                &[(n % 5) as u8; 38],
                sealed(n, 100 + n as usize),
                expires,
                NOW,
            )
            .unwrap()
            .unwrap();
        ids.push((to, id));
    }
    for (to, id) in ids.iter().step_by(4) {
        store.delete(to, &[*id]).unwrap();
    }
    assert_eq!(usage_rows(&store), recount(&store));
    assert_eq!(store.sweep(NOW + 2000).unwrap(), 20 - 5);
    assert_eq!(usage_rows(&store), recount(&store));
    let kept = store.kept().unwrap();
    drop(store);
    let store = MailboxStore::open(dir.path(), &DiskHealth::default()).unwrap();
    assert_eq!(store.kept().unwrap(), kept);
    assert_eq!(usage_rows(&store), recount(&store));
}

/// A mailbox file from before the `usage` table gets it counted when opened.
#[test]
fn a_file_without_counts_is_counted_on_open() {
    let (dir, store) = store();
    for n in 0..10u32 {
        put(&store, (n % 3) as u8, 4, n).unwrap();
    }
    let expected = usage_rows(&store);
    let txn = store.db.begin_write().unwrap();
    txn.delete_table(USAGE).unwrap();
    txn.commit().unwrap();
    drop(store);
    let store = MailboxStore::open(dir.path(), &DiskHealth::default()).unwrap();
    assert_eq!(usage_rows(&store), expected);
    assert_eq!(store.kept().unwrap(), 10);
}

#[test]
fn pages_follow_the_deposit_order_from_after_the_id_given() {
    let (_dir, store) = store();
    let mut ids = Vec::new();
    for n in 0..7u32 {
        let (id, _) = store
            .deposit(
                &[1; 32],
                &[n as u8; 38],
                sealed(n, 64),
                NOW + DAY,
                NOW + u64::from(n),
            )
            .unwrap()
            .unwrap();
        ids.push(id);
        put(&store, 2, 1, n).unwrap();
    }
    let (page, more) = store.page(&[1; 32], None, 3, NOW + 10).unwrap();
    assert_eq!(page.iter().map(|m| m.id).collect::<Vec<_>>(), ids[..3]);
    assert!(more);
    let (page, more) = store.page(&[1; 32], Some(&ids[2]), 10, NOW + 10).unwrap();
    assert_eq!(page.iter().map(|m| m.id).collect::<Vec<_>>(), ids[3..]);
    assert!(!more);
    let gone = MailboxId([0xee; 32]);
    let (page, _) = store.page(&[1; 32], Some(&gone), 2, NOW + 10).unwrap();
    assert_eq!(page.iter().map(|m| m.id).collect::<Vec<_>>(), ids[..2]);
}
