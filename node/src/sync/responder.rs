//! The responder side of `/smartket/sync/1`: per-peer reconciliation sessions, and serving
//! records by id.
//!
//! A session lives from a reconcile step flagged `start` until the responder's reconciler is
//! done, until it idles for [`SESSION_IDLE`], or until the same peer starts another one. At
//! most [`MAX_SESSIONS`] peers hold one at a time, and each peer at most one: a session holds a
//! snapshot of the market (40 bytes per record), so this bounds what peers can make us keep.
//! Everything here is blocking (store reads, CPU): the caller runs it on a blocking thread.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use libp2p::PeerId;
use smartket_protocol::sync::pull::{PullRequest, PullResponse, WireRecord};
use smartket_protocol::sync::{Outcome, Reconciler, SyncConfig, SyncMessage, VecItemSet};

use super::{SessionError, snapshot};
use crate::store::Store;
use smartket_protocol::sync::wire::{FetchRequest, FetchResponse, MAX_FETCH_BYTES};

/// A session idle this long is dropped (the initiator gave up or went away).
pub(crate) const SESSION_IDLE: Duration = Duration::from_secs(60);
/// Most peers with an open session at once.
pub(crate) const MAX_SESSIONS: usize = 16;

/// What the responder does with one reconcile step.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send this answer; the session goes on.
    Reply(Vec<u8>),
    /// Send this answer; the session is over and this is what it taught us.
    Done {
        /// The last answer (often the empty message).
        reply: Vec<u8>,
        /// Our `have` (the peer fetches them) and `need` (we fetch them).
        outcome: Outcome,
        /// Messages received in the session.
        rounds: u32,
    },
    /// Drop the reply: the peer broke the protocol (`fault`) or we cannot take a session now.
    Refuse {
        /// Why, for the log.
        why: String,
        /// Whether the peer broke the protocol (it is then penalised).
        fault: bool,
    },
}

struct Session {
    market: String,
    set: VecItemSet,
    reconciler: Reconciler,
    last: Instant,
}

/// Open sessions, one per peer, bounded in number and idle time.
#[derive(Default)]
pub(crate) struct Sessions {
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    sessions: HashMap<PeerId, Session>,
    /// Sessions whose snapshot is being built: they count against [`MAX_SESSIONS`] from the
    /// moment they pass the check, or many starts at once would all pass it and build their
    /// snapshots together.
    starting: usize,
}

/// A place among the [`MAX_SESSIONS`], held while a session's snapshot is built.
struct Starting<'a>(&'a Sessions);

impl Drop for Starting<'_> {
    fn drop(&mut self) {
        let mut open = self.0.lock();
        open.starting = open.starting.saturating_sub(1);
    }
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes `peer`'s session out (so one step per peer runs at a time), dropping idle ones.
    fn take(&self, peer: &PeerId) -> Option<Session> {
        let mut open = self.lock();
        open.sessions.retain(|_, s| s.last.elapsed() < SESSION_IDLE);
        open.sessions.remove(peer)
    }

    /// A place for a new session under [`MAX_SESSIONS`], if there is one.
    fn reserve(&self) -> Option<Starting<'_>> {
        let mut open = self.lock();
        if open.sessions.len() + open.starting >= MAX_SESSIONS {
            return None;
        }
        open.starting += 1;
        Some(Starting(self))
    }

    fn put(&self, peer: PeerId, mut session: Session) {
        session.last = Instant::now();
        self.lock().sessions.insert(peer, session);
    }

    /// Number of open sessions.
    pub(crate) fn len(&self) -> usize {
        self.lock().sessions.len()
    }

    /// Answers one reconcile step of `peer` for `market`.
    pub(crate) fn step(
        &self,
        store: &Store,
        config: SyncConfig,
        peer: PeerId,
        start: bool,
        market: &str,
        message: &[u8],
    ) -> Result<Step, SessionError> {
        let existing = self.take(&peer);
        // Held until this step has put its session in place (or ended without one).
        let _place = match start.then(|| self.reserve()) {
            Some(None) => {
                return Ok(Step::Refuse {
                    why: format!("{MAX_SESSIONS} sessions open"),
                    fault: false,
                });
            }
            place => place.flatten(),
        };
        let mut session = match (start, existing) {
            (true, _) => Session {
                market: market.to_owned(),
                set: snapshot(store, market)?,
                reconciler: Reconciler::new(config)?,
                last: Instant::now(),
            },
            (false, Some(s)) if s.market == market => s,
            // Not a fault: the session may have idled out, or the market changed.
            (false, _) => {
                return Ok(Step::Refuse {
                    why: "no session open for this market".into(),
                    fault: false,
                });
            }
        };
        let answer = match session.reconciler.receive_bytes(&session.set, message) {
            Ok(answer) => answer,
            Err(e) if e.is_peer_fault() => {
                return Ok(Step::Refuse {
                    why: e.to_string(),
                    fault: true,
                });
            }
            Err(e) => return Err(e.into()),
        };
        let reply = answer.unwrap_or_else(|| SyncMessage::default().encode());
        if session.reconciler.is_done() {
            return Ok(Step::Done {
                reply,
                outcome: session.reconciler.outcome(),
                rounds: session.reconciler.rounds(),
            });
        }
        self.put(peer, session);
        Ok(Step::Reply(reply))
    }
}

