//! Catch-up sync across real node processes: a node that was down while 2 000 records were
//! published catches them all up on start, and two nodes holding different halves end with
//! the union. Gossip cannot deliver these: the records were gossiped (or not) while the
//! receiving node was away. A node that drops gossip it cannot take in time catches up in
//! seconds, not at the next periodic session.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use smartket_node::network::Family;
use smartket_protocol::{Record, SecretKey};
use smartket_tests::fixtures::listing_payload;
use smartket_tests::{DEADLINE, Node, now_ms, raw_peer, wait_until};

const DAY_MS: u64 = 24 * 3600 * 1000;

/// `n` signed listings of one author, keys `{prefix}-{i}`.
fn records(seed: u8, prefix: &str, n: usize) -> Vec<Record> {
    let secret = SecretKey::from_bytes(&[seed; 32]);
    let now = now_ms();
    (0..n)
        .map(|i| {
            let key = format!("{prefix}-{i}");
            let payload = listing_payload("geneva", &key, "Carottes", 100 + i as u64, now, DAY_MS);
            Record::sign(&secret, payload).unwrap()
        })
        .collect()
}

async fn submit_all(node: &Node, records: &[Record]) {
    for record in records {
        let outcome = node.submit(record.to_wire()).await.unwrap();
        assert_eq!(outcome["outcome"], "accepted", "{outcome}");
    }
}

async fn listings(node: &Node) -> u64 {
    node.status().await["markets"]["geneva"]["listing"]
        .as_u64()
        .unwrap_or(0)
}

async fn wait_for_count(node: &Node, what: &str, want: u64) {
    wait_until(what, DEADLINE * 2, || async {
        (listings(node).await == want).then_some(())
    })
    .await;
}

