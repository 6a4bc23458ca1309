//! Feeds arbitrary bytes to a reconciler as a peer's messages (`spec/sync.md`): the decoder
//! with its limits, then the state machine that answers from a fixed set of 200 items.
//!
//! Input: a flags byte, then messages separated by [`SEPARATOR`]. Flag bit 0: this side
//! initiates (so the peer's first message answers ranges it opened: id lists and diffs are
//! expected); bit 1: tight limits, so answers hit the size caps and stop early.
//!
//! Checked on every answer: it decodes, under the same limits, to what was sent (an honest
//! peer accepts it); and `have` only ever names items this side holds.
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use smartket_protocol::RecordId;
use smartket_protocol::sync::{Item, Reconciler, SyncConfig, SyncLimits, SyncMessage, VecItemSet};

/// Splits the input into messages; libFuzzer's comparison tracing finds it.
const SEPARATOR: &[u8] = b"\xffSYNC\xff";

/// 200 items, one second apart, with ids spread over the id space.
fn set() -> &'static VecItemSet {
    static SET: OnceLock<VecItemSet> = OnceLock::new();
    SET.get_or_init(|| {
        VecItemSet::new(
            (0u64..200)
                .map(|i| {
                    let id = *blake3::hash(&i.to_be_bytes()).as_bytes();
                    Item::new(1_800_000_000_000 + i * 1000, RecordId(id))
                })
                .collect(),
        )
    })
}

/// The smallest configuration `SyncConfig::validate` allows, near enough.
const TIGHT: SyncConfig = SyncConfig {
    branching: 2,
    id_list_threshold: 4,
    limits: SyncLimits {
        max_rounds: 16,
        max_ranges: 4,
        max_ids: 8,
        max_message_bytes: 600,
    },
};

fn split<'a>(mut data: &'a [u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(at) = data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        out.push(&data[..at]);
        data = &data[at + SEPARATOR.len()..];
    }
    out.push(data);
    out
}

/// What this side sent must be what an honest peer, with the same limits, reads.
fn check_sent(message: &SyncMessage, config: &SyncConfig) {
    let bytes = message.encode();
    assert!(bytes.len() <= config.limits.max_message_bytes);
    match SyncMessage::decode(&bytes, &config.limits) {
        Ok(back) => assert_eq!(&back, message),
        Err(e) => panic!("our own message does not decode: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let config = if flags & 2 != 0 {
        TIGHT
    } else {
        SyncConfig::DEFAULT
    };
    let set = set();
    let mut me = if flags & 1 != 0 {
        let Ok((me, first)) = Reconciler::initiate(set, config) else {
            return;
        };
        check_sent(&first, &config);
        me
    } else {
        match Reconciler::new(config) {
            Ok(me) => me,
            Err(_) => return,
        }
    };
    for bytes in split(rest) {
        let message = match SyncMessage::decode(bytes, &config.limits) {
            Ok(message) => message,
            Err(_) => break,
        };
        // Whatever decodes re-encodes to the same message.
        assert_eq!(
            SyncMessage::decode(&message.encode(), &config.limits).ok(),
            Some(message.clone())
        );
        match me.receive(set, &message) {
            Ok(Some(answer)) => check_sent(&answer, &config),
            Ok(None) => {}
            Err(_) => break,
        }
    }
    let held: HashSet<RecordId> = set.as_slice().iter().map(|i| i.id).collect();
    let outcome = me.outcome();
    assert!(outcome.have.iter().all(|id| held.contains(id)));
});
