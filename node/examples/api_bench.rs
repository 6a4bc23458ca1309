//! API throughput on loopback: requests per second for a search (`GET /api/v1/search`, text +
//! two filters + facets) and for a listing read (`GET /api/v1/listings/{id}`), over the
//! realistic listing of the other benchmarks, through the real router, auth guard and TCP, with
//! keep-alive clients.
//!
//! ```text
//! cargo run --release -p smartket-node --example api_bench [LISTINGS] [CONCURRENCY] [SECONDS]
//! ```
//!
//! Defaults: 10 000 listings, 32 concurrent clients, 10 s. The clients run in the same process
//! as the node, so on a small machine they take CPU from it: the figure is a lower bound of what
//! an external load tool (`oha -c 32 -z 10s -H "Authorization: Bearer …" URL`) would measure.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use smartket_node::config::Config;
use smartket_node::daemon::Daemon;

#[path = "common/catalogue.rs"]
mod catalogue;
use catalogue::MARKET;

#[tokio::main]
async fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().unwrap());
    let n = args.next().unwrap_or(10_000);
    let concurrency = args.next().unwrap_or(32);
    let seconds = args.next().unwrap_or(10) as u64;

    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    smartket_node::identity::create_key(dir).unwrap();

    let now = smartket_node::clock::now_ms();
    let records = catalogue::sign_range(0, n, 100, now);
    let ids: Arc<Vec<String>> = Arc::new(records.iter().map(|r| r.id.to_hex()).collect());
    // Stored before the node starts, so the node builds its search index from the store.
    {
        let store =
            smartket_node::store::Store::open(&smartket_node::data_dir::DataDir::new(dir).store())
                .unwrap();
        for chunk in records.chunks(2_000) {
            store.commit(chunk.to_vec()).unwrap();
        }
    }
    let mut config = Config::default();
    config.network.listen = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    let daemon = Daemon::start(dir, config).await.unwrap();
    let handle = daemon.handle();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let token = "bench-token".to_owned();
    let access = smartket_node::http::access(addr, token.clone());
    let app = smartket_node::http::router(handle.clone(), access);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let market_query = smartket_node::search::SearchQuery {
        market: MARKET.into(),
        text: String::new(),
        language: None,
        filters: Default::default(),
        trusted_issuers: Vec::new(),
        location: None,
        sort: Default::default(),
        offset: 0,
        limit: 1,
    };
    while handle.search(market_query.clone()).await.unwrap().total < n as u64 {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "{n} listings stored and indexed; {concurrency} clients, {seconds} s per route, http://{addr}"
    );
    let search = |i: usize| {
        format!(
            "/api/v1/search?q=tomme&category=food.dairy&price_max={}",
            700 + i % 300
        )
    };
    run("search", search, addr, &token, concurrency, seconds).await;
    let read = move |i: usize| format!("/api/v1/listings/{}", ids[i % ids.len()]);
    run("listing", read, addr, &token, concurrency, seconds).await;
    daemon.shutdown().await;
}

/// Loads `path_of(i)` from `concurrency` clients for `seconds` and prints the figures.
async fn run(
    name: &str,
    path_of: impl Fn(usize) -> String + Clone + Send + Sync + 'static,
    addr: std::net::SocketAddr,
    token: &str,
    concurrency: usize,
    seconds: u64,
) {
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..concurrency {
        let (path_of, stop, token) = (path_of.clone(), Arc::clone(&stop), token.to_owned());
        workers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut latencies = Vec::new();
            let mut i = w * 7919;
            while !stop.load(Ordering::Relaxed) {
                let url = format!("http://{addr}{}", path_of(i));
                i += 1;
                let started = Instant::now();
                let response = client.get(url).bearer_auth(&token).send().await.unwrap();
                assert!(response.status().is_success());
                let _ = response.bytes().await.unwrap();
                latencies.push(started.elapsed());
            }
            latencies
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "{name}: {} requests in {:.1} s = {:.0} requests/s; latency p50 {:?}, p99 {:?}",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99)
    );
}
