#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures::StreamExt;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::swarm::{ListenError, SwarmEvent};
use libp2p::{Swarm, SwarmBuilder, identity::Keypair, noise, tcp, yamux};

use super::*;

fn host(addr: &str, limit_loopback: bool) -> Option<Host> {
    Host::of(&addr.parse().unwrap(), limit_loopback)
}

#[test]
fn a_host_is_an_ipv4_address_or_an_ipv6_64_and_relayed_and_loopback_ones_are_not_counted() {
    let a = host("/ip4/198.51.100.7/tcp/4001", false);
    assert_eq!(a, Some(Host::V4("198.51.100.7".parse().unwrap())));
    assert_ne!(a, host("/ip4/198.51.100.8/tcp/4001", false));
    assert_eq!(a, host("/ip6/::ffff:198.51.100.7/udp/4001/quic-v1", false));
    assert_eq!(
        host("/ip6/2001:db8:1:2::1/tcp/1", false),
        host("/ip6/2001:db8:1:2:ffff::9/udp/2/quic-v1", false),
    );
    assert_ne!(
        host("/ip6/2001:db8:1:2::1/tcp/1", false),
        host("/ip6/2001:db8:1:3::1/tcp/1", false),
    );
    let relayed = "/ip4/198.51.100.7/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN/p2p-circuit";
    assert_eq!(host(relayed, true), None);
    assert_eq!(host("/ip4/127.0.0.1/tcp/1", false), None);
    assert_eq!(host("/ip6/::1/tcp/1", false), None);
    assert!(host("/ip4/127.0.0.1/tcp/1", true).is_some());
    assert_eq!(host("/dns4/example.org/tcp/1", true), None);
}

fn swarm<B: NetworkBehaviour>(behaviour: B) -> Swarm<B> {
    SwarmBuilder::with_existing_identity(Keypair::generate_ed25519())
        .with_tokio()
        .with_tcp(
            tcp::Config::default(),
            noise::Config::new,
            yamux::Config::default,
        )
        .unwrap()
        .with_behaviour(|_| behaviour)
        .unwrap()
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(60)))
        .build()
}

/// What the listener saw of the dialer's attempts.
#[derive(Debug, Default, PartialEq, Eq)]
struct Seen {
    established: usize,
    denied: usize,
}

/// Drives both swarms until the listener has settled `attempts` inbound connections.
async fn settle(
    listener: &mut Swarm<Behaviour>,
    dialer: &mut Swarm<dummy::Behaviour>,
    attempts: usize,
) -> Seen {
    let mut seen = Seen::default();
    let deadline = tokio::time::sleep(Duration::from_secs(20));
    tokio::pin!(deadline);
    while seen.established + seen.denied < attempts {
        tokio::select! {
            event = listener.select_next_some() => match event {
                SwarmEvent::ConnectionEstablished { .. } => seen.established += 1,
                SwarmEvent::IncomingConnectionError {
                    error: ListenError::Denied { cause }, ..
                } => {
                    assert!(cause.downcast::<TooManyFromHost>().is_ok());
                    seen.denied += 1;
                }
                SwarmEvent::IncomingConnectionError { error, .. } => panic!("{error}"),
                _ => {}
            },
            _ = dialer.select_next_some() => {}
            () = &mut deadline => panic!("attempts not settled: {seen:?}"),
        }
    }
    seen
}

fn dial(dialer: &mut Swarm<dummy::Behaviour>, peer: PeerId, addr: &Multiaddr) {
    dialer
        .dial(
            DialOpts::peer_id(peer)
                .addresses(vec![addr.clone()])
                .condition(PeerCondition::Always)
                .build(),
        )
        .unwrap();
}

/// One host dialing over and over gets its share and no more, and its slot comes back when a
/// connection of its closes; the count is by address, so a new peer id from it changes nothing.
#[tokio::test]
async fn one_host_gets_its_share_of_inbound_connections_and_no_more() {
    let limits = PerIpLimits {
        established: 3,
        pending: 16,
        limit_loopback: true,
    };
    let mut listener = swarm(Behaviour::new(limits));
    listener
        .listen_on("/ip4/127.0.0.1/tcp/0".parse().unwrap())
        .unwrap();
    let addr = loop {
        if let SwarmEvent::NewListenAddr { address, .. } = listener.select_next_some().await {
            break address;
        }
    };
    let target = *listener.local_peer_id();
    let mut dialer = swarm(dummy::Behaviour);
    for _ in 0..10 {
        dial(&mut dialer, target, &addr);
    }
    assert_eq!(
        settle(&mut listener, &mut dialer, 10).await,
        Seen {
            established: 3,
            denied: 7
        }
    );

    let mut other = swarm(dummy::Behaviour);
    dial(&mut other, target, &addr);
    assert_eq!(
        settle(&mut listener, &mut other, 1).await,
        Seen {
            established: 0,
            denied: 1
        },
        "a new peer id from the same address"
    );

    assert!(dialer.disconnect_peer_id(target).is_ok());
    let mut closed = 0;
    while closed < 3 {
        tokio::select! {
            event = listener.select_next_some() => {
                if matches!(event, SwarmEvent::ConnectionClosed { .. }) {
                    closed += 1;
                }
            }
            _ = dialer.select_next_some() => {}
        }
    }
    assert!(listener.behaviour().established_per_host.is_empty());
    dial(&mut other, target, &addr);
    assert_eq!(
        settle(&mut listener, &mut other, 1).await,
        Seen {
            established: 1,
            denied: 0
        },
        "after the host's connections closed"
    );
}
