//! Keeping the node's line to its market: dead connections closed, bootstrap cooperatives
//! dialled again until they answer.
//!
//! ```text
//! ping fails (no answer in 20 s) ─▶ close that connection (a home router lost its line, the
//!                                   far end froze: TCP alone would keep it "open" for ever)
//! last connection to a bootstrap peer closed ─▶ redial after 1 s, 2 s, 4 s … at most 10 s
//! connection to it established ─▶ stop
//! ```
//!
//! A farmer's node knows the market through its cooperatives only: everything else (the
//! reservation others reach it by, the mailbox, sync) comes back once that connection does.
//! libp2p's ping reports a failure but leaves the connection open, and nothing in libp2p
//! dials a bootstrap peer again; without this a node whose router rebooted stayed alone
//! until Kademlia's next periodic bootstrap, minutes later.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{PeerId, ping};

use super::EventLoop;

/// First wait before dialling a lost bootstrap peer again.
const FIRST_REDIAL: Duration = Duration::from_secs(1);
/// Longest wait between two dials. It bounds how long a node whose line came back stays
/// alone (nothing else tells it the line is back); a cooperative down for the night costs
/// its homes one failed dial each every ten seconds.
const MAX_REDIAL: Duration = Duration::from_secs(10);
/// How often due redials are looked at.
pub(super) const REDIAL_TICK: Duration = Duration::from_secs(1);

/// Bootstrap peers lost, with when to dial each next and the wait after that.
#[derive(Default)]
pub(super) struct Redials {
    due: HashMap<PeerId, (Instant, Duration)>,
}

impl EventLoop {
    /// A failed ping means the connection is dead: it is closed, so that the peer counts as
    /// gone and is dialled again.
    pub(super) fn on_ping(&mut self, event: ping::Event) {
        if let Err(e) = event.result {
            tracing::info!(peer = %event.peer, "connection lost (ping: {e})");
            self.swarm.close_connection(event.connection);
        }
    }

    /// The last connection to `peer` closed: a bootstrap peer is dialled again soon.
    pub(super) fn on_peer_gone(&mut self, peer: PeerId) {
        if self.bootstrap_peers.contains_key(&peer) {
            self.redials
                .due
                .entry(peer)
                .or_insert((Instant::now() + FIRST_REDIAL, FIRST_REDIAL));
        }
    }

    /// A connection to `peer` opened: no more redials for it.
    pub(super) fn on_peer_back(&mut self, peer: PeerId) {
        self.redials.due.remove(&peer);
    }

    /// Dials the lost bootstrap peers whose turn has come.
    pub(super) fn redial_due(&mut self) {
        let now = Instant::now();
        let due: Vec<PeerId> = self
            .redials
            .due
            .iter()
            .filter(|(_, (at, _))| *at <= now)
            .map(|(peer, _)| *peer)
            .collect();
        for peer in due {
            let Some(addr) = self.bootstrap_peers.get(&peer).cloned() else {
                self.redials.due.remove(&peer);
                continue;
            };
            if let Some((at, wait)) = self.redials.due.get_mut(&peer) {
                *wait = (*wait * 2).min(MAX_REDIAL);
                *at = now + *wait;
            }
            let opts = DialOpts::peer_id(peer)
                .addresses(vec![addr])
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build();
            if let Err(e) = self.swarm.dial(opts) {
                tracing::debug!(%peer, "cannot dial bootstrap node again: {e}");
            }
        }
    }
}