async fn holds_samples(node: &Node, records: &[Record]) {
    for record in records.iter().step_by(97) {
        assert!(node.has(&record.id.to_hex()).await, "missing {}", record.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_down_while_2000_records_were_published_holds_them_all_after_start() {
    let a = Node::start("cooperative", "A", &[]).await.unwrap();
    let addr = a.addrs[0].clone();
    let witness = Node::start("producer", "Témoin", std::slice::from_ref(&addr))
        .await
        .unwrap();
    let mut late = Node::start("producer", "Retard", std::slice::from_ref(&addr))
        .await
        .unwrap();
    assert!(late.stop().await);
    wait_until("the witness connected", DEADLINE, || async {
        (witness.status().await["peers"].as_u64().unwrap_or(0) > 0).then_some(())
    })
    .await;

    let published = records(7, "carottes", 2000);
    submit_all(&a, &published).await;
    wait_for_count(&a, "A holds 2000", 2000).await;

    late.run().await.unwrap();
    wait_for_count(&late, "the late node holds 2000", 2000).await;
    holds_samples(&late, &published).await;
    let status = late.status().await;
    assert!(
        status["sync"]["total"]["fetched"].as_u64().unwrap_or(0) > 0,
        "{status}"
    );
    assert_eq!(
        status["markets"]["geneva"],
        a.status().await["markets"]["geneva"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_holding_different_halves_end_with_the_union() {
    let a = Node::start("producer", "A", &[]).await.unwrap();
    let mut b = Node::start("producer", "B", &[]).await.unwrap();
    let left = records(8, "pommes", 300);
    let right = records(9, "poires", 300);
    submit_all(&a, &left).await;
    submit_all(&b, &right).await;

    // B comes back bootstrapping to A.
    assert!(b.stop().await);
    let path = b.dir.join("smartket.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    let config = config.replace(
        "bootstrap = []",
        &format!("bootstrap = [\"{}\"]", a.addrs[0]),
    );
    std::fs::write(&path, config).unwrap();
    b.run().await.unwrap();

    wait_for_count(&a, "A holds the union", 600).await;
    wait_for_count(&b, "B holds the union", 600).await;
    holds_samples(&a, &right).await;
    holds_samples(&b, &left).await;
}

/// Bytes both sides count for their sessions (reconciliation and fetches).
async fn sync_bytes(node: &Node) -> u64 {
    node.status().await["sync"]["total"]["bytes"]
        .as_u64()
        .unwrap_or(0)
}

async fn sessions(node: &Node) -> u64 {
    node.status().await["sync"]["total"]["peers"]
        .as_u64()
        .unwrap_or(0)
}

async fn wait_for_sessions(node: &Node, what: &str, want: u64) {
    wait_until(what, DEADLINE, || async {
        (sessions(node).await >= want).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resync_with_one_percent_new_costs_a_small_fraction_of_a_full_sync() {
    let a = Node::start("cooperative", "A", &[]).await.unwrap();
    // A witness keeps A publishing at once: records A could not gossip (no peer) would be
    // handed to B by gossip when it connects, and this test measures sync.
    let witness = Node::start("producer", "Témoin", std::slice::from_ref(&a.addrs[0]))
        .await
        .unwrap();
    wait_until("the witness connected", DEADLINE, || async {
        (witness.status().await["peers"].as_u64().unwrap_or(0) > 0).then_some(())
    })
    .await;
    let first = records(10, "raisin", 2000);
    submit_all(&a, &first).await;
    wait_until("A published everything", DEADLINE, || async {
        (a.status().await["unpublished"].as_u64() == Some(0)).then_some(())
    })
    .await;

    let mut b = Node::start("consumer", "B", std::slice::from_ref(&a.addrs[0]))
        .await
        .unwrap();
    wait_for_count(&b, "B holds 2000", 2000).await;
    wait_for_sessions(&a, "A counted the session", 1).await;
    wait_for_sessions(&b, "B counted the session", 1).await;
    let full = sync_bytes(&a).await + sync_bytes(&b).await;

    assert!(b.stop().await);
    let a_sessions = sessions(&a).await;
    let a_bytes = sync_bytes(&a).await;
    let more = records(10, "raisin-nouveau", 20);
    submit_all(&a, &more).await;
    wait_until("A published the new ones", DEADLINE, || async {
        (a.status().await["unpublished"].as_u64() == Some(0)).then_some(())
    })
    .await;
    b.run().await.unwrap();
    wait_for_count(&b, "B holds 2020", 2020).await;
    wait_for_sessions(&a, "A counted the re-sync", a_sessions + 1).await;
    wait_for_sessions(&b, "B counted the re-sync", 1).await;
    let resync = sync_bytes(&a).await - a_bytes + sync_bytes(&b).await;
    assert!(
        b.status().await["sync"]["total"]["fetched"].as_u64() >= Some(20),
        "the new records came by sync"
    );
    eprintln!(
        "full sync {full} bytes, 1 % re-sync {resync} bytes ({:.1} %)",
        resync as f64 * 100.0 / full as f64
    );
    // Records are most of a full sync's bytes, so 1 % new costs about 1 % plus fingerprints.
    assert!(full > 2000 * 300, "a full sync carries the records: {full}");
    assert!(resync * 20 < full, "re-sync {resync} vs full {full}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smartket_sync_reports_progress_and_pulls_an_authors_whole_catalogue() {
    let a = Node::start("producer", "A", &[]).await.unwrap();
    let published = records(11, "fromage", 600);
    submit_all(&a, &published).await;
    let b = Node::start("consumer", "B", std::slice::from_ref(&a.addrs[0]))
        .await
        .unwrap();
    wait_for_count(&b, "B holds 600", 600).await;

    let (ok, out, err) = smartket_tests::cli(&b.dir, &["sync"]).await;
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("Synced with 1 of 1 peers"), "{out}");
    assert!(out.contains("0 records fetched"), "already in sync: {out}");
    assert!(
        b.status().await["sync"]["run"]["finished_at_ms"].is_u64(),
        "the run is over"
    );

    let author = SecretKey::from_bytes(&[11; 32]).public().to_string();
    let (ok, out, err) = smartket_tests::cli(&b.dir, &["sync", "--author", &author]).await;
    assert!(ok, "{out}\n{err}");
    // 600 records in pages of at most 256.
    assert!(
        out.contains("Pulled 600 records") && out.contains("3 pages"),
        "{out}"
    );

    let (ok, _, err) = smartket_tests::cli(&b.dir, &["sync", "--author", "zz"]).await;
    assert!(!ok);
    assert!(err.contains("64 hex"), "{err}");
    let (ok, _, err) = smartket_tests::cli(
        &b.dir,
        &["sync", "--market", "lausanne", "--author", &author],
    )
    .await;
    assert!(!ok);
    assert!(err.contains("lausanne"), "{err}");

    // A data dir `init` makes (a bare temp dir follows the umask and would be refused).
    let temp = tempfile::tempdir().unwrap();
    let stopped = temp.path().join("node");
    let (ok, out, err) = smartket_tests::cli(&stopped, &["init", "--api", "127.0.0.1:0"]).await;
    assert!(ok, "{out}\n{err}");
    let (ok, _, err) = smartket_tests::cli(&stopped, &["sync"]).await;
    assert!(!ok);
    assert!(err.contains("not running"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_drops_gossip_it_cannot_take_in_time_catches_up_by_sync_in_seconds() {
    let coop = Node::start("cooperative", "Coopérative", &[])
        .await
        .unwrap();
    let mut small = Node::start("consumer", "Petit", std::slice::from_ref(&coop.addrs[0]))
        .await
        .unwrap();
    // A node that can keep only one network event waiting: a burst of gossip overflows it.
    assert!(small.stop().await);
    let path = small.dir.join("smartket.toml");
    let config = std::fs::read_to_string(&path)
        .unwrap()
        .replace("event_capacity = 1024", "event_capacity = 1");
    std::fs::write(&path, config).unwrap();
    small.run().await.unwrap();

    // A peer of both publishes a burst of 500 listings by gossip, faster than `small` ingests.
    let (burst, mut events, _) = raw_peer(
        libp2p::identity::Keypair::generate_ed25519(),
        &[coop.addrs[0].clone(), small.addrs[0].clone()],
    )
    .await;
    tokio::spawn(async move { while events.recv().await.is_some() {} });
    wait_until("the publisher meshed with both nodes", DEADLINE, || async {
        let mesh = burst
            .mesh_peers("geneva", Family::Listings)
            .await
            .unwrap_or_default();
        (mesh.len() == 2).then_some(())
    })
    .await;
    let published = records(9, "pommes", 500);
    for record in &published {
        burst
            .publish("geneva", Family::Listings, record.to_wire())
            .await
            .unwrap();
    }
    wait_for_count(&coop, "the cooperative holds the burst", 500).await;

    // `small` dropped some, and holds all of them long before the 5-minute periodic session.
    wait_until("the small node caught up", DEADLINE, || async {
        (listings(&small).await == 500).then_some(())
    })
    .await;
    holds_samples(&small, &published).await;
    let status = small.status().await;
    assert!(
        status["network"]["dropped_gossip"].as_u64().unwrap_or(0) > 0,
        "the burst overflowed nothing: {status}"
    );
    assert!(
        status["sync"]["total"]["fetched"].as_u64().unwrap_or(0) > 0,
        "{status}"
    );
}
