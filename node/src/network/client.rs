//! The cloneable handle the rest of the node uses to drive the network.
//!
//! Every method sends one [`Command`] over the bounded command channel and awaits its
//! oneshot reply; the [`super::EventLoop`] owns the swarm and answers. When the event loop has
//! ended, every method returns [`NetworkError::Shutdown`].

use std::collections::HashSet;
use std::sync::Arc;

use libp2p::{Multiaddr, PeerId};
use smartket_protocol::record::MAX_RECORD_BYTES;
use tokio::sync::{mpsc, oneshot};

use super::codec::RequestKind;
use super::topics::{Family, GossipTopic};
use super::{MessageHandle, NetworkError, NetworkStats, PeerInfo, Reachability, Validation};

/// What the client asks of the event loop; each carries the channel for its answer.
#[derive(Debug)]
pub(crate) enum Command {
    Publish {
        topic: GossipTopic,
        data: Vec<u8>,
        reply: oneshot::Sender<Result<(), NetworkError>>,
    },
    ReportValidation {
        handle: MessageHandle,
        validation: Validation,
        reply: oneshot::Sender<bool>,
    },
    JoinMarket {
        market: String,
        reply: oneshot::Sender<Result<(), NetworkError>>,
    },
    LeaveMarket {
        market: String,
        reply: oneshot::Sender<()>,
    },
    ListenAddrs {
        reply: oneshot::Sender<Vec<Multiaddr>>,
    },
    Peers {
        reply: oneshot::Sender<Vec<PeerInfo>>,
    },
    Dial {
        addr: Multiaddr,
        reply: oneshot::Sender<Result<(), NetworkError>>,
    },
    PeerScore {
        peer: PeerId,
        reply: oneshot::Sender<Option<f64>>,
    },
    MeshPeers {
        topic: GossipTopic,
        reply: oneshot::Sender<Vec<PeerId>>,
    },
    Request {
        peer: PeerId,
        kind: RequestKind,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Result<Vec<u8>, NetworkError>>,
    },
    Stats {
        reply: oneshot::Sender<NetworkStats>,
    },
    Reachability {
        reply: oneshot::Sender<Reachability>,
    },
    AddExternal {
        addr: Multiaddr,
        reply: oneshot::Sender<()>,
    },
    Penalise {
        peer: PeerId,
        reply: oneshot::Sender<()>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// A handle on the running network. Cheap to clone; all clones talk to the same event loop.
#[derive(Debug, Clone)]
pub struct Client {
    sender: mpsc::Sender<Command>,
    local_peer_id: PeerId,
    bootstrap: Arc<HashSet<PeerId>>,
}

impl Client {
    pub(crate) fn new(
        sender: mpsc::Sender<Command>,
        local_peer_id: PeerId,
        bootstrap: HashSet<PeerId>,
    ) -> Client {
        Client {
            sender,
            local_peer_id,
            bootstrap: Arc::new(bootstrap),
        }
    }

    /// Whether `peer` is one of the bootstrap peers this node was given (its config and its
    /// markets' files): the cooperatives the operator and the market chose. Only they are
    /// given this node's mail to keep, or asked for it (`spec/security.md` §5): a peer id any
    /// stranger can mint must not learn who writes to whom.
    pub fn is_bootstrap(&self, peer: &PeerId) -> bool {
        self.bootstrap.contains(peer)
    }

    /// Sends a command and waits for its reply.
    async fn call<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, NetworkError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(command(reply))
            .await
            .map_err(|_| NetworkError::Shutdown)?;
        answer.await.map_err(|_| NetworkError::Shutdown)
    }

    /// This node's peer id.
    pub fn local_peer_id(&self) -> PeerId {
        self.local_peer_id
    }

    /// Publishes a record's wire bytes on `market`'s topic for `family`.
    ///
    /// [`NetworkError::InsufficientPeers`] means nobody subscribed is connected yet: keep the
    /// record and publish it again when a peer connects.
    pub async fn publish(
        &self,
        market: &str,
        family: Family,
        wire: Vec<u8>,
    ) -> Result<(), NetworkError> {
        if wire.len() > MAX_RECORD_BYTES {
            return Err(NetworkError::TooLarge {
                size: wire.len(),
                max: MAX_RECORD_BYTES,
            });
        }
        let topic = GossipTopic::new(market, family).map_err(|e| NetworkError::BadMarket {
            market: market.to_owned(),
            reason: e.to_string(),
        })?;
        self.call(|reply| Command::Publish {
            topic,
            data: wire,
            reply,
        })
        .await?
    }

    /// Tells gossipsub what ingest made of a received record: Accept forwards it to the mesh,
    /// Ignore drops it, Reject drops it and lowers the sender's score. Returns false when
    /// gossipsub no longer held the message (answered too late).
    pub async fn report_validation(
        &self,
        handle: MessageHandle,
        validation: Validation,
    ) -> Result<bool, NetworkError> {
        self.call(|reply| Command::ReportValidation {
            handle,
            validation,
            reply,
        })
        .await
    }

    /// Subscribes to every family topic of `market`.
    pub async fn join_market(&self, market: &str) -> Result<(), NetworkError> {
        let market = market.to_owned();
        self.call(|reply| Command::JoinMarket { market, reply })
            .await?
    }

    /// Unsubscribes from every family topic of `market`.
    pub async fn leave_market(&self, market: &str) -> Result<(), NetworkError> {
        let market = market.to_owned();
        self.call(|reply| Command::LeaveMarket { market, reply })
            .await
    }

    /// The addresses the node listens on now (with the ports the OS chose).
    pub async fn listen_addrs(&self) -> Result<Vec<Multiaddr>, NetworkError> {
        self.call(|reply| Command::ListenAddrs { reply }).await
    }

    /// The connected peers, with their addresses and gossipsub scores.
    pub async fn peers(&self) -> Result<Vec<PeerInfo>, NetworkError> {
        self.call(|reply| Command::Peers { reply }).await
    }

    /// Starts dialling `addr` (the connection, when made, is reported as
    /// [`super::NetworkEvent::PeerConnected`]).
    pub async fn dial(&self, addr: Multiaddr) -> Result<(), NetworkError> {
        self.call(|reply| Command::Dial { addr, reply }).await?
    }

    /// The gossipsub score of `peer`, if scoring knows it.
    pub async fn peer_score(&self, peer: PeerId) -> Result<Option<f64>, NetworkError> {
        self.call(|reply| Command::PeerScore { peer, reply }).await
    }

    /// The peers in our gossipsub mesh for `market`'s `family` topic.
    pub async fn mesh_peers(
        &self,
        market: &str,
        family: Family,
    ) -> Result<Vec<PeerId>, NetworkError> {
        let topic = GossipTopic::new(market, family).map_err(|e| NetworkError::BadMarket {
            market: market.to_owned(),
            reason: e.to_string(),
        })?;
        self.call(|reply| Command::MeshPeers { topic, reply }).await
    }

    /// Sends one request on `kind`'s protocol and waits for the response.
    pub async fn request(
        &self,
        peer: PeerId,
        kind: RequestKind,
        bytes: Vec<u8>,
    ) -> Result<Vec<u8>, NetworkError> {
        self.call(|reply| Command::Request {
            peer,
            kind,
            bytes,
            reply,
        })
        .await?
    }

    /// Declares an address at which this node is publicly reachable (a cooperative node's
    /// public IP and port). It is advertised to peers, turns Kademlia to server mode and
    /// enables the relay server, which stays off while the node knows no public address.
    pub async fn add_external_address(&self, addr: Multiaddr) -> Result<(), NetworkError> {
        self.call(|reply| Command::AddExternal { addr, reply })
            .await
    }

    /// Counts a protocol fault against `peer` (bogus sync messages, records it claimed and did
    /// not supply, a blob that does not match its name), cuts the connection and refuses new
    /// ones, whoever dials, for `scoring::FAULT_BAN`. The fault also lowers the peer's gossipsub
    /// application score below the graylist threshold, so when it comes back after the ban
    /// nothing it gossips is read either (see `scoring::PROTOCOL_FAULT_APP_SCORE`).
    pub async fn penalise(&self, peer: PeerId) -> Result<(), NetworkError> {
        self.call(|reply| Command::Penalise { peer, reply }).await
    }

    /// Counters of what was dropped because the node was not keeping up.
    pub async fn stats(&self) -> Result<NetworkStats, NetworkError> {
        self.call(|reply| Command::Stats { reply }).await
    }

    /// How others reach this node: at public addresses, through relays, or not at all.
    pub async fn reachability(&self) -> Result<Reachability, NetworkError> {
        self.call(|reply| Command::Reachability { reply }).await
    }

    /// Leaves every topic, closes every connection and ends the event loop. Calling it again,
    /// or after the loop ended, is not an error.
    pub async fn shutdown(&self) -> Result<(), NetworkError> {
        match self.call(|reply| Command::Shutdown { reply }).await {
            Ok(()) | Err(NetworkError::Shutdown) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
