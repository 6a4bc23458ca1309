//! What a market's people do through their nodes' APIs, shared by the order tests: open a
//! shop, buy, make an order's steps, wait for a stage, check how messages travelled.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use reqwest::Method;
use serde_json::{Value, json};

use crate::{DEADLINE, Node, now_ms, wait_until};

pub async fn author(node: &Node) -> String {
    node.get("/api/v1/node").await.unwrap().unwrap()["author"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn put_profile(node: &Node, roles: &[&str], name: &str, postcode: &str) {
    let profile = json!({ "body": {
        "roles": roles, "legal_form": "individual", "name": { "fr": name },
        "postcode": postcode, "point": { "lat_e4": 462_000, "lon_e4": 61_500 },
        "address": { "street": "Rue du Marché 4", "postcode": postcode,
                     "locality": "Genève", "country": "CH" },
        "contact": { "phone": "+41 22 555 01 02" },
        "payment": [{ "type": "cash_on_pickup" },
                    { "type": "local_currency", "currency": "LEM", "share_pct": 50,
                      "wallet": "lem:wallet-1" }],
    }});
    let (status, answer) = node
        .send(Method::PUT, "/api/v1/own/profile", Some(&profile))
        .await
        .unwrap();
    assert_eq!(status, 200, "{answer}");
}

pub async fn add_listing(node: &Node, key: &str, title: &str, amount: u64, stock: u32) {
    let listing = json!({ "key": key, "body": {
        "title": { "fr": title },
        "description": { "fr": "Produit du canton." },
        "category": "food.dairy.cheese",
        "price": { "amount": amount, "currency": "CHF", "unit": "piece" },
        "stock": stock,
        "fulfilment": [{ "type": "pickup", "place": "Marché de Plainpalais", "postcode": "1205" }],
    }});
    let (status, answer) = node
        .send(Method::POST, "/api/v1/own/listings", Some(&listing))
        .await
        .unwrap();
    assert_eq!(status, 201, "{answer}");
}

/// Publishes `seller`'s profile and its listing `tomme`, and waits until `consumer` holds both;
/// returns the seller's key.
pub async fn open_cheese_shop(seller: &Node, consumer: &Node) -> String {
    let seller_key = author(seller).await;
    put_profile(seller, &["producer"], "Fromagerie des Bossons", "1213").await;
    add_listing(seller, "tomme", "Tomme de Genève", 900, 20).await;
    for (kind, key) in [("profile", "profile"), ("listing", "tomme")] {
        wait_until(&format!("consumer has the {kind}"), DEADLINE, || async {
            consumer.current(&seller_key, kind, key).await
        })
        .await;
    }
    seller_key
}

/// Puts `quantity` of `seller`'s listing `key` in `consumer`'s basket and checks out for
/// pick-up, paid in cash, in the name of `name`; returns the order id.
pub async fn buy_for_pickup(
    consumer: &Node,
    seller: &str,
    key: &str,
    quantity: u32,
    name: &str,
) -> String {
    add_to_basket(consumer, seller, key, quantity).await;
    checkout_for_pickup(consumer, seller, name).await
}

/// Puts `quantity` of `seller`'s listing `key` in `consumer`'s basket.
pub async fn add_to_basket(consumer: &Node, seller: &str, key: &str, quantity: u32) {
    let line = json!({ "author": seller, "key": key, "quantity": quantity });
    let (status, _) = consumer
        .send(Method::POST, "/api/v1/basket/items", Some(&line))
        .await
        .unwrap();
    assert_eq!(status, 200);
}

/// Checks out `consumer`'s basket of `seller`'s goods for pick-up, paid in cash, in the name
/// of `name`; returns the order id.
pub async fn checkout_for_pickup(consumer: &Node, seller: &str, name: &str) -> String {
    let checkout = json!({
        "sellers": { seller: { "delivery": { "type": "pickup" },
                               "payment": { "type": "cash_on_pickup" } } },
        "contact": { "name": name, "email": "lea@example.ch" },
    });
    let (status, placed) = consumer
        .send(Method::POST, "/api/v1/checkout", Some(&checkout))
        .await
        .unwrap();
    assert_eq!(status, 201, "{placed}");
    placed["orders"][0].as_str().unwrap().to_owned()
}

/// Waits until `node` holds order `id` at `stage`.
pub async fn wait_stage(node: &Node, id: &str, stage: &str) -> Value {
    let what = format!("order {id} at {stage} on {}", node.api);
    wait_until(&what, DEADLINE, || async {
        let order = node.get(&format!("/api/v1/orders/{id}")).await.ok()??;
        (order["stage"] == stage).then_some(order)
    })
    .await
}

pub async fn step(node: &Node, id: &str, step: Value) -> Value {
    let (status, answer) = node
        .send(
            Method::POST,
            &format!("/api/v1/orders/{id}/steps"),
            Some(&step),
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{step} on {}: {answer}", node.api);
    answer
}

/// Waits until `node` says others reach it through a relay; returns the relays' peer ids.
pub async fn wait_relayed(node: &Node) -> Vec<String> {
    wait_until(
        &format!("{} holds a relay reservation", node.api),
        DEADLINE,
        || async {
            let reach = node.status().await["reachability"].clone();
            let relays: Vec<String> = reach["relays"]
                .as_array()?
                .iter()
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect();
            (!relays.is_empty()).then_some(relays)
        },
    )
    .await
}

/// Asserts that every message `node` sent about order `id` was delivered straight to its
/// recipient on the first attempt: none was retried, none waited in a mailbox. (The sender
/// records the acknowledgement a moment after the recipient shows the step: it waits for that.)
pub async fn assert_sent_at_first_attempt(node: &Node, id: &str) {
    let what = format!("{} has an answer for every message of order {id}", node.api);
    let order = wait_until(&what, DEADLINE, || async {
        let order = node.get(&format!("/api/v1/orders/{id}")).await.ok()??;
        let sent = order["sent"].as_array()?;
        (!sent.is_empty() && sent.iter().all(|m| m["state"] != "pending")).then_some(order)
    })
    .await;
    for message in order["sent"].as_array().unwrap() {
        assert_eq!(message["state"], "delivered", "{}: {message}", node.api);
        assert_eq!(
            message["attempts"], 0,
            "{}, first attempt: {message}",
            node.api
        );
    }
}

/// The keys of the two-seller market [`open_two_seller_market`] opened.
pub struct TwoSellers {
    /// The dairy (sells `gruyere`, delivered by the courier).
    pub dairy: String,
    /// The bakery (sells `pain`, picked up).
    pub bakery: String,
    /// The courier (offer `velo-centre`).
    pub courier: String,
}

/// Publishes the dairy's and the bakery's profiles and listings and the courier's profile and
/// delivery offer, and waits until `consumer` holds the whole catalogue.
pub async fn open_two_seller_market(
    dairy: &Node,
    bakery: &Node,
    courier: &Node,
    consumer: &Node,
) -> TwoSellers {
    let (dairy_key, bakery_key, courier_key) = (
        author(dairy).await,
        author(bakery).await,
        author(courier).await,
    );

    put_profile(dairy, &["producer"], "Fromagerie des Bossons", "1213").await;
    put_profile(bakery, &["producer"], "Boulangerie du Rhône", "1204").await;
    put_profile(courier, &["courier"], "Vélo-Livraisons", "1205").await;
    add_listing(dairy, "gruyere", "Gruyère AOP", 1250, 40).await;
    add_listing(bakery, "pain", "Pain de seigle", 520, 10).await;
    let offer = json!({ "key": "velo-centre", "body": {
        "zones": [{ "postcodes": ["1204", "1205"] }],
        "fees": { "currency": "CHF", "base": 800 },
        "slots": [{ "day": "tue", "start": 540, "end": 720 }],
        "vehicle": "cargo_bike",
        "limits": { "max_weight_g": 30000, "max_length_cm": 80, "max_width_cm": 60,
                    "max_height_cm": 60 },
    }});
    let (status, answer) = courier
        .send(Method::POST, "/api/v1/own/delivery-offers", Some(&offer))
        .await
        .unwrap();
    assert_eq!(status, 201, "{answer}");

    // The consumer's node has the whole catalogue: both listings, the profiles, the offer.
    for (who, kind, key) in [
        (&dairy_key, "listing", "gruyere"),
        (&bakery_key, "listing", "pain"),
        (&dairy_key, "profile", "profile"),
        (&bakery_key, "profile", "profile"),
        (&courier_key, "profile", "profile"),
        (&courier_key, "delivery_offer", "velo-centre"),
    ] {
        wait_until(&format!("consumer has {kind} {key}"), DEADLINE, || async {
            consumer.current(who, kind, key).await
        })
        .await;
    }
    TwoSellers {
        dairy: dairy_key,
        bakery: bakery_key,
        courier: courier_key,
    }
}

/// Puts two Gruyères and a bread in `consumer`'s basket and checks out: the cheese delivered
/// by the courier (30 % in Léman, the rest in cash), the bread picked up; returns the two
/// order ids (cheese, bread).
pub async fn checkout_two_sellers(consumer: &Node, market: &TwoSellers) -> (String, String) {
    let TwoSellers {
        dairy: dairy_key,
        bakery: bakery_key,
        courier: courier_key,
    } = market;
    for (who, key, quantity) in [(&dairy_key, "gruyere", 2), (&bakery_key, "pain", 1)] {
        let line = json!({ "author": who, "key": key, "quantity": quantity });
        let (status, basket) = consumer
            .send(Method::POST, "/api/v1/basket/items", Some(&line))
            .await
            .unwrap();
        assert_eq!(status, 200, "{basket}");
    }
    let basket = consumer.get("/api/v1/basket").await.unwrap().unwrap();
    assert_eq!(basket["subtotals"][&dairy_key]["CHF"], 2500);
    assert_eq!(basket["subtotals"][&bakery_key]["CHF"], 520);

    let window_from = now_ms() + 24 * 3600 * 1000;
    let checkout = json!({
        "sellers": {
            dairy_key.clone(): {
                "delivery": { "type": "courier", "courier": courier_key, "offer": "velo-centre",
                              "from": window_from, "to": window_from + 2 * 3600 * 1000 },
                "payment": { "type": "local_currency", "currency": "LEM", "share_pct": 30,
                             "rest": { "type": "cash_on_delivery" } },
            },
            bakery_key.clone(): {
                "delivery": { "type": "pickup" },
                "payment": { "type": "cash_on_pickup" },
            },
        },
        "contact": { "name": "Léa Martin", "phone": "+41 79 123 45 67" },
        "address": { "lines": ["Rue de Carouge 12"], "postcode": "1205", "city": "Genève" },
    });
    let (status, placed) = consumer
        .send(Method::POST, "/api/v1/checkout", Some(&checkout))
        .await
        .unwrap();
    assert_eq!(status, 201, "{placed}");
    let ids: Vec<String> = placed["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    let orders = consumer.get("/api/v1/orders").await.unwrap().unwrap();
    let id_for = |seller: &str| {
        orders
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["seller"] == seller)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    (id_for(dairy_key), id_for(bakery_key))
}

/// Runs courier order `id`, once accepted, to `completed` for the seller, the courier and the
/// consumer: payment confirmed, handed over, picked up, delivered, completed, each step seen
/// by the parties it concerns.
pub async fn deliver_by_courier(seller: &Node, courier: &Node, consumer: &Node, id: &str) {
    step(seller, id, json!({ "type": "payment_confirmed" })).await;
    step(seller, id, json!({ "type": "handed_to_courier" })).await;
    wait_stage(courier, id, "handed_to_courier").await;
    step(courier, id, json!({ "type": "picked_up" })).await;
    wait_stage(consumer, id, "in_transit").await;
    wait_stage(seller, id, "in_transit").await;
    step(courier, id, json!({ "type": "delivered" })).await;
    wait_stage(consumer, id, "delivered").await;
    step(consumer, id, json!({ "type": "completed" })).await;
    wait_stage(seller, id, "completed").await;
    wait_stage(courier, id, "completed").await;
}
