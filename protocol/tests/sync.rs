//! Reconciliation between two in-memory sets, end to end through the encoded messages, and
//! what a hostile peer gets for breaking the rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use proptest::prelude::*;
use smartket_protocol::RecordId;
use smartket_protocol::sync::{
    Bound, Item, Mode, Range, Reconciler, SyncConfig, SyncError, SyncMessage, VecItemSet,
};

fn id_from(n: u64, salt: u8) -> RecordId {
    let mut id = *blake3::hash(&n.to_le_bytes()).as_bytes();
    id[31] ^= salt;
    RecordId(id)
}

fn items(range: std::ops::Range<u64>, salt: u8) -> Vec<Item> {
    range
        .map(|n| Item::new(1_000 + n * 7, id_from(n, salt)))
        .collect()
}

/// What a whole session produced.
struct Session {
    messages: usize,
    bytes: usize,
    a: (BTreeSet<RecordId>, BTreeSet<RecordId>),
    b: (BTreeSet<RecordId>, BTreeSet<RecordId>),
}

fn run(a: &VecItemSet, b: &VecItemSet, config: SyncConfig) -> Session {
    let (mut left, first) = Reconciler::initiate(a, config).unwrap();
    let mut right = Reconciler::new(config).unwrap();
    let mut wire = first.encode();
    let (mut messages, mut bytes) = (1, wire.len());
    let mut to_right = true;
    loop {
        let reply = if to_right {
            right.receive_bytes(b, &wire).unwrap()
        } else {
            left.receive_bytes(a, &wire).unwrap()
        };
        let Some(reply) = reply else { break };
        wire = reply;
        messages += 1;
        bytes += wire.len();
        to_right = !to_right;
    }
    let sets = |r: &Reconciler| {
        let o = r.outcome();
        (o.have.into_iter().collect(), o.need.into_iter().collect())
    };
    Session {
        messages,
        bytes,
        a: sets(&left),
        b: sets(&right),
    }
}

fn ids(set: &[Item]) -> BTreeSet<RecordId> {
    set.iter().map(|i| i.id).collect()
}

fn assert_exact(a: &[Item], b: &[Item], s: &Session) {
    let (a_ids, b_ids) = (ids(a), ids(b));
    let only_a: BTreeSet<_> = a_ids.difference(&b_ids).copied().collect();
    let only_b: BTreeSet<_> = b_ids.difference(&a_ids).copied().collect();
    assert_eq!(s.a.0, only_a, "initiator's have");
    assert_eq!(s.a.1, only_b, "initiator's need");
    assert_eq!(s.b.0, only_b, "responder's have");
    assert_eq!(s.b.1, only_a, "responder's need");
}

#[test]
fn equal_sets_finish_in_one_round_with_nothing_to_transfer() {
    let all = items(0..1_000, 0);
    let set = VecItemSet::new(all.clone());
    let s = run(&set, &set, SyncConfig::default());
    assert_eq!(s.messages, 1, "the responder has nothing to say");
    assert_exact(&all, &all, &s);
    assert!(s.a.0.is_empty() && s.a.1.is_empty());
}

#[test]
fn disjoint_halves_each_learn_exactly_the_other_half() {
    let all = items(0..2_000, 0);
    let (a, b) = all.split_at(1_000);
    let s = run(
        &VecItemSet::new(a.to_vec()),
        &VecItemSet::new(b.to_vec()),
        SyncConfig::default(),
    );
    assert_exact(a, b, &s);
    assert_eq!(s.a.1.len(), 1_000);
}

#[test]
fn one_percent_differing_in_100_000_is_exact_and_costs_a_fraction_of_the_ids() {
    let common = items(0..99_000, 0);
    let a: Vec<Item> = common
        .iter()
        .copied()
        .chain(items(100_000..101_000, 1))
        .collect();
    let b: Vec<Item> = common
        .iter()
        .copied()
        .chain(items(200_000..201_000, 2))
        .collect();
    let s = run(
        &VecItemSet::new(a.clone()),
        &VecItemSet::new(b.clone()),
        SyncConfig::default(),
    );
    assert_exact(&a, &b, &s);
    // Measured about 20 % of 100 000 × 40 bytes (examples/sync_figures.rs); a full sync costs
    // 80 %, the ids themselves.
    assert!(s.bytes < 100_000 * 40 / 4, "{} bytes", s.bytes);
    assert!(s.messages <= 16, "{} messages", s.messages);
}

#[test]
fn empty_against_full_transfers_everything_in_bounded_messages() {
    let full = items(0..50_000, 0);
    let config = SyncConfig::default();
    for (a, b) in [(full.clone(), Vec::new()), (Vec::new(), full.clone())] {
        let s = run(
            &VecItemSet::new(a.clone()),
            &VecItemSet::new(b.clone()),
            config,
        );
        assert_exact(&a, &b, &s);
        // A diff of at most `max_ids` ids every other message.
        let rounds = 2 * (50_000 / config.limits.max_ids + 1) + 3;
        assert!(s.messages <= rounds, "{} messages", s.messages);
    }
    let s = run(&VecItemSet::default(), &VecItemSet::default(), config);
    assert!(s.a.0.is_empty() && s.a.1.is_empty());
}

