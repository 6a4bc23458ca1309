//! The event loop: the only owner of the swarm. It answers [`Command`]s from clients, turns
//! swarm events into [`NetworkEvent`]s, and keeps the requests in flight.
//!
//! It never awaits the node: events go out with `try_send`, and what does not fit is dropped
//! and counted ([`NetworkStats`]); a dropped gossip record is reported Ignore so gossipsub
//! frees it at once.

use std::collections::{BTreeSet, HashMap};
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures::stream::FuturesUnordered;
use futures::{Future, StreamExt};
use libp2p::gossipsub::{self, MessageAcceptance, PublishError};
use libp2p::request_response::{InboundRequestId, OutboundRequestId, ResponseChannel};
use libp2p::swarm::{ConnectionId, SwarmEvent};
use libp2p::{Multiaddr, PeerId, Swarm, identify};
use tokio::sync::{mpsc, oneshot};

mod relaying;
mod requests;
mod upkeep;

use super::bans::Bans;
use super::behaviour::{Behaviour, BehaviourEvent, KAD_PROTOCOL};
use super::client::Command;
use super::codec::RequestKind;
use super::config::{NetworkConfig, RequestLimits};
use super::per_ip::Host;
use super::topics::GossipTopic;
use super::{
    MessageHandle, NetworkError, NetworkEvent, NetworkStats, PeerInfo, RequestError, Validation,
    scoring,
};

/// How long shutdown waits for connections to close cleanly.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// A pending outbound request's answer.
type RequestReply = oneshot::Sender<Result<Vec<u8>, NetworkError>>;
/// The node's answer to one inbound request.
type ReplyFuture =
    Pin<Box<dyn Future<Output = (RequestKind, InboundRequestId, Option<Vec<u8>>)> + Send>>;

/// Owns the swarm; run it with [`EventLoop::run`] on its own task.
pub struct EventLoop {
    pub(super) swarm: Swarm<Behaviour>,
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<NetworkEvent>,
    /// Our outbound requests awaiting a response, per protocol and request id.
    pending_requests: HashMap<(RequestKind, OutboundRequestId), RequestReply>,
    /// Inbound requests handed to the node, awaiting its response.
    reply_channels: HashMap<(RequestKind, InboundRequestId), ResponseChannel<Vec<u8>>>,
    /// The node's answers to inbound requests (or `None` when it dropped the reply/timed out).
    pending_replies: FuturesUnordered<ReplyFuture>,
    /// Configured bootstrap peers and their addresses: given an application score so their
    /// peer exchange counts, and asked for a relay reservation when they offer one.
    pub(super) bootstrap_peers: HashMap<PeerId, Multiaddr>,
    /// Relays known and reservations held (see `relaying.rs`).
    relaying: relaying::Relays,
    /// Bootstrap peers lost and due to be dialled again (see `upkeep.rs`).
    redials: upkeep::Redials,
    /// Whether we are a cooperative node (reachable by configuration: needs no relay).
    cooperative: bool,
    /// Whether the config names the addresses at which this node is public.
    external_configured: bool,
    /// Addresses of connected peers.
    peer_addrs: HashMap<PeerId, BTreeSet<Multiaddr>>,
    /// The host each open connection comes from, when it counts as one (see [`Host::of`]):
    /// given with each inbound request it carries.
    connection_hosts: HashMap<ConnectionId, Host>,
    /// Whether loopback connections count as a host (`PerIpLimits::limit_loopback`).
    count_loopback: bool,
    listen_addrs: BTreeSet<Multiaddr>,
    markets: BTreeSet<String>,
    request_limits: RequestLimits,
    request_timeout: Duration,
    stats: NetworkStats,
    /// Protocol faults counted per peer since start (see [`super::Client::penalise`]).
    faults: HashMap<PeerId, u32>,
    /// Peers refused connections for a while after a fault (see [`super::Client::penalise`]).
    bans: Bans,
}

impl EventLoop {
    pub(super) fn new(
        swarm: Swarm<Behaviour>,
        commands: mpsc::Receiver<Command>,
        events: mpsc::Sender<NetworkEvent>,
        config: &NetworkConfig,
    ) -> EventLoop {
        EventLoop {
            swarm,
            commands,
            events,
            pending_requests: HashMap::new(),
            reply_channels: HashMap::new(),
            pending_replies: FuturesUnordered::new(),
            bootstrap_peers: HashMap::new(),
            relaying: relaying::Relays::default(),
            redials: upkeep::Redials::default(),
            cooperative: config.cooperative,
            external_configured: !config.external.is_empty(),
            peer_addrs: HashMap::new(),
            connection_hosts: HashMap::new(),
            count_loopback: config.limits.per_ip.limit_loopback,
            listen_addrs: BTreeSet::new(),
            markets: BTreeSet::new(),
            request_limits: config.request_limits,
            request_timeout: config.request_timeout,
            stats: NetworkStats::default(),
            faults: HashMap::new(),
            bans: Bans::default(),
        }
    }

