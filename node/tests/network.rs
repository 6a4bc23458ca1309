//! The network layer with real swarms on 127.0.0.1 ephemeral ports, in one process.
//!
//! Nothing sleeps for a fixed time: every wait is on an event or on polled client state, with
//! a deadline. "Never arrives" is shown by ordering: a later record arrives first and alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use libp2p::identity::Keypair;
use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};
use smartket_node::network::{
    self, Client, Family, ListenFailure, MessageHandle, NetworkConfig, NetworkError, NetworkEvent,
    RequestError, RequestKind, Validation,
};
use smartket_protocol::kinds::{Body, Kind, Tombstone};
use smartket_protocol::record::MAX_LIFETIME_MS;
use smartket_protocol::{Payload, Record, SecretKey};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Longest any single wait may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(20);
/// How often polled state (mesh, scores) is looked at.
const POLL: Duration = Duration::from_millis(25);

// ---------------------------------------------------------------------------------------------
// Harness: start nodes, connect them, wait for the mesh.
// ---------------------------------------------------------------------------------------------

/// What a node's validator does with a gossip record; `None` leaves it to the test.
type Policy = Arc<dyn Fn(&[u8]) -> Option<Validation> + Send + Sync>;

/// Accepts what opens as a record now, rejects the rest: what ingest does, in short.
fn validate() -> Policy {
    Arc::new(|data| {
        Some(match Record::open(data, now_ms()) {
            Ok(_) => Validation::Accept,
            Err(_) => Validation::Reject,
        })
    })
}

fn always(v: Validation) -> Policy {
    Arc::new(move |_| Some(v))
}

fn manual() -> Policy {
    Arc::new(|_| None)
}

/// A gossip record as the test sees it.
#[derive(Debug)]
struct Gossip {
    market: String,
    data: Vec<u8>,
    handle: MessageHandle,
    source: PeerId,
}

/// An inbound request as the test sees it.
struct Inbound {
    bytes: Vec<u8>,
    reply: oneshot::Sender<Vec<u8>>,
}

struct TestNode {
    client: Client,
    peer_id: PeerId,
    /// The TCP listen address with `/p2p/<peer id>`.
    addr: Multiaddr,
    gossip: mpsc::Receiver<Gossip>,
    requests: mpsc::Receiver<Inbound>,
    event_loop: JoinHandle<()>,
}

/// A test config: loopback TCP only, fast heartbeat, no discovery (fixed topologies).
fn config(markets: &[&str]) -> NetworkConfig {
    NetworkConfig {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        markets: markets.iter().map(|m| m.to_string()).collect(),
        discovery: false,
        heartbeat: Duration::from_millis(100),
        ..NetworkConfig::default()
    }
}

/// Starts a node whose validator applies `policy` and hands everything to the test.
async fn start(config: NetworkConfig, policy: Policy) -> TestNode {
    let keypair = Keypair::generate_ed25519();
    let peer_id = keypair.public().to_peer_id();
    let (client, mut events, event_loop) = network::new(keypair, config).await.unwrap();
    let event_loop = tokio::spawn(event_loop.run());
    let tcp = client
        .listen_addrs()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.iter().any(|p| matches!(p, Protocol::Tcp(_))))
        .expect("a TCP listen address");
    let (gossip_tx, gossip) = mpsc::channel(64);
    let (request_tx, requests) = mpsc::channel(64);
    let validator = client.clone();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            match event {
                NetworkEvent::GossipRecord {
                    market,
                    data,
                    message_id,
                    source,
                    ..
                } => {
                    if let Some(verdict) = policy(&data) {
                        validator
                            .report_validation(message_id.clone(), verdict)
                            .await
                            .unwrap();
                    }
                    let gossip = Gossip {
                        market,
                        data,
                        handle: message_id,
                        source,
                    };
                    let _ = gossip_tx.send(gossip).await;
                }
                NetworkEvent::InboundRequest { bytes, reply, .. } => {
                    let _ = request_tx.send(Inbound { bytes, reply }).await;
                }
                _ => {}
            }
        }
    });
    TestNode {
        client,
        peer_id,
        addr: tcp.with(Protocol::P2p(peer_id)),
        gossip,
        requests,
        event_loop,
    }
}

/// Starts a node that bootstraps from `hub`.
async fn start_joined(hub: &TestNode, mut config: NetworkConfig, policy: Policy) -> TestNode {
    config.bootstrap = vec![hub.addr.clone()];
    start(config, policy).await
}

