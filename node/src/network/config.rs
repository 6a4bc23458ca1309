//! What the network layer is told at start: addresses, markets, role, and every limit.
//!
//! Defaults are production values; tests shorten [`NetworkConfig::heartbeat`] and turn
//! [`NetworkConfig::discovery`] off to keep a fixed topology.

use std::time::Duration;

use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};

use super::NetworkError;
use super::codec::{RequestKind, SizeLimit};
use super::per_ip::PerIpLimits;

/// How to start the network.
#[derive(Debug, Clone)]
pub struct NetworkConfig {
    /// Addresses to listen on, e.g. `/ip4/0.0.0.0/tcp/4001` and `/ip4/0.0.0.0/udp/4001/quic-v1`.
    pub listen: Vec<Multiaddr>,
    /// Addresses at which this node is known to be publicly reachable (a cooperative node on a
    /// server); others are found by AutoNAT. The relay server only serves once there is one.
    pub external: Vec<Multiaddr>,
    /// Bootstrap nodes, each ending in `/p2p/<peer id>`.
    pub bootstrap: Vec<Multiaddr>,
    /// Markets whose topics are joined at start.
    pub markets: Vec<String>,
    /// A cooperative node: relay server, AutoNAT server, Kademlia server and peer exchange.
    pub cooperative: bool,
    /// Kademlia discovery (and its periodic bootstrap). Off only for fixed test topologies or
    /// private setups that dial every peer explicitly.
    pub discovery: bool,
    /// Gossipsub heartbeat: mesh maintenance and gossip emission period.
    pub heartbeat: Duration,
    /// How long a received record may wait for its verdict before gossipsub forgets it
    /// (a late Accept is then not forwarded). Covers ingest's batching and commit.
    pub validation_window: Duration,
    /// How long a request waits for its response (both directions).
    pub request_timeout: Duration,
    /// Connection and memory limits.
    pub limits: ConnectionLimitsConfig,
    /// Largest request and response per request-response protocol.
    pub request_limits: RequestLimits,
    /// Capacity of the command channel (client → event loop).
    pub command_capacity: usize,
    /// Capacity of the event channel (event loop → node). When it is full, gossip is reported
    /// as Ignore and counted as dropped: the swarm never waits on the node.
    pub event_capacity: usize,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            listen: vec![
                Multiaddr::from(Protocol::Ip4([0, 0, 0, 0].into())).with(Protocol::Tcp(0)),
                Multiaddr::from(Protocol::Ip4([0, 0, 0, 0].into()))
                    .with(Protocol::Udp(0))
                    .with(Protocol::QuicV1),
            ],
            external: Vec::new(),
            bootstrap: Vec::new(),
            markets: Vec::new(),
            cooperative: false,
            discovery: true,
            heartbeat: Duration::from_secs(1),
            validation_window: Duration::from_secs(15),
            request_timeout: Duration::from_secs(30),
            limits: ConnectionLimitsConfig::default(),
            request_limits: RequestLimits::default(),
            command_capacity: 256,
            event_capacity: 1024,
        }
    }
}

/// Bounds on connections, so a burst of dialers cannot exhaust sockets or memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnectionLimitsConfig {
    /// Established connections in total.
    pub max_established: u32,
    /// Established connections to one peer: TCP, QUIC and one relayed during hole punching.
    pub max_per_peer: u32,
    /// Established inbound connections (keeps room for our own outbound dials).
    pub max_inbound: u32,
    /// Inbound connections still in their handshake.
    pub max_pending_inbound: u32,
    /// Inbound connections from one address.
    pub per_ip: PerIpLimits,
    /// New connections are refused once the process uses this much memory.
    pub memory: MemoryLimit,
}

impl Default for ConnectionLimitsConfig {
    fn default() -> Self {
        ConnectionLimitsConfig {
            max_established: 256,
            max_per_peer: 3,
            max_inbound: 192,
            max_pending_inbound: 64,
            per_ip: PerIpLimits::default(),
            memory: MemoryLimit::FractionOfSystem(0.8),
        }
    }
}

/// When to stop accepting connections for lack of memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MemoryLimit {
    /// A share (0.0–1.0) of the machine's total memory.
    FractionOfSystem(f64),
    /// A fixed number of bytes of process memory.
    Bytes(usize),
}

/// Size limits per request-response protocol. Frames are refused on their length prefix,
/// before anything is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// `/smartket/sync/1`: a reconciliation round carries fingerprints and record batches.
    pub sync: SizeLimit,
    /// `/smartket/msg/1`: one sealed message in, a short acknowledgement out.
    pub msg: SizeLimit,
    /// `/smartket/blob/1`: a chunk request in, one chunk of a blob (≤ 256 KiB) out.
    pub blob: SizeLimit,
    /// `/smartket/mailbox/1`: a deposit or a fetch in, a page of sealed messages out.
    pub mailbox: SizeLimit,
}

impl Default for RequestLimits {
    fn default() -> Self {
        RequestLimits {
            sync: SizeLimit {
                request: 256 * 1024,
                response: 4 * 1024 * 1024,
            },
            msg: SizeLimit {
                request: smartket_protocol::mailbox::direct::MAX_MSG_REQUEST_BYTES,
                response: smartket_protocol::mailbox::direct::MAX_MSG_RESPONSE_BYTES,
            },
            blob: SizeLimit {
                request: smartket_protocol::blob::MAX_REQUEST_BYTES,
                response: smartket_protocol::blob::MAX_RESPONSE_BYTES,
            },
            mailbox: SizeLimit {
                request: smartket_protocol::mailbox::wire::MAX_MAILBOX_REQUEST_BYTES,
                response: smartket_protocol::mailbox::wire::MAX_MAILBOX_RESPONSE_BYTES,
            },
        }
    }
}

impl RequestLimits {
    /// The limits of one protocol.
    pub fn of(&self, kind: RequestKind) -> SizeLimit {
        match kind {
            RequestKind::Sync => self.sync,
            RequestKind::Msg => self.msg,
            RequestKind::Blob => self.blob,
            RequestKind::Mailbox => self.mailbox,
        }
    }
}

/// Splits a bootstrap address into the peer it names and the address to reach it.
pub(super) fn parse_bootstrap(addr: &Multiaddr) -> Result<(PeerId, Multiaddr), NetworkError> {
    let bad = |reason: &'static str| NetworkError::BadBootstrapAddress {
        addr: addr.clone(),
        reason,
    };
    let mut transport = addr.clone();
    let Some(Protocol::P2p(peer)) = transport.pop() else {
        return Err(bad(
            "does not end in /p2p/<peer id>: a bootstrap node must be named by its peer id",
        ));
    };
    let reachable = transport.iter().any(|p| {
        matches!(
            p,
            Protocol::Tcp(_) | Protocol::QuicV1 | Protocol::P2pCircuit
        )
    });
    let located = transport.iter().any(|p| {
        matches!(
            p,
            Protocol::Ip4(_)
                | Protocol::Ip6(_)
                | Protocol::Dns(_)
                | Protocol::Dns4(_)
                | Protocol::Dns6(_)
        )
    });
    if !reachable || !located {
        return Err(bad(
            "has no host and transport before /p2p/ (expected e.g. /ip4/1.2.3.4/tcp/4001/p2p/<peer id>)",
        ));
    }
    Ok((peer, addr.clone()))
}
