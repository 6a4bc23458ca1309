//! Order-step latency between homes behind NAT routers, in the network lab (network
//! namespaces; needs root): a consumer and a seller behind cone routers (connected directly
//! once hole punching worked), and a seller behind a symmetric router (reached through the
//! cooperative's relay for good). Then the seller's line is cut while orders and steps are
//! made, and healed: how long until everything that waited has arrived.
//!
//! ```text
//! cargo build --release -p smartket-node
//! cargo run --release -p smartket-tests --example netlab_bench -- [ORDERS] [CUTS]
//! ```
//!
//! Latency is measured from the API call that makes a step (checkout, or the seller's
//! acceptance) to the other party's `order` event on its `/api/v1/events` stream: what a
//! person at the other end would see.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use smartket_tests::netlab::{Lab, Nat};
use smartket_tests::shop::{
    add_listing, add_to_basket, author, checkout_for_pickup, put_profile, step, wait_relayed,
};
use smartket_tests::{DEADLINE, Node, wait_until};
use tokio::sync::mpsc;

/// (order id, what happened) as a node's event stream tells them.
type Heard = mpsc::UnboundedReceiver<(String, String)>;

/// Follows `node`'s event stream in the background.
async fn listen(node: &Node) -> Heard {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut response = reqwest::Client::new()
        .get(format!("{}/api/v1/events", node.api))
        .bearer_auth(&node.token)
        .send()
        .await
        .unwrap();
    tokio::spawn(async move {
        let mut text = String::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = text.find("\n\n") {
                let event: String = text.drain(..end + 2).collect();
                if !event.contains("event: order") {
                    continue;
                }
                let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) else {
                    continue;
                };
                let Ok(data) = serde_json::from_str::<Value>(data) else {
                    continue;
                };
                let (Some(order), Some(what)) = (data["order"].as_str(), data["what"].as_str())
                else {
                    continue;
                };
                if tx.send((order.to_owned(), what.to_owned())).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

/// Waits until `heard` has said `what` of every order in `orders` (in any order).
async fn heard_all(heard: &mut Heard, orders: &[String], what: &str) {
    let mut waiting: Vec<&String> = orders.iter().collect();
    tokio::time::timeout(DEADLINE, async {
        while !waiting.is_empty() {
            let Some((o, w)) = heard.recv().await else {
                panic!("event stream ended");
            };
            if w == what {
                waiting.retain(|id| **id != o);
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {what} event for orders {waiting:?}"));
}

async fn heard(heard: &mut Heard, order: &str, what: &str) {
    heard_all(heard, &[order.to_owned()], what).await;
}

/// Publishes `seller`'s profile and a tomme with stock for every order the bench makes, and
/// waits until `consumer` holds the listing; returns the seller's key.
async fn open_shop(seller: &Node, consumer: &Node, name: &str) -> String {
    let key = author(seller).await;
    put_profile(seller, &["producer"], name, "1213").await;
    add_listing(seller, "tomme", "Tomme de Genève", 900, 1_000_000).await;
    wait_until("the consumer has the listing", DEADLINE, || async {
        consumer.current(&key, "listing", "tomme").await
    })
    .await;
    key
}

fn report(what: &str, mut samples: Vec<Duration>) {
    if samples.is_empty() {
        return;
    }
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{what:<58} n={:<4} p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
        samples.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
    );
}

/// Orders to `seller` and its acceptances, timed each way.
async fn round_trips(
    consumer: &Node,
    consumer_heard: &mut Heard,
    seller: &Node,
    seller_heard: &mut Heard,
    seller_key: &str,
    orders: usize,
) -> (Vec<Duration>, Vec<Duration>) {
    let (mut placed, mut accepted) = (Vec::new(), Vec::new());
    for _ in 0..orders {
        add_to_basket(consumer, seller_key, "tomme", 1).await;
        let start = Instant::now();
        let id = checkout_for_pickup(consumer, seller_key, "Léa Martin").await;
        heard(seller_heard, &id, "received").await;
        placed.push(start.elapsed());
        let start = Instant::now();
        step(seller, &id, json!({ "type": "accepted" })).await;
        heard(consumer_heard, &id, "step").await;
        accepted.push(start.elapsed());
    }
    (placed, accepted)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let orders: usize = args.next().map_or(200, |a| a.parse().expect("ORDERS"));
    let cuts: usize = args.next().map_or(3, |a| a.parse().expect("CUTS"));

    let mut lab = Lab::new().unwrap();
    let coop_host = lab.public().unwrap();
    let cone_host = lab.home(Nat::Cone).unwrap();
    let symmetric_host = lab.home(Nat::Symmetric).unwrap();
    let consumer_host = lab.home(Nat::Cone).unwrap();
    let coop = Node::start_on(&coop_host, 4001, "cooperative", "Coopérative", &[])
        .await
        .unwrap();
    let boot = [coop.addrs[0].clone()];
    let cone = Node::start_on(&cone_host, 4001, "producer", "Fromagerie", &boot)
        .await
        .unwrap();
    let symmetric = Node::start_on(&symmetric_host, 4001, "producer", "Laiterie", &boot)
        .await
        .unwrap();
    let consumer = Node::start_on(&consumer_host, 4001, "consumer", "Client", &boot)
        .await
        .unwrap();
    for node in [&cone, &symmetric, &consumer] {
        wait_relayed(node).await;
    }
    let cone_key = open_shop(&cone, &consumer, "Fromagerie des Bossons").await;
    let symmetric_key = open_shop(&symmetric, &consumer, "Laiterie de Carouge").await;
    let mut consumer_heard = listen(&consumer).await;
    let mut cone_heard = listen(&cone).await;
    let mut symmetric_heard = listen(&symmetric).await;

    // A first order each way opens the connections (and lets hole punching run) untimed.
    for (seller, heard_at, key) in [
        (&cone, &mut cone_heard, &cone_key),
        (&symmetric, &mut symmetric_heard, &symmetric_key),
    ] {
        round_trips(&consumer, &mut consumer_heard, seller, heard_at, key, 1).await;
    }
    let cone_peer = cone.status().await["peer_id"].as_str().unwrap().to_owned();
    let symmetric_peer = symmetric.status().await["peer_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let route = |peer: String| {
        let consumer = &consumer;
        async move {
            let peers = consumer.get("/api/v1/peers").await.unwrap().unwrap();
            peers
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["peer_id"] == peer)
                .map(|p| p["route"].as_str().unwrap_or("?").to_owned())
                .unwrap_or_else(|| "not connected".into())
        }
    };
    wait_until(
        "hole punching gave a direct connection",
        DEADLINE,
        || async { (route(cone_peer.clone()).await == "direct").then_some(()) },
    )
    .await;

    println!("network lab: cooperative on the public segment, every home behind its own NAT");
    let (placed, accepted) = round_trips(
        &consumer,
        &mut consumer_heard,
        &cone,
        &mut cone_heard,
        &cone_key,
        orders,
    )
    .await;
    println!("cone ⇄ cone, {}", route(cone_peer.clone()).await);
    report("  order: checkout → seller hears it", placed);
    report("  step: seller accepts → consumer hears it", accepted);
    let (placed, accepted) = round_trips(
        &consumer,
        &mut consumer_heard,
        &symmetric,
        &mut symmetric_heard,
        &symmetric_key,
        orders,
    )
    .await;
    println!(
        "cone ⇄ symmetric NAT, {}",
        route(symmetric_peer.clone()).await
    );
    report("  order: checkout → seller hears it", placed);
    report("  step: seller accepts → consumer hears it", accepted);

    // Cuts: the seller's line goes down while 5 orders it had are accepted and 5 new ones are
    // placed; how long from the line coming back until all 10 have arrived.
    let mut healed = Vec::new();
    for _ in 0..cuts {
        let mut before = Vec::new();
        for _ in 0..5 {
            add_to_basket(&consumer, &cone_key, "tomme", 1).await;
            let id = checkout_for_pickup(&consumer, &cone_key, "Léa Martin").await;
            heard(&mut cone_heard, &id, "received").await;
            before.push(id);
        }
        lab.cut(&cone_host).unwrap();
        wait_until(
            "the cooperative saw the seller go",
            DEADLINE * 4,
            || async {
                let peers = coop.get("/api/v1/peers").await.ok()??;
                (!peers.to_string().contains(&cone_peer)).then_some(())
            },
        )
        .await;
        for id in &before {
            step(&cone, id, json!({ "type": "accepted" })).await;
        }
        let mut during = Vec::new();
        for _ in 0..5 {
            add_to_basket(&consumer, &cone_key, "tomme", 1).await;
            during.push(checkout_for_pickup(&consumer, &cone_key, "Léa Martin").await);
        }
        let start = Instant::now();
        lab.heal(&cone_host).unwrap();
        tokio::join!(
            heard_all(&mut consumer_heard, &before, "step"),
            heard_all(&mut cone_heard, &during, "received"),
        );
        healed.push(start.elapsed());
    }
    report(
        "line back up → 5 acceptances and 5 orders all arrived",
        healed,
    );
}
