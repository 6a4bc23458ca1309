//! The market across real home routers: a cooperative on a public segment and homes each
//! behind its own NAT, one of them symmetric, all in network namespaces the tests create and
//! delete (`smartket_tests::netlab`). Every node is given only the cooperative's address, as a
//! farmer is. Needs root (CI runs as root; `scripts/test-all` installs iproute2 and nftables).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use serde_json::json;
use smartket_tests::netlab::{Host, Lab, Nat};
use smartket_tests::shop::{
    add_listing, assert_sent_at_first_attempt, author, buy_for_pickup, checkout_two_sellers,
    deliver_by_courier, open_cheese_shop, open_two_seller_market, put_profile, step, wait_relayed,
    wait_stage,
};
use smartket_tests::{DEADLINE, Node, wait_until};

/// The libp2p port every node listens on in its namespace.
const PORT: u16 = 4001;

/// How long DCUtR takes to give up behind a symmetric NAT, at the latest: libp2p makes 3
/// attempts, and each direct dial into a router that drops it waits out libp2p's 10 s
/// connection timeout. A failed hole punch cannot be seen sooner than that.
const HOLE_PUNCH_GIVES_UP: Duration = Duration::from_secs(3 * 10);

async fn peer_id(node: &Node) -> String {
    node.status().await["peer_id"].as_str().unwrap().to_owned()
}

/// What `node`'s peers list says of the peer with id `peer`: its route and last hole punch.
async fn route_of(node: &Node, peer: &str) -> Option<(String, Option<String>)> {
    let peers = node.get("/api/v1/peers").await.ok()??;
    let entry = peers
        .as_array()?
        .iter()
        .find(|p| p["peer_id"] == peer)?
        .clone();
    Some((
        entry["route"].as_str()?.to_owned(),
        entry["hole_punch"].as_str().map(str::to_owned),
    ))
}

/// Waits until `a` and `b` are connected by `route` (`direct` or `relayed`) and their hole
/// punch ended as `hole_punch` (`succeeded` or `failed`). The outcome is known to the side
/// that made the attempts — the one a relayed connection was opened *to*, which depends on
/// who sent first — so either side's word counts.
async fn wait_route(a: &Node, b: &Node, hole_punch: &str, route: &str) {
    let (a_peer, b_peer) = (peer_id(a).await, peer_id(b).await);
    let what = format!(
        "{} and {} connected {route}, hole punch {hole_punch}",
        a.api, b.api
    );
    wait_until(&what, DEADLINE + HOLE_PUNCH_GIVES_UP, || async {
        let (a_route, a_punch) = route_of(a, &b_peer).await?;
        let (_, b_punch) = route_of(b, &a_peer).await.unwrap_or_default();
        let punched = [a_punch, b_punch]
            .iter()
            .any(|p| p.as_deref() == Some(hole_punch));
        (a_route == route && punched).then_some(())
    })
    .await
}

/// What a consumer types in the shop's search box finds what a home published.
async fn wait_found(node: &Node, query: &str, title: &str) {
    let what = format!("{} finds {title:?} searching {query:?}", node.api);
    wait_until(&what, DEADLINE, || async {
        let found = node
            .get(&format!("/api/v1/search?q={query}"))
            .await
            .ok()??;
        found.to_string().contains(title).then_some(())
    })
    .await
}

/// Starts a cooperative on the lab's public segment and, behind its own router for each of
/// `homes` (its NAT, role and name), a node given only the cooperative's address; waits until
/// each home holds a reservation on the cooperative. Returns the cooperative and the homes.
async fn market<const N: usize>(
    lab: &mut Lab,
    homes: [(Nat, &str, &str); N],
) -> (Node, [(Host, Node); N]) {
    let coop_host = lab.public().unwrap();
    let coop = Node::start_on(
        &coop_host,
        PORT,
        "cooperative",
        "Coopérative du marché",
        &[],
    )
    .await
    .unwrap();
    let boot = [coop.addrs[0].clone()];
    let coop_peer = peer_id(&coop).await;
    let mut started = Vec::new();
    for (nat, role, name) in homes {
        let host = lab.home(nat).unwrap();
        let node = Node::start_on(&host, PORT, role, name, &boot)
            .await
            .unwrap();
        started.push((host, node));
    }
    for (_, node) in &started {
        assert_eq!(wait_relayed(node).await, vec![coop_peer.clone()]);
    }
    let Ok(homes) = <[(Host, Node); N]>::try_from(started) else {
        unreachable!("one node per home")
    };
    (coop, homes)
}