/// Answers a fetch: the records held among a prefix of the asked ids, stopping before
/// [`MAX_FETCH_BYTES`] (but always settling at least one id).
pub(crate) fn answer_fetch(
    store: &Store,
    request: &FetchRequest,
) -> Result<FetchResponse, SessionError> {
    let mut response = FetchResponse {
        v: 1,
        ..FetchResponse::default()
    };
    let mut bytes = 0usize;
    for id in request.ids() {
        if let Some(wire) = store.wire(&id)? {
            if response.answered > 0 && bytes + wire.len() > MAX_FETCH_BYTES {
                break;
            }
            bytes += wire.len();
            response.records.push(WireRecord(wire));
        }
        response.answered += 1;
    }
    Ok(response)
}

/// Answers an author pull: the author's current records in the market after the request's
/// cursor, in `(rev, id)` order, one page (`spec/sync.md` §7).
pub(crate) fn answer_pull(
    store: &Store,
    request: &PullRequest,
) -> Result<PullResponse, SessionError> {
    let mut records = store.by_author(&request.market, &request.author)?;
    records.sort_unstable_by_key(|r| (r.payload.rev, r.id));
    let since = request.since.unwrap_or(0);
    let after = request.after.map(|c| (c.0, c.1));
    Ok(PullResponse::page(
        records
            .into_iter()
            .filter(|r| r.payload.rev >= since)
            .filter(|r| after.is_none_or(|a| (r.payload.rev, r.id.0) > a))
            .map(|r| r.to_wire()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use smartket_protocol::sync::Reconciler;
    use smartket_protocol::sync::wire;

    fn peer() -> PeerId {
        PeerId::random()
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.redb")).unwrap();
        (dir, store)
    }

    /// An empty initiator's opening message, sent with or without the `start` flag.
    fn first_step(sessions: &Sessions, store: &Store, start: bool) -> Step {
        let (_, first) = Reconciler::initiate(&VecItemSet::default(), SyncConfig::DEFAULT).unwrap();
        sessions
            .step(
                store,
                SyncConfig::DEFAULT,
                peer(),
                start,
                "geneva",
                &first.encode(),
            )
            .unwrap()
    }

    /// A session counts from its check on, while its snapshot is built: before, the count was
    /// of finished sessions only, and starts arriving together all passed it.
    #[test]
    fn sessions_being_started_count_against_the_limit() {
        let (_dir, store) = store();
        let sessions = Sessions::default();
        let held: Vec<_> = (0..MAX_SESSIONS)
            .map(|_| sessions.reserve().unwrap())
            .collect();
        assert!(sessions.reserve().is_none());
        let step = first_step(&sessions, &store, true);
        assert!(
            matches!(&step, Step::Refuse { fault: false, why } if why.contains("sessions open")),
            "{step:?}"
        );
        drop(held);
        assert!(matches!(
            first_step(&sessions, &store, true),
            Step::Done { .. }
        ));
        assert_eq!(
            sessions.lock().starting,
            0,
            "a finished start gives its place back"
        );
    }

    #[test]
    fn a_step_without_a_started_session_is_refused() {
        let (_dir, store) = store();
        let sessions = Sessions::default();
        let step = first_step(&sessions, &store, false);
        assert!(
            matches!(step, Step::Refuse { fault: false, .. }),
            "{step:?}"
        );
    }

    #[test]
    fn garbage_from_a_peer_is_refused_and_leaves_no_session() {
        let (_dir, store) = store();
        let sessions = Sessions::default();
        let step = sessions
            .step(&store, SyncConfig::DEFAULT, peer(), true, "geneva", &[0xff])
            .unwrap();
        assert!(matches!(step, Step::Refuse { fault: true, .. }), "{step:?}");
        assert_eq!(sessions.len(), 0);
    }

    #[test]
    fn two_empty_sets_finish_in_one_step() {
        let (_dir, store) = store();
        let sessions = Sessions::default();
        let step = first_step(&sessions, &store, true);
        let Step::Done { outcome, .. } = step else {
            panic!("not done: {step:?}")
        };
        assert_eq!(outcome, Outcome::default());
        assert_eq!(sessions.len(), 0);
    }

    #[test]
    fn a_fetch_of_unknown_ids_settles_them_all_and_sends_nothing() {
        let (_dir, store) = store();
        let bytes = wire::fetch("geneva", &[smartket_protocol::RecordId([3; 32]); 3]).unwrap();
        let wire::Request::Fetch(request) = wire::decode_request(&bytes).unwrap() else {
            panic!("not a fetch")
        };
        let response = answer_fetch(&store, &request).unwrap();
        assert_eq!(response.answered, 3);
        assert!(response.records.is_empty());
    }

    #[test]
    fn an_author_pull_pages_after_the_cursor_in_rev_order() {
        use crate::store::fixtures;
        use smartket_protocol::sync::pull::Cursor;
        let (_dir, store) = store();
        let t = fixtures::now();
        let records: Vec<_> = (0..5)
            .map(|i| fixtures::listing(5, &format!("k{i}"), t + i))
            .collect();
        store.commit(records.clone()).unwrap();
        store
            .commit(vec![fixtures::listing(6, "other", t + 2)])
            .unwrap();
        let mut request = PullRequest {
            v: 1,
            market: records[0].payload.market.clone(),
            author: fixtures::author(5),
            since: Some(t + 1),
            after: None,
        };
        let page = answer_pull(&store, &request).unwrap();
        assert_eq!(page.records.len(), 4, "rev t+1..=t+4 of this author only");
        assert!(!page.more);
        assert_eq!(page.records[0].0, records[1].to_wire());
        request.after = Some(Cursor::after(t + 2, &records[2].id));
        let page = answer_pull(&store, &request).unwrap();
        assert_eq!(page.records.len(), 2);
        assert_eq!(page.records[0].0, records[3].to_wire());
    }
}
