//! The node's libp2p network: gossip of signed records, peer discovery, NAT traversal and
//! request-response channels, behind one event loop that alone owns the swarm.
//!
//! ```text
//!                       Command + oneshot (bounded)
//!   Client (Clone) ───────────────────────────────────▶ EventLoop ── owns ──▶ Swarm<Behaviour>
//!   publish, report_validation,                             │            tcp+quic, noise, yamux,
//!   join/leave_market, request, dial, peers …               │            relay client, dns
//!                                                           │
//!   node runtime ◀──────── NetworkEvent (bounded) ──────────┘
//!   GossipRecord{handle} ─▶ ingest ─▶ Client::report_validation(handle, Accept|Ignore|Reject)
//!   InboundRequest{reply} ─▶ handler ─▶ reply.send(bytes)
//! ```
//!
//! Gossipsub forwards nothing until the node has validated it (`validate_messages`), so a
//! record travels one hop per ingest. When the event channel is full, the loop never waits:
//! a gossip record is reported Ignore and counted as dropped (sync catches it up later).
//!
//! The node's libp2p identity is the actor's ed25519 key, so a record's author is a peer one
//! can dial: see [`peer_id_of`].

mod bans;
mod behaviour;
mod client;
mod codec;
mod config;
mod event_loop;
mod per_ip;
pub mod scoring;
mod setup;
mod topics;

use libp2p::gossipsub::MessageId;
use libp2p::identity::Keypair;
use libp2p::{Multiaddr, PeerId};
use smartket_protocol::AuthorKey;
use tokio::sync::{mpsc, oneshot};

pub use behaviour::{GOSSIP_FRAME_OVERHEAD, IDENTIFY_PROTOCOL, KAD_PROTOCOL};
pub use client::Client;
pub use codec::{FrameTooLarge, RequestKind, SizeLimit, read_frame};
pub use config::{ConnectionLimitsConfig, MemoryLimit, NetworkConfig, RequestLimits};
pub use event_loop::EventLoop;
pub use per_ip::{Host, PerIpLimits, TooManyFromHost};
pub use topics::{Family, GossipTopic, TopicError, family_of};

/// Starts the network: builds the swarm, listens, joins the configured markets' topics and
/// dials the bootstrap nodes. Returns once every listener has its first address (so
/// [`Client::listen_addrs`] is complete at once); spawn [`EventLoop::run`] to run it.
pub async fn new(
    keypair: Keypair,
    config: NetworkConfig,
) -> Result<(Client, mpsc::Receiver<NetworkEvent>, EventLoop), NetworkError> {
    setup::start(keypair, config).await
}

/// The libp2p peer id of an actor: the ed25519 public key, protobuf-encoded and wrapped in an
/// identity multihash — exactly what libp2p derives from the same key.
pub fn peer_id_of(author: &AuthorKey) -> PeerId {
    // PublicKey protobuf: field 1 (KeyType) = 1 (Ed25519), field 2 (Data) = 32 bytes.
    let mut encoded = [0u8; 36];
    encoded[..4].copy_from_slice(&[0x08, 0x01, 0x12, 0x20]);
    encoded[4..].copy_from_slice(author.as_bytes());
    // 36 bytes always fit the 64-byte multihash and PeerId accepts identity hashes this
    // short, so neither fallback below is ever taken; they only avoid a panic path.
    libp2p::multihash::Multihash::<64>::wrap(0x00, &encoded)
        .ok()
        .and_then(|mh| PeerId::from_multihash(mh).ok())
        .unwrap_or_else(PeerId::random)
}

/// The actor behind a peer id, when the id is an ed25519 key (the inverse of [`peer_id_of`]).
pub fn author_of_peer(peer: &PeerId) -> Option<AuthorKey> {
    let multihash: &libp2p::multihash::Multihash<64> = peer.as_ref();
    let digest = multihash.digest();
    let key = digest.strip_prefix(&[0x08, 0x01, 0x12, 0x20][..])?;
    Some(AuthorKey(key.try_into().ok()?))
}

