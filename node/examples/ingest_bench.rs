//! Ingest throughput: pre-signed realistic listings through the whole pipeline (decode, batch
//! verification, payload decode and validation, market check, durable redb commit) compared with
//! raw `ed25519_dalek::verify_batch` on the same signatures.
//!
//! ```text
//! cargo run --release -p smartket-node --example ingest_bench [N]
//! ```
//!
//! Every commit is durable (`Durability::Immediate`: one fsync per batch), as for gossip acks.
//! The run also reports the pipeline without the commit, and the cost of an empty durable
//! commit on this disk, so the share of fsync is visible.

use std::time::{Duration, Instant};

use smartket_node::clock::now_ms;
use smartket_node::ingest::{Ingest, Source, Verdict};
use smartket_node::store::Store;
use smartket_protocol::record::{Record, signing_input};
use smartket_protocol::{Envelope, batch};

#[path = "common/catalogue.rs"]
mod catalogue;
use catalogue::{MARKET, sign_all};

fn rate(n: usize, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64()
}

/// A temp dir for a database: under `$SMARTKET_BENCH_DIR` if set (e.g. /dev/shm, to see the
/// pipeline without the disk), else the system's temp dir.
fn temp_dir() -> tempfile::TempDir {
    let dir = match std::env::var_os("SMARTKET_BENCH_DIR") {
        Some(base) => tempfile::tempdir_in(base),
        None => tempfile::tempdir(),
    };
    dir.unwrap_or_else(|e| panic!("temp dir: {e}"))
}

fn fresh_store(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("smartket.redb")).unwrap_or_else(|e| panic!("{e}"))
}

/// Whole pipeline into a fresh database, `batch` records per durable commit, from `threads`
/// callers at once (as a node would run several gossip or sync batches in `spawn_blocking`).
fn run_pipeline(wires: &[Vec<u8>], batch: usize, threads: usize, now: u64) -> Duration {
    let dir = temp_dir();
    let ingest = Ingest::new(fresh_store(&dir), [MARKET]);
    let chunks: Vec<&[Vec<u8>]> = wires.chunks(batch).collect();
    let per_thread = chunks.len().div_ceil(threads);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for share in chunks.chunks(per_thread) {
            let ingest = ingest.clone();
            scope.spawn(move || {
                for chunk in share {
                    let verdicts = ingest.ingest(Source::Gossip, MARKET, chunk.to_vec(), now);
                    if let Some(bad) = verdicts.iter().find(|v| !matches!(v, Verdict::Accepted(_)))
                    {
                        panic!("not accepted: {bad:?}");
                    }
                }
            });
        }
    });
    start.elapsed()
}

/// `Store::commit_at` alone, on records already opened.
fn run_commit_only(records: &[Record], batch: usize, now: u64) -> Duration {
    let dir = temp_dir();
    let store = fresh_store(&dir);
    let start = Instant::now();
    for chunk in records.chunks(batch) {
        store
            .commit_at(chunk, now)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    start.elapsed()
}

/// The stages before the commit: framing, batch verification, payload decode and validation.
fn run_without_commit(wires: &[Vec<u8>], batch: usize, now: u64) -> Duration {
    let start = Instant::now();
    for chunk in wires.chunks(batch) {
        let envelopes: Vec<Envelope> = chunk
            .iter()
            .map(|w| Envelope::decode(w).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        let checked = batch::verify(&envelopes);
        for (envelope, ok) in envelopes.into_iter().zip(checked) {
            ok.unwrap_or_else(|e| panic!("{e}"));
            Record::from_verified(envelope, now).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    start.elapsed()
}

/// Raw `verify_batch` on the same signatures (keys parsed and inputs built beforehand).
fn run_raw_verify(records: &[Record], batch: usize) -> Duration {
    let keys: Vec<_> = records
        .iter()
        .map(|r| r.author().verifying_key().unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let inputs: Vec<[u8; 51]> = records.iter().map(|r| signing_input(&r.id)).collect();
    let sigs: Vec<_> = records
        .iter()
        .map(|r| ed25519_dalek::Signature::from_bytes(&r.envelope.signature.0))
        .collect();
    let start = Instant::now();
    for ((keys, inputs), sigs) in keys
        .chunks(batch)
        .zip(inputs.chunks(batch))
        .zip(sigs.chunks(batch))
    {
        let messages: Vec<&[u8]> = inputs.iter().map(|m| m.as_slice()).collect();
        ed25519_dalek::verify_batch(&messages, sigs, keys).unwrap_or_else(|e| panic!("{e}"));
    }
    start.elapsed()
}

/// Durable commits of one tiny row each: the floor one fsync puts under every batch.
fn durable_commit_floor(commits: usize) -> Duration {
    const T: redb::TableDefinition<u64, u64> = redb::TableDefinition::new("t");
    let dir = temp_dir();
    let db =
        redb::Database::create(dir.path().join("floor.redb")).unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    for i in 0..commits as u64 {
        let txn = db.begin_write().unwrap_or_else(|e| panic!("{e}"));
        {
            let mut table = txn.open_table(T).unwrap_or_else(|e| panic!("{e}"));
            table.insert(i, i).unwrap_or_else(|e| panic!("{e}"));
        }
        txn.commit().unwrap_or_else(|e| panic!("{e}"));
    }
    start.elapsed() / commits as u32
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let now = now_ms();
    let t = Instant::now();
    let records = sign_all(n, now);
    let wires: Vec<Vec<u8>> = records.iter().map(Record::to_wire).collect();
    let mean = wires.iter().map(Vec::len).sum::<usize>() / n.max(1);
    println!(
        "signed {n} listings ({mean} bytes on the wire on average) in {:.1?}",
        t.elapsed()
    );

    let raw = run_raw_verify(&records, 64);
    let pre = run_without_commit(&wires, 64, now);
    let fsync = durable_commit_floor(200);
    println!(
        "raw verify_batch (64):           {:>9.0} sig/s",
        rate(n, raw)
    );
    println!(
        "pipeline without commit (64):    {:>9.0} listings/s  ({:.0} % of raw verify)",
        rate(n, pre),
        100.0 * raw.as_secs_f64() / pre.as_secs_f64()
    );
    println!("one empty durable redb commit:   {fsync:>9.2?}");
    for batch in [64, 1024] {
        let commit = run_commit_only(&records, batch, now);
        println!(
            "Store::commit_at alone ({batch:>4}):   {:>9.0} listings/s  ({:.2?} per batch)",
            rate(n, commit),
            commit / n.div_ceil(batch) as u32
        );
    }
    for (batch, threads) in [(64, 1), (64, 2), (256, 1), (1024, 1)] {
        let full = run_pipeline(&wires, batch, threads, now);
        let commits = n.div_ceil(batch);
        println!(
            "whole pipeline, batches of {batch:>4}, {threads} caller(s): {:>7.0} listings/s  \
             ({:.0} % of raw verify; {commits} durable commits)",
            rate(n, full),
            100.0 * raw.as_secs_f64() / full.as_secs_f64(),
        );
    }
}
