//! The HTTP API over a real socket, against real `smartket run` processes: the security checks
//! as a browser or a stranger would meet them, the printed login link, the event stream, and a
//! listing created through one node's API found through another node's catalogue.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use smartket_tests::{DEADLINE, Net, Node, wait_until};

fn listing_body(title: &str) -> Value {
    json!({
        "title": { "fr": title },
        "category": "food.vegetables",
        "price": { "amount": 520, "currency": "CHF", "unit": "kg" },
        "fulfilment": [{ "type": "pickup", "place": "Ferme du Lac", "postcode": "1254" }],
    })
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn create_listing(node: &Node, key: &str, title: &str) -> Value {
    let response = http()
        .post(format!("{}/api/v1/own/listings", node.api))
        .bearer_auth(&node.token)
        .json(&json!({ "key": key, "body": listing_body(title) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_api_refuses_strangers_foreign_pages_and_bad_bodies_over_a_socket() {
    let node = Node::start("producer", "Ferme du Lac", &[]).await.unwrap();
    let client = http();
    let status_url = format!("{}/api/v1/status", node.api);

    let anonymous = client.get(&status_url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");

    let authorised = client
        .get(&status_url)
        .bearer_auth(&node.token)
        .send()
        .await
        .unwrap();
    assert_eq!(authorised.status(), StatusCode::OK);

    let rebinding = client
        .get(&status_url)
        .bearer_auth(&node.token)
        .header("host", "attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebinding.status(), StatusCode::FORBIDDEN);

    let cross_site = client
        .post(format!("{}/api/v1/own/listings", node.api))
        .bearer_auth(&node.token)
        .header("origin", "https://attacker.example")
        .json(&json!({ "key": "x", "body": listing_body("X") }))
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let own = node.get("/api/v1/own/records?kind=listing").await.unwrap();
    assert_eq!(
        own,
        Some(json!([])),
        "the cross-site request changed nothing"
    );

    let oversize = client
        .put(format!("{}/api/v1/settings", node.api))
        .bearer_auth(&node.token)
        .header("content-type", "application/json")
        .body(format!("{{\"languages\": [\"{}\"]}}", "a".repeat(100_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(oversize.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let malformed = client
        .put(format!("{}/api/v1/settings", node.api))
        .bearer_auth(&node.token)
        .header("content-type", "application/json")
        .body("{\"languages\": [\"fr\",]}")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed_json");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 1"),
        "{body}"
    );

    let unknown = node
        .get(&format!("/api/v1/listings/{}", "ab".repeat(32)))
        .await
        .unwrap();
    assert_eq!(unknown, None, "an unknown id is 404");
}

#[tokio::test]
async fn the_login_link_printed_by_run_works_once_and_not_twice() {
    let node = Node::start("consumer", "Léa", &[]).await.unwrap();
    assert!(
        node.login.contains("/login?token="),
        "no login link: {:?}",
        node.login
    );
    let client = http();
    let first = client.get(&node.login).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let cookie = first.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let session = cookie.split(';').next().unwrap().to_owned();

    let with_session = client
        .get(format!("{}/api/v1/node", node.api))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(with_session.status(), StatusCode::OK);

    let second = client.get(&node.login).send().await.unwrap();
    assert_eq!(second.status(), StatusCode::UNAUTHORIZED);
    assert!(second.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn the_event_stream_delivers_a_listing_created_through_the_api() {
    let node = Node::start("producer", "Ferme du Lac", &[]).await.unwrap();
    let mut events = http()
        .get(format!("{}/api/v1/events", node.api))
        .bearer_auth(&node.token)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    let created = create_listing(&node, "courges", "Courges").await;
    let id = created["id"].as_str().unwrap().to_owned();
    let mut seen = String::new();
    tokio::time::timeout(Duration::from_secs(15), async {
        while !seen.contains(&id) {
            let chunk = events.chunk().await.unwrap().expect("stream open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no event for {id}; got {seen:?}"));
    assert!(seen.contains("event: added"), "{seen}");
}

#[tokio::test]
async fn a_listing_created_through_node_a_s_api_is_found_in_node_b_s_catalogue() {
    let net = Net::start(2).await.unwrap();
    let (a, b) = (&net.nodes[0], &net.nodes[1]);
    let created = create_listing(a, "pommes", "Pommes Gala").await;
    let id = created["id"].as_str().unwrap().to_owned();
    let found = wait_until("node B serves the listing", DEADLINE, || async {
        b.get(&format!("/api/v1/listings/{id}"))
            .await
            .ok()
            .flatten()
    })
    .await;
    assert_eq!(found["body"]["title"]["fr"], "Pommes Gala");
    assert_eq!(found["author"], created["author"]);
    let author = created["author"].as_str().unwrap();
    let seller = b
        .get(&format!("/api/v1/sellers/{author}"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seller["listings"]["items"][0]["id"], id.as_str());
}
