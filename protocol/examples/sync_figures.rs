//! Figures for catch-up sync: what reconciling a market costs in rounds and bytes.
//!
//! Run with `cargo run --release -p smartket-protocol --example sync_figures`. Items are
//! `(rev, id)` with revs spread over 60 days in ms and ids from a seeded generator, so the
//! figures are the same on every run.

use std::time::Instant;

use smartket_protocol::RecordId;
use smartket_protocol::sync::{Item, Reconciler, SyncConfig, SyncError, VecItemSet};

/// Size of the raw item list, for the ratios: a timestamp (8 bytes) and an id (32).
const RAW_ITEM_BYTES: usize = 40;

/// A small seeded generator (splitmix64), so no dependency is needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn item(&mut self) -> Item {
        let mut id = [0u8; 32];
        for chunk in id.chunks_exact_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        let rev = 1_750_000_000_000 + self.next() % (60 * 24 * 3600 * 1000);
        Item::new(rev, RecordId(id))
    }
}

/// What one session cost.
struct Figures {
    messages: usize,
    bytes: usize,
    largest: usize,
    have: usize,
    need: usize,
    millis: u128,
}

/// Runs a whole session between two in-memory sets, counting every encoded message.
fn session(a: &VecItemSet, b: &VecItemSet, config: SyncConfig) -> Result<Figures, SyncError> {
    let started = Instant::now();
    let (mut left, first) = Reconciler::initiate(a, config)?;
    let mut right = Reconciler::new(config)?;
    let mut wire = first.encode();
    let (mut messages, mut bytes, mut largest) = (1, wire.len(), wire.len());
    let mut to_right = true;
    loop {
        let (me, set) = if to_right {
            (&mut right, b)
        } else {
            (&mut left, a)
        };
        match me.receive_bytes(set, &wire)? {
            Some(reply) => wire = reply,
            None => break,
        }
        messages += 1;
        bytes += wire.len();
        largest = largest.max(wire.len());
        to_right = !to_right;
    }
    let outcome = left.outcome();
    Ok(Figures {
        messages,
        bytes,
        largest,
        have: outcome.have.len(),
        need: outcome.need.len(),
        millis: started.elapsed().as_millis(),
    })
}

fn print(label: &str, n: usize, f: &Figures) {
    println!(
        "{label:<44} {:>3} messages {:>10} bytes ({:>5.1} % of raw {} × 40 B), largest {:>8} B, \
         initiator have {:>6} need {:>6}, {:>5} ms",
        f.messages,
        f.bytes,
        100.0 * f.bytes as f64 / (n * RAW_ITEM_BYTES) as f64,
        n,
        f.largest,
        f.have,
        f.need,
        f.millis
    );
}

fn main() -> Result<(), SyncError> {
    const N: usize = 100_000;
    let mut rng = Rng(42);
    let common: Vec<Item> = (0..N - N / 100).map(|_| rng.item()).collect();
    let only_a: Vec<Item> = (0..N / 100).map(|_| rng.item()).collect();
    let only_b: Vec<Item> = (0..N / 100).map(|_| rng.item()).collect();
    let full = VecItemSet::new(common.iter().chain(&only_a).copied().collect());
    let other = VecItemSet::new(common.iter().chain(&only_b).copied().collect());
    let empty = VecItemSet::new(Vec::new());

    let config = SyncConfig::default();
    println!(
        "config: branching {}, id-list threshold {}, limits {:?}\n",
        config.branching, config.id_list_threshold, config.limits
    );
    let full_sync = session(&full, &empty, config)?;
    print("100 000 vs empty (full set initiates)", N, &full_sync);
    let pull_all = session(&empty, &full, config)?;
    print("empty vs 100 000 (empty side initiates)", N, &pull_all);
    let same = session(&full, &full, config)?;
    print("100 000 vs the same 100 000", N, &same);
    let one_pct = session(&full, &other, config)?;
    print("100 000 vs 100 000, 1 % differing each side", N, &one_pct);
    println!(
        "\n1 % differing costs {:.1} % of a full sync's reconciliation bytes",
        100.0 * one_pct.bytes as f64 / full_sync.bytes as f64
    );

    println!("\nother shapes, 100 000 vs 100 000 with 1 % differing:");
    for (branching, threshold) in [(8, 8), (16, 8), (16, 32), (32, 16), (4, 4)] {
        let config = SyncConfig {
            branching,
            id_list_threshold: threshold,
            ..SyncConfig::default()
        };
        let f = session(&full, &other, config)?;
        print(
            &format!("  branching {branching:>2}, threshold {threshold:>2}"),
            N,
            &f,
        );
    }
    Ok(())
}
