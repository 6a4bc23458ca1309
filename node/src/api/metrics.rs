//! `GET /metrics`: the node's gauges and counters in Prometheus' text format (version 0.0.4),
//! so a cooperative running nodes for months can scrape and graph them with the tools it
//! already has. Behind the API token like every route.

use std::fmt::Write;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use super::ApiState;
use super::errors::ErrorBody;

/// One metric: its help line, its type, and its samples (labels, value).
struct Metric<'a> {
    name: &'a str,
    help: &'a str,
    kind: &'a str,
    samples: Vec<(String, f64)>,
}

fn render(metrics: &[Metric<'_>]) -> String {
    let mut out = String::new();
    for m in metrics {
        let _ = writeln!(out, "# HELP smartket_{} {}", m.name, m.help);
        let _ = writeln!(out, "# TYPE smartket_{} {}", m.name, m.kind);
        for (labels, value) in &m.samples {
            let _ = writeln!(out, "smartket_{}{labels} {value}", m.name);
        }
    }
    out
}

/// A label value, escaped as the format requires.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn one(value: f64) -> Vec<(String, f64)> {
    vec![(String::new(), value)]
}

/// The process's resident memory, from `/proc/self/statm` (Linux); none elsewhere.
fn rss_bytes() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0)
}

/// The node's metrics, Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "node",
    responses(
        (status = 200, content_type = "text/plain; version=0.0.4", description = "the metrics"),
        (status = 401, body = ErrorBody)))]
pub async fn metrics_show(State(state): State<ApiState>) -> impl IntoResponse {
    let node = &state.node;
    let status = node.status().await;
    let verdicts = node.ingest_counts();
    let mut records = Vec::new();
    for (market, kinds) in &status.markets {
        for (kind, n) in kinds {
            records.push((
                format!("{{market=\"{}\",kind=\"{}\"}}", label(market), label(kind)),
                *n as f64,
            ));
        }
    }
    let (pending, in_mailbox) = node.orders().outbox_counts().unwrap_or((0, 0));
    let orders = node.orders().list().map(|l| l.len()).unwrap_or(0);
    let disk_full = f64::from(u8::from(status.disk.state != "ok"));
    let mut metrics = vec![
        Metric {
            name: "peers",
            help: "Peers connected now.",
            kind: "gauge",
            samples: one(status.peers as f64),
        },
        Metric {
            name: "records",
            help: "Current records held, by market and kind.",
            kind: "gauge",
            samples: records,
        },
        Metric {
            name: "ingest_verdicts_total",
            help: "Records judged since start, by verdict.",
            kind: "counter",
            samples: vec![
                ("{verdict=\"accepted\"}".into(), verdicts.accepted as f64),
                ("{verdict=\"ignored\"}".into(), verdicts.ignored as f64),
                ("{verdict=\"rejected\"}".into(), verdicts.rejected as f64),
            ],
        },
        Metric {
            name: "dropped_total",
            help: "Network events dropped because the node was not keeping up, by what.",
            kind: "counter",
            samples: vec![
                (
                    "{what=\"gossip\"}".into(),
                    status.network.dropped_gossip as f64,
                ),
                (
                    "{what=\"requests\"}".into(),
                    status.network.dropped_requests as f64,
                ),
                (
                    "{what=\"events\"}".into(),
                    status.network.dropped_events as f64,
                ),
            ],
        },
        Metric {
            name: "sync_sessions_open",
            help: "Sync sessions running now.",
            kind: "gauge",
            samples: one(status.sync.open_sessions as f64),
        },
        Metric {
            name: "sync_failed_total",
            help: "Sync sessions that failed since start.",
            kind: "counter",
            samples: one(status.sync.failed as f64),
        },
        Metric {
            name: "unpublished",
            help: "Own records waiting for a peer to publish to.",
            kind: "gauge",
            samples: one(status.unpublished as f64),
        },
        Metric {
            name: "orders",
            help: "Orders (and delivery jobs) this node is a party to.",
            kind: "gauge",
            samples: one(orders as f64),
        },
        Metric {
            name: "messages_on_their_way",
            help: "Sealed order messages not yet acknowledged by their recipient, by where.",
            kind: "gauge",
            samples: vec![
                ("{at=\"outbox\"}".into(), pending as f64),
                ("{at=\"mailbox\"}".into(), in_mailbox as f64),
            ],
        },
        Metric {
            name: "disk_failing",
            help: "1 while the disk refuses writes (full or failing), else 0.",
            kind: "gauge",
            samples: one(disk_full),
        },
        Metric {
            name: "database_bytes",
            help: "Bytes each database file takes.",
            kind: "gauge",
            samples: node
                .database_bytes()
                .into_iter()
                .map(|(file, bytes)| (format!("{{file=\"{file}\"}}"), bytes as f64))
                .collect(),
        },
    ];
    if let Some(mailbox) = &status.mailbox {
        metrics.push(Metric {
            name: "mailbox_messages",
            help: "Sealed messages a cooperative keeps for others.",
            kind: "gauge",
            samples: one(mailbox.waiting as f64),
        });
    }
    if let Some(rss) = rss_bytes() {
        metrics.push(Metric {
            name: "resident_memory_bytes",
            help: "The process's resident memory.",
            kind: "gauge",
            samples: one(rss),
        });
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        render(&metrics),
    )
}
