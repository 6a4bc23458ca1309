//! The adversarial testbed (`spec/security.md`): honest nodes as real daemons in this process,
//! attackers as raw libp2p swarms driven by the test, all on loopback. Each scenario takes its
//! sizes, so the suite runs it small (`tests/adversary.rs`) and the benchmark at the sizes the
//! figures are quoted for (`tests/examples/adversary_bench.rs`).
//!
//! ```text
//!  attackers (raw swarms: fresh keys, forged records, silence)
//!       │ dial every honest node
//!       ▼
//!  cooperative ◀── honest producers (daemons; publish → stored timed from their store events)
//! ```
//!
//! Times come from the daemons' own store events, not from polling, so a latency is the time
//! from the publisher's submit to the commit on the last honest node.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use libp2p::PeerId;
use libp2p::identity::Keypair;
use smartket_node::config::{Addr, Config};
use smartket_node::daemon::{Daemon, Handle};
use smartket_node::ingest::StoreEvent;
use smartket_node::network::{Client, Family, NetworkEvent};
use smartket_protocol::{Record, RecordId, SecretKey};
use tokio::sync::mpsc::Receiver;
use tokio::time::Instant;

use crate::fixtures::listing_payload;
use crate::{raw_peer, wait_until};

const DAY_MS: u64 = 24 * 3600 * 1000;

/// The attackers' own runtime, one thread: their swarms run there, not among the honest
/// daemons' tasks. On one runtime a hundred attacker swarms flooding at full speed starved the
/// honest ones of the scheduler, and the testbed measured its own process instead of the
/// network (an attacker's CPU is its own); the OS still shares the cores between both.
static ATTACKERS: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("attackers")
        .enable_all()
        .build()
        .unwrap()
});

/// How long an honest record may take to reach every honest node before it counts as lost.
pub const DELIVERY_DEADLINE: Duration = Duration::from_secs(10);

/// When each honest node stored each record.
type Arrivals = Arc<Mutex<HashMap<RecordId, Vec<Instant>>>>;

/// Honest nodes: a cooperative and producers bootstrapping from it, with a mesh formed.
pub struct Honest {
    _temp: tempfile::TempDir,
    daemons: Vec<Daemon>,
    /// Each node's handle; the first is the cooperative.
    pub handles: Vec<Handle>,
    arrivals: Arrivals,
    published: std::sync::atomic::AtomicUsize,
}

/// What became of a batch of honest records.
#[derive(Clone)]
pub struct Delivery {
    /// Publish → stored on every honest node, for those that made it, sorted.
    pub latencies: Vec<Duration>,
    /// Records published.
    pub sent: usize,
}

impl Delivery {
    /// The share of records that reached every honest node within [`DELIVERY_DEADLINE`].
    pub fn delivered(&self) -> f64 {
        self.latencies.len() as f64 / self.sent.max(1) as f64
    }

    /// The `p` quantile (0..=1) of the latencies.
    pub fn quantile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return DELIVERY_DEADLINE;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i.min(self.latencies.len() - 1)]
    }
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} delivered to all in {:?}; p50 {:?}, p99 {:?}, max {:?}",
            self.latencies.len(),
            self.sent,
            DELIVERY_DEADLINE,
            self.quantile(0.5),
            self.quantile(0.99),
            self.latencies.last().copied().unwrap_or(DELIVERY_DEADLINE),
        )
    }
}

async fn start_daemon(dir: &std::path::Path, role: &str, bootstrap: Vec<Addr>) -> Daemon {
    smartket_node::data_dir::DataDir::new(dir).create().unwrap();
    smartket_node::identity::create_key(dir).unwrap();
    let mut config = Config::default();
    config.node.role = role.into();
    config.network.listen = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.network.bootstrap = bootstrap;
    Daemon::start(dir, config).await.unwrap()
}

