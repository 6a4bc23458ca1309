//! Propagation benchmark: N real nodes (one cooperative bootstrap node, the rest bootstrapping
//! from it) on loopback in one process; listings published from rotating nodes; the time from
//! publish to stored (committed by the ingest pipeline) on every other node.
//!
//! `cargo run --release -p smartket-node --example propagation_bench -- [NODES] [MESSAGES]`
//! prints p50/p99 of "publish → stored on all nodes" and of "publish → stored on one node".

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use smartket_node::config::{Addr, Config};
use smartket_node::daemon::Daemon;
use smartket_node::ingest::StoreEvent;
use smartket_node::network::Family;
use smartket_protocol::record::Payload;
use smartket_protocol::{Record, RecordId};

#[path = "common/catalogue.rs"]
mod catalogue;

type Arrivals = Arc<Mutex<HashMap<RecordId, Vec<Instant>>>>;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn start(dir: &std::path::Path, role: &str, bootstrap: Vec<Addr>) -> Daemon {
    smartket_node::data_dir::DataDir::new(dir).create().unwrap();
    smartket_node::identity::create_key(dir).unwrap();
    let mut config = Config::default();
    config.node.role = role.into();
    config.network.listen = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.network.bootstrap = bootstrap;
    Daemon::start(dir, config).await.unwrap()
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let nodes = args.first().copied().unwrap_or(10).max(2);
    let messages = args.get(1).copied().unwrap_or(100);
    let temp = tempfile::tempdir().unwrap();

    let first = start(&temp.path().join("n0"), "cooperative", Vec::new()).await;
    let handle = first.handle();
    let addr = handle.network().listen_addrs().await.unwrap()[0].clone();
    let boot: Addr = format!("{addr}/p2p/{}", handle.peer_id()).parse().unwrap();
    let mut daemons = vec![first];
    for i in 1..nodes {
        daemons.push(
            start(
                &temp.path().join(format!("n{i}")),
                "producer",
                vec![boot.clone()],
            )
            .await,
        );
    }
    let handles: Vec<_> = daemons.iter().map(Daemon::handle).collect();
    // On loopback no node can have an address confirmed by AutoNAT; declare each one's own, as
    // a node on a LAN or with a public address would have, so Kademlia serves and peers find
    // each other beyond the bootstrap node.
    for h in &handles {
        for addr in h.network().listen_addrs().await.unwrap() {
            h.network().add_external_address(addr).await.unwrap();
        }
    }

    // Wait until every node has mesh peers on the listings topic.
    let formed = Instant::now();
    loop {
        let mut ready = 0;
        for h in &handles {
            let mesh = h
                .network()
                .mesh_peers("geneva", Family::Listings)
                .await
                .unwrap();
            ready += usize::from(!mesh.is_empty());
        }
        if ready == nodes {
            break;
        }
        assert!(
            formed.elapsed() < Duration::from_secs(60),
            "mesh did not form: {ready} of {nodes} nodes have mesh peers"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let the mesh settle for a few heartbeats after the last graft.
    tokio::time::sleep(Duration::from_secs(3)).await;
    println!("{nodes} nodes, mesh formed in {:?}", formed.elapsed());

    let arrivals: Arrivals = Arc::default();
    for h in &handles {
        let mut events = h.subscribe();
        let arrivals = arrivals.clone();
        tokio::spawn(async move {
            while let Ok(event) = events.recv().await {
                let id = match event {
                    StoreEvent::Added(r) => r.id,
                    StoreEvent::Replaced { new, .. } => new.id,
                    _ => continue,
                };
                arrivals
                    .lock()
                    .unwrap()
                    .entry(id)
                    .or_default()
                    .push(Instant::now());
            }
        });
    }

    let mut all = Vec::new();
    let mut each = Vec::new();
    for i in 0..messages {
        let publisher = &handles[1 + i % (nodes - 1)];
        let payload = Payload::new(
            "geneva",
            format!("panier-{i}"),
            smartket_node::clock::now_ms(),
            7 * 24 * 3600 * 1000,
            catalogue::listing(i),
        );
        let secret = smartket_protocol::SecretKey::from_bytes(&[(i % 250) as u8 + 1; 32]);
        let record = Record::sign(&secret, payload).unwrap();
        let id = record.id;
        let t0 = Instant::now();
        publisher.own().submit(record.to_wire()).await;
        let deadline = t0 + Duration::from_secs(10);
        loop {
            let done = arrivals.lock().unwrap().get(&id).map_or(0, Vec::len);
            if done >= nodes || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let times = arrivals
            .lock()
            .unwrap()
            .get(&id)
            .cloned()
            .unwrap_or_default();
        if times.len() < nodes {
            println!(
                "message {i}: reached {} of {nodes} nodes in 10 s",
                times.len()
            );
            continue;
        }
        // The publisher's own commit is the first arrival; the others are propagation.
        let mut others: Vec<Duration> = times.iter().map(|t| t.duration_since(t0)).collect();
        others.sort();
        all.push(*others.last().unwrap());
        each.extend(others.into_iter().skip(1));
    }
    all.sort();
    each.sort();
    println!(
        "publish → stored on ALL {nodes} nodes: p50 {:?}  p99 {:?}  max {:?}  ({} messages)",
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        all.last().unwrap(),
        all.len()
    );
    println!(
        "publish → stored on one node:      p50 {:?}  p99 {:?}",
        percentile(&each, 0.5),
        percentile(&each, 0.99)
    );
    for d in daemons {
        d.shutdown().await;
    }
}
