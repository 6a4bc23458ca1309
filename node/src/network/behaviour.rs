//! The composed libp2p behaviour: every protocol the node speaks, in one struct.
//!
//! Order matters: the ban list and the limit behaviours come first so that a connection they
//! deny is refused before any other behaviour has seen it.

use std::time::Duration;

use libp2p::gossipsub::{self, MessageAuthenticity, MessageId, ValidationMode};
use libp2p::identity::Keypair;
use libp2p::kad::store::MemoryStore;
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{
    PeerId, StreamProtocol, allow_block_list, autonat, connection_limits, dcutr, identify, kad,
    memory_connection_limits, ping, relay, request_response,
};
use smartket_protocol::record::MAX_RECORD_BYTES;

use super::codec::{BytesCodec, RequestKind};
use super::config::{MemoryLimit, NetworkConfig};
use super::{NetworkError, scoring};

/// The Kademlia protocol: our own DHT, not the public IPFS one.
pub const KAD_PROTOCOL: StreamProtocol = StreamProtocol::new("/smartket/kad/1.0.0");
/// The identify protocol version: peers with another version are still identified, but this
/// tells an operator what they are talking to.
pub const IDENTIFY_PROTOCOL: &str = "/smartket/1.0.0";
/// Room for the gossipsub protobuf around one record (topic, sender, sequence number, the
/// sender's signature and key, and piggybacked control messages). The frame limit applies to
/// the whole RPC; the record itself is bounded separately by [`MAX_RECORD_BYTES`].
pub const GOSSIP_FRAME_OVERHEAD: usize = 8 * 1024;

/// Every protocol of a smartket node.
#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    /// Peers banned after a protocol fault: their connections are denied before any limit or
    /// protocol counts them (see `bans.rs`).
    pub(crate) banned: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
    /// Caps on connection counts (total, per peer, inbound, pending), checked first.
    pub(crate) limits: connection_limits::Behaviour,
    /// Caps on inbound connections per remote address (`per_ip.rs`).
    pub(crate) per_ip: super::per_ip::Behaviour,
    /// Refuses new connections when the process is short of memory.
    pub(crate) memory: memory_connection_limits::Behaviour,
    /// Record propagation: signed records per market and family, validated before forwarding.
    pub(crate) gossipsub: gossipsub::Behaviour,
    /// Peer discovery over `/smartket/kad/1.0.0` (off in fixed test topologies).
    pub(crate) kad: Toggle<kad::Behaviour<MemoryStore>>,
    /// Learns peers' listen addresses and protocols, and our address as others see it.
    pub(crate) identify: identify::Behaviour,
    /// Keeps idle connections alive and measures round trips.
    pub(crate) ping: ping::Behaviour,
    /// Asks other nodes to dial us back, to learn whether our addresses are public.
    pub(crate) autonat: autonat::v2::client::Behaviour,
    /// Dials back nodes that ask (cooperative nodes only).
    pub(crate) autonat_server: Toggle<autonat::v2::server::Behaviour>,
    /// Reserves slots on relays so nodes behind NAT stay reachable.
    pub(crate) relay_client: relay::client::Behaviour,
    /// Relays traffic for nodes behind NAT (cooperative nodes only).
    pub(crate) relay_server: Toggle<relay::Behaviour>,
    /// Upgrades relayed connections to direct ones by hole punching.
    pub(crate) dcutr: dcutr::Behaviour,
    /// `/smartket/sync/1`: set reconciliation.
    pub(crate) sync: request_response::Behaviour<BytesCodec>,
    /// `/smartket/msg/1`: sealed direct messages.
    pub(crate) msg: request_response::Behaviour<BytesCodec>,
    /// `/smartket/blob/1`: content-addressed blobs.
    pub(crate) blob: request_response::Behaviour<BytesCodec>,
    /// `/smartket/mailbox/1`: deposits and fetches at cooperative nodes.
    pub(crate) mailbox: request_response::Behaviour<BytesCodec>,
}

impl Behaviour {
    /// The request-response behaviour of one protocol.
    pub(crate) fn requests(
        &mut self,
        kind: RequestKind,
    ) -> &mut request_response::Behaviour<BytesCodec> {
        match kind {
            RequestKind::Sync => &mut self.sync,
            RequestKind::Msg => &mut self.msg,
            RequestKind::Blob => &mut self.blob,
            RequestKind::Mailbox => &mut self.mailbox,
        }
    }
}

