//! The daemon's side of search: opening the index off the async runtime with rebuild progress
//! in the log, and the task that feeds it the store's events.
//!
//! ```text
//!  Ingest ──broadcast──▶ forward (drains at once) ──unbounded──▶ apply (batches ≤ 1 s or
//!                          │ Lagged → rebuild marker              5000 events, one commit)
//! ```
//!
//! Draining the broadcast channel in its own future keeps a bulk sync from overflowing it while
//! a batch is being indexed; if it overflows anyway, the index is rebuilt from the store.

use std::path::Path;
use std::time::Duration;

use smartket_protocol::market::Market;
use tokio::sync::{broadcast, mpsc, oneshot};

use super::{RebuildProgress, RebuildReason, SearchError, SearchIndex};
use crate::ingest::StoreEvent;
use crate::store::Store;

/// Store changes are committed to the index at most this long after they happen…
const COMMIT_EVERY: Duration = Duration::from_secs(1);
/// …or as soon as this many are waiting (a bulk sync indexes in large batches).
const BATCH: usize = 5000;

/// Opens the index in `dir` (rebuilding it from the store if needed) on a blocking thread.
pub async fn open(
    dir: &Path,
    store: &Store,
    markets: &[Market],
) -> Result<SearchIndex, SearchError> {
    let (dir, store, markets) = (dir.to_owned(), store.clone(), markets.to_vec());
    tokio::task::spawn_blocking(move || SearchIndex::open(&dir, store, &markets, &mut log_rebuild))
        .await
        .map_err(|e| SearchError::Failed(e.to_string()))?
}

fn log_rebuild(p: &RebuildProgress) {
    if p.done == 0 || p.done == p.total {
        tracing::info!(market = %p.market, done = p.done, total = p.total, reason = ?p.reason, "rebuilding the search index");
    } else {
        tracing::debug!(market = %p.market, done = p.done, total = p.total, "rebuilding the search index");
    }
}

/// Applies the store's `events` to `index` until the channel closes or `stop` fires (run it
/// as a task and await it on shutdown). A batch being indexed when `stop` fires is finished
/// first: aborting the task would leave that blocking work running, holding the store open
/// after the daemon has stopped.
pub async fn feed(
    index: SearchIndex,
    events: broadcast::Receiver<StoreEvent>,
    stop: oneshot::Receiver<()>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let applying = apply(index, rx, stop);
    tokio::pin!(applying);
    tokio::select! {
        _ = &mut applying => {}
        // The store's channel closed: index what is queued, then end.
        _ = forward(events, tx) => applying.await,
    }
}

/// Moves events to the unbounded queue as soon as they are sent; `None` marks a gap.
async fn forward(
    mut events: broadcast::Receiver<StoreEvent>,
    tx: mpsc::UnboundedSender<Option<StoreEvent>>,
) {
    use broadcast::error::RecvError;
    loop {
        let event = match events.recv().await {
            Ok(event) => Some(event),
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "search indexer fell behind; it will rebuild");
                None
            }
            Err(RecvError::Closed) => return,
        };
        if tx.send(event).is_err() {
            return;
        }
    }
}

async fn apply(
    index: SearchIndex,
    mut rx: mpsc::UnboundedReceiver<Option<StoreEvent>>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        let first = tokio::select! {
            biased;
            _ = &mut stop => {
                // Stopping: index what is queued first, so that the next start need not
                // rebuild.
                rx.close();
                let mut rest = Vec::new();
                while let Ok(event) = rx.try_recv() {
                    rest.push(event);
                }
                if !rest.is_empty() {
                    run_batch(&index, rest).await;
                }
                index.caught_up();
                return;
            }
            first = rx.recv() => match first {
                Some(first) => first,
                None => {
                    index.caught_up();
                    return;
                }
            },
        };
        let deadline = tokio::time::Instant::now() + COMMIT_EVERY;
        let mut missed = first.is_none();
        let mut batch = vec![first];
        while batch.len() < BATCH && !missed {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(event)) => {
                    missed = event.is_none();
                    batch.push(event);
                }
                Ok(None) | Err(_) => break,
            }
        }
        run_batch(&index, batch).await;
    }
}

/// Indexes one batch of events, `None` among them meaning some were missed (then the whole
/// index is rebuilt instead).
async fn run_batch(index: &SearchIndex, batch: Vec<Option<StoreEvent>>) {
    let index = index.clone();
    let done = tokio::task::spawn_blocking(move || {
        let events: Option<Vec<StoreEvent>> = batch.into_iter().collect();
        match events {
            Some(events) => index.apply(&events),
            None => index.rebuild(RebuildReason::Lagged, &mut log_rebuild),
        }
    })
    .await;
    match done {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!("search indexing failed: {e}"),
        Err(e) => tracing::warn!("search indexing task failed: {e}"),
    }
}
