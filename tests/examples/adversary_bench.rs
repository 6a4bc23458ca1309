//! The adversarial testbed at the sizes `spec/security.md` §8 and the README quote (the suite
//! runs the same attacks small, in `tests/adversary.rs`).
//!
//! `cargo run --release -p smartket-tests --example adversary_bench -- [ATTACK...]`, ATTACK one
//! of `flood`, `sybils`, `connections`, `oversize`, `strangers`, `mailbox` (all when none is named). Needs the `smartket` binary next
//! to it (`cargo build --release -p smartket-node`).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use smartket_tests::attacks;

#[tokio::main]
async fn main() {
    let named: Vec<String> = std::env::args().skip(1).collect();
    let run = |attack: &str| named.is_empty() || named.iter().any(|n| n == attack);
    if run("flood") {
        let f = attacks::bad_signature_flood(20, 10_000, 200).await;
        println!("flood: 10 000 bad-signature records from one peer among 20 honest nodes\n{f:#?}");
        let ratio = f.under_attack.quantile(0.99).as_secs_f64()
            / f.baseline.quantile(0.99).as_secs_f64().max(1e-6);
        println!("flood: honest p99 under attack ÷ baseline p99 = {ratio:.2}");
    }
    if run("sybils") {
        let f = attacks::sybil_crowd(20, 80, 200, 100).await;
        println!("sybils: 20 honest + 80 Sybils, silent then a flash of forged records\n{f:#?}");
    }
    if run("connections") {
        let f = attacks::connection_flood(5_000, 250, 200).await;
        println!(
            "connections: 5 000 silent TCP connections, then 200 fresh identities, from one host\n{f:#?}"
        );
    }
    if run("oversize") {
        let f = attacks::oversize_flood(200, 1_000, 4 * 1024 * 1024).await;
        println!(
            "oversize: 200 gossip messages and 1 000 requests of 4 MiB at a cooperative\n{f:#?}"
        );
    }
    if run("strangers") {
        let f = attacks::stranger_steps(100_000, 50, 5).await;
        println!("strangers: 100 000 steps for unknown orders from 2 000 keys\n{f:#?}");
    }
    if run("mailbox") {
        let f = attacks::mailbox_flood(1_000, 1_000).await;
        println!("mailbox: 1 000 000 deposits from 1 000 keys on one host\n{f:#?}");
    }
}
