//! Hostile input is cheap to refuse: the three classic CBOR bombs — 128 KiB of nested array
//! headers, a map header claiming 2^32 entries, a byte-string header claiming 2^63 bytes — fed
//! to every decoder that reads bytes from a peer, each refused while allocating less than
//! 1 MiB in all. A decoder that reserved what a header claims, or kept a frame per level of
//! nesting, would allocate gigabytes or overflow the stack here.
//!
//! Allocations are counted by a counting global allocator, so this file holds ONE test: tests
//! of one binary run on parallel threads, and any other test's allocations would be counted
//! too. The time each refusal takes is measured by the `hostile` group of
//! `benches/records.rs` (a bench, not a timed test).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::alloc::System;

use smartket_protocol::blob::{ChunkRequest, ChunkResponse};
use smartket_protocol::cbor::{self, Limits};
use smartket_protocol::mailbox::{MailboxRequest, MailboxResponse, MsgRequest, MsgResponse};
use smartket_protocol::record::signing_input;
use smartket_protocol::sync::pull::{PullRequest, PullResponse};
use smartket_protocol::sync::wire::{FetchResponse, decode_request};
use smartket_protocol::sync::{SyncLimits, SyncMessage};
use smartket_protocol::{EncryptionKey, Envelope, Payload, Record, RecordId, SecretKey, seal};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The clock of `spec/vectors/`.
const NOW: u64 = 1_800_000_000_000;

/// The most one refusal may allocate, in bytes, all allocations added up (not the peak).
const BUDGET: usize = 1024 * 1024;

/// The three bombs, by name.
fn bombs() -> Vec<(&'static str, Vec<u8>)> {
    let mut map = vec![0xbb, 0, 0, 0, 1, 0, 0, 0, 0];
    map.extend_from_slice(&[0x61, b'v', 0x01]);
    let mut string = vec![0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0];
    string.extend_from_slice(&[0; 16]);
    vec![
        ("128 KiB of nested array headers", vec![0x81; 128 * 1024]),
        ("a map header claiming 2^32 entries", map),
        ("a byte-string header claiming 2^63 bytes", string),
    ]
}

/// `payload` in an envelope with a good signature, so the payload decoder is reached.
fn signed(payload: &[u8]) -> Vec<u8> {
    let secret = SecretKey::from_bytes(&[42; 32]);
    let id = RecordId(*blake3::hash(payload).as_bytes());
    Envelope {
        payload: payload.to_vec(),
        author: secret.public(),
        signature: secret.sign(&signing_input(&id)),
    }
    .encode()
}

type Decoder = Box<dyn Fn(&[u8]) -> bool>;

/// Every decoder of bytes from a peer, returning whether it refused the input.
fn decoders() -> Vec<(&'static str, Decoder)> {
    let me = SecretKey::from_bytes(&[42; 32]).public();
    let key = EncryptionKey::from_seed(&[142; 32]);
    vec![
        ("Record::open", Box::new(|b| Record::open(b, NOW).is_err())),
        (
            "Envelope::decode",
            Box::new(|b| Envelope::decode(b).is_err()),
        ),
        ("Payload::decode", Box::new(|b| Payload::decode(b).is_err())),
        (
            "cbor::decode (any value)",
            Box::new(|b| cbor::decode::<ciborium::Value>(b, &Limits::RECORD).is_err()),
        ),
        (
            "seal::open",
            Box::new(move |b| seal::open(&me, &key, b, &Limits::MESSAGE).is_err()),
        ),
        (
            "SyncMessage::decode",
            Box::new(|b| SyncMessage::decode(b, &SyncLimits::DEFAULT).is_err()),
        ),
        (
            "sync decode_request",
            Box::new(|b| decode_request(b).is_err()),
        ),
        (
            "FetchResponse::decode",
            Box::new(|b| FetchResponse::decode(b).is_err()),
        ),
        (
            "PullRequest::decode",
            Box::new(|b| PullRequest::decode(b).is_err()),
        ),
        (
            "PullResponse::decode",
            Box::new(|b| PullResponse::decode(b).is_err()),
        ),
        (
            "MailboxRequest::decode",
            Box::new(|b| MailboxRequest::decode(b).is_err()),
        ),
        (
            "MailboxResponse::decode",
            Box::new(|b| MailboxResponse::decode(b).is_err()),
        ),
        (
            "MsgRequest::decode",
            Box::new(|b| MsgRequest::decode(b).is_err()),
        ),
        (
            "MsgResponse::decode",
            Box::new(|b| MsgResponse::decode(b).is_err()),
        ),
        (
            "ChunkRequest::decode",
            Box::new(|b| ChunkRequest::decode(b).is_err()),
        ),
        (
            "ChunkResponse::decode",
            Box::new(|b| ChunkResponse::decode(b).is_err()),
        ),
    ]
}

#[test]
fn every_decoder_refuses_every_bomb_allocating_under_1_mib() {
    let decoders = decoders();
    let mut cases = Vec::new();
    for (bomb, bytes) in bombs() {
        cases.push((bomb.to_owned(), bytes.clone()));
        // The bomb as the payload of a well-signed record: past the envelope, into the payload
        // decoder. (A 128 KiB payload is over the record limit; 60 KiB of nesting is not.)
        let payload = &bytes[..bytes.len().min(60 * 1024)];
        cases.push((format!("{bomb}, signed as a payload"), signed(payload)));
    }
    let mut worst = (0, String::new());
    for (case, bytes) in &cases {
        for (name, refuses) in &decoders {
            if *name != "Record::open" && case.contains("signed") {
                // A well-signed envelope is well-formed CBOR, and an envelope: only opening
                // the record goes on into the payload.
                continue;
            }
            let region = Region::new(GLOBAL);
            let refused = refuses(bytes);
            let allocated = region.change().bytes_allocated;
            assert!(refused, "{name} accepted {case}");
            assert!(
                allocated < BUDGET,
                "{name} allocated {allocated} bytes to refuse {case}"
            );
            if allocated > worst.0 {
                worst = (allocated, format!("{name} on {case}"));
            }
        }
    }
    println!(
        "most allocated for one refusal: {} bytes ({})",
        worst.0, worst.1
    );
}
