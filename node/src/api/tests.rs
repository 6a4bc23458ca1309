//! The API through the real router (no socket): a real daemon on a temp data dir, requests sent
//! with `oneshot`.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use futures::StreamExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::Access;
use crate::daemon::Daemon;
use crate::settings::Settings;

pub(super) const TOKEN: &str = "test-token";

pub(super) struct TestNode {
    dir: tempfile::TempDir,
    pub(super) daemon: Daemon,
    pub(super) access: Access,
    router: Router,
}

impl TestNode {
    pub(super) async fn start() -> TestNode {
        let (dir, daemon) = crate::daemon::test_daemon().await;
        let addr: SocketAddr = "127.0.0.1:8417".parse().unwrap();
        let access = crate::http::access(addr, TOKEN.into());
        let router = crate::http::router(daemon.handle(), access.clone());
        TestNode {
            dir,
            daemon,
            access,
            router,
        }
    }

    pub(super) async fn stop(self) {
        self.daemon.shutdown().await;
    }

    /// Sends a request with the right Host and token; `body` is JSON when given.
    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:8417")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let (status, _, json) = self.send(request.body(body).unwrap()).await;
        (status, json)
    }

    pub(super) async fn send(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, headers, json)
    }

    /// GETs `uri` with the right Host and token, the response as it comes (a stream, text).
    async fn raw_get(&self, uri: &str) -> axum::response::Response {
        let request = Request::get(uri)
            .header(header::HOST, "127.0.0.1:8417")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .unwrap();
        self.router.clone().oneshot(request).await.unwrap()
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.call(Method::GET, uri, None).await
    }
}

fn listing_body(title: &str, amount: u64) -> Value {
    json!({
        "title": { "fr": title, "en": format!("{title} (en)") },
        "description": { "fr": "Cueillies ce matin à Jussy." },
        "category": "food.vegetables",
        "price": { "amount": amount, "currency": "CHF", "unit": "kg" },
        "stock": 40,
        "fulfilment": [{ "type": "pickup", "place": "Ferme des Grands Bois", "postcode": "1254" }],
    })
}

pub(super) fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_request_without_token_is_refused_with_401() {
    let node = TestNode::start().await;
    let request = Request::get("/api/v1/status")
        .header(header::HOST, "127.0.0.1:8417")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = node.send(request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), "unauthorized");
    let request = Request::get("/api/v1/status")
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, "Bearer wrong")
        .body(Body::empty())
        .unwrap();
    assert_eq!(node.send(request).await.0, StatusCode::UNAUTHORIZED);
    node.stop().await;
}

#[tokio::test]
async fn a_foreign_host_is_refused_with_403_even_with_the_token() {
    let node = TestNode::start().await;
    let request = Request::get("/api/v1/status")
        .header(header::HOST, "evil.example:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = node.send(request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "forbidden_host");
    node.stop().await;
}

#[tokio::test]
async fn a_foreign_origin_cannot_change_state_but_the_node_s_own_pages_can() {
    let node = TestNode::start().await;
    let settings = json!({ "languages": ["fr"] }).to_string();
    let put = |origin: &str| {
        Request::put("/api/v1/settings")
            .header(header::HOST, "127.0.0.1:8417")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(settings.clone()))
            .unwrap()
    };
    let (status, _, body) = node.send(put("https://evil.example")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "forbidden_origin");
    assert_eq!(node.daemon.handle().settings().get(), Settings::default());
    let (status, _, _) = node.send(put("http://127.0.0.1:8417")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        node.daemon.handle().settings().get().languages,
        vec!["fr".to_owned()]
    );
    node.stop().await;
}

#[tokio::test]
async fn an_oversize_body_is_refused_with_413_in_the_error_shape() {
    let node = TestNode::start().await;
    let huge = json!({ "key": "big", "body": { "description": { "fr": "x".repeat(100_000) } } });
    let (status, body) = node
        .call(Method::POST, "/api/v1/own/listings", Some(huge))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&body), "payload_too_large");
    let request = Request::post("/api/v1/records")
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/cbor")
        .body(Body::from(vec![0u8; 200_000]))
        .unwrap();
    assert_eq!(node.send(request).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    node.stop().await;
}

