//! Catch-up sync benchmark: a fresh node syncing a whole market from one peer, then a re-sync
//! after 1 % of the market changed while it was away. Two real daemons (redb files, libp2p
//! over loopback TCP) in one process.
//!
//! ```text
//! cargo run --release -p smartket-node --example sync_bench [N]      # N = 100 000 by default
//! ```
//!
//! Prints the wall time from dial to "every record stored", the bytes both sides counted on
//! `/smartket/sync/1` (reconciliation and fetches, frames included) against the raw size of the
//! records, and the round trips; then the same for the re-sync, against the full sync.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;
use std::time::{Duration, Instant};

use smartket_node::config::Config;
use smartket_node::daemon::{Daemon, Handle};
use smartket_protocol::{Kind, Record};

#[path = "common/catalogue.rs"]
mod catalogue;
use catalogue::MARKET;

fn commit(handle: &Handle, records: &[Record]) {
    for chunk in records.chunks(2_000) {
        handle.store().commit(chunk.to_vec()).unwrap();
    }
}

async fn start(dir: &Path) -> Daemon {
    if !dir.join("identity.key").exists() {
        smartket_node::data_dir::DataDir::new(dir).create().unwrap();
        smartket_node::identity::create_key(dir).unwrap();
    }
    let mut config = Config::default();
    config.network.listen = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    Daemon::start(dir, config).await.unwrap()
}

fn listings(handle: &Handle) -> u64 {
    handle
        .store()
        .counts(MARKET)
        .unwrap()
        .get(&Kind::Listing)
        .copied()
        .unwrap_or(0)
}

/// Bytes and round trips both sides counted, and completed sessions on `b`.
async fn counters(a: &Handle, b: &Handle) -> (u64, u64, u64) {
    let (sa, sb) = (a.status().await.sync.total, b.status().await.sync.total);
    (sa.bytes + sb.bytes, sa.rounds + sb.rounds, sb.peers)
}

/// Dials `a` from `b` and waits until `b` holds `want` listings and `b` has counted the
/// session (so its bytes are in).
async fn catch_up(a: &Handle, b: &Handle, want: u64, sessions_before: u64) -> Duration {
    let addr = a.network().listen_addrs().await.unwrap()[0].clone();
    let started = Instant::now();
    b.network()
        .dial(format!("{addr}/p2p/{}", a.peer_id()).parse().unwrap())
        .await
        .unwrap();
    let deadline = started + Duration::from_secs(600);
    while listings(b) < want {
        assert!(Instant::now() < deadline, "sync did not finish in 10 min");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    while b.status().await.sync.total.peers + a.status().await.sync.total.peers <= sessions_before {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    elapsed
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let temp = tempfile::tempdir().unwrap();
    let now = smartket_node::clock::now_ms();

    print!("signing and storing {n} listings on A… ");
    let records = catalogue::sign_range(0, n, 500, now);
    let raw: usize = records.iter().map(|r| r.to_wire().len()).sum();
    let a = start(&temp.path().join("a")).await;
    commit(&a.handle(), &records);
    println!("{raw} bytes of records ({} per record)", raw / n);

    let b_dir = temp.path().join("b");
    let b = start(&b_dir).await;
    let full_time = catch_up(&a.handle(), &b.handle(), n as u64, 0).await;
    let (full_bytes, full_rounds, _) = counters(&a.handle(), &b.handle()).await;
    println!(
        "full sync of {n}: {:.2} s, {full_bytes} bytes on the wire = {:.3}× the raw records, \
         {full_rounds} reconciliation round trips + {} fetches",
        full_time.as_secs_f64(),
        full_bytes as f64 / raw as f64,
        n.div_ceil(256)
    );

    b.shutdown().await;
    let changed = (n / 100).max(1);
    commit(&a.handle(), &catalogue::sign_range(n, changed, 500, now));
    let a_before = a.handle().status().await.sync.total;
    let b = start(&b_dir).await;
    let sessions = a_before.peers;
    let resync_time = catch_up(&a.handle(), &b.handle(), (n + changed) as u64, sessions).await;
    let (bytes, rounds, _) = counters(&a.handle(), &b.handle()).await;
    let (bytes, rounds) = (bytes - a_before.bytes, rounds - a_before.rounds);
    println!(
        "re-sync with {changed} new (1 %): {:.2} s, {bytes} bytes = {:.2} % of the full sync, \
         {rounds} round trips",
        resync_time.as_secs_f64(),
        bytes as f64 * 100.0 / full_bytes as f64
    );
    b.shutdown().await;
    a.shutdown().await;
}
