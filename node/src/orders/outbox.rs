//! Sends what the orders database has queued: each sealed message straight to its recipient's
//! node over `/smartket/msg/1`, retried with backoff until the recipient acknowledges it.

use std::sync::atomic::Ordering;
use std::time::Duration;

use smartket_protocol::mailbox::{MsgRequest, MsgResponse};

use super::Orders;
use super::db::{DeliveryState, Outgoing, OutgoingKey};
use crate::clock::now_ms;
use crate::network::{RequestKind, peer_id_of};

/// First retry after a failed attempt; doubled each time up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(2);
/// Longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// How long a message is retried before it is given up (the mailbox retention).
const GIVE_UP_AFTER: Duration = Duration::from_secs(14 * 24 * 3600);
/// How often the queue is looked at when nothing wakes it.
const TICK: Duration = Duration::from_secs(1);
/// Shortest time between two passes that ignore the backoff because peers connected (a peer
/// that connects and disconnects in a loop must not make the node dial everyone in a loop).
const CONNECTED_PASS_EVERY: Duration = Duration::from_secs(2);

/// Runs until the daemon stops: sends what is due, sleeps until woken or the next tick.
pub async fn run_outbox(orders: Orders) {
    let mut last_connected_pass: Option<std::time::Instant> = None;
    loop {
        let connected = last_connected_pass.is_none_or(|at| at.elapsed() >= CONNECTED_PASS_EVERY)
            && orders.inner.connected.swap(false, Ordering::Relaxed);
        if connected {
            last_connected_pass = Some(std::time::Instant::now());
        }
        if let Err(e) = send_due(&orders, connected).await {
            tracing::warn!("order outbox: {e}");
        }
        let _ = tokio::time::timeout(TICK, orders.inner.wake.notified()).await;
    }
}

/// One pass over the queue; with `connected`, every waiting message is due.
async fn send_due(orders: &Orders, connected: bool) -> Result<(), super::OrderError> {
    let now = now_ms();
    let due: Vec<_> = orders
        .inner
        .db
        .outbox()?
        .into_iter()
        .filter(|(_, out)| {
            matches!(out.state, DeliveryState::Pending | DeliveryState::InMailbox)
                && (connected || out.next_try_ms <= now)
        })
        .collect();
    // One node's messages go one after the other, oldest first, so they arrive in the order
    // they were made, and a node's inbox sees one at a time from us (its share per host,
    // `shares.rs`); different nodes are served at once. A consumer's per-order keys all lead
    // to its one node.
    let mut by_recipient: std::collections::BTreeMap<_, Vec<_>> = Default::default();
    for (key, out) in due {
        by_recipient
            .entry(out.via.unwrap_or(key.2))
            .or_default()
            .push((key, out));
    }
    // Each outcome is recorded as soon as it is known, not once every recipient has been
    // tried: a slow or unreachable recipient must not hold back what the others acknowledged.
    let sends = by_recipient.into_values().map(|mut queue| async move {
        queue.sort_by_key(|(_, out)| out.created_ms);
        for (key, out) in queue {
            let (key, out) = attempt(orders, key, out).await;
            orders.inner.db.update_outgoing(&key, &out)?;
            match out.state {
                DeliveryState::Delivered => orders.notify(key.0, "delivered"),
                DeliveryState::Refused => orders.notify(key.0, "refused"),
                // Failed: the later messages to this recipient wait behind it.
                DeliveryState::Pending | DeliveryState::InMailbox => break,
                _ => {}
            }
        }
        Ok::<(), super::OrderError>(())
    });
    for result in futures::future::join_all(sends).await {
        result?;
    }
    Ok(())
}

/// One direct attempt to deliver `out`; returns it with its new state.
async fn attempt(orders: &Orders, key: OutgoingKey, mut out: Outgoing) -> (OutgoingKey, Outgoing) {
    let client = &orders.inner.client;
    let peer = peer_id_of(out.via.as_ref().unwrap_or(&out.to.author));
    let answer = client
        .request(
            peer,
            RequestKind::Msg,
            MsgRequest {
                to_enc: out.to.enc,
                sealed: out.sealed.clone(),
            }
            .encode(),
        )
        .await;
    let result = match answer {
        Ok(bytes) => match MsgResponse::decode(&bytes) {
            Ok(MsgResponse::Stored | MsgResponse::Duplicate) => Ok(DeliveryState::Delivered),
            Ok(MsgResponse::Refused { code, reason }) if code.is_transient() => {
                Err(format!("{}: {reason:?}", code.name()))
            }
            Ok(MsgResponse::Refused { code, reason }) => {
                // The reason is the peer's text (≤ 256 bytes): quoted, so it cannot forge lines.
                tracing::warn!(order = %key.0.to_hex(), code = code.name(), "recipient refused: {reason:?}");
                Ok(DeliveryState::Refused)
            }
            Err(e) => Err(e.to_string()),
        },
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(state) => {
            out.state = state;
        }
        Err(why) => {
            tracing::debug!(order = %key.0.to_hex(), "direct delivery failed: {why}");
            out.attempts = out.attempts.saturating_add(1);
            let backoff = FIRST_BACKOFF
                .saturating_mul(1 << out.attempts.min(8))
                .min(MAX_BACKOFF);
            out.next_try_ms = now_ms().saturating_add(backoff.as_millis() as u64);
            if out.state == DeliveryState::Pending
                && crate::mailbox::client::deposit(client, &out.to, &out.sealed, out.created_ms)
                    .await
            {
                out.state = DeliveryState::InMailbox;
            }
            if now_ms().saturating_sub(out.created_ms) > GIVE_UP_AFTER.as_millis() as u64 {
                out.state = DeliveryState::Expired;
            }
        }
    }
    (key, out)
}
