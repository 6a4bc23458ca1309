//! The node's background tasks (sync sessions, answers to peers' requests, periodic jobs) in
//! one owned set, so that shutdown can stop every one of them.
//!
//! A bare `tokio::spawn` outlives the daemon: a sync session started by a connection that
//! arrived a moment before Ctrl-C would go on holding the store and the network client while
//! the node believes it has stopped. Every task goes through [`Background::spawn`] instead,
//! and [`Background::shutdown`] aborts them all and waits until they are gone.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::task::JoinSet;

/// A cloneable handle on the set of running background tasks.
#[derive(Clone, Default)]
pub struct Background {
    inner: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    tasks: JoinSet<()>,
    closed: bool,
}

impl Background {
    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `task` until it ends or the node shuts down. After shutdown has begun the task
    /// is dropped without running: nothing new starts on a stopping node.
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let mut state = self.state();
        if state.closed {
            return;
        }
        // Reap the finished ones so a long-running node does not accumulate them.
        while state.tasks.try_join_next().is_some() {}
        state.tasks.spawn(task);
    }

    /// How many tasks are running.
    pub fn len(&self) -> usize {
        self.state().tasks.len()
    }

    /// Whether no task is running.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Aborts every task and waits until all have stopped.
    pub async fn shutdown(&self) {
        let mut tasks = {
            let mut state = self.state();
            state.closed = true;
            std::mem::take(&mut state.tasks)
        };
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[tokio::test]
    async fn shutdown_stops_running_tasks_and_refuses_new_ones() {
        let background = Background::default();
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        background.spawn(async move {
            let _ = started_tx.send(());
            std::future::pending::<()>().await;
        });
        started_rx.await.unwrap();
        assert_eq!(background.len(), 1);
        background.shutdown().await;
        assert!(background.is_empty());

        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        background.spawn(async move { flag.store(true, Ordering::SeqCst) });
        tokio::task::yield_now().await;
        assert!(!ran.load(Ordering::SeqCst));
        assert!(background.is_empty());
    }
}
