//! `GET /api/v1/events`: the store's changes as Server-Sent Events, for the web UI to refresh
//! what it shows. A client that reads too slowly to keep up with the broadcast gets a `lagged`
//! event saying how many changes it missed (it should reload what it shows) instead of a stream
//! that dies.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use utoipa::ToSchema;

use super::ApiState;
use crate::ingest::{RemoveReason, StoreEvent};

/// How often an idle stream sends a comment, so proxies and browsers keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The data of an `added`, `replaced` or `removed` event.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeJson {
    /// The record now current (`added`, `replaced`) or the one that left (`removed`).
    pub id: String,
    /// The record that left (`replaced`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// Kind of the new record (`tombstone` when a slot was deleted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Market of the new record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    /// Author of the new record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Slot key of the new record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Why a record left without replacement: `expired` or `withdrawn`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ChangeJson {
    fn of_record(record: &smartket_protocol::Record, old: Option<String>) -> ChangeJson {
        ChangeJson {
            id: record.id.to_hex(),
            old,
            kind: Some(record.payload.kind.as_str().to_owned()),
            market: Some(record.payload.market.clone()),
            author: Some(record.payload.author.to_hex()),
            key: Some(record.payload.key.clone()),
            reason: None,
        }
    }
}

fn event_of(change: &StoreEvent) -> Option<Event> {
    let (name, data) = match change {
        StoreEvent::Added(record) => ("added", ChangeJson::of_record(record, None)),
        StoreEvent::Replaced { old, new } => {
            ("replaced", ChangeJson::of_record(new, Some(old.to_hex())))
        }
        StoreEvent::Removed { id, reason } => (
            "removed",
            ChangeJson {
                id: id.to_hex(),
                old: None,
                kind: None,
                market: None,
                author: None,
                key: None,
                reason: Some(
                    match reason {
                        RemoveReason::Withdrawn => "withdrawn",
                        _ => "expired",
                    }
                    .to_owned(),
                ),
            },
        ),
    };
    Event::default().event(name).json_data(data).ok()
}

/// An `order` event: an order of this node changed (a message arrived, a step was made, a
/// message we sent was delivered or refused); read it again with `GET /api/v1/orders/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderChangeJson {
    /// The order id (hex).
    pub order: String,
    /// `received`, `step`, `chat`, `sent`, `delivered` or `refused`.
    pub what: String,
}

fn lagged(missed: u64) -> Event {
    Event::default()
        .event("lagged")
        .data(format!("{{\"missed\":{missed}}}"))
}

/// The store's changes and this node's order changes from now on: events `added`, `replaced`,
/// `removed` (data: a JSON [`ChangeJson`]), `order` (data: [`OrderChangeJson`]) and `lagged`
/// (data: `{"missed": N}`: reload what you show).
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    responses((status = 200,
               description = "Server-Sent Events: added, replaced, removed, order, lagged",
               content_type = "text/event-stream", body = ChangeJson)))]
pub async fn events_stream(
    State(state): State<ApiState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let records = futures::stream::unfold(state.node.subscribe(), |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(change) => {
                    if let Some(event) = event_of(&change) {
                        return Some((Ok(event), receiver));
                    }
                }
                Err(RecvError::Lagged(missed)) => return Some((Ok(lagged(missed)), receiver)),
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let orders =
        futures::stream::unfold(state.node.orders().subscribe(), |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(change) => {
                        let data = OrderChangeJson {
                            order: change.order_id.to_hex(),
                            what: change.what.to_owned(),
                        };
                        if let Ok(event) = Event::default().event("order").json_data(data) {
                            return Some((Ok(event), receiver));
                        }
                    }
                    Err(RecvError::Lagged(missed)) => {
                        return Some((Ok(lagged(missed)), receiver));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        });
    let stream = futures::stream::select(records, orders);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}