/// Gossipsub's handle on a received message: what [`Client::report_validation`] needs.
/// Opaque outside this module.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageHandle {
    id: MessageId,
    source: PeerId,
}

/// What ingest made of a received record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    /// Valid and new: forward it to the mesh.
    Accept,
    /// Not forwarded, no penalty (a stale revision, an expired record, a full queue).
    Ignore,
    /// Invalid (bad signature, malformed): not forwarded, and the sender's score drops.
    Reject,
}

/// A connected peer.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerInfo {
    /// Its id.
    pub peer_id: PeerId,
    /// Addresses we are connected on, or that it told us it listens on.
    pub addresses: Vec<Multiaddr>,
    /// Its gossipsub score, if it has one yet.
    pub score: Option<f64>,
    /// Whether every connection to it runs through a relay (hole punching has not, or cannot,
    /// put a direct one in its place).
    pub relayed: bool,
    /// How the last hole punch with it ended (true: it gave a direct connection), when one
    /// was tried since it connected.
    pub hole_punch: Option<bool>,
}

/// Counters of work dropped because the node did not keep up with the network (since start).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NetworkStats {
    /// Gossip records reported Ignore because the event channel was full.
    pub dropped_gossip: u64,
    /// Inbound requests refused because the event channel was full.
    pub dropped_requests: u64,
    /// Other events (peer connected, listening on …) not delivered for the same reason.
    pub dropped_events: u64,
}

/// How other nodes reach this one, for the node's status and its owner.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reachability {
    /// Addresses at which this node is publicly reachable: configured (`network.external`),
    /// confirmed by AutoNAT, or, on a cooperative, the addresses it listens on (it is the
    /// market's bootstrap node by role).
    pub public: Vec<String>,
    /// The relays (peer ids of cooperatives) holding a reservation for this node: others
    /// reach it through them.
    pub relays: Vec<String>,
}

impl Reachability {
    /// `direct`, `relayed` or `unreachable`: what the status page says in one word.
    pub fn state(&self) -> &'static str {
        if !self.public.is_empty() {
            "direct"
        } else if !self.relays.is_empty() {
            "relayed"
        } else {
            "unreachable"
        }
    }
}

/// What the network tells the node.
#[derive(Debug)]
pub enum NetworkEvent {
    /// A record arrived by gossip. Answer with [`Client::report_validation`]; until then it
    /// is not forwarded.
    GossipRecord {
        /// The market of the topic it came on.
        market: String,
        /// The family of the topic it came on.
        family: Family,
        /// The record's wire bytes, untrusted.
        data: Vec<u8>,
        /// The handle to report the verdict with.
        message_id: MessageHandle,
        /// The peer that forwarded it to us (the one a Reject penalises).
        source: PeerId,
    },
    /// A first connection to a peer opened.
    PeerConnected(PeerId),
    /// The last connection to a peer closed.
    PeerDisconnected(PeerId),
    /// A new listen address (e.g. a port chosen by the OS, a new interface).
    ListeningOn(Multiaddr),
    /// A peer sent a request. Send the response on `reply`; dropping it refuses the request.
    InboundRequest {
        /// Who asks.
        from: Requester,
        /// On which protocol.
        kind: RequestKind,
        /// The request bytes, untrusted.
        bytes: Vec<u8>,
        /// Where the response goes.
        reply: oneshot::Sender<Vec<u8>>,
    },
}

/// Who sent an inbound request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requester {
    /// The peer: free to mint, so what it alone keys can be escaped with a fresh one.
    pub peer: PeerId,
    /// The host the request's connection comes from, when it counts as one (`per_ip.rs`: not
    /// relayed, not loopback unless `count_loopback`): what quotas a fresh key must not escape
    /// are keyed by.
    pub host: Option<Host>,
}

impl Requester {
    /// The key of per-sender quotas: the host when there is one, else the peer.
    pub fn quota_key(&self) -> Vec<u8> {
        self.host
            .map_or_else(|| self.peer.to_bytes(), |host| host.to_bytes())
    }
}

