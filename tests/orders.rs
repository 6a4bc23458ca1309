//! Orders end to end across real node processes: a consumer buys from two sellers in one
//! checkout (courier delivery for one, pick-up for the other, 30 % in Léman), the sellers, the
//! courier and the consumer each make their steps through their own API, every party reaches
//! "completed", and the signed histories verify.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use libp2p::PeerId;
use reqwest::Method;
use serde_json::json;
use smartket_node::network::RequestKind;
use smartket_node::orders::db::Party;
use smartket_node::orders::view::verify_receipt;
use smartket_protocol::mailbox::{MailboxRequest, MailboxResponse};
use smartket_protocol::messages::{
    Contact, DeliveryChoice, MessageId, Order, OrderId, OrderItem, PaymentChoice,
};
use smartket_protocol::{EncryptionKey, Message, MessageBody, RecipientKeys, SecretKey, seal};
use smartket_tests::shop::{
    add_listing, assert_sent_at_first_attempt, author, buy_for_pickup, checkout_two_sellers,
    deliver_by_courier, open_cheese_shop, open_two_seller_market, put_profile, step, wait_relayed,
    wait_stage,
};
use smartket_tests::{DEADLINE, Node, now_ms, raw_peer, wait_until};

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

/// A cooperative, a consumer that bootstraps from it, and a cheese shop the consumer has seen
/// (profile and listings), stopped: (cooperative, consumer, seller, seller's key).
async fn offline_cheese_shop() -> (Node, Node, Node, String) {
    let coop = Node::start("cooperative", "Coopérative du marché", &[])
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
    (coop, consumer, seller, seller_key)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_to_an_offline_seller_waits_in_the_cooperative_mailbox_across_restarts() {
    let (mut coop, consumer, mut seller, seller_key) = offline_cheese_shop().await;

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
    // Taken from the mailbox and acknowledged: nothing waits there any more. (The order may
    // have come straight from the consumer first — it retries the moment the seller connects —
    // and the mailbox copy is then collected and acknowledged a moment later, as a duplicate.)
    wait_until("the cooperative's mailbox emptied", DEADLINE, || async {
        (coop.status().await["mailbox"]["waiting"] == 0).then_some(())
    })
    .await;
}

/// A stranger connected to the consumer — any peer can mint an id and dial — is never given
/// the consumer's mail to keep, nor asked for it: it would learn who writes to whom, when, and
/// how much, for nothing. Only the cooperative the consumer was given is. Before, a deposit
/// went to every connected peer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_goes_to_the_cooperative_only_never_to_a_stranger_connected_to_the_consumer() {
    let (coop, consumer, _seller, seller_key) = offline_cheese_shop().await;
    // The stranger's events are left unread: a request it got stays in its queue.
    let (_stranger, mut events, stranger_id) = raw_peer(
        libp2p::identity::Keypair::generate_ed25519(),
        &[consumer.addrs[0].clone()],
    )
    .await;
    wait_until(
        "the stranger connected to the consumer",
        DEADLINE,
        || async {
            let peers = consumer.get("/api/v1/peers").await.ok()??;
            peers
                .as_array()?
                .iter()
                .any(|p| p["peer_id"] == stranger_id.as_str())
                .then_some(())
        },
    )
    .await;

    let id = buy_for_pickup(&consumer, &seller_key, "tomme", 1, "Léa Martin").await;
    wait_until("the order waits in the mailbox", DEADLINE, || async {
        let order = consumer.get(&format!("/api/v1/orders/{id}")).await.ok()??;
        (order["sent"][0]["state"] == "in_mailbox").then_some(())
    })
    .await;
    assert_eq!(coop.status().await["mailbox"]["waiting"], 1);
    // The deposit asked each chosen peer in turn before the order showed `in_mailbox`.
    while let Ok(event) = events.try_recv() {
        if let smartket_node::network::NetworkEvent::InboundRequest { kind, .. } = event {
            assert_ne!(
                kind,
                RequestKind::Mailbox,
                "the stranger was sent mailbox traffic"
            );
        }
    }
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

/// A cooperative tells a connected recipient of each deposit at once (`spec/mailbox.md` §3.5):
/// an order left in its mailbox for a seller that is online reaches the seller within the
/// deadline, though the seller's own collection round is ten minutes away. The buyer is a bare
/// libp2p peer that only ever talks to the cooperative, so the mailbox is the only way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_left_with_the_cooperative_for_a_connected_seller_is_pushed_not_left_for_its_round()
 {
    let coop = Node::start("cooperative", "Coopérative du marché", &[])
        .await
        .unwrap();
    let mut seller = Node::start("producer", "Fromagerie", &[coop.addrs[0].clone()])
        .await
        .unwrap();
    // `run` listens for Ctrl-C one API round trip after its banner: the stop is a clean one.
    assert!(seller.status().await.is_object());
    assert!(seller.stop().await, "the seller stops cleanly");
    let path = seller.dir.join("smartket.toml");
    let config = std::fs::read_to_string(&path)
        .unwrap()
        .replace("collect_every_secs = 30\n", "collect_every_secs = 600\n");
    assert!(config.contains("collect_every_secs = 600\n"), "{config}");
    std::fs::write(&path, config).unwrap();
    seller.run().await.unwrap();

    let seller_key = author(&seller).await;
    put_profile(&seller, &["producer"], "Fromagerie des Bossons", "1213").await;
    add_listing(&seller, "tomme", "Tomme de Genève", 900, 20).await;
    let listing_id = wait_until("the seller holds its listing", DEADLINE, || async {
        seller.current(&seller_key, "listing", "tomme").await
    })
    .await;
    let listing = seller
        .get(&format!("/api/v1/records/{listing_id}"))
        .await
        .unwrap()
        .unwrap();
    // The seller collected on connecting: the cooperative knows it holds its key, on this
    // connection, and an empty mailbox leaves nothing for the round to find.
    wait_until("the cooperative will tell the seller", DEADLINE, || async {
        (coop.status().await["mailbox"]["watched"].as_u64()? >= 1).then_some(())
    })
    .await;

    let secret = seller.secret();
    let to = RecipientKeys {
        author: secret.public(),
        enc: smartket_node::identity::encryption_key(&secret).public(),
    };
    let buyer = SecretKey::from_bytes(&[77; 32]);
    let order_id = OrderId::random().unwrap();
    let order = Order {
        order_id,
        items: vec![OrderItem {
            author: secret.public(),
            key: "tomme".into(),
            listing: listing_id.parse().unwrap(),
            rev: listing["rev"].as_u64().unwrap(),
            variant: None,
            quantity: 2,
            unit_price: 900,
            currency: "CHF".into(),
        }],
        delivery: DeliveryChoice::Pickup,
        address: None,
        contact: Contact {
            name: "Léa Martin".into(),
            phone: None,
            email: Some("lea@example.ch".into()),
        },
        payment: PaymentChoice::CashOnPickup,
        totals: [("CHF".to_owned(), 1800)].into(),
        note: None,
        reply_to: RecipientKeys {
            author: buyer.public(),
            enc: EncryptionKey::from_seed(&[78; 32]).public(),
        },
        reply_node: None,
    };
    let message = Message {
        id: MessageId::random().unwrap(),
        market: "geneva".into(),
        body: MessageBody::Order(Box::new(order)),
    };
    let sealed = seal(&buyer, &to, &message, now_ms()).unwrap().into_bytes();

    let keypair = libp2p::identity::Keypair::ed25519_from_bytes(buyer.to_bytes()).unwrap();
    let (client, _events, _) = raw_peer(keypair, &[coop.addrs[0].clone()]).await;
    let coop_peer: PeerId = coop.status().await["peer_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    wait_until(
        "the buyer is connected to the cooperative",
        DEADLINE,
        || async {
            let peers = client.peers().await.ok()?;
            peers.iter().any(|p| p.peer_id == coop_peer).then_some(())
        },
    )
    .await;
    let deposit = MailboxRequest::Deposit {
        recipient: to.enc,
        expires_ms: now_ms() + 24 * 3600 * 1000,
        sealed,
    };
    let answer = client
        .request(coop_peer, RequestKind::Mailbox, deposit.encode())
        .await
        .unwrap();
    assert!(
        matches!(
            MailboxResponse::decode(&answer),
            Ok(MailboxResponse::Accepted { .. })
        ),
        "{:?}",
        MailboxResponse::decode(&answer)
    );

    let received = wait_stage(&seller, &order_id.to_hex(), "placed").await;
    assert_eq!(received["order"]["items"][0]["quantity"], 2);
    assert_eq!(received["order"]["contact"]["name"], "Léa Martin");
    wait_until("the seller acknowledged it", DEADLINE, || async {
        (coop.status().await["mailbox"]["waiting"] == 0).then_some(())
    })
    .await;
}

/// Each order a consumer places answers to keys of its own (`spec/orders.md` §2): the replies
/// a cooperative keeps while the consumer is away wait under one key per order, none of them
/// the consumer's own, so what the cooperative stores cannot tie two orders to one consumer.
/// The consumer collects them when it comes back. Before, every reply waited under the
/// consumer's profile key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_wait_for_an_absent_consumer_under_a_key_of_each_order_never_its_own() {
    let mut coop = Node::start("cooperative", "Coopérative du marché", &[])
        .await
        .unwrap();
    let mut consumer = Node::start("consumer", "Client", &[coop.addrs[0].clone()])
        .await
        .unwrap();
    let seller = Node::start(
        "producer",
        "Fromagerie",
        &[coop.addrs[0].clone(), consumer.addrs[0].clone()],
    )
    .await
    .unwrap();
    let seller_key = open_cheese_shop(&seller, &consumer).await;
    let first = buy_for_pickup(&consumer, &seller_key, "tomme", 1, "Léa Martin").await;
    let second = buy_for_pickup(&consumer, &seller_key, "tomme", 2, "Léa Martin").await;
    for id in [&first, &second] {
        wait_stage(&seller, id, "placed").await;
    }
    let secret = consumer.secret();
    let own = smartket_node::identity::encryption_key(&secret).public();

    assert!(consumer.stop().await, "the consumer stops cleanly");
    for id in [&first, &second] {
        step(&seller, id, json!({ "type": "accepted" })).await;
    }
    wait_until(
        "both acceptances wait at the cooperative",
        DEADLINE,
        || async { (coop.status().await["mailbox"]["waiting"] == 2).then_some(()) },
    )
    .await;
    assert!(coop.stop().await, "the cooperative stops cleanly");
    let stored = std::fs::read(coop.dir.join("mailbox.redb")).unwrap();
    let holds = |key: &[u8]| stored.windows(key.len()).any(|w| w == key);
    assert!(!holds(&own.0), "a reply waits under the consumer's own key");
    for id in [&first, &second] {
        let key = smartket_node::orders::keys::order_recipient(&secret, &order_id(id));
        assert!(holds(&key.enc.0), "no reply waits under order {id}'s key");
    }
    coop.run().await.unwrap();

    consumer.set_bootstrap(vec![coop.addrs[0].clone()]);
    consumer.run().await.unwrap();
    for id in [&first, &second] {
        wait_stage(&consumer, id, "accepted").await;
    }
    wait_until("the cooperative's mailbox emptied", DEADLINE, || async {
        (coop.status().await["mailbox"]["waiting"] == 0).then_some(())
    })
    .await;
}

fn order_id(hex_id: &str) -> OrderId {
    OrderId(hex::decode(hex_id).unwrap().try_into().unwrap())
}
