//! Prints the record-ingest rate per core next to the raw ed25519 batch-verification rate of
//! the same run, and the ratio between them (goal: at least 80 %).
//!
//! `cargo run --release -p smartket-protocol --example throughput`
//!
//! Every figure is records (or signatures) per second on one thread, for batches of 64
//! realistic listings (`spec/vectors/records.json`, "listing", re-signed by 64 authors). The
//! pipeline is what the node does with a gossip or sync burst: frame each envelope, batch-verify
//! the signatures, decode and validate each payload. The stages are timed alone too, so a
//! shortfall can be traced to one of them.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use smartket_protocol::{Envelope, Payload, Record, RecordId, batch};

use common::{BATCH, NOW, listing_envelopes, listing_wires, raw_inputs};

/// Nanoseconds this thread has run on a CPU, from Linux's scheduler statistics. Timing by CPU
/// time rather than the wall clock keeps the figures per core even when other processes share
/// the machine.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// A clock: CPU time of this thread where the system gives it, else wall time.
fn now_ns(origin: Instant) -> u64 {
    thread_cpu_ns().unwrap_or_else(|| origin.elapsed().as_nanos() as u64)
}

/// Seconds per call of `f`: one round of as many calls as fit in `round` of the clock above.
fn one_round(origin: Instant, round: u64, f: &mut impl FnMut()) -> f64 {
    let start = now_ns(origin);
    let mut calls = 0u64;
    let mut spent = 0;
    while spent < round {
        f();
        calls += 1;
        spent = now_ns(origin) - start;
    }
    spent as f64 / 1e9 / calls as f64
}

/// Items per second of `f`, which handles `items` items per call: the best of 7 rounds.
fn rate(items: usize, round: Duration, mut f: impl FnMut()) -> f64 {
    for _ in 0..3 {
        f(); // warm caches and the branch predictor
    }
    let origin = Instant::now();
    let round = round.as_nanos() as u64;
    let best = (0..7)
        .map(|_| one_round(origin, round, &mut f))
        .fold(f64::MAX, f64::min);
    items as f64 / best
}

/// The rates of `f` and `g` (items per second each), measured in alternating rounds so that
/// both see the same conditions: their ratio stays meaningful on a shared machine.
fn rates_interleaved(
    items: usize,
    round: Duration,
    mut f: impl FnMut(),
    mut g: impl FnMut(),
) -> (f64, f64) {
    for _ in 0..3 {
        f();
        g();
    }
    let origin = Instant::now();
    let round = round.as_nanos() as u64;
    let (mut best_f, mut best_g) = (f64::MAX, f64::MAX);
    for _ in 0..11 {
        best_f = best_f.min(one_round(origin, round, &mut f));
        best_g = best_g.min(one_round(origin, round, &mut g));
    }
    (items as f64 / best_f, items as f64 / best_g)
}

