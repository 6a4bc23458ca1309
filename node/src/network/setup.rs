//! Building and starting the swarm: transports, listeners, topics, bootstrap dials.
//!
//! Listen errors are found here, before the node reports itself started: the port is probed
//! first with a plain socket, because libp2p's TCP listener sets `SO_REUSEPORT` and would
//! otherwise silently *share* a port with another smartket node instead of failing.

use std::collections::HashSet;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures::StreamExt;
use libp2p::core::transport::TransportError;
use libp2p::identity::Keypair;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::SwarmEvent;
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::{Multiaddr, PeerId, Swarm, SwarmBuilder, noise, tcp, yamux};
use tokio::sync::mpsc;

use super::behaviour::{self, Behaviour};
use super::client::Client;
use super::config::{NetworkConfig, parse_bootstrap};
use super::event_loop::EventLoop;
use super::{ListenFailure, NetworkError, NetworkEvent};

/// How long start-up waits for the listeners' first addresses.
const LISTEN_DEADLINE: Duration = Duration::from_secs(5);
/// How long an idle connection (no protocol wants it) stays open.
const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(60);

fn build_error(e: impl std::fmt::Display) -> NetworkError {
    NetworkError::Build(e.to_string())
}

/// Everything [`super::new`] does.
pub(super) async fn start(
    keypair: Keypair,
    config: NetworkConfig,
) -> Result<(Client, mpsc::Receiver<NetworkEvent>, EventLoop), NetworkError> {
    let local = keypair.public().to_peer_id();
    let bootstrap = config
        .bootstrap
        .iter()
        .map(parse_bootstrap)
        .collect::<Result<Vec<_>, _>>()?;
    for addr in &config.listen {
        probe_port(addr)?;
    }

    let mut swarm = build_swarm(keypair, &config)?;
    for addr in &config.external {
        swarm.add_external_address(addr.clone());
    }
    let mut pending: HashSet<_> = HashSet::new();
    for addr in &config.listen {
        let id = swarm
            .listen_on(addr.clone())
            .map_err(|e| listen_error(addr, e))?;
        pending.insert(id);
    }

    let (command_tx, command_rx) = mpsc::channel(config.command_capacity.max(1));
    let (event_tx, event_rx) = mpsc::channel(config.event_capacity.max(1));
    let mut event_loop = EventLoop::new(swarm, command_rx, event_tx, &config);
    event_loop
        .wait_for_listeners(pending, LISTEN_DEADLINE)
        .await?;
    for market in &config.markets {
        event_loop.join_market(market)?;
    }
    let bootstrap_peers: Vec<(PeerId, Multiaddr)> = bootstrap
        .into_iter()
        .filter(|(peer, _)| *peer != local)
        .collect();
    let keepers = bootstrap_peers.iter().map(|(peer, _)| *peer).collect();
    event_loop.dial_bootstrap(bootstrap_peers);
    Ok((
        Client::new(command_tx, local, keepers),
        event_rx,
        event_loop,
    ))
}

fn build_swarm(keypair: Keypair, config: &NetworkConfig) -> Result<Swarm<Behaviour>, NetworkError> {
    Ok(SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(build_error)?
        .with_quic()
        .with_dns()
        .map_err(build_error)?
        .with_relay_client(noise::Config::new, yamux::Config::default)
        .map_err(build_error)?
        .with_behaviour(|key, relay_client| {
            behaviour::build(key, relay_client, config)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
        })
        .map_err(build_error)?
        .with_swarm_config(|c| c.with_idle_connection_timeout(IDLE_CONNECTION_TIMEOUT))
        .build())
}

/// The socket address of a TCP or QUIC listen address, and whether it is UDP.
fn socket_of(addr: &Multiaddr) -> Option<(SocketAddr, bool)> {
    let mut ip: Option<IpAddr> = None;
    for p in addr.iter() {
        match p {
            Protocol::Ip4(a) => ip = Some(a.into()),
            Protocol::Ip6(a) => ip = Some(a.into()),
            Protocol::Tcp(port) => return ip.map(|ip| (SocketAddr::new(ip, port), false)),
            Protocol::Udp(port) => return ip.map(|ip| (SocketAddr::new(ip, port), true)),
            _ => return None,
        }
    }
    None
}

/// Binds the port with a plain socket and lets it go, to catch a port held by anyone else.
fn probe_port(addr: &Multiaddr) -> Result<(), NetworkError> {
    let Some((socket, udp)) = socket_of(addr) else {
        // Not ours to probe (e.g. a relay circuit): libp2p judges it.
        return Ok(());
    };
    if socket.port() == 0 {
        return Ok(());
    }
    let bound = if udp {
        std::net::UdpSocket::bind(socket).map(drop)
    } else {
        std::net::TcpListener::bind(socket).map(drop)
    };
    bound.map_err(|e| NetworkError::Listen {
        addr: addr.clone(),
        reason: io_failure(&e),
    })
}

fn io_failure(e: &io::Error) -> ListenFailure {
    if e.kind() == io::ErrorKind::AddrInUse {
        ListenFailure::InUse
    } else {
        ListenFailure::Io(e.to_string())
    }
}

fn listen_error(addr: &Multiaddr, e: TransportError<io::Error>) -> NetworkError {
    let reason = match e {
        TransportError::MultiaddrNotSupported(_) => ListenFailure::Unsupported,
        TransportError::Other(e) => io_failure(&e),
    };
    NetworkError::Listen {
        addr: addr.clone(),
        reason,
    }
}

impl EventLoop {
    /// Drives the swarm until every listener has reported an address or failed.
    async fn wait_for_listeners(
        &mut self,
        mut pending: HashSet<libp2p::core::transport::ListenerId>,
        deadline: Duration,
    ) -> Result<(), NetworkError> {
        let until = tokio::time::Instant::now() + deadline;
        while !pending.is_empty() {
            let Ok(Some(event)) = tokio::time::timeout_at(until, self.swarm.next()).await else {
                tracing::warn!("some listeners reported no address within {deadline:?}");
                return Ok(());
            };
            match &event {
                SwarmEvent::NewListenAddr { listener_id, .. } => {
                    pending.remove(listener_id);
                }
                SwarmEvent::ListenerClosed {
                    listener_id,
                    addresses,
                    reason: Err(e),
                } => {
                    let addr = addresses.first().cloned().unwrap_or_else(Multiaddr::empty);
                    tracing::warn!(%addr, "listener {listener_id:?} failed: {e}");
                    return Err(NetworkError::Listen {
                        addr,
                        reason: io_failure(e),
                    });
                }
                _ => {}
            }
            self.on_swarm_event(event);
        }
        Ok(())
    }

    /// Remembers the bootstrap peers (their peer exchange is trusted) and dials them.
    fn dial_bootstrap(&mut self, peers: Vec<(PeerId, Multiaddr)>) {
        for (peer, addr) in peers {
            self.bootstrap_peers.insert(peer, addr.clone());
            self.swarm.add_peer_address(peer, addr.clone());
            if let Some(kad) = self.swarm.behaviour_mut().kad.as_mut() {
                kad.add_address(&peer, addr.clone());
            }
            let opts = DialOpts::peer_id(peer)
                .addresses(vec![addr.clone()])
                .build();
            if let Err(e) = self.swarm.dial(opts) {
                // A bootstrap node being down is not fatal: others, or Kademlia, may do.
                tracing::warn!(%addr, "cannot dial bootstrap node: {e}");
            }
        }
    }
}
