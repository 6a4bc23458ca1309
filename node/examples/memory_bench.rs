//! Memory benchmark: resident size of a real `smartket run` process, idle with an empty
//! database, then idle holding 100 000 listings (written through the ingest pipeline first).
//!
//! `cargo build --release -p smartket-node && \
//!  cargo run --release -p smartket-node --example memory_bench -- [LISTINGS]`

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use smartket_node::config::Config;
use smartket_node::ingest::{Ingest, Source};
use smartket_node::store::Store;
use smartket_protocol::record::Payload;
use smartket_protocol::{Record, SecretKey};

#[path = "common/catalogue.rs"]
mod catalogue;

fn smartket() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("smartket");
    assert!(
        bin.exists(),
        "build the binary first: cargo build --release -p smartket-node"
    );
    bin
}

fn start(dir: &Path) -> Child {
    let mut child = Command::new(smartket())
        .args(["--data-dir", dir.to_str().unwrap(), "run"])
        .args(["--listen", "/ip4/127.0.0.1/tcp/0", "--api", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        if line.unwrap().starts_with("Press Ctrl-C") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    child
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn settle_and_measure(child: &Child) -> u64 {
    std::thread::sleep(Duration::from_secs(3));
    rss_kib(child.id())
}

fn stop(mut child: Child) {
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("node");
    std::fs::create_dir_all(&dir).unwrap();
    smartket_node::identity::create_key(&dir).unwrap();

    let child = start(&dir);
    let idle = settle_and_measure(&child);
    stop(child);
    println!(
        "idle node, empty database:     RSS {:>7.1} MB",
        idle as f64 / 1024.0
    );

    let config = Config::default();
    let markets = smartket_node::markets::load_all(&config.markets, &dir).unwrap();
    let store = Store::open(&smartket_node::data_dir::DataDir::new(&dir).store()).unwrap();
    let ingest = Ingest::new(store, markets);
    let now = smartket_node::clock::now_ms();
    let sellers: Vec<SecretKey> = (0..1000u32)
        .map(|i| {
            let mut seed = [0u8; 32];
            seed[..4].copy_from_slice(&i.to_be_bytes());
            seed[31] = 1;
            SecretKey::from_bytes(&seed)
        })
        .collect();
    let started = Instant::now();
    for chunk in (0..count).collect::<Vec<_>>().chunks(1000) {
        let wires: Vec<Vec<u8>> = chunk
            .iter()
            .map(|&i| {
                let payload = Payload::new(
                    "geneva",
                    format!("meule-{i}"),
                    now,
                    30 * 24 * 3600 * 1000,
                    catalogue::listing(i),
                );
                Record::sign(&sellers[i % sellers.len()], payload)
                    .unwrap()
                    .to_wire()
            })
            .collect();
        let verdicts = ingest.ingest(Source::Local, "geneva", wires, now);
        assert!(
            verdicts
                .iter()
                .all(|v| matches!(v, smartket_node::ingest::Verdict::Accepted(_)))
        );
    }
    let db_size = std::fs::metadata(smartket_node::data_dir::DataDir::new(&dir).store())
        .unwrap()
        .len();
    println!(
        "stored {count} listings in {:?} (database {:.1} MB)",
        started.elapsed(),
        db_size as f64 / 1e6
    );
    drop(ingest);

    let child = start(&dir);
    let held = settle_and_measure(&child);
    stop(child);
    println!(
        "idle node, {count} listings:  RSS {:>7.1} MB",
        held as f64 / 1024.0
    );
}