    /// Runs until [`super::Client::shutdown`] or until every client is dropped.
    pub async fn run(mut self) {
        let mut ban_sweep = tokio::time::interval(scoring::BAN_SWEEP_EVERY);
        let mut redial = tokio::time::interval(upkeep::REDIAL_TICK);
        let done = loop {
            tokio::select! {
                _ = redial.tick() => self.redial_due(),
                _ = ban_sweep.tick() => {
                    self.lift_expired_bans();
                    self.close_replaced_relays();
                }
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                command = self.commands.recv() => match command {
                    Some(Command::Shutdown { reply }) => break Some(reply),
                    Some(command) => self.on_command(command),
                    None => break None,
                },
                Some((kind, id, answer)) = self.pending_replies.next(),
                    if !self.pending_replies.is_empty() => self.on_reply(kind, id, answer),
            }
        };
        self.close().await;
        if let Some(reply) = done {
            let _ = reply.send(());
        }
    }

    /// Leaves the topics and closes every connection, waiting a moment for them to go.
    async fn close(&mut self) {
        for market in std::mem::take(&mut self.markets) {
            self.leave_market(&market);
        }
        let peers: Vec<PeerId> = self.swarm.connected_peers().copied().collect();
        for peer in peers {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        let until = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        while self.swarm.connected_peers().next().is_some() {
            if tokio::time::timeout_at(until, self.swarm.next())
                .await
                .is_err()
            {
                break;
            }
        }
    }

    /// Sends an event without waiting; false (and counted) when the node is not keeping up.
    fn emit(&mut self, event: NetworkEvent) -> bool {
        let sent = self.events.try_send(event).is_ok();
        if !sent {
            self.stats.dropped_events += 1;
        }
        sent
    }

    pub(super) fn join_market(&mut self, market: &str) -> Result<(), NetworkError> {
        let topics = GossipTopic::all_of(market).map_err(|e| NetworkError::BadMarket {
            market: market.to_owned(),
            reason: e.to_string(),
        })?;
        let gossipsub = &mut self.swarm.behaviour_mut().gossipsub;
        for topic in topics {
            let ident = topic.ident();
            gossipsub
                .set_topic_params(ident.clone(), scoring::topic_params())
                .map_err(|e| NetworkError::Build(e.to_owned()))?;
            gossipsub
                .subscribe(&ident)
                .map_err(|e| NetworkError::Build(format!("subscribing to {topic}: {e:?}")))?;
        }
        self.markets.insert(market.to_owned());
        Ok(())
    }

    fn leave_market(&mut self, market: &str) {
        for topic in GossipTopic::all_of(market).unwrap_or_default() {
            self.swarm
                .behaviour_mut()
                .gossipsub
                .unsubscribe(&topic.ident());
        }
        self.markets.remove(market);
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Publish { topic, data, reply } => {
                let result = self
                    .swarm
                    .behaviour_mut()
                    .gossipsub
                    .publish(topic.hash(), data);
                let _ = reply.send(match result {
                    Ok(_) | Err(PublishError::Duplicate) => Ok(()),
                    Err(PublishError::NoPeersSubscribedToTopic) => {
                        Err(NetworkError::InsufficientPeers)
                    }
                    Err(e) => Err(NetworkError::Publish(e.to_string())),
                });
            }
            Command::ReportValidation {
                handle,
                validation,
                reply,
            } => {
                let acceptance = match validation {
                    Validation::Accept => MessageAcceptance::Accept,
                    Validation::Ignore => MessageAcceptance::Ignore,
                    Validation::Reject => MessageAcceptance::Reject,
                };
                let found = self
                    .swarm
                    .behaviour_mut()
                    .gossipsub
                    .report_message_validation_result(&handle.id, &handle.source, acceptance);
                let _ = reply.send(found);
            }
            Command::JoinMarket { market, reply } => {
                let _ = reply.send(self.join_market(&market));
            }
            Command::LeaveMarket { market, reply } => {
                self.leave_market(&market);
                let _ = reply.send(());
            }
            Command::ListenAddrs { reply } => {
                let _ = reply.send(self.listen_addrs.iter().cloned().collect());
            }
            Command::Peers { reply } => {
                let _ = reply.send(self.peers());
            }
            Command::Dial { addr, reply } => {
                let result = self
                    .swarm
                    .dial(addr.clone())
                    .map_err(|e| NetworkError::Dial {
                        addr,
                        reason: e.to_string(),
                    });
                let _ = reply.send(result);
            }
            Command::PeerScore { peer, reply } => {
                let _ = reply.send(self.swarm.behaviour().gossipsub.peer_score(&peer));
            }
            Command::MeshPeers { topic, reply } => {
                let gossipsub = &self.swarm.behaviour().gossipsub;
                let _ = reply.send(gossipsub.mesh_peers(&topic.hash()).copied().collect());
            }
            Command::Request {
                peer,
                kind,
                bytes,
                reply,
            } => {
                let max = self.request_limits.of(kind).request;
                if bytes.len() > max {
                    let size = bytes.len();
                    let _ = reply.send(Err(RequestError::RequestTooLarge { size, max }.into()));
                    return;
                }
                // Unconnected: dialled at what others know of it, and through the relays.
                let circuits = self.circuit_addrs(&peer);
                let id = self
                    .swarm
                    .behaviour_mut()
                    .requests(kind)
                    .send_request_with_addresses(&peer, bytes, circuits);
                self.pending_requests.insert((kind, id), reply);
            }
            Command::AddExternal { addr, reply } => {
                self.swarm.add_external_address(addr);
                let _ = reply.send(());
            }
            Command::Stats { reply } => {
                let _ = reply.send(self.stats);
            }
            Command::Reachability { reply } => {
                let _ = reply.send(self.reachability());
            }
            Command::Penalise { peer, reply } => {
                if self.faults.len() >= scoring::MAX_FAULTY_PEERS
                    && !self.faults.contains_key(&peer)
                {
                    // Bounded memory: forget the peer with the fewest faults.
                    if let Some(forget) =
                        self.faults.iter().min_by_key(|(_, n)| **n).map(|(p, _)| *p)
                    {
                        self.faults.remove(&forget);
                    }
                }
                *self.faults.entry(peer).or_default() += 1;
                self.set_application_score(peer);
                tracing::warn!(%peer, faults = self.faults.get(&peer), "protocol fault: banning the peer");
                if let Some(evicted) = self.bans.ban(peer, Instant::now()) {
                    self.swarm.behaviour_mut().banned.unblock_peer(evicted);
                }
                // Closes its connections and denies new ones, whoever dials.
                self.swarm.behaviour_mut().banned.block_peer(peer);
                let _ = reply.send(());
            }
            // Handled by `run`, which ends the loop.
            Command::Shutdown { reply } => {
                let _ = reply.send(());
            }
        }
    }