/// A dairy and a courier behind ordinary home routers, a bakery behind a symmetric one, a
/// consumer behind a third: the catalogue reaches every home, a node that was off catches up,
/// a two-seller basket with courier delivery runs to `completed` for every party with every
/// message delivered on its first attempt (relayed by the cooperative, then direct where hole
/// punching works — never to the symmetric NAT), and a consumer that restarts on another port
/// is reached again at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn homes_behind_routers_trade_through_the_cooperative_and_punch_holes_where_nats_allow() {
    let mut lab = Lab::new().unwrap();
    let (coop, [(_, dairy), (_, bakery), (_, mut courier), (_, mut consumer)]) = market(
        &mut lab,
        [
            (Nat::Cone, "producer", "Fromagerie"),
            (Nat::Symmetric, "producer", "Boulangerie"),
            (Nat::Cone, "courier", "Vélo-Livraisons"),
            (Nat::Cone, "consumer", "Client"),
        ],
    )
    .await;

    // Published at two homes, held and searchable at a third.
    let market = open_two_seller_market(&dairy, &bakery, &courier, &consumer).await;
    wait_found(&consumer, "gruyere", "Gruyère AOP").await;
    wait_found(&consumer, "seigle", "Pain de seigle").await;
    // The courier's laptop was off while the dairy added a cheese: it catches up on return.
    assert!(courier.stop().await);
    add_listing(&dairy, "vacherin", "Vacherin fribourgeois", 1480, 6).await;
    courier.run().await.unwrap();
    wait_until("the courier caught up", DEADLINE, || async {
        courier.current(&market.dairy, "listing", "vacherin").await
    })
    .await;
    wait_relayed(&courier).await;

    let (cheese, bread) = checkout_two_sellers(&consumer, &market).await;
    wait_stage(&dairy, &cheese, "placed").await;
    step(&dairy, &cheese, json!({ "type": "accepted" })).await;
    wait_stage(&courier, &cheese, "accepted").await;
    wait_stage(&consumer, &cheese, "accepted").await;
    deliver_by_courier(&dairy, &courier, &consumer, &cheese).await;

    wait_stage(&bakery, &bread, "placed").await;
    step(&bakery, &bread, json!({ "type": "accepted" })).await;
    step(&bakery, &bread, json!({ "type": "payment_confirmed" })).await;
    wait_until("the consumer sees the bread paid", DEADLINE, || async {
        let order = consumer
            .get(&format!("/api/v1/orders/{bread}"))
            .await
            .ok()??;
        (order["paid"] == true).then_some(())
    })
    .await;
    // Two cone NATs let hole punching through; a symmetric one never does.
    wait_route(&consumer, &dairy, "succeeded", "direct").await;
    wait_route(&consumer, &bakery, "failed", "relayed").await;

    // The consumer's laptop restarts and comes back on another port: the bakery's next step
    // reaches it on the first attempt, through its new reservation.
    assert!(consumer.stop().await);
    consumer.set_port(PORT + 1);
    consumer.run().await.unwrap();
    wait_relayed(&consumer).await;
    step(&bakery, &bread, json!({ "type": "ready_for_pickup" })).await;
    wait_stage(&consumer, &bread, "ready_for_pickup").await;
    step(&bakery, &bread, json!({ "type": "completed" })).await;
    wait_stage(&consumer, &bread, "completed").await;

    for (node, id) in [
        (&consumer, &cheese),
        (&consumer, &bread),
        (&dairy, &cheese),
        (&courier, &cheese),
        (&bakery, &bread),
    ] {
        assert_sent_at_first_attempt(node, id).await;
    }
    assert_eq!(coop.status().await["mailbox"]["waiting"], 0);
}

