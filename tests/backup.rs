//! Backup and restore between real node processes: a seller's node is backed up through its
//! API while orders arrive and listings are published, restored into another directory, and
//! the restored node — same identity, catalogue and orders — completes an order that was open.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;

use serde_json::{Value, json};
use smartket_tests::shop::{add_listing, buy_for_pickup, open_cheese_shop, step, wait_stage};
use smartket_tests::{DEADLINE, Node, cli, wait_until};

/// Each order's stage and number of messages, by id.
async fn orders_of(node: &Node) -> BTreeMap<String, (String, usize)> {
    let orders = node.get("/api/v1/orders").await.unwrap().unwrap();
    orders
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let id = o["id"].as_str().unwrap().to_owned();
            let stage = o["stage"].as_str().unwrap().to_owned();
            (id, (stage, o["steps"].as_array().map_or(0, Vec::len)))
        })
        .collect()
}

/// The keys of the node's own current listings.
async fn own_listings(node: &Node) -> Vec<String> {
    let own = node
        .get("/api/v1/own/records?kind=listing")
        .await
        .unwrap()
        .unwrap();
    let mut keys: Vec<String> = own
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_owned())
        .collect();
    keys.sort();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_backed_up_under_traffic_is_restored_elsewhere_and_completes_its_open_order() {
    let mut seller = Node::start("producer", "Fromagerie", &[]).await.unwrap();
    let consumer = Node::start("consumer", "Client", &[seller.addrs[0].clone()])
        .await
        .unwrap();
    let seller_key = open_cheese_shop(&seller, &consumer).await;
    let open = buy_for_pickup(&consumer, &seller_key, "tomme", 2, "Léa Martin").await;
    wait_stage(&seller, &open, "placed").await;
    let orders_before = orders_of(&seller).await;
    let listings_before = own_listings(&seller).await;
    let status_before = seller.status().await;

    // Traffic while the backup is taken: orders arriving, listings published (bounded).
    let traffic = async {
        for i in 0..4 {
            buy_for_pickup(&consumer, &seller_key, "tomme", 1, "Noé Favre").await;
            add_listing(&seller, &format!("vacherin-{i}"), "Vacherin", 1200, 5).await;
        }
    };
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("fromagerie.age");
    let passphrase = scratch.path().join("passphrase");
    std::fs::write(&passphrase, "tomme et vacherin\n").unwrap();
    let file_arg = file.to_str().unwrap().to_owned();
    let pass_arg = passphrase.to_str().unwrap().to_owned();
    let args = ["backup", "--to", &file_arg, "--passphrase-file", &pass_arg];
    let backup = cli(&seller.dir, &args);
    let ((ok, out, err), ()) = tokio::join!(backup, traffic);
    assert!(ok, "backup failed: {out}{err}");
    assert!(out.contains("encrypted"), "{out}");
    assert!(!std::fs::read_dir(&seller.dir).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".backup")
    }));

    // The backup is restored on "another machine" while the first node is stopped for good
    // (one identity, one node).
    assert!(seller.stop().await, "the seller stops cleanly");
    let elsewhere = tempfile::tempdir().unwrap();
    let restored = elsewhere.path().join("node");
    let (ok, out, err) = cli(&restored, &["restore", &file_arg]).await;
    assert!(
        !ok,
        "an encrypted backup restored without its passphrase: {out}"
    );
    assert!(err.contains("passphrase"), "{err}");
    let (ok, out, err) = cli(
        &restored,
        &["restore", &file_arg, "--passphrase-file", &pass_arg],
    )
    .await;
    assert!(ok, "restore failed: {out}{err}");
    let (ok, _, err) = cli(
        &restored,
        &["restore", &file_arg, "--passphrase-file", &pass_arg],
    )
    .await;
    assert!(!ok && err.contains("already holds a node"), "{err}");

    seller.dir = restored;
    seller.set_bootstrap(vec![consumer.addrs[0].clone()]);
    seller.run().await.unwrap();
    let status = seller.status().await;
    assert_eq!(status["peer_id"], status_before["peer_id"], "same identity");
    // Everything the node held before the backup began is there as it was; what came during
    // it is there or not, never half.
    let orders = orders_of(&seller).await;
    for (id, before) in &orders_before {
        assert_eq!(orders.get(id), Some(before), "order {id}");
    }
    for (id, (stage, history)) in &orders {
        assert!(
            !stage.is_empty(),
            "order {id} ({history} steps) has no stage"
        );
    }
    let listings = own_listings(&seller).await;
    for key in &listings_before {
        assert!(listings.contains(key), "listing {key} lost: {listings:?}");
    }
    let (ok, _, err) = cli(
        &seller.dir,
        &[
            "backup",
            "--to",
            scratch.path().join("again.tar.gz").to_str().unwrap(),
        ],
    )
    .await;
    assert!(ok, "the restored node backs up too: {err}");

    // The order that was open when the backup was made is completed from the restored node.
    for s in [
        json!({ "type": "accepted" }),
        json!({ "type": "payment_confirmed" }),
        json!({ "type": "ready_for_pickup", "note": "Dès 16 h" }),
        json!({ "type": "completed" }),
    ] {
        step(&seller, &open, s).await;
    }
    let done: Value = wait_stage(&consumer, &open, "completed").await;
    assert_eq!(done["stage"], "completed");
    wait_until("the restored seller's view", DEADLINE, || async {
        (orders_of(&seller).await.get(&open)?.0 == "completed").then_some(())
    })
    .await;
}
