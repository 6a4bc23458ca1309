//! Inbound connections per remote address, so that one host cannot take every inbound slot of
//! a cooperative (`spec/security.md` §3).
//!
//! libp2p's `connection_limits` counts per peer id, which costs nothing to mint; an address
//! costs an attacker a machine or a lease. IPv4 addresses count one by one; IPv6 ones by their
//! /64, the block one home or one server is given. Relayed connections are not counted here:
//! their address is the relay's, and the relay bounds circuits per peer itself. Loopback is
//! exempt unless asked (the operator's own tools, and the local demo's many nodes, are all
//! 127.0.0.1).

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::net::IpAddr;
use std::task::{Context, Poll};

use libp2p::PeerId;
use libp2p::core::transport::PortUse;
use libp2p::core::{Endpoint, Multiaddr};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{
    ConnectionClosed, ConnectionDenied, ConnectionId, FromSwarm, ListenFailure, NetworkBehaviour,
    THandler, THandlerInEvent, THandlerOutEvent, ToSwarm, dummy,
};

/// What one host may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerIpLimits {
    /// Established inbound connections from one address (a /64 for IPv6).
    pub established: usize,
    /// Inbound connections from one address still in their handshake.
    pub pending: usize,
    /// Whether loopback connections count too (off but in tests of the limit itself).
    pub limit_loopback: bool,
}

impl Default for PerIpLimits {
    fn default() -> Self {
        // 8: a household behind one router may run a few nodes (a farm, a shop, a phone
        // paired to each), each with up to 3 connections to us; a host asking for more is
        // asking for a share of the 192 inbound slots no one household needs.
        PerIpLimits {
            established: 8,
            pending: 4,
            limit_loopback: false,
        }
    }
}

/// The part of an address that one host holds: what the per-host limits here, and the mailbox's
/// per-depositor quotas, count by (`spec/security.md` §3, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host {
    /// An IPv4 address.
    V4(std::net::Ipv4Addr),
    /// The upper 64 bits of an IPv6 address.
    V6(u64),
}

impl Host {
    /// The host behind `addr`, or `None` when it is not counted (relayed, loopback, no IP).
    pub(crate) fn of(addr: &Multiaddr, limit_loopback: bool) -> Option<Host> {
        if addr.iter().any(|p| matches!(p, Protocol::P2pCircuit)) {
            return None;
        }
        let ip = addr.iter().find_map(|p| match p {
            Protocol::Ip4(ip) => Some(IpAddr::V4(ip)),
            Protocol::Ip6(ip) => Some(IpAddr::V6(ip)),
            _ => None,
        })?;
        if ip.is_loopback() && !limit_loopback {
            return None;
        }
        Some(match ip {
            IpAddr::V4(ip) => Host::V4(ip),
            IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
                Some(v4) => Host::V4(v4),
                None => Host::V6((u128::from(ip) >> 64) as u64),
            },
        })
    }

    /// A key for tables that count per host: a tag byte (4 or 6, never the 0 a peer id's
    /// multihash starts with, so the two can share a table) and the address bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Host::V4(ip) => [&[4u8][..], &ip.octets()].concat(),
            Host::V6(prefix) => [&[6u8][..], &prefix.to_be_bytes()].concat(),
        }
    }
}

/// The denial a host past its limit gets (shown in the dialer's logs, counted in ours).
#[derive(Debug)]
pub struct TooManyFromHost {
    /// The limit it reached.
    pub limit: usize,
    /// Whether it was the handshake limit.
    pub pending: bool,
}

impl fmt::Display for TooManyFromHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.pending {
            "handshakes"
        } else {
            "connections"
        };
        write!(f, "this address already has {} inbound {what}", self.limit)
    }
}

impl std::error::Error for TooManyFromHost {}

/// Counts inbound connections per host and denies those past [`PerIpLimits`].
#[derive(Debug, Default)]
pub(crate) struct Behaviour {
    limits: PerIpLimits,
    pending: HashMap<ConnectionId, Host>,
    established: HashMap<ConnectionId, Host>,
    pending_per_host: HashMap<Host, usize>,
    established_per_host: HashMap<Host, usize>,
}

impl Behaviour {
    pub(crate) fn new(limits: PerIpLimits) -> Behaviour {
        Behaviour {
            limits,
            ..Behaviour::default()
        }
    }

    fn release(counts: &mut HashMap<Host, usize>, host: Host) {
        if let Some(n) = counts.get_mut(&host) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&host);
            }
        }
    }

    fn forget_pending(&mut self, connection: ConnectionId) {
        if let Some(host) = self.pending.remove(&connection) {
            Self::release(&mut self.pending_per_host, host);
        }
    }
}

impl NetworkBehaviour for Behaviour {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_pending_inbound_connection(
        &mut self,
        connection: ConnectionId,
        _local: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        let Some(host) = Host::of(remote, self.limits.limit_loopback) else {
            return Ok(());
        };
        let n = self.pending_per_host.entry(host).or_default();
        if *n >= self.limits.pending {
            return Err(ConnectionDenied::new(TooManyFromHost {
                limit: self.limits.pending,
                pending: true,
            }));
        }
        *n += 1;
        self.pending.insert(connection, host);
        Ok(())
    }

    fn handle_established_inbound_connection(
        &mut self,
        connection: ConnectionId,
        _peer: PeerId,
        _local: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.forget_pending(connection);
        let Some(host) = Host::of(remote, self.limits.limit_loopback) else {
            return Ok(dummy::ConnectionHandler);
        };
        let n = self.established_per_host.entry(host).or_default();
        if *n >= self.limits.established {
            return Err(ConnectionDenied::new(TooManyFromHost {
                limit: self.limits.established,
                pending: false,
            }));
        }
        *n += 1;
        self.established.insert(connection, host);
        Ok(dummy::ConnectionHandler)
    }

    fn handle_established_outbound_connection(
        &mut self,
        _connection: ConnectionId,
        _peer: PeerId,
        _addr: &Multiaddr,
        _role: Endpoint,
        _port_use: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        match event {
            FromSwarm::ConnectionClosed(ConnectionClosed { connection_id, .. }) => {
                if let Some(host) = self.established.remove(&connection_id) {
                    Self::release(&mut self.established_per_host, host);
                }
            }
            // A handshake that failed, or a connection another behaviour denied after we
            // counted it: either way it never became established here.
            FromSwarm::ListenFailure(ListenFailure { connection_id, .. }) => {
                self.forget_pending(connection_id);
                if let Some(host) = self.established.remove(&connection_id) {
                    Self::release(&mut self.established_per_host, host);
                }
            }
            _ => {}
        }
    }

    fn on_connection_handler_event(
        &mut self,
        _peer: PeerId,
        _connection: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        match event {}
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}

#[cfg(test)]
mod tests;
