//! Catalogue propagation across real node processes: publish, update, delete, expire,
//! delegated listings, hostile input and separate markets.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use smartket_protocol::Record;
use smartket_protocol::kinds::{Body, Kind, Membership, Scope, Tombstone};
use smartket_protocol::record::{MAX_LIFETIME_MS, Payload};
use smartket_tests::fixtures::listing_payload;
use smartket_tests::{DEADLINE, Net, Node, cli, now_ms, wait_until};

const DAY_MS: u64 = 24 * 3600 * 1000;

async fn wait_everywhere(net: &Net, what: &str, author: &str, key: &str, want: Option<&str>) {
    for node in std::iter::once(&net.bootstrap).chain(&net.nodes) {
        wait_until(what, DEADLINE, || async {
            (node.current(author, "listing", key).await.as_deref() == want).then_some(())
        })
        .await;
    }
}

fn id_from_cli(stdout: &str) -> String {
    let start = stdout.find("(id ").expect("id in output") + 4;
    stdout[start..start + 64].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_on_one_of_eight_nodes_reaches_all_then_updates_and_deletes_everywhere() {
    let net = Net::start(8).await.unwrap();
    let seller = &net.nodes[0];
    let author = seller.secret().public().to_hex();
    let file = seller.dir.join("pommes.json");
    let listing = |amount: u64| {
        serde_json::json!({
            "key": "pommes-gala",
            "body": serde_json::to_value(
                smartket_tests::fixtures::listing("geneva", "pommes-gala", "Pommes Gala", amount, now_ms())
            ).unwrap()
        })
    };
    std::fs::write(&file, listing(450).to_string()).unwrap();
    let (ok, out, err) = cli(&seller.dir, &["listing", "add", file.to_str().unwrap()]).await;
    assert!(ok, "{out}{err}");
    let first = id_from_cli(&out);
    wait_everywhere(
        &net,
        "the listing everywhere",
        &author,
        "pommes-gala",
        Some(&first),
    )
    .await;

    std::fs::write(&file, listing(390).to_string()).unwrap();
    let (ok, out, err) = cli(&seller.dir, &["listing", "add", file.to_str().unwrap()]).await;
    assert!(ok, "{out}{err}");
    let second = id_from_cli(&out);
    assert_ne!(first, second);
    wait_everywhere(
        &net,
        "the update everywhere",
        &author,
        "pommes-gala",
        Some(&second),
    )
    .await;

    let (ok, out, err) = cli(&seller.dir, &["listing", "rm", "pommes-gala"]).await;
    assert!(ok, "{out}{err}");
    wait_everywhere(
        &net,
        "the deletion everywhere",
        &author,
        "pommes-gala",
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_listing_stops_being_served_everywhere() {
    let net = Net::start(2).await.unwrap();
    let seller = &net.nodes[0];
    let secret = seller.secret();
    let payload = listing_payload("geneva", "fraises", "Fraises", 800, now_ms(), 3_000);
    let record = Record::sign(&secret, payload).unwrap();
    let outcome = seller.submit(record.to_wire()).await.unwrap();
    assert_eq!(outcome["outcome"], "accepted", "{outcome}");
    let author = secret.public().to_hex();
    let id = record.id.to_hex();
    wait_everywhere(
        &net,
        "the short-lived listing",
        &author,
        "fraises",
        Some(&id),
    )
    .await;
    wait_everywhere(&net, "the listing to expire", &author, "fraises", None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegated_listing_lives_with_its_membership_and_a_fake_one_is_refused() {
    let net = Net::start(3).await.unwrap();
    let (producer, platform) = (&net.nodes[0], &net.nodes[1]);
    let (member_key, platform_key) = (producer.secret(), platform.secret());
    let now = now_ms();
    let until = now + 30 * DAY_MS;
    let scope = vec![Scope::Publish];
    let membership = Membership {
        platform: platform_key.public(),
        scope: scope.clone(),
        until,
        platform_sig: Membership::countersign(
            &platform_key,
            "geneva",
            &member_key.public(),
            &scope,
            until,
        )
        .unwrap(),
    };
    let payload = Payload::new(
        "geneva",
        platform_key.public().to_hex(),
        now,
        30 * DAY_MS,
        Body::Membership(membership),
    );
    let grant = Record::sign(&member_key, payload).unwrap();
    assert_eq!(
        producer.submit(grant.to_wire()).await.unwrap()["outcome"],
        "accepted"
    );
    for node in std::iter::once(&net.bootstrap).chain(&net.nodes) {
        wait_until("the membership everywhere", DEADLINE, || async {
            node.has(&grant.id.to_hex()).await.then_some(())
        })
        .await;
    }

    let mut payload = listing_payload(
        "geneva",
        "tomme",
        "Tomme de l'alpage",
        1250,
        now_ms(),
        7 * DAY_MS,
    );
    if let Body::Listing(l) = &mut payload.body {
        l.on_behalf_of = Some(member_key.public());
    }
    let delegated = Record::sign(&platform_key, payload.clone()).unwrap();
    assert_eq!(
        platform.submit(delegated.to_wire()).await.unwrap()["outcome"],
        "accepted"
    );
    let author = platform_key.public().to_hex();
    let id = delegated.id.to_hex();
    wait_everywhere(&net, "the delegated listing", &author, "tomme", Some(&id)).await;

    // On behalf of someone who never granted anything: refused at the door.
    let stranger = smartket_protocol::SecretKey::from_bytes(&[99; 32]);
    let mut fake = listing_payload("geneva", "faux", "Faux", 100, now_ms(), DAY_MS);
    if let Body::Listing(l) = &mut fake.body {
        l.on_behalf_of = Some(stranger.public());
    }
    let fake = Record::sign(&platform_key, fake).unwrap();
    assert_eq!(
        platform.submit(fake.to_wire()).await.unwrap()["outcome"],
        "rejected"
    );

    // The producer revokes: the delegated listing is withdrawn everywhere.
    let revoke = Payload::new(
        "geneva",
        platform_key.public().to_hex(),
        now_ms(),
        MAX_LIFETIME_MS,
        Body::Tombstone(Tombstone {
            target_kind: Kind::Membership,
        }),
    );
    let revoke = Record::sign(&member_key, revoke).unwrap();
    assert_eq!(
        producer.submit(revoke.to_wire()).await.unwrap()["outcome"],
        "accepted"
    );
    wait_everywhere(
        &net,
        "the delegated listing withdrawn",
        &author,
        "tomme",
        None,
    )
    .await;
    for node in std::iter::once(&net.bootstrap).chain(&net.nodes) {
        assert!(!node.has(&fake.id.to_hex()).await);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_of_one_market_never_appear_in_another() {
    let lausanne = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/lausanne.toml");
    let extra = format!("\n[[markets]]\nid = \"lausanne\"\nconfig = \"{lausanne}\"\n");
    let bootstrap = Node::start("cooperative", "Coop", &[]).await.unwrap();
    let addr = bootstrap.addrs[0].clone();
    // `both` joins Geneva and Lausanne; `geneva_only` joins Geneva alone.
    let both = Node::start_with("producer", "Both", std::slice::from_ref(&addr), &extra)
        .await
        .unwrap();
    let geneva_only = Node::start("consumer", "Geneva", std::slice::from_ref(&addr))
        .await
        .unwrap();
    for node in [&both, &geneva_only] {
        wait_until("connected", DEADLINE, || async {
            (node.status().await["peers"].as_u64().unwrap_or(0) > 0).then_some(())
        })
        .await;
    }
    let secret = both.secret();
    let author = secret.public().to_hex();
    let vaud = Record::sign(
        &secret,
        listing_payload("lausanne", "chasselas", "Chasselas", 1500, now_ms(), DAY_MS),
    )
    .unwrap();
    assert_eq!(
        both.submit(vaud.to_wire()).await.unwrap()["outcome"],
        "accepted"
    );
    // A Geneva record published afterwards is the barrier: once it arrived, the Lausanne one
    // had every chance to arrive too.
    let barrier = Record::sign(
        &secret,
        listing_payload("geneva", "barrier", "Poireaux", 300, now_ms(), DAY_MS),
    )
    .unwrap();
    assert_eq!(
        both.submit(barrier.to_wire()).await.unwrap()["outcome"],
        "accepted"
    );
    wait_until("the Geneva record", DEADLINE, || async {
        geneva_only
            .current(&author, "listing", "barrier")
            .await
            .is_some()
            .then_some(())
    })
    .await;
    assert!(!geneva_only.has(&vaud.id.to_hex()).await);
    assert!(both.has(&vaud.id.to_hex()).await);
    let status = geneva_only.status().await;
    assert!(status["markets"].get("lausanne").is_none(), "{status}");
}
