//! What sync did, for `Status` and the on-demand run's progress bar: the report types, and the
//! counting every session (either role) does as it ends.
//!
//! Kept apart from the sessions so the counting rules (what a finished session adds, what only
//! an on-demand run sees) sit in one place, whichever side ran the session.

use serde::{Deserialize, Serialize};

use super::Syncer;
use crate::clock::now_ms;

/// What one or more sessions did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Peers synced with (sessions that completed).
    pub peers: u64,
    /// Records fetched and stored.
    pub fetched: u64,
    /// Records the peers lacked; each peer fetches them from us.
    pub pushed: u64,
    /// Reconciliation round trips.
    pub rounds: u64,
    /// Bytes of requests and responses, reconciliation and fetches.
    pub bytes: u64,
}

impl SyncReport {
    pub(super) fn add(&mut self, other: &SyncReport) {
        self.peers += other.peers;
        self.fetched += other.fetched;
        self.pushed += other.pushed;
        self.rounds += other.rounds;
        self.bytes += other.bytes;
    }
}

/// One on-demand sync with every connected peer (`smartket sync`), as it goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRun {
    /// When it started, ms since the epoch.
    pub started_at_ms: u64,
    /// When it ended; `None` while it runs.
    pub finished_at_ms: Option<u64>,
    /// Peers to sync with.
    pub peers_total: u64,
    /// Peers done (synced or failed).
    pub peers_done: u64,
    /// Records found missing so far (what the fetches will bring).
    pub need: u64,
    /// What the sessions did so far.
    pub report: SyncReport,
    /// Sessions that failed.
    pub failed: u64,
}

/// Sync progress for `Status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// When the last session (either role) completed, ms since the epoch.
    pub last_at_ms: Option<u64>,
    /// Totals since start, both roles.
    pub total: SyncReport,
    /// Sessions that failed.
    pub failed: u64,
    /// Responder sessions open now.
    pub open_sessions: u64,
    /// The current or last on-demand run.
    pub run: Option<SyncRun>,
}

impl Syncer {
    pub(super) fn status_mut<T>(&self, f: impl FnOnce(&mut SyncStatus) -> T) -> T {
        f(&mut self.status.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Progress so far.
    pub fn status(&self) -> SyncStatus {
        let mut status = self.status_mut(|s| *s);
        status.open_sessions = self.sessions.len() as u64;
        status
    }

    /// Counts a finished session; while an on-demand run is going, it counts there too.
    pub(super) fn record(&self, report: Result<&SyncReport, ()>) {
        self.status_mut(|s| match report {
            Ok(r) => {
                s.last_at_ms = Some(now_ms());
                s.total.add(r);
            }
            Err(()) => s.failed += 1,
        });
    }

    /// Adds to the running on-demand run, if any.
    pub(super) fn progress(&self, f: impl FnOnce(&mut SyncRun)) {
        self.status_mut(|s| {
            if let Some(run) = s.run.as_mut().filter(|r| r.finished_at_ms.is_none()) {
                f(run);
            }
        });
    }
}
