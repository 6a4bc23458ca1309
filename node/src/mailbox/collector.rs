//! When this node collects its mail, and from whom: at once when a cooperative tells it of a
//! deposit (`spec/mailbox.md` §3.5), when a peer connects, and every `mailbox.collect_every_secs`
//! from every connected peer as the fallback for a notify lost or never sent.
//!
//! ```text
//! router ─▶ Collector::{connected, disconnected, notified} ─▶ cues (bounded) ─┐
//! round (collect_every) ─────────────────────────────────────────────────────┤
//!                                   CollectLoop: Schedule ─▶ Fetcher::collect_from (one task per peer)
//! ```
//!
//! At most one collection per peer runs at a time. A cue arriving while one runs asks for one
//! more after it (the deposit may have come after its page was served); further cues meanwhile
//! add nothing, so a burst of deposits — or a hostile peer's burst of notifies — costs at most
//! one collection in flight and one waiting per peer. A notify counts only from a peer that
//! accepted this node's proof on the connection open now (a cooperative it collects from), or
//! that it is collecting from at that moment.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use libp2p::PeerId;
use smartket_protocol::EncryptionPublicKey;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::client::{Fetcher, Inbox};

/// Cues waiting for the loop. One is a few dozen bytes; a cue that does not fit is dropped
/// and its peer collected from at the next round.
const CUES: usize = 1024;

/// What the router tells the collector.
#[derive(Debug)]
enum Cue {
    Connected(PeerId),
    Disconnected(PeerId),
    Notified(PeerId, EncryptionPublicKey),
}

/// The handle the router uses to cue collections. Cheap to clone; never waits.
#[derive(Debug, Clone)]
pub struct Collector {
    cues: mpsc::Sender<Cue>,
}

impl Collector {
    /// A collector of `fetcher`'s mail that goes round every connected peer every `every`;
    /// spawn [`CollectLoop::run`] to run it.
    pub fn new<I: Inbox>(fetcher: Fetcher<I>, every: Duration) -> (Collector, CollectLoop<I>) {
        let (cues, inbox) = mpsc::channel(CUES);
        (
            Collector { cues },
            CollectLoop {
                fetcher,
                every,
                cues: inbox,
            },
        )
    }

    /// A peer's first connection opened: collect what waits there.
    pub fn connected(&self, peer: PeerId) {
        self.cue(Cue::Connected(peer));
    }

    /// A peer's last connection closed: its notifies no longer count.
    pub fn disconnected(&self, peer: PeerId) {
        self.cue(Cue::Disconnected(peer));
    }

    /// `peer` says mail for `recipient` was deposited with it.
    pub fn notified(&self, peer: PeerId, recipient: EncryptionPublicKey) {
        self.cue(Cue::Notified(peer, recipient));
    }

    fn cue(&self, cue: Cue) {
        if let Err(e) = self.cues.try_send(cue) {
            tracing::debug!("mailbox collector busy, cue dropped for the next round: {e}");
        }
    }
}

/// The collector's loop: owns the schedule and the running collections.
pub struct CollectLoop<I> {
    fetcher: Fetcher<I>,
    every: Duration,
    cues: mpsc::Receiver<Cue>,
}

impl<I: Inbox> CollectLoop<I> {
    /// Runs until the daemon stops (dropping it aborts the collections under way).
    pub async fn run(mut self) {
        let client = self.fetcher.client().clone();
        let mut running = Running {
            fetcher: Arc::new(self.fetcher),
            tasks: JoinSet::new(),
            peers: HashMap::new(),
        };
        let mut schedule = Schedule::default();
        let mut round = tokio::time::interval(self.every);
        round.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        round.tick().await;
        loop {
            tokio::select! {
                _ = round.tick() => {
                    for peer in client.peers().await.unwrap_or_default() {
                        if client.is_bootstrap(&peer.peer_id) && schedule.want(peer.peer_id) {
                            running.start(peer.peer_id);
                        }
                    }
                }
                Some(cue) = self.cues.recv() => {
                    let go = match cue {
                        // Mail is collected from the cooperatives only: proving the key to
                        // any other peer would tell it who this node is for nothing.
                        Cue::Connected(peer) if !client.is_bootstrap(&peer) => None,
                        Cue::Notified(peer, _) if !client.is_bootstrap(&peer) => None,
                        Cue::Connected(peer) => schedule.connected(peer).then_some(peer),
                        Cue::Disconnected(peer) => {
                            schedule.disconnected(peer);
                            None
                        }
                        Cue::Notified(peer, recipient) if running.fetcher.collects(&recipient) => {
                            schedule.notified(peer).then_some(peer)
                        }
                        Cue::Notified(peer, _) => {
                            tracing::debug!(%peer, "notify for a key this node does not hold");
                            None
                        }
                    };
                    if let Some(peer) = go {
                        running.start(peer);
                    }
                }
                Some((peer, proved)) = running.next() => {
                    if schedule.done(peer, proved) {
                        running.start(peer);
                    }
                }
            }
        }
    }
}

/// The collections under way, one task per peer.
struct Running<I> {
    fetcher: Arc<Fetcher<I>>,
    tasks: JoinSet<bool>,
    peers: HashMap<tokio::task::Id, PeerId>,
}

impl<I: Inbox> Running<I> {
    fn start(&mut self, peer: PeerId) {
        let fetcher = Arc::clone(&self.fetcher);
        let task = self.tasks.spawn(async move {
            let collected = fetcher.collect_from(peer).await;
            if collected.taken > 0 {
                tracing::debug!(%peer, taken = collected.taken, "mail collected");
            }
            collected.proved
        });
        self.peers.insert(task.id(), peer);
    }

