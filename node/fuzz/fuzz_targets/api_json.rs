//! Sends arbitrary bytes as the body of every HTTP API route that takes one, through the real
//! router (`api::router`, guard included) of a real node on a temporary data dir, as the web UI
//! and the CLI do. The node is started once per process; what the inputs create (listings,
//! basket lines, settings) stays for the next ones, as it would in a node in use.
//!
//! Input: a route selector byte (`byte % ROUTES.len()`), then the body.
//!
//! Checked: no answer is a 500 (an input the node could not handle is a 4xx with a reason),
//! and nothing panics.
#![no_main]

use std::net::SocketAddr;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;
use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use libfuzzer_sys::fuzz_target;
use smartket_node::api::{self, ApiState};
use smartket_node::config::Config;
use smartket_node::daemon::Daemon;
use smartket_node::{http, identity};
use smartket_protocol::SecretKey;
use tokio::runtime::Runtime;
use tower::ServiceExt;

const TOKEN: &str = "fuzz-token";
const HOST: &str = "127.0.0.1:8417";
const JSON: &str = "application/json";

/// Every route with a body: method, path, content type. Path parameters are fixed; a listing
/// `fuzz-1` exists once an input has created it (through the `PUT` of its key).
const ROUTES: [(Method, &str, &str); 14] = [
    (Method::PUT, "/api/v1/settings", JSON),
    (Method::POST, "/api/v1/basket/items", JSON),
    (Method::POST, "/api/v1/checkout", JSON),
    (Method::POST, "/api/v1/orders/0123456789abcdef0123456789abcdef/steps", JSON),
    (Method::PUT, "/api/v1/own/profile", JSON),
    (Method::POST, "/api/v1/own/listings", JSON),
    (Method::POST, "/api/v1/own/delivery-offers", JSON),
    (Method::POST, "/api/v1/own/attestations", JSON),
    (Method::POST, "/api/v1/own/memberships", JSON),
    (Method::PUT, "/api/v1/own/listings/fuzz-1", JSON),
    (Method::PUT, "/api/v1/own/delivery-offers/fuzz-1", JSON),
    (Method::POST, "/api/v1/own/listings/fuzz-1/stock", JSON),
    (Method::POST, "/api/v1/records", "application/cbor"),
    (Method::POST, "/api/v1/blobs", "application/octet-stream"),
];

/// The node's data dir: one per process, named by its pid; those of processes gone are removed.
fn data_dir() -> PathBuf {
    let base = std::env::temp_dir();
    let prefix = "smartket-fuzz-api-";
    if let Ok(entries) = std::fs::read_dir(&base) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix(prefix)
                && !PathBuf::from(format!("/proc/{pid}")).exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = base.join(format!("{prefix}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// The runtime the node runs on, and its API's router.
fn node() -> &'static (Runtime, Router) {
    static NODE: OnceLock<(Runtime, Router)> = OnceLock::new();
    NODE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("runtime: {e}"));
        let dir = data_dir();
        // The farm of spec/vectors/, so that a run is the same node every time.
        identity::write_key(&dir, SecretKey::from_bytes(&[42; 32]))
            .unwrap_or_else(|e| panic!("key: {e}"));
        let mut config = Config::default();
        config.network.listen = vec![
            "/ip4/127.0.0.1/tcp/0"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
        ];
        config.network.bootstrap = Vec::new();
        let daemon = runtime
            .block_on(Daemon::start(&dir, config))
            .unwrap_or_else(|e| panic!("node: {e}"));
        let addr: SocketAddr = HOST.parse().unwrap_or_else(|e| panic!("{e}"));
        let access = http::access(addr, TOKEN.into());
        let router = api::router(ApiState::new(daemon.handle(), access));
        // Runs until the process ends.
        std::mem::forget(daemon);
        (runtime, router)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let (method, path, content_type) = &ROUTES[usize::from(selector) % ROUTES.len()];
    let (runtime, router) = node();
    let request = Request::builder()
        .method(method.clone())
        .uri(*path)
        .header(header::HOST, HOST)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, *content_type)
        .body(Body::from(body.to_vec()))
        .unwrap_or_else(|e| panic!("request: {e}"));
    let response = runtime
        .block_on(router.clone().oneshot(request))
        .unwrap_or_else(|e| match e {});
    let status = response.status();
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        let bytes = runtime
            .block_on(axum::body::to_bytes(response.into_body(), 1 << 16))
            .unwrap_or_default();
        panic!(
            "{method} {path} answered 500: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
});
