//! The crash soak: a small market of real `smartket` processes at work — records ingested and
//! indexed, orders placed and accepted, orders waiting in the cooperative's mailbox while the
//! seller is down — whose seller and cooperative are killed with SIGKILL in turn at random
//! moments. After each restart it checks that every record the victim acknowledged is there,
//! that its search index agrees with its store (rebuilt by itself after the kill), and that it
//! serves its API; at the end, that every order placed reached the seller (through the mailbox
//! when the seller was down: no deposit lost) and every acceptance reached the consumer.
//!
//! `tests/crash.rs` runs it with 20 kills; `tests/examples/soak.rs` with 200 (README, "Crash
//! soak").

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use smartket_protocol::SecretKey;
use smartket_protocol::record::{MAX_LIFETIME_MS, Record};

use crate::shop::{add_listing, author, put_profile};
use crate::{DEADLINE, Node, fixtures, now_ms, wait_until};

/// What a soak did and found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SoakReport {
    /// SIGKILLs survived.
    pub kills: usize,
    /// Records acknowledged by a victim, all checked after its restart.
    pub records: usize,
    /// Orders placed by the consumer, all found on the seller at the end.
    pub orders: usize,
    /// Of those, placed while the seller was down (they waited in the cooperative's mailbox).
    pub through_mailbox: usize,
    /// Acceptance steps acknowledged by the seller, all found on the consumer at the end.
    pub steps: usize,
    /// Index checks after restarts (search count equal to the store's listing count).
    pub index_checks: usize,
}

/// Shared lists the workers fill while a victim runs.
#[derive(Default)]
struct Acked {
    records: Vec<String>,
    orders: Vec<String>,
    steps: Vec<String>,
}

type Shared = Arc<Mutex<Acked>>;
/// Orders placed and not yet accepted.
type Waiting = Arc<Mutex<Vec<String>>>;

/// A small xorshift, so kill moments vary from run to run without a dependency.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// A listing record signed by a farm key, distinct per `i`: gossip from other sellers, as a
/// victim ingests and indexes it. A new key every 5 000 records keeps each under its quota
/// (`MAX_AUTHOR_RECORDS`): a long run would otherwise measure refusals, not ingest.
fn record(i: u64) -> Record {
    let payload = fixtures::listing_payload(
        "geneva",
        &format!("soak-{i}"),
        &format!("Courge {i}"),
        400 + i % 100,
        now_ms(),
        MAX_LIFETIME_MS,
    );
    let farm = 7u8.wrapping_add((i / 5_000) as u8);
    Record::sign(&SecretKey::from_bytes(&[farm; 32]), payload).expect("a valid listing")
}

/// Posts records to `victim` until the task is aborted, counting what it acknowledges.
fn write_records(victim: &Node, acked: Shared, start: u64) -> tokio::task::JoinHandle<()> {
    let (api, token) = (victim.api.clone(), victim.token.clone());
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        for i in start.. {
            let sent = http
                .post(format!("{api}/api/v1/records"))
                .bearer_auth(&token)
                .header("content-type", "application/cbor")
                .body(record(i).to_wire())
                .send()
                .await;
            let Ok(response) = sent else { return };
            let Ok(outcome) = response.json::<Value>().await else {
                return;
            };
            if outcome["outcome"] == "accepted"
                && let Some(id) = outcome["id"].as_str()
            {
                acked.lock().expect("lock").records.push(id.to_owned());
            }
        }
    })
}

/// The consumer orders one tomme every so often (bounded: at most 40 per round).
fn place_orders(
    consumer: &Node,
    seller: String,
    acked: Shared,
    waiting: Waiting,
) -> tokio::task::JoinHandle<()> {
    let (api, token) = (consumer.api.clone(), consumer.token.clone());
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        for _ in 0..40 {
            let line = json!({ "author": seller, "key": "tomme", "quantity": 1 });
            let checkout = json!({
                "sellers": { &seller: { "delivery": { "type": "pickup" },
                                        "payment": { "type": "cash_on_pickup" } } },
                "contact": { "name": "Léa Martin", "email": "lea@example.ch" },
            });
            let added = http
                .post(format!("{api}/api/v1/basket/items"))
                .bearer_auth(&token)
                .json(&line)
                .send()
                .await;
            if added.is_err() {
                return;
            }
            let Ok(placed) = http
                .post(format!("{api}/api/v1/checkout"))
                .bearer_auth(&token)
                .json(&checkout)
                .send()
                .await
            else {
                return;
            };
            if placed.status().as_u16() == 201
                && let Ok(placed) = placed.json::<Value>().await
                && let Some(id) = placed["orders"][0].as_str()
            {
                acked.lock().expect("lock").orders.push(id.to_owned());
                waiting.lock().expect("lock").push(id.to_owned());
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    })
}

