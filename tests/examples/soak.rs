//! The crash soak's long run: SIGKILL a working seller and cooperative in turn, 200 times by
//! default, checking after each restart that nothing acknowledged was lost (see
//! `smartket_tests::soak`).
//!
//! ```text
//! cargo build -p smartket-node
//! cargo run -p smartket-tests --example soak -- [KILLS]
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Instant;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let kills = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(200);
    let started = Instant::now();
    let report = smartket_tests::soak::soak(kills, |line| println!("{line}")).await?;
    println!(
        "soak: {} kills survived in {:.0} s; checked {} records, {} orders ({} placed while the \
         seller was down, through the mailbox), {} acceptances, {} index checks; lost 0",
        report.kills,
        started.elapsed().as_secs_f64(),
        report.records,
        report.orders,
        report.through_mailbox,
        report.steps,
        report.index_checks,
    );
    Ok(())
}
