//! Reaching peers no connection is open to, and being reached behind a home router, through
//! the market's cooperatives (circuit relay v2).
//!
//! ```text
//! identify: peer offers HOP ─▶ remember it as a relay (its dialable address)
//!           bootstrap relay ─▶ listen on <relay>/p2p-circuit (a reservation)
//! request to an unconnected peer ─▶ dial it directly (addresses others know)
//!                                 + through every known relay: <relay>/p2p-circuit/p2p/<peer>
//! relayed connection ─▶ DCUtR tries a direct one (hole punching)
//! ```
//!
//! A node needs nothing but its peer id to be reached: every node of a market bootstraps from
//! its cooperatives and holds a reservation on them, so a sender that knows no address for a
//! seller dials it through the cooperative it is connected to. Public nodes hold one too: a
//! sender knows a peer by its key, and a public home's address is in nobody's hands but its
//! cooperative's; once connected through the relay, DCUtR or a direct dial takes over.

use std::collections::BTreeSet;

use std::time::{Duration, Instant};

use libp2p::core::transport::ListenerId;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::ConnectionId;
use libp2p::{Multiaddr, PeerId, dcutr, identify, relay};

use super::EventLoop;
use crate::network::Reachability;

/// Relays remembered at most (each a cooperative, or any peer offering to relay).
const MAX_RELAYS: usize = 64;
/// Addresses remembered per relay: where it says it listens now, and its bootstrap address.
const MAX_RELAY_ADDRS: usize = 4;

/// The relays a node knows and the reservations it holds.
#[derive(Default)]
pub(super) struct Relays {
    /// Peers offering circuit relay, with the addresses they can be dialled at.
    known: std::collections::HashMap<PeerId, Vec<Multiaddr>>,
    /// Our circuit listeners (reservations asked for), by listener.
    listeners: std::collections::HashMap<ListenerId, PeerId>,
    /// Relays that accepted our reservation: others reach us through them.
    reserved: BTreeSet<PeerId>,
    /// Our relayed connections, per peer: closed once a direct one replaces them.
    relayed: std::collections::HashMap<PeerId, Vec<ConnectionId>>,
    /// How many direct (not relayed) connections each peer has open.
    direct: std::collections::HashMap<PeerId, usize>,
    /// How the last hole punch with each connected peer ended (true: a direct connection).
    punched: std::collections::HashMap<PeerId, bool>,
    /// Relayed connections a direct one replaced, closed once [`REPLACED_GRACE`] has passed
    /// (requests still under way on them finish first).
    replaced: Vec<(Instant, ConnectionId)>,
}

/// How long a relayed connection stays open after hole punching replaced it.
const REPLACED_GRACE: Duration = Duration::from_secs(10);

impl EventLoop {
    /// Remembers `peer` as a relay when it offers one, and takes a reservation on it when it
    /// is a bootstrap node.
    pub(super) fn note_relay(&mut self, peer: PeerId, info: &identify::Info) {
        if !info.protocols.contains(&relay::HOP_PROTOCOL_NAME) {
            return;
        }
        // Where it listens now first (a relay that restarted may be on another port), then
        // the address it was configured at.
        let mut dialable: Vec<Multiaddr> = Vec::new();
        let candidates = info
            .listen_addrs
            .iter()
            .filter(|a| !is_circuit(a))
            .chain(self.bootstrap_peers.get(&peer));
        for addr in candidates {
            let addr = with_peer(addr, peer);
            if dialable.len() < MAX_RELAY_ADDRS && !dialable.contains(&addr) {
                dialable.push(addr);
            }
        }
        if !dialable.is_empty()
            && (self.relaying.known.len() < MAX_RELAYS || self.relaying.known.contains_key(&peer))
        {
            self.relaying.known.insert(peer, dialable);
        }
        self.reserve_relay(peer);
    }

    /// Listens on `<bootstrap>/p2p-circuit`, so that the node can be reached through the relay
    /// by anyone who knows its key (and then directly, by DCUtR or a dial at the addresses the
    /// relayed connection made known). Cooperatives need none: every node connects to them.
    fn reserve_relay(&mut self, peer: PeerId) {
        if self.cooperative {
            return;
        }
        let Some(addr) = self.bootstrap_peers.get(&peer) else {
            return;
        };
        if self.relaying.listeners.values().any(|p| *p == peer) {
            return;
        }
        let circuit = with_peer(addr, peer).with(Protocol::P2pCircuit);
        match self.swarm.listen_on(circuit.clone()) {
            Ok(id) => {
                tracing::info!(%circuit, "reserving a relay slot");
                self.relaying.listeners.insert(id, peer);
            }
            Err(e) => tracing::warn!(%circuit, "cannot listen through relay: {e}"),
        }
    }

    /// A cooperative whose config names no public address is taken to be reachable at the
    /// addresses it listens on (its bootstrap address is one of them): a relay must tell its
    /// clients where it is, or their relayed addresses cannot be built.
    pub(super) fn assume_public(&mut self, address: &Multiaddr) {
        if self.cooperative && !self.external_configured && !is_circuit(address) {
            self.swarm.add_external_address(address.clone());
        }
    }

    /// Notes whether a new connection runs through a relay (for the side that accepted it, the
    /// remote address names no relay: libp2p's `ConnectedPoint::is_relayed` tells both sides).
    pub(super) fn on_connection(&mut self, peer: PeerId, id: ConnectionId, relayed: bool) {
        if relayed {
            self.relaying.relayed.entry(peer).or_default().push(id);
        } else {
            *self.relaying.direct.entry(peer).or_default() += 1;
        }
    }

