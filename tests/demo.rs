//! `smartket demo` as a newcomer runs it: a whole Geneva market comes up from the seed, the
//! consumer's node holds every seller's catalogue and counts the certifier's labels, Ctrl-C
//! stops every node cleanly, and a second run reuses the data.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use smartket_tests::{DEADLINE, smartket_bin, wait_until};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Starts the demo in `dir`; returns the process and the consumer's API address.
async fn start(dir: &Path) -> (Child, String) {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/geneva");
    let mut child = Command::new(smartket_bin())
        .arg("--data-dir")
        .arg(dir)
        .arg("demo")
        .arg("--seed")
        .arg(&seed)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut consumer = None;
    let started = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.first() == Some(&"consumer") {
                let link = words.last().unwrap();
                let addr = link
                    .trim_start_matches("http://")
                    .split('/')
                    .next()
                    .unwrap();
                consumer = Some(addr.to_owned());
            }
            if line.starts_with("Open a link") {
                return;
            }
        }
    })
    .await;
    assert!(started.is_ok(), "the demo did not come up in 2 minutes");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, consumer.expect("the consumer's link is printed"))
}

async fn stop(mut child: Child) {
    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    let status = tokio::time::timeout(DEADLINE, child.wait())
        .await
        .expect("the demo stops within the deadline")
        .unwrap();
    assert!(status.success(), "the demo exits cleanly: {status:?}");
}

async fn get(addr: &str, token: &str, path: &str) -> Option<Value> {
    let response = reqwest::Client::new()
        .get(format!("http://{addr}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .ok()?;
    response.json().await.ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_market_comes_up_with_every_catalogue_and_comes_back_after_a_restart() {
    let seed = smartket_node::demo::seed::Seed::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/geneva"),
    )
    .unwrap();
    let listings = seed.listing_count() as u64;
    let temp = tempfile::tempdir().unwrap();
    let (child, consumer) = start(temp.path()).await;
    let token = std::fs::read_to_string(temp.path().join("camille/api-token")).unwrap();
    let token = token.trim();
    // Every kind arrives on its own topic and at its own pace: the market is whole when the
    // consumer holds as many records of each kind as the seed has (one run in twenty counted
    // the couriers' offers before they had all arrived).
    let mut per_kind = std::collections::BTreeMap::<&str, u64>::new();
    for record in seed.actors.iter().flat_map(|a| &a.records) {
        *per_kind.entry(record.body.kind().as_str()).or_default() += 1;
    }
    let counts = wait_until("the consumer holds the whole market", DEADLINE, || async {
        let status = get(&consumer, token, "/api/v1/status").await?;
        let counts = status["markets"]["geneva"].clone();
        let profiles = counts["profile"].as_u64()?;
        let whole = per_kind
            .iter()
            .all(|(kind, n)| counts[*kind].as_u64() == Some(*n));
        (whole && counts["listing"].as_u64()? == listings && profiles == seed.actors.len() as u64)
            .then_some(counts)
    })
    .await;
    // The labels are attestations, which arrive on their own topic, after or before the
    // listings: wait for the one asserted below, not for any.
    let found = wait_until(
        "search finds cheese with the GRTA label",
        DEADLINE,
        || async {
            let found = get(&consumer, token, "/api/v1/search?q=fromage").await?;
            let grta = found["facets"]["labels"]
                .as_array()?
                .iter()
                .any(|l| l["value"] == "grta");
            (found["total"].as_u64()? > 5 && grta).then_some(found)
        },
    )
    .await;
    let labels: Vec<&str> = found["facets"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["value"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"grta"), "{labels:?}");
    let payments: Vec<&str> = found["facets"]["payment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["value"].as_str().unwrap())
        .collect();
    assert!(payments.contains(&"local:LEM"), "{payments:?}");
    stop(child).await;

    // Again on the same data: nothing is published twice, everything is still there.
    let (child, consumer) = start(temp.path()).await;
    let status = wait_until("the consumer serves again", DEADLINE, || async {
        get(&consumer, token, "/api/v1/status").await
    })
    .await;
    assert_eq!(status["markets"]["geneva"], counts);
    stop(child).await;
}