/// The gossipsub message id: a domain-separated blake3 of the message data (the record's wire
/// bytes), so the same record relayed by many peers is one message, and a forged copy (same
/// payload, another signature) is another: it cannot leave the genuine record's id in the
/// duplicate caches. No signature is checked here, on the swarm task, for every copy
/// (duplicates included): the ingest pipeline verifies once, in batches (`spec/network.md`).
pub(crate) fn message_id(message: &gossipsub::Message) -> MessageId {
    MessageId::from(gossip_id(&message.data).to_vec())
}

/// The message id of gossip data `data` (`spec/network.md`, "Gossip").
pub(crate) fn gossip_id(data: &[u8]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(GOSSIP_ID_CONTEXT);
    hasher.update(data);
    *hasher.finalize().as_bytes()
}

/// What a gossip message id hashes before the data.
const GOSSIP_ID_CONTEXT: &[u8] = b"smartket/gossip/v1\0";

/// Gossipsub with strict signing, validation before forwarding and peer scoring.
fn gossipsub(
    keypair: &Keypair,
    config: &NetworkConfig,
) -> Result<gossipsub::Behaviour, NetworkError> {
    // The message cache keeps a received record for `history_length` heartbeats; that is
    // the time ingest has to report its verdict (the default, 5, is too short for a batch).
    let heartbeat = config.heartbeat.max(Duration::from_millis(10));
    let history = config
        .validation_window
        .as_millis()
        .div_ceil(heartbeat.as_millis());
    let history = usize::try_from(history)
        .unwrap_or(usize::MAX)
        .clamp(5, 10_000);
    let mut builder = gossipsub::ConfigBuilder::default();
    builder
        .validation_mode(ValidationMode::Strict)
        .validate_messages()
        .message_id_fn(message_id)
        .max_transmit_size(MAX_RECORD_BYTES + GOSSIP_FRAME_OVERHEAD)
        .heartbeat_interval(heartbeat)
        .heartbeat_initial_delay(heartbeat)
        .history_length(history);
    if config.cooperative {
        // Peer exchange: when pruning an over-full mesh, tell the pruned peer whom else to try.
        builder.do_px().prune_peers(16);
    }
    let gossip_config = builder
        .build()
        .map_err(|e| NetworkError::Build(format!("gossipsub config: {e}")))?;
    let mut gossipsub =
        gossipsub::Behaviour::new(MessageAuthenticity::Signed(keypair.clone()), gossip_config)
            .map_err(|e| NetworkError::Build(format!("gossipsub: {e}")))?;
    gossipsub
        .with_peer_score(scoring::peer_score_params(), scoring::thresholds())
        .map_err(|e| NetworkError::Build(format!("gossipsub scoring: {e}")))?;
    Ok(gossipsub)
}

/// Kademlia for discovery only: records others try to store with us are not kept (they
/// would be memory a stranger controls), and queries reach only smartket nodes.
fn kademlia(keypair: &Keypair, config: &NetworkConfig) -> Option<kad::Behaviour<MemoryStore>> {
    if !config.discovery {
        return None;
    }
    let peer_id = keypair.public().to_peer_id();
    let mut kad_config = kad::Config::new(KAD_PROTOCOL);
    kad_config
        .set_record_filtering(kad::StoreInserts::FilterBoth)
        .set_periodic_bootstrap_interval(Some(Duration::from_secs(5 * 60)))
        .set_query_timeout(Duration::from_secs(30));
    let mut kad = kad::Behaviour::with_config(peer_id, MemoryStore::new(peer_id), kad_config);
    // Cooperative nodes always answer; others switch to server mode by themselves once
    // AutoNAT confirms a public address (mode `None` = automatic).
    kad.set_mode(config.cooperative.then_some(kad::Mode::Server));
    Some(kad)
}

