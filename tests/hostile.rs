//! A hostile peer in a market of real node processes: it gossips garbage and records with bad
//! signatures. Nothing of it is stored or forwarded, its score drops, and the honest nodes keep
//! trading.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use smartket_node::network::{self, Family, NetworkConfig};
use smartket_protocol::Record;
use smartket_tests::fixtures::listing_payload;
use smartket_tests::{DEADLINE, Net, now_ms, wait_until};

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