/// The seller accepts the orders placed so far that it has not accepted yet, until the task is
/// aborted. (It tries them by id: listing every order it holds, each history replayed, takes
/// seconds once there are hundreds in a debug build, longer than a round.)
fn accept_orders(seller: &Node, acked: Shared, waiting: Waiting) -> tokio::task::JoinHandle<()> {
    let (api, token) = (seller.api.clone(), seller.token.clone());
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        loop {
            let ids = waiting.lock().expect("lock").clone();
            for id in ids {
                let answer = http
                    .post(format!("{api}/api/v1/orders/{id}/steps"))
                    .bearer_auth(&token)
                    .json(&json!({ "type": "accepted" }))
                    .send()
                    .await;
                let done = match answer {
                    Ok(a) if a.status().is_success() => {
                        acked.lock().expect("lock").steps.push(id.clone());
                        true
                    }
                    // Accepted already: in a round whose answer the kill cut off.
                    Ok(a) => a.status().as_u16() == 409,
                    Err(_) => return,
                };
                if done {
                    waiting.lock().expect("lock").retain(|w| *w != id);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

/// How many listings `node`'s store holds in the market, and how many its search index finds.
async fn listings_and_hits(node: &Node) -> Option<(u64, u64)> {
    let status = node.get("/api/v1/status").await.ok()??;
    let stored = status["markets"]["geneva"]["listing"].as_u64().unwrap_or(0);
    let found = node
        .get("/api/v1/search?market=geneva&limit=1")
        .await
        .ok()??;
    Some((stored, found["total"].as_u64()?))
}

/// Restarts `victim` dialling `others`, and checks what it acknowledged before the kill.
async fn restart_and_check(
    victim: &mut Node,
    others: Vec<String>,
    records: &[String],
    report: &mut SoakReport,
) -> Result<()> {
    victim.set_bootstrap(others);
    victim
        .run()
        .await
        .context("the node starts again after SIGKILL")?;
    for id in records {
        if !victim.has(id).await {
            bail!(
                "record {id} was acknowledged by {}, then lost",
                victim.dir.display()
            );
        }
    }
    // The index is rebuilt at start after a kill; once the node serves, they agree.
    wait_until(
        "the search index agrees with the store",
        DEADLINE,
        || async {
            let (stored, found) = listings_and_hits(victim).await?;
            (stored == found).then_some(())
        },
    )
    .await;
    report.index_checks += 1;
    Ok(())
}

/// Runs the soak: `kills` SIGKILLs, alternately of the seller and of the cooperative.
/// `progress` hears one line per kill.
pub async fn soak(kills: usize, mut progress: impl FnMut(&str)) -> Result<SoakReport> {
    let mut coop = Node::start("cooperative", "Coopérative du marché", &[]).await?;
    let consumer = Node::start("consumer", "Client", &[coop.addrs[0].clone()]).await?;
    let mut seller = Node::start(
        "producer",
        "Fromagerie",
        &[coop.addrs[0].clone(), consumer.addrs[0].clone()],
    )
    .await?;
    let seller_key = author(&seller).await;
    put_profile(&seller, &["producer"], "Fromagerie des Bossons", "1213").await;
    add_listing(&seller, "tomme", "Tomme de Genève", 900, 100_000).await;
    for (kind, key) in [("profile", "profile"), ("listing", "tomme")] {
        wait_until(&format!("consumer has the {kind}"), DEADLINE, || async {
            consumer.current(&seller_key, kind, key).await
        })
        .await;
    }

    let mut report = SoakReport::default();
    let mut dice = Dice(now_ms() | 1);
    let (mut placed, mut accepted) = (Vec::new(), Vec::new());
    let waiting: Waiting = Arc::default();
    for kill in 0..kills {
        let acked: Shared = Arc::default();
        let seller_is_victim = kill % 2 == 0;
        let start = kill as u64 * 1_000_000;
        let victim = if seller_is_victim { &seller } else { &coop };
        let workers = vec![
            place_orders(
                &consumer,
                seller_key.clone(),
                acked.clone(),
                waiting.clone(),
            ),
            write_records(victim, acked.clone(), start),
            accept_orders(&seller, acked.clone(), waiting.clone()),
        ];
        // Kill at a random moment: after 0.05 to 1.5 s of work.
        tokio::time::sleep(Duration::from_millis(50 + dice.roll(1450))).await;
        let victim = if seller_is_victim {
            &mut seller
        } else {
            &mut coop
        };
        victim.kill9().await;
        // Orders go on while the victim is down: to a seller that is down they go to the
        // cooperative's mailbox.
        let down_since = acked.lock().expect("lock").orders.len();
        tokio::time::sleep(Duration::from_millis(dice.roll(400))).await;
        for worker in &workers {
            worker.abort();
        }
        for worker in workers {
            let _ = worker.await;
        }
        let acked = std::mem::take(&mut *acked.lock().expect("lock"));
        if seller_is_victim {
            report.through_mailbox += acked.orders.len() - down_since;
        }
        let others = if seller_is_victim {
            vec![coop.addrs[0].clone(), consumer.addrs[0].clone()]
        } else {
            vec![seller.addrs[0].clone(), consumer.addrs[0].clone()]
        };
        let victim = if seller_is_victim {
            &mut seller
        } else {
            &mut coop
        };
        restart_and_check(victim, others, &acked.records, &mut report).await?;
        report.kills += 1;
        report.records += acked.records.len();
        placed.extend(acked.orders);
        accepted.extend(acked.steps);
        progress(&format!(
            "kill {}/{kills} ({}): {} records checked, {} orders, {} acceptances so far",
            kill + 1,
            if seller_is_victim {
                "seller"
            } else {
                "cooperative"
            },
            report.records,
            placed.len(),
            accepted.len(),
        ));
    }

    // Nothing acknowledged was lost on the way: every order reached the seller (directly, or
    // from the mailbox it was deposited in), and every acceptance reached the consumer.
    for id in &placed {
        wait_until(
            &format!("the seller holds order {id}"),
            DEADLINE,
            || async { seller.get(&format!("/api/v1/orders/{id}")).await.ok()? },
        )
        .await;
    }
    for id in &accepted {
        wait_until(
            &format!("the consumer sees {id} accepted"),
            DEADLINE,
            || async {
                let order = consumer.get(&format!("/api/v1/orders/{id}")).await.ok()??;
                (order["stage"] == "accepted").then_some(())
            },
        )
        .await;
    }
    report.orders = placed.len();
    report.steps = accepted.len();
    Ok(report)
}