    /// Lets peers whose ban is over connect again (their fault count and score stay).
    fn lift_expired_bans(&mut self) {
        for peer in self.bans.expire(Instant::now()) {
            tracing::info!(%peer, "ban over");
            self.swarm.behaviour_mut().banned.unblock_peer(peer);
        }
    }

    /// The application score (gossipsub P5) of `peer`: a bonus for configured bootstrap
    /// peers, minus a heavy penalty per protocol fault.
    fn set_application_score(&mut self, peer: PeerId) {
        let bonus = if self.bootstrap_peers.contains_key(&peer) {
            scoring::BOOTSTRAP_APP_SCORE
        } else {
            0.0
        };
        let faults = f64::from(self.faults.get(&peer).copied().unwrap_or(0));
        let score = bonus + faults * scoring::PROTOCOL_FAULT_APP_SCORE;
        if score != 0.0 {
            self.swarm
                .behaviour_mut()
                .gossipsub
                .set_application_score(&peer, score);
        }
    }

    fn peers(&self) -> Vec<PeerInfo> {
        let gossipsub = &self.swarm.behaviour().gossipsub;
        self.swarm
            .connected_peers()
            .map(|peer| PeerInfo {
                peer_id: *peer,
                addresses: self
                    .peer_addrs
                    .get(peer)
                    .map(|a| a.iter().cloned().collect())
                    .unwrap_or_default(),
                score: gossipsub.peer_score(peer),
                relayed: self.relayed_only(peer),
                hole_punch: self.hole_punch(peer),
            })
            .collect()
    }