impl Honest {
    /// Starts `n` honest nodes (the first a cooperative) and waits until each has mesh peers
    /// on the listings topic.
    pub async fn start(n: usize) -> Honest {
        let temp = tempfile::tempdir().unwrap();
        let first = start_daemon(&temp.path().join("n0"), "cooperative", Vec::new()).await;
        let boot: Addr = dialable(&first.handle()).await.parse().unwrap();
        let mut daemons = vec![first];
        for i in 1..n.max(2) {
            let dir = temp.path().join(format!("n{i}"));
            daemons.push(start_daemon(&dir, "producer", vec![boot.clone()]).await);
        }
        let handles: Vec<Handle> = daemons.iter().map(Daemon::handle).collect();
        // On loopback AutoNAT confirms no address; declare each node's own, as a node on a LAN
        // or with a public address would have, so peers find each other beyond the bootstrap.
        for h in &handles {
            for addr in h.network().listen_addrs().await.unwrap() {
                h.network().add_external_address(addr).await.unwrap();
            }
        }
        for h in &handles {
            wait_until(
                "every honest node in a mesh",
                Duration::from_secs(60),
                || mesh_of(h.network()),
            )
            .await;
        }
        let arrivals: Arrivals = Arc::default();
        for h in &handles {
            let mut events = h.subscribe();
            let arrivals = arrivals.clone();
            tokio::spawn(async move {
                loop {
                    let id = match events.recv().await {
                        Ok(StoreEvent::Added(r)) => r.id,
                        Ok(StoreEvent::Replaced { new, .. }) => new.id,
                        Ok(_) => continue,
                        // Lagging loses arrival times, which would count as losses: the
                        // honest nodes here store only honest records, far below the capacity.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                            panic!("a store event subscriber lagged by {n}")
                        }
                        Err(_) => return,
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
        Honest {
            _temp: temp,
            daemons,
            handles,
            arrivals,
            published: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Every honest node's dialable address (`…/p2p/<peer id>`); the cooperative's first.
    pub async fn addrs(&self) -> Vec<String> {
        let mut addrs = Vec::new();
        for h in &self.handles {
            addrs.push(dialable(h).await);
        }
        addrs
    }

    /// Publishes `count` honest listings, one every `pace`, from the producers in turn, and
    /// waits until each reached every honest node or [`DELIVERY_DEADLINE`] passed.
    pub async fn publish(&self, count: usize, pace: Duration) -> Delivery {
        let nodes = self.handles.len();
        let mut sent = Vec::new();
        let mut tick = tokio::time::interval(pace);
        for _ in 0..count {
            tick.tick().await;
            let i = self
                .published
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let publisher = &self.handles[1 + i % (nodes - 1)];
            let secret = SecretKey::from_bytes(&[(i % 250) as u8 + 1; 32]);
            let payload = listing_payload(
                "geneva",
                &format!("panier-{i}"),
                "Panier de saison",
                1_000 + i as u64,
                crate::now_ms(),
                DAY_MS,
            );
            let record = Record::sign(&secret, payload).unwrap();
            let t0 = Instant::now();
            publisher.own().submit(record.to_wire()).await;
            sent.push((record.id, t0));
        }
        let last = sent.last().map_or_else(Instant::now, |(_, t0)| *t0);
        let arrivals = self.arrivals.clone();
        let ids: Vec<RecordId> = sent.iter().map(|(id, _)| *id).collect();
        let all_in = || {
            let arrivals = arrivals.lock().unwrap();
            ids.iter()
                .all(|id| arrivals.get(id).is_some_and(|t| t.len() >= nodes))
        };
        while !all_in() && Instant::now() < last + DELIVERY_DEADLINE {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let arrivals = self.arrivals.lock().unwrap();
        let mut latencies: Vec<Duration> = sent
            .iter()
            .filter_map(|(id, t0)| {
                let times = arrivals.get(id)?;
                let done = (times.len() >= nodes).then(|| times.iter().max())??;
                let latency = done.duration_since(*t0);
                (latency <= DELIVERY_DEADLINE).then_some(latency)
            })
            .collect();
        latencies.sort();
        Delivery {
            latencies,
            sent: sent.len(),
        }
    }

    /// Each honest node's score of `peer`, for those connected to it.
    pub async fn scores_of(&self, peer: PeerId) -> Vec<f64> {
        let mut scores = Vec::new();
        for h in &self.handles {
            if let Ok(Some(score)) = h.network().peer_score(peer).await {
                scores.push(score);
            }
        }
        scores
    }

    /// How many honest nodes are connected to `peer`.
    pub async fn connected_to(&self, peer: PeerId) -> usize {
        let mut n = 0;
        for h in &self.handles {
            let peers = h.network().peers().await.unwrap_or_default();
            n += usize::from(peers.iter().any(|p| p.peer_id == peer));
        }
        n
    }

    /// How many of the honest nodes' mesh slots on the listings topic are held by `peers`, and
    /// how many slots there are.
    pub async fn mesh_share(&self, peers: &HashSet<PeerId>) -> (usize, usize) {
        let (mut theirs, mut all) = (0, 0);
        for h in &self.handles {
            let mesh = h
                .network()
                .mesh_peers("geneva", Family::Listings)
                .await
                .unwrap_or_default();
            all += mesh.len();
            theirs += mesh.iter().filter(|p| peers.contains(p)).count();
        }
        (theirs, all)
    }

    /// Gossip the honest nodes dropped for a full event queue, summed.
    pub async fn gossip_dropped(&self) -> u64 {
        let mut full = 0;
        for h in &self.handles {
            if let Ok(stats) = h.network().stats().await {
                full += stats.dropped_gossip;
            }
        }
        full
    }

    /// Stops every daemon.
    pub async fn shutdown(self) {
        for d in self.daemons {
            d.shutdown().await;
        }
    }
}

async fn mesh_of(client: &Client) -> Option<()> {
    let mesh = client.mesh_peers("geneva", Family::Listings).await.ok()?;
    (!mesh.is_empty()).then_some(())
}

async fn dialable(h: &Handle) -> String {
    let addr = h.network().listen_addrs().await.unwrap()[0].clone();
    format!("{addr}/p2p/{}", h.peer_id())
}

/// An attacker: a raw swarm with a fresh key that validates and forwards nothing.
pub struct Attacker {
    /// Its network client.
    pub client: Client,
    /// Its peer id.
    pub peer: PeerId,
}

impl Attacker {
    /// A fresh attacker bootstrapping from `addrs[0]` and dialling every address of `addrs`.
    /// It never reports a verdict, so it forwards nothing it receives (a peer that drops
    /// what it should forward).
    pub async fn join(addrs: &[String]) -> Attacker {
        let boot = addrs[..1].to_vec();
        let (client, id) = ATTACKERS
            .spawn(async move {
                let (client, events, id) = raw_peer(Keypair::generate_ed25519(), &boot).await;
                drain(events);
                (client, id)
            })
            .await
            .unwrap();
        for addr in &addrs[1..] {
            let _ = client.dial(addr.parse().unwrap()).await;
        }
        Attacker {
            client,
            peer: id.parse().unwrap(),
        }
    }

    /// Whether it has mesh peers on the listings topic.
    pub async fn in_mesh(&self) -> bool {
        mesh_of(&self.client).await.is_some()
    }
}

/// Gossips `records` from `client` on the listings topic; returns how many its swarm took.
pub async fn gossip(client: &Client, records: &[Vec<u8>]) -> usize {
    let mut taken = 0;
    for wire in records {
        taken += usize::from(
            client
                .publish("geneva", Family::Listings, wire.clone())
                .await
                .is_ok(),
        );
    }
    taken
}

fn drain(mut events: Receiver<NetworkEvent>) {
    tokio::spawn(async move { while events.recv().await.is_some() {} });
}

/// `count` well-formed listings whose signatures do not verify, each by a key of its own (so
/// no quota binds them before the signature check does), with their ids.
pub fn forged_records(count: usize, salt: u64) -> Vec<(RecordId, Vec<u8>)> {
    let now = crate::now_ms();
    (0..count)
        .map(|i| {
            let secret = SecretKey::from_bytes(&key_seed(salt, i as u64));
            let payload = listing_payload(
                "geneva",
                &format!("faux-{salt}-{i}"),
                "Faux fromage",
                100,
                now,
                DAY_MS,
            );
            let mut record = Record::sign(&secret, payload).unwrap();
            record.envelope.signature.0[5] ^= 0x20;
            (record.id, record.to_wire())
        })
        .collect()
}

fn key_seed(salt: u64, i: u64) -> [u8; 32] {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&salt.to_le_bytes());
    seed[8..16].copy_from_slice(&i.to_le_bytes());
    seed[31] = 1;
    seed
}
