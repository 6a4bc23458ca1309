//! Criterion benchmarks of the record pipeline: signing, single and batch verification against
//! the raw ed25519 batch rate, payload decoding, the whole ingest path for a batch of listings,
//! and sealing and opening a private order. `cargo bench -p smartket-protocol --bench records`; for the one-line summary the
//! issue asks for, see `examples/throughput.rs`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use smartket_protocol::cbor::Limits;
use smartket_protocol::seal::{self, SeedRng};
use smartket_protocol::{Payload, Record, SecretKey, batch};

use common::{BATCH, NOW, listing_envelopes, listing_payload_bytes, listing_wires, raw_inputs};

fn signing(c: &mut Criterion) {
    let payload = Payload::decode(&listing_payload_bytes()).unwrap();
    let secret = SecretKey::from_bytes(&[42; 32]);
    c.bench_function("sign/listing", |b| {
        b.iter_batched(
            || payload.clone(),
            |p| Record::sign(&secret, p).unwrap(),
            BatchSize::SmallInput,
        )
    });
}

fn verification(c: &mut Criterion) {
    let envelopes = listing_envelopes(BATCH);
    c.bench_function("verify/single", |b| {
        b.iter(|| black_box(&envelopes[0]).verify().unwrap())
    });

    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("batch_64", |b| {
        b.iter(|| {
            let results = batch::verify(black_box(&envelopes));
            assert!(results.iter().all(Result::is_ok));
        })
    });
    let (keys, inputs, sigs) = raw_inputs(&envelopes);
    let messages: Vec<&[u8]> = inputs.iter().map(|m| m.as_slice()).collect();
    group.bench_function("raw_ed25519_verify_batch_64", |b| {
        b.iter(|| ed25519_dalek::verify_batch(black_box(&messages), &sigs, &keys).unwrap())
    });
    group.finish();
}

fn decoding(c: &mut Criterion) {
    let bytes = listing_payload_bytes();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("listing_payload", |b| {
        b.iter(|| Payload::decode(black_box(&bytes)).unwrap())
    });
    group.bench_function("cbor_check_only", |b| {
        b.iter(|| {
            smartket_protocol::cbor::check(
                black_box(&bytes),
                &smartket_protocol::cbor::Limits::RECORD,
            )
            .unwrap()
        })
    });
    group.finish();

    let wire = &listing_wires(1)[0];
    c.bench_function("open/listing", |b| {
        b.iter(|| Record::open(black_box(wire), NOW).unwrap())
    });
}

fn pipeline(c: &mut Criterion) {
    let wires = listing_wires(BATCH);
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("decode_batch_verify_open_64_listings", |b| {
        b.iter(|| assert_eq!(common::pipeline(black_box(&wires)), BATCH))
    });
    group.finish();
}

fn sealing(c: &mut Criterion) {
    let order = common::sealed_order();
    c.bench_function("seal/order", |b| {
        b.iter(|| {
            seal::seal_with_rng(
                &order.sender,
                &order.recipient,
                black_box(&order.message),
                NOW,
                &mut SeedRng::new(&[7; 32]),
            )
            .unwrap()
        })
    });
    c.bench_function("open/sealed_order", |b| {
        b.iter(|| {
            seal::open(
                &order.recipient.author,
                &order.recipient_key,
                black_box(&order.sealed),
                &Limits::MESSAGE,
            )
            .unwrap()
        })
    });
}

/// How long refusing each CBOR bomb takes (`tests/hostile_cost.rs` checks what it allocates):
/// the bound is 10 ms each.
fn hostile(c: &mut Criterion) {
    let mut map = vec![0xbb, 0, 0, 0, 1, 0, 0, 0, 0];
    map.extend_from_slice(&[0x61, b'v', 0x01]);
    let mut string = vec![0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0];
    string.extend_from_slice(&[0; 16]);
    let order = common::sealed_order();
    let mut group = c.benchmark_group("hostile");
    for (name, bytes) in [
        ("nested_128k", vec![0x81; 128 * 1024]),
        ("nested_60k", vec![0x81; 60 * 1024]),
        ("map_2_32", map),
        ("bytes_2_63", string),
    ] {
        group.bench_function(format!("payload_decode/{name}"), |b| {
            b.iter(|| Payload::decode(black_box(&bytes)).unwrap_err())
        });
        group.bench_function(format!("record_open/{name}"), |b| {
            b.iter(|| Record::open(black_box(&bytes), NOW).unwrap_err())
        });
        group.bench_function(format!("seal_open/{name}"), |b| {
            b.iter(|| {
                seal::open(
                    &order.recipient.author,
                    &order.recipient_key,
                    black_box(&bytes),
                    &Limits::MESSAGE,
                )
                .unwrap_err()
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    signing,
    verification,
    decoding,
    pipeline,
    sealing,
    hostile
);
criterion_main!(benches);