/// A service that answers one of the request-response protocols: the daemon's router hands it
/// every inbound request of its kind, each in a task of its own.
pub trait Responder: Clone + Send + Sync + 'static {
    /// Answers `from`'s request `bytes` on `reply`; dropping `reply` refuses the request.
    fn serve(
        &self,
        from: Requester,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Vec<u8>>,
    ) -> impl std::future::Future<Output = ()> + Send;
}

/// Why the network could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetworkError {
    /// The node key is not usable as a libp2p identity.
    #[error("the node key is not a valid libp2p identity: {0}")]
    Identity(String),
    /// A listen address could not be bound.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address asked for.
        addr: Multiaddr,
        /// Why.
        reason: ListenFailure,
    },
    /// A bootstrap address cannot name a node to dial.
    #[error("bootstrap address {addr} {reason}")]
    BadBootstrapAddress {
        /// The address as configured.
        addr: Multiaddr,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A market id that cannot be part of a topic.
    #[error("bad market id {market:?}: {reason}")]
    BadMarket {
        /// The id given.
        market: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No connected peer is subscribed to the topic yet; publish again later.
    #[error("no peer of this market is connected yet; the record will be published later")]
    InsufficientPeers,
    /// The record is over the gossip size limit.
    #[error("record of {size} bytes is over the gossip limit of {max}")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Gossipsub refused to publish for another reason (all peer queues full, …).
    #[error("publishing failed: {0}")]
    Publish(String),
    /// A dial could not even start (bad address, connection limit, dialing ourselves…).
    #[error("cannot dial {addr}: {reason}")]
    Dial {
        /// The address.
        addr: Multiaddr,
        /// Why.
        reason: String,
    },
    /// A request-response exchange failed.
    #[error("request failed: {0}")]
    Request(#[from] RequestError),
    /// The transport or a behaviour could not be built.
    #[error("building the network failed: {0}")]
    Build(String),
    /// The event loop has ended.
    #[error("the network has shut down")]
    Shutdown,
}

impl NetworkError {
    /// Whether this is a listen address whose port another program (or node) holds, so the
    /// CLI can say "port 4001 is in use".
    pub fn is_addr_in_use(&self) -> bool {
        matches!(
            self,
            NetworkError::Listen {
                reason: ListenFailure::InUse,
                ..
            }
        )
    }
}

/// Why a listen address could not be bound.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListenFailure {
    /// Another socket holds the port.
    #[error("the port is already in use (another smartket node or program?)")]
    InUse,
    /// Not an address our transports listen on.
    #[error(
        "not a supported listen address (expected /ip4|ip6/<ip>/tcp/<port> or /ip4|ip6/<ip>/udp/<port>/quic-v1)"
    )]
    Unsupported,
    /// Any other I/O error (address not on this machine, permission denied for ports < 1024…).
    #[error("{0}")]
    Io(String),
}

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The peer could not be reached.
    #[error("the peer could not be reached")]
    Unreachable,
    /// No response within the request timeout.
    #[error("no response in time")]
    Timeout,
    /// The connection closed before the response.
    #[error("the connection closed before the response")]
    ConnectionClosed,
    /// The peer does not speak the protocol.
    #[error("the peer does not support this protocol")]
    Unsupported,
    /// Our request is over the protocol's limit; nothing was sent.
    #[error("request of {size} bytes is over the limit of {max}")]
    RequestTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The peer announced a response over the protocol's limit; it was not read.
    #[error("response of {size} bytes is over the limit of {max}")]
    ResponseTooLarge {
        /// The announced size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Any other stream failure.
    #[error("stream error: {0}")]
    Io(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use smartket_protocol::SecretKey;

    #[test]
    fn an_authors_peer_id_is_the_one_libp2p_derives_from_the_same_key() {
        let secret = SecretKey::from_bytes(&[42; 32]);
        let keypair = Keypair::ed25519_from_bytes(secret.to_bytes()).unwrap();
        assert_eq!(peer_id_of(&secret.public()), keypair.public().to_peer_id());
    }
}