    pub(super) fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(event)) => self.on_gossip(event),
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
                peer_id,
                info,
                ..
            })) => self.on_identify(peer_id, info),
            SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) => {
                self.on_request_event(RequestKind::Sync, event)
            }
            SwarmEvent::Behaviour(BehaviourEvent::Msg(event)) => {
                self.on_request_event(RequestKind::Msg, event)
            }
            SwarmEvent::Behaviour(BehaviourEvent::Blob(event)) => {
                self.on_request_event(RequestKind::Blob, event)
            }
            SwarmEvent::Behaviour(BehaviourEvent::Mailbox(event)) => {
                self.on_request_event(RequestKind::Mailbox, event)
            }
            SwarmEvent::Behaviour(BehaviourEvent::RelayClient(event)) => {
                self.on_relay_client(event)
            }
            SwarmEvent::Behaviour(BehaviourEvent::Dcutr(event)) => self.on_dcutr(event),
            SwarmEvent::Behaviour(BehaviourEvent::Ping(event)) => self.on_ping(event),
            SwarmEvent::Behaviour(other) => tracing::trace!(?other, "behaviour event"),
            // A relayed address is the relay's: it is in the reachability, not among the
            // addresses this node listens on (which peers are given to dial it directly).
            SwarmEvent::NewListenAddr { address, .. } if relaying::is_circuit(&address) => {
                tracing::info!(%address, "reachable through a relay at");
            }
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!(%address, "listening");
                self.listen_addrs.insert(address.clone());
                self.assume_public(&address);
                self.emit(NetworkEvent::ListeningOn(address));
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                self.listen_addrs.remove(&address);
                if self.cooperative && !self.external_configured {
                    self.swarm.remove_external_address(&address);
                }
            }
            SwarmEvent::ListenerClosed {
                listener_id,
                addresses,
                ..
            } => {
                for address in &addresses {
                    self.listen_addrs.remove(address);
                }
                self.on_listener_closed(listener_id);
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint,
                num_established,
                ..
            } => {
                self.on_connection(peer_id, connection_id, endpoint.is_relayed());
                if let Some(host) = Host::of(endpoint.get_remote_address(), self.count_loopback) {
                    self.connection_hosts.insert(connection_id, host);
                }
                self.peer_addrs
                    .entry(peer_id)
                    .or_default()
                    .insert(endpoint.get_remote_address().clone());
                self.set_application_score(peer_id);
                if num_established.get() == 1 {
                    self.on_peer_back(peer_id);
                    self.emit(NetworkEvent::PeerConnected(peer_id));
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                endpoint,
                num_established,
                ..
            } => {
                self.on_connection_closed(peer_id, connection_id, endpoint.is_relayed());
                self.connection_hosts.remove(&connection_id);
                if num_established == 0 {
                    self.on_peer_gone(peer_id);
                    self.forget_routes(&peer_id);
                    self.peer_addrs.remove(&peer_id);
                    self.emit(NetworkEvent::PeerDisconnected(peer_id));
                }
            }
            SwarmEvent::ExternalAddrConfirmed { address } => {
                tracing::info!(%address, "public address confirmed");
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                tracing::debug!(?peer_id, "dial failed: {error}");
            }
            _ => {}
        }
    }

    fn on_gossip(&mut self, event: gossipsub::Event) {
        let gossipsub::Event::Message {
            propagation_source,
            message_id,
            message,
        } = event
        else {
            return;
        };
        let handle = MessageHandle {
            id: message_id,
            source: propagation_source,
        };
        let Ok(topic) = GossipTopic::from_hash(&message.topic) else {
            // We only subscribe to our own topics, so this is not expected; drop quietly.
            self.report(&handle, MessageAcceptance::Ignore);
            return;
        };
        let event = NetworkEvent::GossipRecord {
            market: topic.market,
            family: topic.family,
            data: message.data,
            message_id: handle.clone(),
            source: propagation_source,
        };
        if self.events.try_send(event).is_err() {
            self.stats.dropped_gossip += 1;
            self.report(&handle, MessageAcceptance::Ignore);
        }
    }

    fn report(&mut self, handle: &MessageHandle, acceptance: MessageAcceptance) {
        self.swarm
            .behaviour_mut()
            .gossipsub
            .report_message_validation_result(&handle.id, &handle.source, acceptance);
    }

    /// Feeds Kademlia the listen addresses of peers that speak our DHT, and remembers relays
    /// (see `relaying.rs`).
    fn on_identify(&mut self, peer: PeerId, info: identify::Info) {
        self.note_relay(peer, &info);
        if !info.protocols.contains(&KAD_PROTOCOL) {
            return;
        }
        if let Some(kad) = self.swarm.behaviour_mut().kad.as_mut() {
            for addr in info.listen_addrs {
                kad.add_address(&peer, addr);
            }
        }
    }
}