    /// The next collection to end: its peer, and whether the peer accepted our proof (a task
    /// that panicked proved nothing). `None` when none runs.
    async fn next(&mut self) -> Option<(PeerId, bool)> {
        let (id, proved) = match self.tasks.join_next_with_id().await? {
            Ok((id, proved)) => (id, proved),
            Err(e) => (e.id(), false),
        };
        Some((self.peers.remove(&id)?, proved))
    }
}

/// Where one peer stands.
#[derive(Debug, Default, Clone, Copy)]
struct PeerState {
    /// A collection from it is running.
    running: bool,
    /// Another is wanted when that one ends.
    again: bool,
    /// It accepted this node's proof on this connection: it keeps mailboxes, and tells of new
    /// deposits for our key until the connection closes.
    proved: bool,
    /// Its connection closed while a collection ran: forgotten when that ends.
    gone: bool,
}

/// The loop's decisions as data, so that they can be tested without a network: each method
/// says whether to start a collection from the peer now.
#[derive(Debug, Default)]
struct Schedule {
    peers: HashMap<PeerId, PeerState>,
}

impl Schedule {
    /// Collect from `peer` now, or after the collection under way.
    fn want(&mut self, peer: PeerId) -> bool {
        let state = self.peers.entry(peer).or_default();
        if state.running {
            state.again = true;
            false
        } else {
            state.running = true;
            true
        }
    }

    /// A new connection: whatever it proved before is forgotten on the other side too.
    fn connected(&mut self, peer: PeerId) -> bool {
        let state = self.peers.entry(peer).or_default();
        state.gone = false;
        state.proved = false;
        self.want(peer)
    }

    fn disconnected(&mut self, peer: PeerId) {
        match self.peers.get_mut(&peer) {
            Some(state) if state.running => {
                *state = PeerState {
                    running: true,
                    gone: true,
                    ..PeerState::default()
                };
            }
            _ => {
                self.peers.remove(&peer);
            }
        }
    }

    /// Only a peer that accepted our proof on this connection may ask us to collect — or one
    /// we are collecting from now: it may have taken the proof a moment before the collection
    /// ends and told of a deposit after its page was served, and this costs at most one more.
    fn notified(&mut self, peer: PeerId) -> bool {
        match self.peers.get(&peer) {
            Some(state) if !state.gone && (state.proved || state.running) => self.want(peer),
            _ => {
                tracing::debug!(%peer, "notify from a peer this node has not proved its key to");
                false
            }
        }
    }

    /// The collection from `peer` ended; `proved` says whether it accepted our proof.
    fn done(&mut self, peer: PeerId, proved: bool) -> bool {
        let Some(state) = self.peers.get_mut(&peer) else {
            return false;
        };
        state.running = false;
        if state.gone {
            self.peers.remove(&peer);
            return false;
        }
        state.proved |= proved;
        if std::mem::take(&mut state.again) {
            state.running = true;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_notifies_during_a_collection_gives_exactly_one_more() {
        let coop = PeerId::random();
        let mut s = Schedule::default();
        assert!(s.connected(coop));
        assert!(!s.done(coop, true));
        assert!(s.notified(coop));
        for _ in 0..100 {
            assert!(!s.notified(coop));
        }
        assert!(s.done(coop, true), "one more, for deposits after the page");
        assert!(!s.done(coop, true), "and no more");
        assert!(s.notified(coop));
    }

    #[test]
    fn notifies_from_a_peer_that_never_accepted_our_proof_are_ignored() {
        let (stranger, plain) = (PeerId::random(), PeerId::random());
        let mut s = Schedule::default();
        assert!(!s.notified(stranger));
        assert!(s.connected(plain));
        assert!(!s.done(plain, false));
        assert!(!s.notified(plain), "a peer that keeps no mailbox for us");
        assert!(s.want(plain), "the periodic round still asks it");
    }

    #[test]
    fn a_closed_connection_takes_the_right_to_notify_with_it() {
        let coop = PeerId::random();
        let mut s = Schedule::default();
        assert!(s.connected(coop));
        assert!(!s.done(coop, true));
        s.disconnected(coop);
        assert!(!s.notified(coop));
        assert!(s.peers.is_empty());
        // Closed while collecting: the late result proves nothing for a later connection.
        assert!(s.connected(coop));
        s.disconnected(coop);
        assert!(!s.done(coop, true));
        assert!(s.peers.is_empty());
    }

    #[test]
    fn reconnecting_during_a_collection_collects_again_after_it_and_must_prove_anew() {
        let coop = PeerId::random();
        let mut s = Schedule::default();
        assert!(s.connected(coop));
        assert!(!s.done(coop, true));
        assert!(s.notified(coop));
        s.disconnected(coop);
        assert!(!s.connected(coop), "one at a time");
        assert!(!s.notified(coop), "already wanted after the one under way");
        assert!(s.done(coop, false));
        assert!(!s.done(coop, true));
        assert!(s.notified(coop));
    }

    #[test]
    fn a_notify_during_the_first_collection_is_kept_for_after_it() {
        // The cooperative remembers the proof when it answers the first page, and may tell of
        // a deposit before that collection has ended here.
        let coop = PeerId::random();
        let mut s = Schedule::default();
        assert!(s.connected(coop));
        assert!(!s.notified(coop), "kept for after the collection under way");
        assert!(s.done(coop, true));
        assert!(!s.done(coop, true));
        // A peer that keeps no mailbox for us gets one more collection at most, then is not
        // heard.
        let plain = PeerId::random();
        assert!(s.connected(plain));
        assert!(!s.notified(plain));
        assert!(s.done(plain, false));
        assert!(!s.done(plain, false));
        assert!(!s.notified(plain));
    }
}