fn main() {
    let round = Duration::from_millis(300);
    let wires = listing_wires(BATCH);
    let envelopes = listing_envelopes(BATCH);
    let (keys, inputs, sigs) = raw_inputs(&envelopes);
    let messages: Vec<&[u8]> = inputs.iter().map(|m| m.as_slice()).collect();
    let payload_len = envelopes[0].payload.len();

    let (raw, pipeline) = rates_interleaved(
        BATCH,
        round,
        || ed25519_dalek::verify_batch(black_box(&messages), &sigs, &keys).unwrap(),
        || assert_eq!(common::pipeline(black_box(&wires)), BATCH),
    );

    // The stages, each alone.
    let framing = rate(BATCH, round, || {
        for w in &wires {
            black_box(Envelope::decode(black_box(w)).unwrap());
        }
    });
    let batch_verify = rate(BATCH, round, || {
        assert!(
            batch::verify(black_box(&envelopes))
                .iter()
                .all(Result::is_ok)
        )
    });
    let key_parsing = rate(BATCH, round, || {
        for e in &envelopes {
            black_box(e.author.verifying_key().unwrap());
        }
    });
    let hashing = rate(BATCH, round, || {
        for e in &envelopes {
            black_box(RecordId(*blake3::hash(black_box(&e.payload)).as_bytes()));
        }
    });
    let decode = rate(BATCH, round, || {
        for e in &envelopes {
            black_box(Payload::decode(black_box(&e.payload)).unwrap());
        }
    });
    let decoded: Vec<Payload> = envelopes
        .iter()
        .map(|e| Payload::decode(&e.payload).unwrap())
        .collect();
    let validate = rate(BATCH, round, || {
        for p in &decoded {
            black_box(p).validate().unwrap();
        }
    });
    let generic = rate(BATCH, round, || {
        for e in &envelopes {
            let value: ciborium::Value =
                ciborium::de::from_reader(black_box(e.payload.as_slice())).unwrap();
            black_box(value);
        }
    });
    let check_only = rate(BATCH, round, || {
        for e in &envelopes {
            smartket_protocol::cbor::check(
                black_box(&e.payload),
                &smartket_protocol::cbor::Limits::RECORD,
            )
            .unwrap();
        }
    });
    let from_verified = rate(BATCH, round, || {
        for e in &envelopes {
            black_box(Record::from_verified(e.clone(), NOW).unwrap());
        }
    });
    let single_open = rate(1, round, || {
        black_box(Record::open(black_box(&wires[0]), NOW).unwrap());
    });

    let order = common::sealed_order();
    let seal_rate = rate(1, round, || {
        black_box(
            smartket_protocol::seal::seal_with_rng(
                &order.sender,
                &order.recipient,
                black_box(&order.message),
                NOW,
                &mut smartket_protocol::seal::SeedRng::new(&[7; 32]),
            )
            .unwrap(),
        );
    });
    let open_rate = rate(1, round, || {
        black_box(
            smartket_protocol::seal::open(
                &order.recipient.author,
                &order.recipient_key,
                black_box(&order.sealed),
                &smartket_protocol::cbor::Limits::MESSAGE,
            )
            .unwrap(),
        );
    });

    let per_record_us = |r: f64| 1e6 / r;
    println!(
        "batches of {BATCH} listings, payload {payload_len} bytes, one thread, timed by {}; \
         raw and pipeline: best of 11 alternating rounds each, stages: best of 7",
        if thread_cpu_ns().is_some() {
            "thread CPU time"
        } else {
            "wall clock"
        }
    );
    println!();
    println!(
        "raw ed25519 verify_batch          {raw:>10.0} sig/s     ({:.2} µs/sig)",
        per_record_us(raw)
    );
    println!(
        "pipeline decode+verify+validate   {pipeline:>10.0} rec/s     ({:.2} µs/rec)",
        per_record_us(pipeline)
    );
    println!(
        "ratio pipeline / raw              {:>10.1} %   (goal >= 80 %)",
        100.0 * pipeline / raw
    );
    println!();
    println!("stages alone (µs per record):");
    for (name, r) in [
        ("Envelope::decode (framing, copy)", framing),
        ("batch::verify (keys, ids, batch)", batch_verify),
        ("  of which AuthorKey::verifying_key", key_parsing),
        ("  of which blake3 id of payload", hashing),
        ("Record::from_verified", from_verified),
        ("  of which Payload::decode", decode),
        ("    of which cbor::check", check_only),
        ("    of which Payload::validate", validate),
        ("  (ciborium into a generic Value)", generic),
        ("Record::open, one record alone", single_open),
    ] {
        println!("  {name:<38} {:>7.2}", per_record_us(r));
    }
    println!();
    println!("sealed messages (µs per message, the `order` vector, 4 KiB bucket):");
    println!(
        "  {:<38} {:>7.2}",
        "seal::seal_with_rng",
        per_record_us(seal_rate)
    );
    println!("  {:<38} {:>7.2}", "seal::open", per_record_us(open_rate));
}