/// A cooperative's relay: the market's homes behind NAT hold reservations on it and are dialled
/// through it, so it relays by role, whether or not it has confirmed a public address yet. Its
/// circuits carry orders and sync, not only the hole-punching handshake: they may last and
/// carry more than libp2p's defaults (2 min, 128 KiB), within caps that keep one cooperative
/// serving a town.
fn relay_server(peer_id: PeerId) -> relay::Behaviour {
    let config = relay::Config {
        max_reservations: RELAY_MAX_RESERVATIONS,
        max_reservations_per_peer: 1,
        max_circuits: RELAY_MAX_CIRCUITS,
        max_circuits_per_peer: 16,
        max_circuit_duration: RELAY_CIRCUIT_DURATION,
        max_circuit_bytes: RELAY_CIRCUIT_BYTES,
        ..relay::Config::default()
    };
    let mut relay = relay::Behaviour::new(peer_id, config);
    relay.set_status(Some(relay::Status::Enable));
    relay
}

/// Reservations a cooperative holds at once (one per node behind NAT in its market).
const RELAY_MAX_RESERVATIONS: usize = 1024;
/// Relayed connections a cooperative carries at once.
const RELAY_MAX_CIRCUITS: usize = 256;
/// How long one relayed connection may last before it must be opened again.
const RELAY_CIRCUIT_DURATION: std::time::Duration = std::time::Duration::from_secs(10 * 60);
/// How much one relayed connection may carry (both ways): a catalogue sync fits.
const RELAY_CIRCUIT_BYTES: u64 = 16 * 1024 * 1024;

/// Builds the behaviour around the relay client the swarm builder made.
pub(crate) fn build(
    keypair: &Keypair,
    relay_client: relay::client::Behaviour,
    config: &NetworkConfig,
) -> Result<Behaviour, NetworkError> {
    let peer_id = keypair.public().to_peer_id();
    let l = &config.limits;
    let limits = connection_limits::ConnectionLimits::default()
        .with_max_established(Some(l.max_established))
        .with_max_established_per_peer(Some(l.max_per_peer))
        .with_max_established_incoming(Some(l.max_inbound))
        .with_max_pending_incoming(Some(l.max_pending_inbound));
    let memory = match l.memory {
        MemoryLimit::FractionOfSystem(f) => {
            memory_connection_limits::Behaviour::with_max_percentage(f)
        }
        MemoryLimit::Bytes(b) => memory_connection_limits::Behaviour::with_max_bytes(b),
    };
    let requests = |kind: RequestKind| {
        request_response::Behaviour::with_codec(
            BytesCodec::new(config.request_limits.of(kind)),
            [(kind.protocol(), request_response::ProtocolSupport::Full)],
            request_response::Config::default().with_request_timeout(config.request_timeout),
        )
    };
    Ok(Behaviour {
        banned: allow_block_list::Behaviour::default(),
        limits: connection_limits::Behaviour::new(limits),
        per_ip: super::per_ip::Behaviour::new(l.per_ip),
        memory,
        gossipsub: gossipsub(keypair, config)?,
        kad: kademlia(keypair, config).into(),
        identify: identify::Behaviour::new(
            identify::Config::new(IDENTIFY_PROTOCOL.to_owned(), keypair.public())
                .with_agent_version(format!("smartket/{}", env!("CARGO_PKG_VERSION"))),
        ),
        ping: ping::Behaviour::default(),
        autonat: autonat::v2::client::Behaviour::default(),
        autonat_server: config
            .cooperative
            .then(autonat::v2::server::Behaviour::default)
            .into(),
        relay_client,
        relay_server: config.cooperative.then(|| relay_server(peer_id)).into(),
        dcutr: dcutr::Behaviour::new(peer_id),
        sync: requests(RequestKind::Sync),
        msg: requests(RequestKind::Msg),
        blob: requests(RequestKind::Blob),
        mailbox: requests(RequestKind::Mailbox),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fixtures::{listing, now};

    #[test]
    fn one_record_is_one_message_id_and_a_forged_copy_is_another() {
        let genuine = listing(1, "tomme", now());
        let wire = genuine.to_wire();
        assert_eq!(gossip_id(&wire), gossip_id(&genuine.to_wire()));
        let mut forged = genuine.clone();
        forged.envelope.signature.0[5] ^= 1;
        assert_eq!(forged.id, genuine.id, "same payload, same record id");
        assert_ne!(gossip_id(&forged.to_wire()), gossip_id(&wire));
        let mut expected = b"smartket/gossip/v1\0".to_vec();
        expected.extend_from_slice(&wire);
        assert_eq!(gossip_id(&wire), *blake3::hash(&expected).as_bytes());
    }
}