/// A seller whose home loses its line for minutes: an order placed meanwhile waits in the
/// cooperative's mailbox, the step it made meanwhile waits in its own outbox, its new listing
/// and the bakery's wait to be exchanged — and once the line is back, everything arrives and
/// the catalogues converge, without waiting for a retry timer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seller_cut_off_for_minutes_gets_and_sends_everything_once_its_line_is_back() {
    let mut lab = Lab::new().unwrap();
    let (coop, [(dairy_host, dairy), (_, bakery), (_, consumer)]) = market(
        &mut lab,
        [
            (Nat::Cone, "producer", "Fromagerie"),
            (Nat::Symmetric, "producer", "Boulangerie"),
            (Nat::Cone, "consumer", "Client"),
        ],
    )
    .await;
    let dairy_key = open_cheese_shop(&dairy, &consumer).await;
    let bakery_key = author(&bakery).await;
    put_profile(&bakery, &["producer"], "Boulangerie du Rhône", "1204").await;
    let first = buy_for_pickup(&consumer, &dairy_key, "tomme", 1, "Léa Martin").await;
    wait_stage(&dairy, &first, "placed").await;

    lab.cut(&dairy_host).unwrap();
    let dairy_peer = peer_id(&dairy).await;
    wait_until("the cooperative saw the dairy go", DEADLINE * 4, || async {
        let peers = coop.get("/api/v1/peers").await.ok()??;
        (!peers.to_string().contains(&dairy_peer)).then_some(())
    })
    .await;
    // Meanwhile: the dairy accepts the first order and adds a cheese; a second order is
    // placed; the bakery publishes a bread.
    step(&dairy, &first, json!({ "type": "accepted" })).await;
    add_listing(&dairy, "reblochon", "Reblochon fermier", 1100, 8).await;
    let second = buy_for_pickup(&consumer, &dairy_key, "tomme", 2, "Léa Martin").await;
    add_listing(&bakery, "pain", "Pain de seigle", 520, 10).await;
    wait_until(
        "the second order waits in the mailbox",
        DEADLINE,
        || async {
            let order = consumer
                .get(&format!("/api/v1/orders/{second}"))
                .await
                .ok()??;
            (order["sent"][0]["state"] == "in_mailbox").then_some(())
        },
    )
    .await;
    assert!(coop.status().await["mailbox"]["waiting"].as_u64().unwrap() >= 1);
    // The line stays down until the dairy's acceptance has failed five times (its retries
    // back off: about two minutes and a half).
    wait_until("the dairy retried five times", DEADLINE * 10, || async {
        let order = dairy.get(&format!("/api/v1/orders/{first}")).await.ok()??;
        let attempts = order["sent"].as_array()?.last()?["attempts"].as_u64()?;
        (attempts >= 5).then_some(())
    })
    .await;

    lab.heal(&dairy_host).unwrap();
    wait_stage(&consumer, &first, "accepted").await;
    wait_stage(&dairy, &second, "placed").await;
    wait_until(
        "the consumer has the dairy's new cheese",
        DEADLINE,
        || async { consumer.current(&dairy_key, "listing", "reblochon").await },
    )
    .await;
    wait_until("the dairy has the bakery's bread", DEADLINE, || async {
        dairy.current(&bakery_key, "listing", "pain").await
    })
    .await;
    step(&dairy, &second, json!({ "type": "accepted" })).await;
    wait_stage(&consumer, &second, "accepted").await;
    wait_until("the mailbox emptied", DEADLINE, || async {
        (coop.status().await["mailbox"]["waiting"] == 0).then_some(())
    })
    .await;
}
