//! A hostile peer in a market of real node processes: it gossips garbage and records with bad
//! signatures. Nothing of it is stored or forwarded, its score drops, and the honest nodes keep
//! trading.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use smartket_node::network::{self, Family, NetworkConfig, NetworkEvent, RequestKind};
use smartket_protocol::sync::{Item, Reconciler, SyncConfig, SyncMessage, VecItemSet};
use smartket_protocol::{Record, RecordId};
use smartket_tests::fixtures::listing_payload;
use smartket_tests::{DEADLINE, Net, Node, now_ms, wait_until};

const DAY_MS: u64 = 24 * 3600 * 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_peer_is_rejected_scored_down_and_honest_nodes_keep_working() {
    let net = Net::start(2).await.unwrap();
    let keypair = libp2p::identity::Keypair::generate_ed25519();
    let hostile_id = keypair.public().to_peer_id().to_string();
    let config = NetworkConfig {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        bootstrap: vec![net.bootstrap.addrs[0].parse().unwrap()],
        markets: vec!["geneva".into()],
        heartbeat: Duration::from_millis(200),
        ..NetworkConfig::default()
    };
    let (client, mut events, event_loop) = network::new(keypair, config).await.unwrap();
    tokio::spawn(event_loop.run());
    // The hostile node validates nothing it receives: drain and drop.
    tokio::spawn(async move { while events.recv().await.is_some() {} });
    wait_until("the hostile peer in the mesh", DEADLINE, || async {
        (!client
            .mesh_peers("geneva", Family::Listings)
            .await
            .unwrap_or_default()
            .is_empty())
        .then_some(())
    })
    .await;

    let mut forged = Record::sign(
        &net.nodes[0].secret(),
        listing_payload("geneva", "forged", "Faux fromage", 100, now_ms(), DAY_MS),
    )
    .unwrap();
    forged.envelope.signature.0[3] ^= 0x40;
    let forged_id = forged.id.to_hex();
    let mut sent = 0;
    for i in 0..20u8 {
        let garbage = vec![i; 200 + usize::from(i)];
        sent += usize::from(
            client
                .publish("geneva", Family::Listings, garbage)
                .await
                .is_ok(),
        );
    }
    sent += usize::from(
        client
            .publish("geneva", Family::Listings, forged.to_wire())
            .await
            .is_ok(),
    );
    assert!(sent > 0, "the hostile peer could publish nothing");

    // Its score at the bootstrap node goes negative.
    wait_until("the hostile peer's score to drop", DEADLINE, || async {
        let peers = net.bootstrap.get("/api/v1/peers").await.ok().flatten()?;
        let score = peers
            .as_array()?
            .iter()
            .find(|p| p["peer_id"] == hostile_id.as_str())?["score"]
            .as_f64()?;
        (score < 0.0).then_some(())
    })
    .await;

    // The honest nodes still trade.
    let seller = &net.nodes[0];
    let good = Record::sign(
        &seller.secret(),
        listing_payload("geneva", "tomme", "Tomme vaudoise", 900, now_ms(), DAY_MS),
    )
    .unwrap();
    assert_eq!(
        seller.submit(good.to_wire()).await.unwrap()["outcome"],
        "accepted"
    );
    for node in std::iter::once(&net.bootstrap).chain(&net.nodes) {
        wait_until("the honest listing", DEADLINE, || async {
            node.has(&good.id.to_hex()).await.then_some(())
        })
        .await;
        assert!(!node.has(&forged_id).await, "a forged record was stored");
        let listings = node.status().await["markets"]["geneva"]["listing"]
            .as_u64()
            .unwrap_or(0);
        assert_eq!(listings, 1, "only the honest listing is held");
    }
}

/// A raw libp2p peer of the market, driven by the test (no validation, no store).
async fn hostile_peer(
    bootstrap: &str,
) -> (
    network::Client,
    tokio::sync::mpsc::Receiver<NetworkEvent>,
    String,
) {
    let keypair = libp2p::identity::Keypair::generate_ed25519();
    let id = keypair.public().to_peer_id().to_string();
    let config = NetworkConfig {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        bootstrap: vec![bootstrap.parse().unwrap()],
        markets: vec!["geneva".into()],
        heartbeat: Duration::from_millis(200),
        ..NetworkConfig::default()
    };
    let (client, events, event_loop) = network::new(keypair, config).await.unwrap();
    tokio::spawn(event_loop.run());
    (client, events, id)
}

async fn connected_to(node: &Node, peer: &str) -> bool {
    let Ok(Some(peers)) = node.get("/api/v1/peers").await else {
        return false;
    };
    peers
        .as_array()
        .is_some_and(|a| a.iter().any(|p| p["peer_id"] == peer))
}

/// A reconcile step opening a session in Geneva (`spec/sync.md` §9).
fn reconcile_frame(message: &[u8]) -> Vec<u8> {
    let mut frame = vec![0, 1, 6];
    frame.extend_from_slice(b"geneva");
    frame.extend_from_slice(message);
    frame
}

