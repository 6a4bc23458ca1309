//! Crash safety: a node killed with SIGKILL at any moment during ingest keeps every record it
//! acknowledged, and its database opens again.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use smartket_protocol::kinds::{Body, Kind, Tombstone};
use smartket_protocol::record::{MAX_LIFETIME_MS, Payload};
use smartket_protocol::{Record, SecretKey};
use smartket_tests::{DEADLINE, Node, wait_until};

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn record(i: u64) -> Record {
    let secret = SecretKey::from_bytes(&[7; 32]);
    let payload = Payload::new(
        "geneva",
        format!("crash-{i}"),
        now_ms(),
        MAX_LIFETIME_MS,
        Body::Tombstone(Tombstone {
            target_kind: Kind::Listing,
        }),
    );
    Record::sign(&secret, payload).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_ingest_loses_no_acknowledged_record() {
    let mut node = Node::start("consumer", "Crash", &[]).await.unwrap();
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut next = 0u64;
    // A small xorshift keeps kill moments varied without a dependency.
    let mut seed = now_ms() | 1;
    for round in 0..6 {
        let writer = {
            let api = node.api.clone();
            let token = node.token.clone();
            let acked = acked.clone();
            let start = next;
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                for i in start.. {
                    let wire = record(i).to_wire();
                    let sent = http
                        .post(format!("{api}/api/v1/records"))
                        .bearer_auth(&token)
                        .body(wire)
                        .send()
                        .await;
                    let Ok(response) = sent else { return };
                    let Ok(outcome) = response.json::<serde_json::Value>().await else {
                        return;
                    };
                    if outcome["outcome"] == "accepted" {
                        acked
                            .lock()
                            .unwrap()
                            .push(outcome["id"].as_str().unwrap().to_owned());
                    }
                }
            })
        };
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Kill after a varying number of acknowledgements, while the writer is mid-stream.
        let target = acked.lock().unwrap().len() + 5 + (seed % 60) as usize;
        wait_until("records acknowledged", DEADLINE, || async {
            (acked.lock().unwrap().len() >= target).then_some(())
        })
        .await;
        node.kill9().await;
        writer.abort();
        let _ = writer.await;
        next += 100_000;
        node.run().await.expect("database opens after SIGKILL");
        let ids = acked.lock().unwrap().clone();
        assert!(!ids.is_empty(), "round {round}: nothing was acknowledged");
        for id in &ids {
            assert!(node.has(id).await, "round {round}: acknowledged {id} lost");
        }
    }
}

/// The crash soak's short run (the long one is `tests/examples/soak.rs`): 20 SIGKILLs of the
/// seller and of the cooperative while they ingest, index, take and accept orders, and hold
/// mail; nothing they acknowledged is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_kills_of_a_working_seller_and_cooperative_lose_nothing() {
    let report = smartket_tests::soak::soak(20, |line| eprintln!("{line}"))
        .await
        .unwrap();
    eprintln!("{report:?}");
    assert_eq!(report.kills, 20);
    assert_eq!(report.index_checks, 20);
    assert!(
        report.records > 0 && report.orders > 0 && report.steps > 0,
        "{report:?}"
    );
}