    /// Forgets a closed connection.
    pub(super) fn on_connection_closed(&mut self, peer: PeerId, id: ConnectionId, relayed: bool) {
        if !relayed && let Some(count) = self.relaying.direct.get_mut(&peer) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.relaying.direct.remove(&peer);
            }
        }
        if let Some(ids) = self.relaying.relayed.get_mut(&peer) {
            ids.retain(|c| *c != id);
            if ids.is_empty() {
                self.relaying.relayed.remove(&peer);
            }
        }
    }

    /// How the last hole punch with `peer` ended, if one was tried while connected.
    pub(super) fn hole_punch(&self, peer: &PeerId) -> Option<bool> {
        self.relaying.punched.get(peer).copied()
    }

    /// Forgets what was learnt of a peer no connection is open to any more.
    pub(super) fn forget_routes(&mut self, peer: &PeerId) {
        self.relaying.punched.remove(peer);
    }

    /// Whether every connection open to `peer` runs through a relay.
    pub(super) fn relayed_only(&self, peer: &PeerId) -> bool {
        !self.relaying.direct.contains_key(peer)
    }

    /// Hole punching gave a direct connection: the relayed one is closed a little later, so it
    /// frees its circuit at the cooperative (each peer may hold only a few there at once).
    pub(super) fn on_dcutr(&mut self, event: dcutr::Event) {
        self.relaying
            .punched
            .insert(event.remote_peer_id, event.result.is_ok());
        match event.result {
            Ok(_) => {
                tracing::debug!(peer = %event.remote_peer_id, "direct connection by hole punching");
                let due = Instant::now() + REPLACED_GRACE;
                let ids = self.relaying.relayed.remove(&event.remote_peer_id);
                for id in ids.unwrap_or_default() {
                    self.relaying.replaced.push((due, id));
                }
            }
            Err(e) => {
                tracing::debug!(peer = %event.remote_peer_id, "hole punching failed: {e}");
            }
        }
    }

    /// Closes the relayed connections replaced long enough ago (called every ban sweep).
    pub(super) fn close_replaced_relays(&mut self) {
        let now = Instant::now();
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.relaying.replaced)
            .into_iter()
            .partition(|(at, _)| *at <= now);
        self.relaying.replaced = later;
        for (_, id) in due {
            self.swarm.close_connection(id);
        }
    }

    /// Keeps count of the reservations relays accepted.
    pub(super) fn on_relay_client(&mut self, event: relay::client::Event) {
        if let relay::client::Event::ReservationReqAccepted { relay_peer_id, .. } = event {
            tracing::info!(relay = %relay_peer_id, "reachable through relay");
            self.relaying.reserved.insert(relay_peer_id);
        }
    }

    /// A circuit listener closed (the relay went away, or refused): the reservation is gone,
    /// and is asked for again when the relay is back.
    pub(super) fn on_listener_closed(&mut self, id: ListenerId) {
        if let Some(relay) = self.relaying.listeners.remove(&id) {
            tracing::info!(%relay, "relay reservation ended");
            self.relaying.reserved.remove(&relay);
        }
    }

    /// Addresses through which `peer` may be reached while no connection to it is open: a
    /// circuit through each relay this node knows, at each of the relay's addresses. They end
    /// in `/p2p-circuit`: the dial itself adds `/p2p/<peer>`.
    pub(super) fn circuit_addrs(&self, peer: &PeerId) -> Vec<Multiaddr> {
        if self.swarm.is_connected(peer) {
            return Vec::new();
        }
        self.relaying
            .known
            .iter()
            .filter(|(relay, _)| *relay != peer)
            .flat_map(|(_, addrs)| addrs.iter().map(|a| a.clone().with(Protocol::P2pCircuit)))
            .collect()
    }

    /// How others reach this node.
    pub(super) fn reachability(&self) -> Reachability {
        // A relayed address is external too for libp2p; here it is the relay's, not ours.
        let mut public: Vec<String> = self
            .swarm
            .external_addresses()
            .filter(|a| !is_circuit(a))
            .map(ToString::to_string)
            .collect();
        if self.cooperative && public.is_empty() {
            public = self
                .listen_addrs
                .iter()
                .filter(|a| !is_circuit(a))
                .map(ToString::to_string)
                .collect();
        }
        Reachability {
            public,
            relays: self
                .relaying
                .reserved
                .iter()
                .map(ToString::to_string)
                .collect(),
        }
    }
}

/// Whether `addr` goes through a relay.
pub(super) fn is_circuit(addr: &Multiaddr) -> bool {
    addr.iter().any(|p| p == Protocol::P2pCircuit)
}

/// `addr` ending in `/p2p/<peer>` (added when it does not already).
fn with_peer(addr: &Multiaddr, peer: PeerId) -> Multiaddr {
    match addr.iter().last() {
        Some(Protocol::P2p(_)) => addr.clone(),
        _ => addr.clone().with(Protocol::P2p(peer)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_peer_once() {
        let peer = PeerId::random();
        let bare: Multiaddr = "/ip4/198.18.0.1/tcp/4417".parse().unwrap();
        let named = with_peer(&bare, peer);
        assert_eq!(named.to_string(), format!("{bare}/p2p/{peer}"));
        assert_eq!(with_peer(&named, peer), named);
    }
}
