//! Images as content-addressed blobs across real node processes: uploaded on one node, named by
//! a listing, fetched through another node's API byte for byte; bytes that do not match their
//! name are refused wherever they come from; uploads are bounded; unreferenced blobs go after
//! their grace period while referenced ones stay.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use smartket_node::network::{self, NetworkConfig, NetworkEvent, RequestKind};
use smartket_protocol::blob::{ChunkRequest, ChunkResponse, MAX_BLOB_BYTES};
use smartket_protocol::kinds::Body;
use smartket_protocol::{BlobId, Payload, Record, SecretKey};
use smartket_tests::fixtures::listing;
use smartket_tests::{DEADLINE, Node, now_ms, wait_until};

const DAY_MS: u64 = 24 * 3600 * 1000;

/// A PNG-signed blob of `len` bytes whose content depends on `seed`.
fn image(seed: u32, len: usize) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out.push(x as u8);
    }
    out
}

/// POSTs raw bytes to `/api/v1/blobs`.
async fn upload(node: &Node, bytes: Vec<u8>) -> (StatusCode, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/blobs", node.api))
        .bearer_auth(&node.token)
        .header("content-type", "image/png")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

/// GETs `/api/v1/blobs/{id}`, naming `author` as the node to ask first.
async fn download(node: &Node, id: &str, author: Option<&str>) -> reqwest::Response {
    let query = author.map(|a| format!("?author={a}")).unwrap_or_default();
    reqwest::Client::new()
        .get(format!("{}/api/v1/blobs/{id}{query}", node.api))
        .bearer_auth(&node.token)
        .send()
        .await
        .unwrap()
}

/// Uploads `bytes` to `node` and returns the id it answered, checked against blake3.
async fn upload_ok(node: &Node, bytes: &[u8]) -> String {
    let (status, body) = upload(node, bytes.to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(id, BlobId::of(bytes).to_hex());
    id
}

/// Publishes on `node` a listing of its own naming `images`.
async fn publish_listing(node: &Node, key: &str, images: &[&str]) {
    let mut body = listing("geneva", key, "Pommes Gala", 450, now_ms());
    body.images = images.iter().map(|i| i.parse().unwrap()).collect();
    let payload = Payload::new("geneva", key, now_ms(), DAY_MS, Body::Listing(body));
    let record = Record::sign(&node.secret(), payload).unwrap();
    let outcome = node.submit(record.to_wire()).await.unwrap();
    assert_eq!(outcome["outcome"], "accepted", "{outcome}");
}

async fn peers(node: &Node) -> u64 {
    node.status().await["peers"].as_u64().unwrap_or(0)
}

fn blob_file(node: &Node, id: &str) -> std::path::PathBuf {
    node.dir.join("blobs").join(id)
}

/// Two nodes, B bootstrapping from A and connected to it.
async fn pair() -> (Node, Node) {
    let a = Node::start("producer", "Verger de Jussy", &[])
        .await
        .unwrap();
    let b = Node::start("consumer", "Client", std::slice::from_ref(&a.addrs[0]))
        .await
        .unwrap();
    wait_until("B connected to A", DEADLINE, || async {
        (peers(&b).await > 0).then_some(())
    })
    .await;
    (a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_listed_on_a_is_fetched_byte_identical_through_b_and_kept_after_a_stops() {
    let (mut a, b) = pair().await;
    // Three chunks: two full and a partial one.
    let bytes = image(1, 600_000);
    let id = upload_ok(&a, &bytes).await;
    publish_listing(&a, "pommes-gala", &[&id]).await;
    let author = a.secret().public().to_hex();

    let response = download(&b, &id, Some(&author)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(response.bytes().await.unwrap() == bytes);
    assert_eq!(std::fs::read(blob_file(&b, &id)).unwrap(), bytes);

    // B serves its own copy once A is gone.
    assert!(a.stop().await);
    wait_until("B sees A gone", DEADLINE, || async {
        (peers(&b).await == 0).then_some(())
    })
    .await;
    let again = download(&b, &id, None).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert!(again.bytes().await.unwrap() == bytes);

    let unknown = BlobId::of(b"held by nobody").to_hex();
    assert_eq!(
        download(&b, &unknown, None).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// A peer in the test process that answers every chunk request from `fake`: well-framed,
/// consistent, and wrong.
async fn liar(secret: &SecretKey, dial: &str, fake: Vec<u8>) -> Arc<AtomicUsize> {
    let keypair = libp2p::identity::Keypair::ed25519_from_bytes(secret.to_bytes()).unwrap();
    let config = NetworkConfig {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        bootstrap: vec![dial.parse().unwrap()],
        markets: vec!["geneva".into()],
        ..NetworkConfig::default()
    };
    let (client, mut events, event_loop) = network::new(keypair, config).await.unwrap();
    tokio::spawn(event_loop.run());
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    tokio::spawn(async move {
        let _client = client;
        while let Some(event) = events.recv().await {
            if let NetworkEvent::InboundRequest {
                kind: RequestKind::Blob,
                bytes,
                reply,
                ..
            } = event
            {
                counter.fetch_add(1, Ordering::SeqCst);
                let request = ChunkRequest::decode(&bytes).unwrap();
                let span = request.span(fake.len() as u64).unwrap();
                let response = ChunkResponse::Chunk {
                    total: fake.len() as u64,
                    bytes: fake[span.start as usize..span.end as usize].to_vec(),
                };
                let _ = reply.send(response.encode());
            }
        }
    });
    asked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_that_do_not_match_the_name_are_refused_and_the_next_peer_is_tried() {
    let (a, b) = pair().await;
    let real = image(2, 300_000);
    let id = upload_ok(&a, &real).await;
    let mut fake = real.clone();
    fake[150_000] ^= 0x01;

    // The liar claims to be the author, so B asks it first.
    let liar_key = SecretKey::from_bytes(&[77; 32]);
    let asked = liar(&liar_key, &b.addrs[0], fake.clone()).await;
    wait_until("B connected to the liar too", DEADLINE, || async {
        (peers(&b).await >= 2).then_some(())
    })
    .await;
    let liar_author = liar_key.public().to_hex();

    let response = download(&b, &id, Some(&liar_author)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.bytes().await.unwrap() == real);
    assert!(
        asked.load(Ordering::SeqCst) >= 1,
        "the liar was not asked first"
    );
    assert_eq!(std::fs::read(blob_file(&b, &id)).unwrap(), real);
    // Sending bytes that do not match the name is a protocol fault: B cuts the liar off.
    wait_until("B cut the liar off", DEADLINE, || async {
        (peers(&b).await == 1).then_some(())
    })
    .await;

    // A blob only the liar "has": refused, nothing stored, nothing served.
    let only_liar = BlobId::of(&image(3, 300_000)).to_hex();
    let response = download(&b, &only_liar, Some(&liar_author)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!blob_file(&b, &only_liar).exists());

    // A copy changed on A's disk: A serves it to nobody, itself included.
    let other = image(4, 1000);
    let other_id = upload_ok(&a, &other).await;
    let mut tampered = other.clone();
    tampered[500] ^= 0xff;
    std::fs::write(blob_file(&a, &other_id), &tampered).unwrap();
    assert_eq!(
        download(&b, &other_id, None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(!blob_file(&b, &other_id).exists());
    assert_eq!(
        download(&a, &other_id, None).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_bounded_to_8_mib_images_and_ids_are_checked() {
    let a = Node::start("producer", "Atelier", &[]).await.unwrap();
    let exactly_max = image(5, MAX_BLOB_BYTES as usize);
    upload_ok(&a, &exactly_max).await;

    let (status, body) = upload(&a, image(6, MAX_BLOB_BYTES as usize + 1)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let (status, body) = upload(&a, b"GIF89a not accepted".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    let (status, _) = upload(&a, Vec::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Only the one good upload is on disk.
    assert_eq!(std::fs::read_dir(a.dir.join("blobs")).unwrap().count(), 2);

    assert_eq!(
        download(&a, "not-hex", None).await.status(),
        StatusCode::BAD_REQUEST
    );
    let id = BlobId::of(b"x").to_hex();
    assert_eq!(
        download(&a, &id, Some("abcd")).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collection_removes_an_unreferenced_blob_after_its_grace_and_keeps_listed_ones() {
    let mut a = Node::start("producer", "Fromagerie", &[]).await.unwrap();
    // `run` prints its banner just before it starts listening for Ctrl-C: one API round trip
    // later it listens, and the stop below is a clean one.
    assert!(a.status().await.is_object());
    assert!(a.stop().await);
    let path = a.dir.join("smartket.toml");
    let config = std::fs::read_to_string(&path)
        .unwrap()
        .replace("gc_every_secs = 3600", "gc_every_secs = 1")
        .replace("gc_grace_secs = 86400", "gc_grace_secs = 3");
    assert!(config.contains("gc_grace_secs = 3\n"), "{config}");
    std::fs::write(&path, config).unwrap();
    a.run().await.unwrap();

    let listed = image(7, 2000);
    let listed_id = upload_ok(&a, &listed).await;
    publish_listing(&a, "tomme", &[&listed_id]).await;
    let uploaded = Instant::now();
    let unlisted_id = upload_ok(&a, &image(8, 2000)).await;

    wait_until("the unlisted blob is collected", DEADLINE, || async {
        (!blob_file(&a, &unlisted_id).exists()).then_some(())
    })
    .await;
    assert!(
        uploaded.elapsed() >= Duration::from_secs(3),
        "collected after {:?}, within the grace period",
        uploaded.elapsed()
    );
    assert!(blob_file(&a, &listed_id).exists());
    let response = download(&a, &listed_id, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.bytes().await.unwrap() == listed);
}