#[tokio::test]
async fn malformed_json_is_refused_with_400_saying_what_is_wrong() {
    let node = TestNode::start().await;
    let request = Request::post("/api/v1/own/listings")
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"key\": \"x\", \"body\": {"))
        .unwrap();
    let (status, _, body) = node.send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "malformed_json");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("EOF"), "{message}");
    node.stop().await;
}

#[tokio::test]
async fn a_wrong_content_type_is_refused_with_415() {
    let node = TestNode::start().await;
    let request = Request::put("/api/v1/settings")
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("{}"))
        .unwrap();
    let (status, _, body) = node.send(request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(&body), "unsupported_media_type");
    node.stop().await;
}

#[tokio::test]
async fn unknown_ids_and_routes_answer_404_in_the_error_shape() {
    let node = TestNode::start().await;
    let missing = "ab".repeat(32);
    for uri in [
        format!("/api/v1/records/{missing}"),
        format!("/api/v1/listings/{missing}"),
        format!("/api/v1/sellers/{missing}"),
        "/api/v1/own/listings/nothing-here".to_owned(),
        "/api/v1/own/profile".to_owned(),
        "/api/v1/no-such-route".to_owned(),
    ] {
        let (status, body) = node.get(&uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(error_code(&body), "not_found", "{uri}");
    }
    let (status, body) = node.get("/api/v1/records/not-hex").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "bad_id");
    node.stop().await;
}