#[test]
fn items_with_equal_timestamps_are_told_apart_by_id() {
    let a: Vec<Item> = (0..500).map(|n| Item::new(42, id_from(n, 0))).collect();
    let mut b = a[..450].to_vec();
    b.extend((1_000..1_030).map(|n| Item::new(42, id_from(n, 0))));
    let s = run(
        &VecItemSet::new(a.clone()),
        &VecItemSet::new(b.clone()),
        SyncConfig::default(),
    );
    assert_exact(&a, &b, &s);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn the_outcome_is_the_true_set_difference(
        a in prop::collection::vec((0u64..50, 0u64..400), 0..300),
        b in prop::collection::vec((0u64..50, 0u64..400), 0..300),
        branching in 2usize..10,
        threshold in 1usize..10,
    ) {
        let to_items = |v: &[(u64, u64)]| -> Vec<Item> {
            v.iter().map(|(ts, n)| Item::new(*ts, id_from(*n * 1000 + *ts, 0))).collect()
        };
        let (a, b) = (to_items(&a), to_items(&b));
        let config = SyncConfig { branching, id_list_threshold: threshold, ..SyncConfig::default() };
        let s = run(&VecItemSet::new(a.clone()), &VecItemSet::new(b.clone()), config);
        assert_exact(&a, &b, &s);
    }
}

fn fingerprint_range(upper: Bound) -> Range {
    Range {
        upper,
        mode: Mode::Fingerprint(smartket_protocol::sync::Fingerprint([9; 16])),
    }
}

fn bound(ts: u64) -> Bound {
    Bound::At {
        timestamp: ts,
        id: [0; 32],
    }
}

#[test]
fn overlapping_or_unordered_ranges_are_refused() {
    let message = SyncMessage {
        ranges: vec![
            fingerprint_range(bound(50)),
            fingerprint_range(bound(50)),
            fingerprint_range(Bound::End),
        ],
    };
    let limits = SyncConfig::default().limits;
    let err = SyncMessage::decode(&message.encode(), &limits).unwrap_err();
    assert!(
        matches!(err, SyncError::RangesOutOfOrder { index: 1 }),
        "{err:?}"
    );
    let short = SyncMessage {
        ranges: vec![fingerprint_range(bound(50))],
    };
    let err = SyncMessage::decode(&short.encode(), &limits).unwrap_err();
    assert!(matches!(err, SyncError::RangesDoNotCover), "{err:?}");
}

#[test]
fn too_many_ranges_are_refused_from_the_header() {
    let config = SyncConfig::default();
    let ranges = (1..=config.limits.max_ranges as u64 + 1)
        .map(|ts| fingerprint_range(bound(ts)))
        .chain([fingerprint_range(Bound::End)])
        .collect();
    let bytes = SyncMessage { ranges }.encode();
    let err = SyncMessage::decode(&bytes, &config.limits).unwrap_err();
    assert!(matches!(err, SyncError::TooManyRanges { .. }), "{err:?}");
    // A header claiming 2^32 ranges in a few bytes fails the same way, at once.
    let err = SyncMessage::decode(&[0x82, 0x01, 0x9a, 0xff, 0xff, 0xff, 0xff], &config.limits)
        .unwrap_err();
    assert!(matches!(err, SyncError::TooManyRanges { .. }), "{err:?}");
}

#[test]
fn huge_declared_lengths_and_bad_versions_are_refused() {
    let limits = SyncConfig::default().limits;
    // [1, [[0, bstr claiming 2^32 bytes ...]]]
    let bytes = [
        0x82, 0x01, 0x81, 0x84, 0x00, 0x5a, 0xff, 0xff, 0xff, 0xff, 0x00,
    ];
    let err = SyncMessage::decode(&bytes, &limits).unwrap_err();
    assert!(matches!(err, SyncError::Malformed(_)), "{err:?}");
    let err = SyncMessage::decode(&[0x82, 0x02, 0x80], &limits).unwrap_err();
    assert!(matches!(err, SyncError::UnknownVersion(2)), "{err:?}");
    let big = vec![0u8; limits.max_message_bytes + 1];
    assert!(matches!(
        SyncMessage::decode(&big, &limits),
        Err(SyncError::TooLarge { .. })
    ));
}

#[test]
fn a_diff_nobody_asked_for_is_refused() {
    let set = VecItemSet::new(items(0..10, 0));
    let mut responder = Reconciler::new(SyncConfig::default()).unwrap();
    let message = SyncMessage {
        ranges: vec![Range {
            upper: Bound::End,
            mode: Mode::Diff {
                ids: vec![],
                lacking: vec![],
            },
        }],
    };
    let err = responder.receive(&set, &message).unwrap_err();
    assert!(
        matches!(err, SyncError::UnexpectedDiff { index: 0 }),
        "{err:?}"
    );
    assert!(err.is_peer_fault());
}

#[test]
fn bogus_fingerprints_repeated_forever_hit_the_round_cap() {
    let set = VecItemSet::new(items(0..5_000, 0));
    let config = SyncConfig::default();
    let (mut me, mut mine) = Reconciler::initiate(&set, config).unwrap();
    // The peer answers every range we open with a fingerprint that never matches.
    let mut rounds = 0;
    let err = loop {
        rounds += 1;
        assert!(rounds <= config.limits.max_rounds + 1, "no cap");
        let bogus = SyncMessage {
            ranges: mine
                .ranges
                .iter()
                .map(|r| fingerprint_range(r.upper))
                .collect(),
        };
        match me.receive(&set, &bogus) {
            Ok(Some(next)) => mine = next,
            Ok(None) => panic!("a bogus peer cannot end the session"),
            Err(err) => break err,
        }
    };
    assert!(matches!(err, SyncError::TooManyRounds { .. }), "{err:?}");
}