#[derive(serde::Serialize)]
struct FetchAnswer {
    v: u64,
    records: Vec<serde_json::Value>,
    answered: u64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_lying_in_sync_is_cut_off_and_the_node_keeps_syncing_with_honest_ones() {
    let node = Node::start("consumer", "Victime", &[]).await.unwrap();
    let node_peer: libp2p::PeerId = node.status().await["peer_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    // 1. A peer that claims 50 records in reconciliation and then withholds them.
    let (_liar, mut events, liar_id) = hostile_peer(&node.addrs[0]).await;
    tokio::spawn(async move {
        let now = now_ms();
        let fake = VecItemSet::new(
            (0..50u8)
                .map(|i| Item::new(now + u64::from(i), RecordId([i; 32])))
                .collect(),
        );
        let mut reconciler = None;
        while let Some(event) = events.recv().await {
            let NetworkEvent::InboundRequest {
                kind: RequestKind::Sync,
                bytes,
                reply,
                ..
            } = event
            else {
                continue;
            };
            let answer = match bytes.first() {
                Some(0) => {
                    let market_len = usize::from(bytes[2]);
                    if bytes[1] & 1 == 1 {
                        reconciler = Some(Reconciler::new(SyncConfig::DEFAULT).unwrap());
                    }
                    let Some(r) = reconciler.as_mut() else {
                        continue;
                    };
                    r.receive_bytes(&fake, &bytes[3 + market_len..])
                        .unwrap()
                        .unwrap_or_else(|| SyncMessage::default().encode())
                }
                Some(1) => {
                    let mut out = Vec::new();
                    let answer = FetchAnswer {
                        v: 1,
                        records: Vec::new(),
                        answered: 0,
                    };
                    ciborium::into_writer(&answer, &mut out).unwrap();
                    out
                }
                _ => continue,
            };
            let _ = reply.send(answer);
        }
    });
    wait_until("the liar connected", DEADLINE, || async {
        connected_to(&node, &liar_id).await.then_some(())
    })
    .await;
    // Whichever side opened a session on connect, an on-demand run syncs with it too.
    let (code, _) = node.post("/api/v1/sync").await.unwrap();
    assert_eq!(code, 202);
    wait_until("the lying session failed", DEADLINE, || async {
        let status = node.status().await;
        (status["sync"]["failed"].as_u64().unwrap_or(0) >= 1).then_some(())
    })
    .await;
    wait_until("the liar cut off", DEADLINE, || async {
        (!connected_to(&node, &liar_id).await).then_some(())
    })
    .await;
    let status = node.status().await;
    assert_eq!(
        status["markets"]["geneva"]["listing"].as_u64().unwrap_or(0),
        0
    );

    // 2. A peer sending garbage sync requests, many: the first is a fault, the rest are
    // refused unread; the node stays responsive.
    let (flooder, mut events, flooder_id) = hostile_peer(&node.addrs[0]).await;
    tokio::spawn(async move { while events.recv().await.is_some() {} });
    wait_until("the flooder connected", DEADLINE, || async {
        connected_to(&node, &flooder_id).await.then_some(())
    })
    .await;
    let garbage = flooder
        .request(node_peer, RequestKind::Sync, reconcile_frame(&[0xff; 64]))
        .await;
    assert!(garbage.is_err(), "a garbage step must not be answered");
    let mut answered = 0;
    for _ in 0..200 {
        let (_, first) = Reconciler::initiate(&VecItemSet::default(), SyncConfig::DEFAULT).unwrap();
        if flooder
            .request(
                node_peer,
                RequestKind::Sync,
                reconcile_frame(&first.encode()),
            )
            .await
            .is_ok()
        {
            answered += 1;
        }
    }
    assert_eq!(answered, 0, "a penalised peer is not served");
    assert!(
        node.status().await["peers"].is_u64(),
        "the API still answers"
    );

    // 3. An honest producer that was away catches the node up by sync.
    let mut honest = Node::start("producer", "Honnête", &[]).await.unwrap();
    let secret = honest.secret();
    for i in 0..50u64 {
        let record = Record::sign(
            &secret,
            listing_payload(
                "geneva",
                &format!("pain-{i}"),
                "Pain",
                400 + i,
                now_ms(),
                DAY_MS,
            ),
        )
        .unwrap();
        honest.submit(record.to_wire()).await.unwrap();
    }
    assert!(honest.stop().await);
    let path = honest.dir.join("smartket.toml");
    let config = std::fs::read_to_string(&path).unwrap().replace(
        "bootstrap = []",
        &format!("bootstrap = [\"{}\"]", node.addrs[0]),
    );
    std::fs::write(&path, config).unwrap();
    honest.run().await.unwrap();
    wait_until("the node synced the honest producer", DEADLINE, || async {
        let status = node.status().await;
        (status["markets"]["geneva"]["listing"].as_u64() == Some(50)).then_some(())
    })
    .await;
}