/// Polls `check` until it holds, failing the test after [`DEADLINE`].
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let until = tokio::time::Instant::now() + DEADLINE;
    let mut tick = tokio::time::interval(POLL);
    loop {
        tick.tick().await;
        if check().await {
            return;
        }
        assert!(
            tokio::time::Instant::now() < until,
            "timed out waiting for {what}"
        );
    }
}

/// Waits until `node`'s mesh for `market`'s listings topic holds every one of `peers`.
async fn wait_mesh(node: &TestNode, market: &str, peers: &[PeerId]) {
    eventually(
        &format!("the {market} mesh of {}", node.peer_id),
        || async {
            let mesh = node
                .client
                .mesh_peers(market, Family::Listings)
                .await
                .unwrap();
            peers.iter().all(|p| mesh.contains(p))
        },
    )
    .await;
}

/// The next gossip record `node` receives.
async fn next_gossip(node: &mut TestNode) -> Gossip {
    tokio::time::timeout(DEADLINE, node.gossip.recv())
        .await
        .expect("timed out waiting for a gossip record")
        .expect("validator ended")
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// A real signed record (a listing tombstone: small, and valid without fixtures).
fn record(market: &str, key: &str) -> Vec<u8> {
    let secret = SecretKey::generate().unwrap();
    let body = Body::Tombstone(Tombstone {
        target_kind: Kind::Listing,
    });
    let payload = Payload::new(market, key, now_ms(), MAX_LIFETIME_MS, body);
    Record::sign(&secret, payload).unwrap().to_wire()
}

/// Publishes, retrying while the publisher does not yet know a subscribed peer.
async fn publish(node: &TestNode, market: &str, wire: &[u8]) {
    let until = tokio::time::Instant::now() + DEADLINE;
    let mut tick = tokio::time::interval(POLL);
    loop {
        tick.tick().await;
        match node
            .client
            .publish(market, Family::Listings, wire.to_vec())
            .await
        {
            Err(NetworkError::InsufficientPeers) => {
                assert!(tokio::time::Instant::now() < until, "no peer to publish to");
            }
            other => return other.unwrap(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Propagation
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_record_published_on_one_of_two_nodes_reaches_the_other() {
    let mut hub = start(config(&["geneva"]), validate()).await;
    let leaf = start_joined(&hub, config(&["geneva"]), validate()).await;
    wait_mesh(&leaf, "geneva", &[hub.peer_id]).await;

    let wire = record("geneva", "pommes");
    publish(&leaf, "geneva", &wire).await;

    let got = next_gossip(&mut hub).await;
    assert_eq!(got.data, wire);
    assert_eq!(got.market, "geneva");
    assert_eq!(got.source, leaf.peer_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_record_reaches_all_five_nodes_through_one_bootstrap_node() {
    let mut hub = start(config(&["geneva"]), validate()).await;
    let mut leaves = Vec::new();
    for _ in 0..4 {
        leaves.push(start_joined(&hub, config(&["geneva"]), validate()).await);
    }
    let ids: Vec<PeerId> = leaves.iter().map(|l| l.peer_id).collect();
    wait_mesh(&hub, "geneva", &ids).await;
    for leaf in &leaves {
        wait_mesh(leaf, "geneva", &[hub.peer_id]).await;
    }

    let wire = record("geneva", "fromage");
    publish(&leaves[0], "geneva", &wire).await;

    assert_eq!(next_gossip(&mut hub).await.data, wire);
    for leaf in &mut leaves[1..] {
        let got = next_gossip(leaf).await;
        assert_eq!(got.data, wire);
        assert_eq!(got.source, hub.peer_id, "relayed by the bootstrap node");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_record_is_forwarded_only_once_the_relay_accepts_it_and_never_if_it_ignores_it() {
    // a — b — c: c hears of a's records only through b, whose verdicts the test gives.
    let mut b = start(config(&["geneva"]), manual()).await;
    let a = start_joined(&b, config(&["geneva"]), validate()).await;
    let mut c = start_joined(&b, config(&["geneva"]), validate()).await;
    wait_mesh(&b, "geneva", &[a.peer_id, c.peer_id]).await;
    wait_mesh(&a, "geneva", &[b.peer_id]).await;

    let ignored = record("geneva", "one");
    let held = record("geneva", "two");
    let accepted = record("geneva", "three");

    publish(&a, "geneva", &ignored).await;
    let got = next_gossip(&mut b).await;
    assert_eq!(got.data, ignored);
    b.client
        .report_validation(got.handle, Validation::Ignore)
        .await
        .unwrap();

    publish(&a, "geneva", &held).await;
    let held_at_b = next_gossip(&mut b).await;
    assert_eq!(held_at_b.data, held);

    publish(&a, "geneva", &accepted).await;
    let got = next_gossip(&mut b).await;
    assert_eq!(got.data, accepted);
    assert!(
        b.client
            .report_validation(got.handle, Validation::Accept)
            .await
            .unwrap()
    );

    // The accepted record overtakes the held one, and the ignored one never comes.
    assert_eq!(next_gossip(&mut c).await.data, accepted);
    assert!(
        b.client
            .report_validation(held_at_b.handle, Validation::Accept)
            .await
            .unwrap()
    );
    assert_eq!(next_gossip(&mut c).await.data, held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rejected_record_lowers_the_score_of_the_peer_that_sent_it() {
    let mut judge = start(config(&["geneva"]), always(Validation::Reject)).await;
    let sender = start_joined(&judge, config(&["geneva"]), validate()).await;
    wait_mesh(&sender, "geneva", &[judge.peer_id]).await;

    publish(&sender, "geneva", &record("geneva", "douteux")).await;
    next_gossip(&mut judge).await;

    eventually("a negative score", || async {
        let score = judge.client.peer_score(sender.peer_id).await.unwrap();
        score.is_some_and(|s| s < 0.0)
    })
    .await;
    let peers = judge.client.peers().await.unwrap();
    let info = peers.iter().find(|p| p.peer_id == sender.peer_id).unwrap();
    assert!(info.score.unwrap() < 0.0);
    assert!(!info.addresses.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn garbage_from_a_hostile_node_is_rejected_and_not_forwarded() {
    // hostile — b — c
    let mut b = start(config(&["geneva"]), validate()).await;
    let hostile = start_joined(&b, config(&["geneva"]), validate()).await;
    let mut c = start_joined(&b, config(&["geneva"]), validate()).await;
    wait_mesh(&b, "geneva", &[hostile.peer_id, c.peer_id]).await;
    wait_mesh(&hostile, "geneva", &[b.peer_id]).await;

    let mut garbage = vec![0u8; 512];
    getrandom::fill(&mut garbage).unwrap();
    publish(&hostile, "geneva", &garbage).await;
    assert_eq!(next_gossip(&mut b).await.data, garbage);
    let score = b.client.peer_score(hostile.peer_id).await.unwrap().unwrap();
    assert!(score < 0.0, "score after garbage: {score}");

    // A valid record after it is still relayed (one offence is not yet the graylist), and c
    // receives it first: the garbage never reached c.
    let valid = record("geneva", "honnete");
    publish(&hostile, "geneva", &valid).await;
    assert_eq!(next_gossip(&mut b).await.data, valid);
    assert_eq!(next_gossip(&mut c).await.data, valid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_of_lausanne_never_receives_a_record_of_geneva() {
    let mut hub = start(config(&["geneva", "lausanne"]), validate()).await;
    let geneva = start_joined(&hub, config(&["geneva"]), validate()).await;
    let mut lausanne = start_joined(&hub, config(&["lausanne"]), validate()).await;
    wait_mesh(&hub, "geneva", &[geneva.peer_id]).await;
    wait_mesh(&hub, "lausanne", &[lausanne.peer_id]).await;
    wait_mesh(&geneva, "geneva", &[hub.peer_id]).await;

    let in_geneva = record("geneva", "longeole");
    publish(&geneva, "geneva", &in_geneva).await;
    assert_eq!(next_gossip(&mut hub).await.data, in_geneva);

    let in_lausanne = record("lausanne", "papet");
    publish(&hub, "lausanne", &in_lausanne).await;
    let got = next_gossip(&mut lausanne).await;
    assert_eq!((got.market.as_str(), got.data), ("lausanne", in_lausanne));

    // Once it joins geneva too, the next geneva record does arrive.
    lausanne.client.join_market("geneva").await.unwrap();
    wait_mesh(&hub, "geneva", &[lausanne.peer_id]).await;
    let later = record("geneva", "cardons");
    publish(&geneva, "geneva", &later).await;
    let got = next_gossip(&mut lausanne).await;
    assert_eq!((got.market.as_str(), got.data), ("geneva", later));
}

// ---------------------------------------------------------------------------------------------
// Request-response
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_gets_its_response_and_an_oversize_response_is_refused() {
    // The server may send more than the client accepts: the client's limit is what is tested.
    let mut large = config(&[]);
    large.request_limits.msg.response = 64 * 1024;
    let server = start(large, validate()).await;
    let mut small = config(&[]);
    small.request_limits.msg.response = 1024;
    small.request_limits.msg.request = 2048;
    let client = start_joined(&server, small, validate()).await;

    let mut requests = server.requests;
    tokio::spawn(async move {
        while let Some(req) = requests.recv().await {
            // Echo, padded to the size the request asks for (its first two bytes).
            let size = u16::from_be_bytes([req.bytes[0], req.bytes[1]]) as usize;
            let mut answer = req.bytes.clone();
            answer.resize(size, 0xaa);
            let _ = req.reply.send(answer);
        }
    });

    let ok = client
        .client
        .request(server.peer_id, RequestKind::Msg, vec![0, 16, 1, 2])
        .await
        .unwrap();
    assert_eq!(
        ok,
        [
            0, 16, 1, 2, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa
        ]
    );

    let too_big = client
        .client
        .request(server.peer_id, RequestKind::Msg, vec![0x08, 0x00])
        .await
        .unwrap_err();
    assert!(
        matches!(
            too_big,
            NetworkError::Request(RequestError::ResponseTooLarge {
                size: 2048,
                max: 1024
            })
        ),
        "{too_big:?}"
    );

    let refused = client
        .client
        .request(server.peer_id, RequestKind::Msg, vec![0; 4096])
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        NetworkError::Request(RequestError::RequestTooLarge { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Start-up errors and shutdown
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_bootstrap_address_without_a_peer_id_is_refused() {
    let mut cfg = config(&["geneva"]);
    cfg.bootstrap = vec!["/ip4/127.0.0.1/tcp/4001".parse().unwrap()];
    let err = network::new(Keypair::generate_ed25519(), cfg)
        .await
        .err()
        .unwrap();
    assert!(
        matches!(err, NetworkError::BadBootstrapAddress { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("/p2p/"), "{err}");
}

#[tokio::test]
async fn a_port_in_use_is_reported_as_in_use_for_tcp_and_quic() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut cfg = config(&[]);
    cfg.listen = vec![format!("/ip4/127.0.0.1/tcp/{port}").parse().unwrap()];
    let err = network::new(Keypair::generate_ed25519(), cfg)
        .await
        .err()
        .unwrap();
    assert!(err.is_addr_in_use(), "{err:?}");
    assert!(err.to_string().contains("in use"), "{err}");

    let taken = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut cfg = config(&[]);
    cfg.listen = vec![
        format!("/ip4/127.0.0.1/udp/{port}/quic-v1")
            .parse()
            .unwrap(),
    ];
    let err = network::new(Keypair::generate_ed25519(), cfg)
        .await
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            NetworkError::Listen {
                reason: ListenFailure::InUse,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_reserves_a_relay_slot_on_a_cooperative_bootstrap_node() {
    let mut coop = config(&["geneva"]);
    coop.cooperative = true;
    // No public address declared: a cooperative relays by role.
    let hub = start(coop, validate()).await;
    let leaf = start_joined(&hub, config(&["geneva"]), validate()).await;
    eventually("a reservation on the cooperative", || async {
        let reach = leaf.client.reachability().await.unwrap();
        reach.relays == [hub.peer_id.to_string()]
    })
    .await;
    // Reached through the relay, but the relayed address is not one the node listens on.
    let addrs = leaf.client.listen_addrs().await.unwrap();
    assert!(
        !addrs
            .iter()
            .any(|a| a.iter().any(|p| p == Protocol::P2pCircuit)),
        "{addrs:?}"
    );
    let reach = hub.client.reachability().await.unwrap();
    assert!(
        !reach.public.is_empty(),
        "the cooperative is public: {reach:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quic_listens_and_shutdown_ends_the_loop() {
    let mut cfg = config(&["geneva"]);
    cfg.listen
        .push("/ip4/127.0.0.1/udp/0/quic-v1".parse().unwrap());
    let node = start(cfg, validate()).await;
    let addrs = node.client.listen_addrs().await.unwrap();
    assert!(
        addrs
            .iter()
            .any(|a| a.iter().any(|p| p == Protocol::QuicV1)),
        "{addrs:?}"
    );

    node.client.shutdown().await.unwrap();
    tokio::time::timeout(DEADLINE, node.event_loop)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        node.client.peers().await,
        Err(NetworkError::Shutdown)
    ));
}
