//! Orders end to end across real node processes: a consumer buys from two sellers in one
//! checkout (courier delivery for one, pick-up for the other, 30 % in Léman), the sellers, the
//! courier and the consumer each make their steps through their own API, every party reaches
//! "completed", and the signed histories verify.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use reqwest::Method;
use serde_json::json;
use smartket_node::orders::db::Party;
use smartket_node::orders::view::verify_receipt;
use smartket_tests::shop::{
    assert_sent_at_first_attempt, buy_for_pickup, checkout_two_sellers, deliver_by_courier,
    open_cheese_shop, open_two_seller_market, step, wait_relayed, wait_stage,
};
use smartket_tests::{DEADLINE, Node, wait_until};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_seller_basket_goes_from_checkout_to_completed_for_every_party() {
    let dairy = Node::start("producer", "Fromagerie", &[]).await.unwrap();
    let bakery = Node::start("producer", "Boulangerie", &[dairy.addrs[0].clone()])
        .await
        .unwrap();
    let courier = Node::start(
        "courier",
        "Vélo-Livraisons",
        &[dairy.addrs[0].clone(), bakery.addrs[0].clone()],
    )
    .await
    .unwrap();
    let consumer = Node::start(
        "consumer",
        "Client",
        &[
            dairy.addrs[0].clone(),
            bakery.addrs[0].clone(),
            courier.addrs[0].clone(),
        ],
    )
    .await
    .unwrap();
    let market = open_two_seller_market(&dairy, &bakery, &courier, &consumer).await;
    let dairy_key = market.dairy.clone();
    let (cheese, bread) = checkout_two_sellers(&consumer, &market).await;
    let sent = wait_until(
        "both orders delivered to their sellers",
        DEADLINE,
        || async {
            let order = consumer
                .get(&format!("/api/v1/orders/{cheese}"))
                .await
                .ok()??;
            (order["sent"][0]["state"] == "delivered").then_some(order)
        },
    )
    .await;
    assert_eq!(sent["order"]["delivery"]["fee"]["amount"], 800);
    assert_eq!(sent["order"]["totals"]["CHF"], 2500 + 800);
    // 30 % of CHF 33.00 in Léman to the dairy's wallet, the rest in cash to the courier.
    assert_eq!(
        sent["payment"],
        json!([
            { "type": "local_currency", "currency": "LEM", "amount": 990,
              "wallet": "lem:wallet-1", "reference": format!("smartket {}", &cheese[..8]) },
            { "type": "in_person", "how": "cash_on_delivery", "amount": 2310, "currency": "CHF" },
        ])
    );
    let basket = consumer.get("/api/v1/basket").await.unwrap().unwrap();
    assert_eq!(basket["lines"], json!([]));

    // The cheese: courier delivery.
    let at_dairy = wait_stage(&dairy, &cheese, "placed").await;
    assert_eq!(at_dairy["party"], "seller");
    assert_eq!(at_dairy["order"]["payment"]["share_pct"], 30);
    let mut events = reqwest::Client::new()
        .get(format!("{}/api/v1/events", consumer.api))
        .bearer_auth(&consumer.token)
        .send()
        .await
        .unwrap();
    step(&dairy, &cheese, json!({ "type": "accepted" })).await;
    // The consumer's page hears of it without asking.
    let mut seen = String::new();
    let expected = format!("\"order\":\"{cheese}\"");
    tokio::time::timeout(DEADLINE, async {
        while !(seen.contains("event: order") && seen.contains(&expected)) {
            let chunk = events
                .chunk()
                .await
                .unwrap()
                .expect("the stream stays open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no order event; got {seen:?}"));
    drop(events);
    // Accepting took the stock.
    wait_until("the dairy's stock went down", DEADLINE, || async {
        let listing = dairy
            .get(&format!("/api/v1/slots/{dairy_key}/listing/gruyere"))
            .await
            .ok()??;
        (listing["body"]["stock"] == 38).then_some(())
    })
    .await;
    wait_stage(&consumer, &cheese, "accepted").await;
    let job = wait_stage(&courier, &cheese, "accepted").await;
    assert_eq!(job["party"], "courier");
    assert_eq!(job["job"]["dropoff"]["address"]["postcode"], "1205");
    // A consumer cannot accept, and a courier cannot deliver what it has not picked up.
    let (status, refused) = consumer
        .send(
            Method::POST,
            &format!("/api/v1/orders/{cheese}/steps"),
            Some(&json!({ "type": "accepted" })),
        )
        .await
        .unwrap();
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("step_refused"))
    );
    let (status, _) = courier
        .send(
            Method::POST,
            &format!("/api/v1/orders/{cheese}/steps"),
            Some(&json!({ "type": "delivered" })),
        )
        .await
        .unwrap();
    assert_eq!(status, 409);

    deliver_by_courier(&dairy, &courier, &consumer, &cheese).await;

    // The bread: pick-up.
    wait_stage(&bakery, &bread, "placed").await;
    step(&bakery, &bread, json!({ "type": "accepted" })).await;
    step(&bakery, &bread, json!({ "type": "payment_confirmed" })).await;
    step(
        &bakery,
        &bread,
        json!({ "type": "ready_for_pickup", "note": "Dès 16 h" }),
    )
    .await;
    wait_stage(&consumer, &bread, "ready_for_pickup").await;
    step(&bakery, &bread, json!({ "type": "completed" })).await;
    let done = wait_stage(&consumer, &bread, "completed").await;
    assert!(done["paid"].as_bool().unwrap());
    let steps: Vec<&str> = done["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "order",
            "accepted",
            "payment_confirmed",
            "ready_for_pickup",
            "completed"
        ]
    );

    // Both sides' histories verify as receipts, and a tampered one does not.
    for (node, party, id) in [
        (&consumer, Party::Consumer, &cheese),
        (&dairy, Party::Seller, &cheese),
        (&courier, Party::Courier, &cheese),
        (&bakery, Party::Seller, &bread),
    ] {
        let receipt = node
            .get(&format!("/api/v1/orders/{id}/receipt"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(verify_receipt(&receipt, party), Ok("completed".into()));
        let mut forged = receipt.clone();
        let inner = forged["messages"][1]["inner"].as_str().unwrap().to_owned();
        let flipped = format!(
            "{}{}",
            &inner[..inner.len() - 2],
            if inner.ends_with('0') { "1" } else { "0" }
        );
        forged["messages"][1]["inner"] = json!(flipped.clone() + "");
        assert!(verify_receipt(&forged, party).is_err());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_to_an_offline_seller_waits_in_the_cooperative_mailbox_across_restarts() {
    let mut coop = Node::start("cooperative", "Coopérative du marché", &[])
        .await
        .unwrap();
    let consumer = Node::start("consumer", "Client", &[coop.addrs[0].clone()])
        .await
        .unwrap();
    let mut seller = Node::start(
        "producer",
        "Fromagerie",
        &[coop.addrs[0].clone(), consumer.addrs[0].clone()],
    )
    .await
    .unwrap();
    let seller_key = open_cheese_shop(&seller, &consumer).await;
    assert!(seller.stop().await, "the seller stops cleanly");

    let id = buy_for_pickup(&consumer, &seller_key, "tomme", 3, "Léa Martin-Secret").await;
    wait_until("the order waits in the mailbox", DEADLINE, || async {
        let order = consumer.get(&format!("/api/v1/orders/{id}")).await.ok()??;
        (order["sent"][0]["state"] == "in_mailbox").then_some(())
    })
    .await;

    // The cooperative restarts: the message is still there, and it holds nothing readable.
    assert_eq!(coop.status().await["mailbox"]["waiting"], 1);
    assert!(coop.stop().await, "the cooperative stops cleanly");
    let stored = std::fs::read(coop.dir.join("mailbox.redb")).unwrap();
    for secret in [
        "Léa Martin-Secret",
        "lea@example.ch",
        "tomme",
        "Tomme de Genève",
    ] {
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "the cooperative's database holds {secret:?} in clear"
        );
    }
    coop.run().await.unwrap();

    // The seller comes back: it collects the order from the cooperative and answers directly.
    seller.set_bootstrap(vec![coop.addrs[0].clone(), consumer.addrs[0].clone()]);
    seller.run().await.unwrap();
    let received = wait_stage(&seller, &id, "placed").await;
    assert_eq!(received["order"]["items"][0]["quantity"], 3);
    assert_eq!(received["order"]["contact"]["name"], "Léa Martin-Secret");
    step(&seller, &id, json!({ "type": "accepted" })).await;
    wait_stage(&consumer, &id, "accepted").await;
    // Taken from the mailbox and acknowledged: nothing waits there any more.
    let status = coop.status().await;
    assert_eq!(status["mailbox"]["waiting"], 0, "{status}");
}

/// What a farmer is given is the cooperative's address, nothing else. In that star the
/// consumer's node has no address for the seller's, yet the order and every step go straight
/// to the other party (through the cooperative's relay, then direct where hole punching
/// works) on the first attempt: none waits in the mailbox for a collection round.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_star_an_order_and_its_steps_reach_the_other_party_at_once_not_through_the_mailbox() {
    let coop = Node::start("cooperative", "Coopérative du marché", &[])
        .await
        .unwrap();
    let coop_peer = coop.status().await["peer_id"].as_str().unwrap().to_owned();
    let seller = Node::start("producer", "Fromagerie", &[coop.addrs[0].clone()])
        .await
        .unwrap();
    let consumer = Node::start("consumer", "Client", &[coop.addrs[0].clone()])
        .await
        .unwrap();
    let seller_key = open_cheese_shop(&seller, &consumer).await;
    // Each home is reachable through the cooperative, whatever AutoNAT found of it.
    for node in [&seller, &consumer] {
        assert_eq!(wait_relayed(node).await, vec![coop_peer.clone()]);
    }
    assert!(
        !coop.status().await["reachability"]["public"]
            .as_array()
            .unwrap()
            .is_empty(),
        "a cooperative is reachable at the addresses it listens on"
    );

    let id = buy_for_pickup(&consumer, &seller_key, "tomme", 2, "Léa Martin").await;
    wait_stage(&seller, &id, "placed").await;
    step(&seller, &id, json!({ "type": "accepted" })).await;
    wait_stage(&consumer, &id, "accepted").await;
    step(&seller, &id, json!({ "type": "ready_for_pickup" })).await;
    wait_stage(&consumer, &id, "ready_for_pickup").await;

    for node in [&consumer, &seller] {
        assert_sent_at_first_attempt(node, &id).await;
    }
    assert_eq!(coop.status().await["mailbox"]["waiting"], 0);
}