#[tokio::test]
async fn a_listing_goes_through_create_read_stock_update_and_delete() {
    let node = TestNode::start().await;
    let me = node.daemon.handle().author().to_hex();
    let create = json!({ "key": "tomates", "body": listing_body("Tomates", 450) });
    let (status, created) = node
        .call(Method::POST, "/api/v1/own/listings", Some(create.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["author"], me);
    assert_eq!(created["body"]["price"]["amount"], 450);
    let id = created["id"].as_str().unwrap().to_owned();

    let (status, body) = node
        .call(Method::POST, "/api/v1/own/listings", Some(create))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "exists");

    let (status, shown) = node.get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["body"]["title"]["fr"], "Tomates");

    let (status, stocked) = node
        .call(
            Method::POST,
            "/api/v1/own/listings/tomates/stock",
            Some(json!({ "stock": 3 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{stocked}");
    assert_eq!(stocked["body"]["stock"], 3);
    assert!(stocked["rev"].as_u64() > created["rev"].as_u64());
    assert_eq!(stocked["created"], created["created"]);
    let (status, _) = node.get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a replaced revision is no listing any more"
    );

    let update = json!({ "body": listing_body("Tomates cœur de bœuf", 690) });
    let (status, updated) = node
        .call(Method::PUT, "/api/v1/own/listings/tomates", Some(update))
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let (_, own) = node.get("/api/v1/own/listings").await;
    assert_eq!(own["total"], 1);
    assert_eq!(own["items"][0]["body"]["price"]["amount"], 690);
    let (_, seller) = node.get(&format!("/api/v1/sellers/{me}")).await;
    assert_eq!(seller["listings"]["total"], 1);
    assert_eq!(seller["listings"]["items"][0]["id"], updated["id"]);

    let (status, _) = node
        .call(Method::DELETE, "/api/v1/own/listings/tomates", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = node.get("/api/v1/own/listings/tomates").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = node
        .call(Method::DELETE, "/api/v1/own/listings/tomates", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    node.stop().await;
}

#[tokio::test]
async fn an_invalid_listing_is_refused_with_422_naming_the_field() {
    let node = TestNode::start().await;
    let mut body = listing_body("Tomates", 450);
    body["price"]["currency"] = json!("chf!");
    let (status, answer) = node
        .call(
            Method::POST,
            "/api/v1/own/listings",
            Some(json!({ "key": "tomates", "body": body })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("body.price.currency"), "{message}");
    let (status, answer) = node
        .call(
            Method::POST,
            "/api/v1/own/listings",
            Some(json!({ "key": "tomates", "body": { "title": 3 } })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("body"), "{answer}");
    node.stop().await;
}

#[tokio::test]
async fn the_profile_is_published_with_the_node_s_encryption_key() {
    let node = TestNode::start().await;
    let profile = json!({ "body": {
        "roles": ["producer"],
        "legal_form": "individual",
        "name": { "fr": "Ferme des Grands Bois" },
        "postcode": "1254",
        "point": { "lat_e4": 462_300, "lon_e4": 62_100 },
    }});
    let (status, published) = node
        .call(Method::PUT, "/api/v1/own/profile", Some(profile))
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    let enc_key = node.daemon.handle().encryption_key().public().to_hex();
    assert_eq!(published["body"]["enc_key"], enc_key);
    let (status, shown) = node.get("/api/v1/own/profile").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["id"], published["id"]);
    let me = node.daemon.handle().author().to_hex();
    let (_, seller) = node.get(&format!("/api/v1/sellers/{me}")).await;
    assert_eq!(seller["profile"]["id"], published["id"]);
    node.stop().await;
}

#[tokio::test]
async fn settings_are_validated_and_saved_in_the_data_dir() {
    let node = TestNode::start().await;
    let settings = json!({
        "trusted_issuers": ["cd".repeat(32)],
        "location": { "lat": 46.2, "lon": 6.15, "postcode": "1205" },
        "languages": ["fr", "en"],
    });
    let (status, _) = node
        .call(Method::PUT, "/api/v1/settings", Some(settings.clone()))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, shown) = node.get("/api/v1/settings").await;
    assert_eq!(shown, settings);
    let saved = Settings::load(node.dir.path()).unwrap();
    assert_eq!(saved.languages, vec!["fr".to_owned(), "en".to_owned()]);
    let (status, answer) = node
        .call(
            Method::PUT,
            "/api/v1/settings",
            Some(json!({ "trusted_issuers": ["nope"] })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("trusted_issuers[0]")
    );
    node.stop().await;
}

#[tokio::test]
async fn delivery_offers_are_found_by_the_postcode_they_serve() {
    let node = TestNode::start().await;
    let offer = json!({ "key": "velo-centre", "body": {
        "zones": [{ "postcodes": ["1204", "1205"] }],
        "fees": { "currency": "CHF", "base": 800 },
        "slots": [{ "day": "tue", "start": 540, "end": 720 }],
        "vehicle": "cargo_bike",
        "limits": { "max_weight_g": 30000, "max_length_cm": 80, "max_width_cm": 60,
                    "max_height_cm": 60 },
    }});
    let (status, created) = node
        .call(Method::POST, "/api/v1/own/delivery-offers", Some(offer))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, served) = node.get("/api/v1/delivery-offers?postcode=1205").await;
    assert_eq!(served["total"], 1);
    assert_eq!(served["items"][0]["id"], created["id"]);
    let (_, elsewhere) = node.get("/api/v1/delivery-offers?postcode=1290").await;
    assert_eq!(elsewhere["total"], 0);
    node.stop().await;
}

#[tokio::test]
async fn an_attestation_is_issued_found_about_its_subject_and_revoked() {
    let node = TestNode::start().await;
    let subject = "ef".repeat(32);
    let now = crate::clock::now_ms();
    let attestation = json!({ "body": {
        "subject": { "type": "actor", "key": subject },
        "label": "organic",
        "valid_from": now - 1000,
        "valid_until": now + 86_400_000,
    }});
    let (status, issued) = node
        .call(Method::POST, "/api/v1/own/attestations", Some(attestation))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let key = issued["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("organic/"), "{key}");
    assert_eq!(issued["body"]["subject"]["key"], subject);
    let (_, about) = node
        .get(&format!("/api/v1/attestations?author={subject}"))
        .await;
    assert_eq!(about["total"], 1);
    let (_, about_other) = node
        .get(&format!("/api/v1/attestations?author={}", "01".repeat(32)))
        .await;
    assert_eq!(about_other["total"], 0);
    let encoded = key.replace('/', "%2F");
    let (status, _) = node
        .call(
            Method::DELETE,
            &format!("/api/v1/own/attestations/{encoded}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, about) = node
        .get(&format!("/api/v1/attestations?author={subject}"))
        .await;
    assert_eq!(about["total"], 0);
    node.stop().await;
}

#[tokio::test]
async fn the_node_routes_answer() {
    let node = TestNode::start().await;
    let (status, info) = node.get("/api/v1/node").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["markets"], json!(["geneva"]));
    let (status, status_body) = node.get("/api/v1/status").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(status_body["author"], info["author"]);
    let (status, markets) = node.get("/api/v1/markets").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(markets[0]["id"], "geneva");
    let (status, peers) = node.get("/api/v1/peers").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(peers, json!([]));
    let (status, own) = node.get("/api/v1/own/records?kind=listing").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own, json!([]));
    let (status, body) = node.get("/api/v1/own/records?kind=nonsense").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "bad_kind");
    let (status, started) = node.call(Method::POST, "/api/v1/sync", None).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(started["started"].is_boolean());
    let (status, _) = node.call(Method::DELETE, "/api/v1/status", None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    node.stop().await;
}

#[tokio::test]
async fn the_event_stream_reports_a_listing_created_through_the_api() {
    let node = TestNode::start().await;
    let response = node.raw_get("/api/v1/events").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut stream = response.into_body().into_data_stream();
    let create = json!({ "key": "poireaux", "body": listing_body("Poireaux", 380) });
    let (status, created) = node
        .call(Method::POST, "/api/v1/own/listings", Some(create))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().unwrap().to_owned();
    let mut seen = String::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        while !seen.contains(&id) {
            let chunk = stream.next().await.unwrap().unwrap();
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no event for {id}; got {seen:?}"));
    assert!(seen.contains("event: added"), "{seen}");
    assert!(seen.contains("\"kind\":\"listing\""), "{seen}");
    node.stop().await;
}

/// `spec/openapi.json` is the document the code generates; regenerate it with
/// `SMARTKET_WRITE_OPENAPI=1 cargo test -p smartket-node openapi_document_in_spec`.
#[test]
fn openapi_document_in_spec_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.json");
    let generated = super::openapi_document().to_pretty_json().unwrap() + "\n";
    if std::env::var_os("SMARTKET_WRITE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == generated,
        "spec/openapi.json differs from the API's code; regenerate it with \
         `SMARTKET_WRITE_OPENAPI=1 cargo test -p smartket-node openapi_document_in_spec`"
    );
}

#[tokio::test]
async fn the_served_openapi_document_lists_the_routes() {
    let node = TestNode::start().await;
    let (status, document) = node.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/own/{collection}",
        "/api/v1/listings/{id}",
        "/api/v1/events",
        "/login",
    ] {
        assert!(document["paths"][path].is_object(), "{path} missing");
    }
    node.stop().await;
}

/// A seller's listing and profile signed by another key, stored as if they came by gossip.
fn foreign_seller(node: &TestNode) -> smartket_protocol::AuthorKey {
    use crate::record_json::Draft;
    use smartket_protocol::{Kind, Record, SecretKey};
    let secret = SecretKey::from_bytes(&[42; 32]);
    let draft = |kind, key| Draft::new(secret.public(), kind, "geneva", key, 86_400_000);
    let profile = json!({ "roles": ["producer"], "legal_form": "individual",
        "name": { "fr": "Fromagerie de Jussy" }, "postcode": "1254",
        "point": { "lat_e4": 462_350, "lon_e4": 62_680 }, "enc_key": "11".repeat(32) });
    let mut listing = listing_body("Tomme de Jussy", 900);
    listing["category"] = json!("food.dairy.cheese");
    let records = [
        draft(Kind::Profile, "profile").payload(&profile).unwrap(),
        draft(Kind::Listing, "tomme").payload(&listing).unwrap(),
    ]
    .into_iter()
    .map(|payload| Record::sign(&secret, payload).unwrap())
    .collect();
    node.daemon.handle().store().commit(records).unwrap();
    secret.public()
}

/// Polls the search route until `check` holds on its answer, or fails after 10 s.
async fn search_until(node: &TestNode, uri: &str, check: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, answer) = node.get(uri).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        if check(&answer) {
            return answer;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{uri}: last answer {answer}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn search_counts_labels_from_the_settings_trusted_issuers_and_measures_from_my_location() {
    let node = TestNode::start().await;
    let seller = foreign_seller(&node).to_hex();
    let now = crate::clock::now_ms();
    let attestation = json!({ "body": {
        "subject": { "type": "listing", "author": seller, "key": "tomme" },
        "label": "organic",
        "valid_from": now - 1000,
        "valid_until": now + 86_400_000,
    }});
    let (status, issued) = node
        .call(Method::POST, "/api/v1/own/attestations", Some(attestation))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let found = search_until(&node, "/api/v1/search?q=tomme", |a| a["total"] == 1).await;
    assert_eq!(found["hits"][0]["labels"], json!([]), "not trusted yet");
    assert_eq!(
        found["hits"][0]["distance_m"],
        Value::Null,
        "no location yet"
    );
    let (_, untrusted) = node.get("/api/v1/search?q=tomme&labels=organic").await;
    assert_eq!(untrusted["total"], 0);

    let me = node.daemon.handle().author().to_hex();
    let settings = json!({ "trusted_issuers": [me],
        "location": { "lat": 46.2010, "lon": 6.1460, "postcode": "1204" } });
    let (status, saved) = node
        .call(Method::PUT, "/api/v1/settings", Some(settings))
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let labelled = search_until(&node, "/api/v1/search?q=tomme&labels=organic", |a| {
        a["total"] == 1
    })
    .await;
    assert_eq!(labelled["hits"][0]["labels"], json!(["organic"]));
    assert_eq!(
        labelled["facets"]["labels"],
        json!([{ "value": "organic", "count": 1 }])
    );
    let distance = labelled["hits"][0]["distance_m"].as_u64().unwrap_or(0);
    // Jussy is about 9 km from the Plainpalais point of the settings.
    assert!((7_000..12_000).contains(&distance), "{distance}");
    node.stop().await;
}

/// Parses Prometheus' text format strictly enough to fail on a malformed line: every sample
/// belongs to a metric declared with `# HELP` and `# TYPE`, and its value is a number.
fn parse_metrics(text: &str) -> std::collections::BTreeMap<String, f64> {
    let mut declared = std::collections::BTreeSet::new();
    let mut samples = std::collections::BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(["gauge", "counter"].contains(&kind), "{line}");
            declared.insert(name.to_owned());
        } else if line.starts_with("# HELP ") {
            continue;
        } else {
            let (series, value) = line.rsplit_once(' ').unwrap();
            let name = series.split('{').next().unwrap();
            assert!(declared.contains(name), "undeclared sample: {line}");
            assert!(
                !series.contains('{') || series.ends_with('}'),
                "bad labels: {line}"
            );
            samples.insert(series.to_owned(), value.parse::<f64>().unwrap());
        }
    }
    samples
}

#[tokio::test]
async fn metrics_are_served_in_prometheus_text_format_behind_the_token() {
    let node = TestNode::start().await;
    let create = json!({ "key": "tomates", "body": listing_body("Tomates", 450) });
    let (status, _) = node
        .call(Method::POST, "/api/v1/own/listings", Some(create))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let refused = Request::get("/metrics")
        .header(header::HOST, "127.0.0.1:8417")
        .body(Body::empty())
        .unwrap();
    assert_eq!(node.send(refused).await.0, StatusCode::UNAUTHORIZED);

    let response = node.raw_get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let metrics = parse_metrics(std::str::from_utf8(&bytes).unwrap());
    assert_eq!(
        metrics["smartket_records{market=\"geneva\",kind=\"listing\"}"], 1.0,
        "{metrics:?}"
    );
    assert!(metrics["smartket_ingest_verdicts_total{verdict=\"accepted\"}"] >= 1.0);
    assert_eq!(metrics["smartket_disk_failing"], 0.0);
    assert!(metrics["smartket_database_bytes{file=\"smartket.redb\"}"] > 0.0);
    assert!(metrics["smartket_resident_memory_bytes"] > 1e6);
    assert_eq!(metrics["smartket_orders"], 0.0);
    node.stop().await;
}
