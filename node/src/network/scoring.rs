//! Gossipsub peer-score weights, as named constants with the reason for each.
//!
//! The score decides whom a node meshes with, gossips to and listens to. What matters for a
//! local market: traffic is low and bursty (a shop publishes a few listings a day), so the
//! "you did not deliver enough" penalties that suit a blockchain's steady block flow would
//! punish honest, quiet peers; the one thing that must cost a peer dearly is forwarding records
//! that fail validation (bad signature, malformed CBOR, wrong field rules), because a node that
//! validates before forwarding — as every smartket node does — never forwards those.
//!
//! Scores only ever count for topics that have [`topic_params`] set; the event loop sets them
//! for each topic it joins.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use libp2p::gossipsub::{
    PeerScoreParams, PeerScoreThresholds, TopicScoreParams, score_parameter_decay,
};

/// Every family counts the same: a bad profile is as bad as a bad listing.
pub const TOPIC_WEIGHT: f64 = 0.5;

/// P1, time in mesh: a small reward for staying, so long-lived peers win ties when the mesh
/// is pruned. Reaches its cap (`TIME_IN_MESH_CAP` quanta) after 50 minutes.
pub const TIME_IN_MESH_WEIGHT: f64 = 0.033;
/// P1 quantum: one unit per 10 s in the mesh.
pub const TIME_IN_MESH_QUANTUM: Duration = Duration::from_secs(10);
/// P1 cap: at most `300 × 0.033 ≈ 10` points per topic before the topic weight.
pub const TIME_IN_MESH_CAP: f64 = 300.0;

/// P2, first deliveries: the peer that brought us a valid record first earns one point.
pub const FIRST_DELIVERIES_WEIGHT: f64 = 1.0;
/// P2 cap: 20 points per topic, so a busy shop's node cannot bank immunity against P4.
pub const FIRST_DELIVERIES_CAP: f64 = 20.0;
/// P2 decay: the reward fades over an hour.
pub const FIRST_DELIVERIES_DECAY: Duration = Duration::from_secs(60 * 60);

/// P4, invalid deliveries: the squared count of rejected records times this weight. One
/// rejected record costs `100 × 0.5 = 50` points, more than every reward above can offset
/// (the positive topic total is capped at [`TOPIC_SCORE_CAP`]) and past [`GOSSIP_THRESHOLD`];
/// two put the peer under [`GRAYLIST_THRESHOLD`], and we stop reading it altogether.
pub const INVALID_DELIVERIES_WEIGHT: f64 = -100.0;
/// P4 decay: forgiven over about a day, so a peer that ran a buggy version recovers once fixed.
pub const INVALID_DELIVERIES_DECAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Upper bound on the sum of positive topic contributions.
pub const TOPIC_SCORE_CAP: f64 = 20.0;

/// P5, application score: set for the configured bootstrap peers so that their peer exchange
/// is accepted (see [`ACCEPT_PX_THRESHOLD`]). Multiplied by [`BOOTSTRAP_APP_SCORE`].
pub const APP_SPECIFIC_WEIGHT: f64 = 1.0;
/// The application score given to a configured bootstrap peer.
pub const BOOTSTRAP_APP_SCORE: f64 = 15.0;

/// The application score one protocol fault costs (a bogus sync message, ids the peer claimed
/// and did not supply, a blob that does not match its name). Honest implementations never
/// commit these, so one is enough to graylist the peer, even a configured bootstrap peer.
pub const PROTOCOL_FAULT_APP_SCORE: f64 = -150.0;
/// Most peers whose faults are remembered (a peer-id-minting attacker cannot grow the table).
pub const MAX_FAULTY_PEERS: usize = 4096;
/// How long a peer is refused connections after a protocol fault. Disconnecting alone is not
/// enough: a peer redials at once (Kademlia's bootstrap, its own bootstrap list) and would come
/// back under the same id, connected again but never synced with again.
pub const FAULT_BAN: Duration = Duration::from_secs(10 * 60);
/// How often expired bans are lifted.
pub const BAN_SWEEP_EVERY: Duration = Duration::from_secs(15);

/// P6, IP colocation: many peer ids from one address smell of a Sybil attack. Households and
/// shops behind one NAT are common, so only more than this many peers per IP count.
pub const IP_COLOCATION_THRESHOLD: f64 = 8.0;
/// P6 weight, applied to the square of the excess.
pub const IP_COLOCATION_WEIGHT: f64 = -5.0;

/// P7, protocol misbehaviour (re-grafting during backoff, broken IWANT promises).
pub const BEHAVIOUR_PENALTY_WEIGHT: f64 = -10.0;
/// P7 threshold: a few misses are tolerated — home and mobile links drop packets.
pub const BEHAVIOUR_PENALTY_THRESHOLD: f64 = 6.0;
/// P7 decay: forgiven over ten minutes.
pub const BEHAVIOUR_PENALTY_DECAY: Duration = Duration::from_secs(10 * 60);

/// How long a disconnected peer's score is remembered, so reconnecting does not wash it.
pub const RETAIN_SCORE: Duration = Duration::from_secs(60 * 60);

/// Below this, we neither gossip IHAVE/IWANT with the peer nor accept its gossip. One
/// rejected record ([`INVALID_DELIVERIES_WEIGHT`]) is enough.
pub const GOSSIP_THRESHOLD: f64 = -10.0;
/// Below this, we do not publish our own records to the peer.
pub const PUBLISH_THRESHOLD: f64 = -50.0;
/// Below this, everything the peer sends is dropped unread.
pub const GRAYLIST_THRESHOLD: f64 = -80.0;
/// Peer exchange is only taken from peers at least this good: in practice the configured
/// bootstrap nodes (see [`BOOTSTRAP_APP_SCORE`]), which cannot be reached by P1 and P2 alone
/// within an hour — so a stranger cannot steer our mesh with PX.
pub const ACCEPT_PX_THRESHOLD: f64 = 10.0;
/// When the median mesh score falls below this, better peers are grafted opportunistically.
pub const OPPORTUNISTIC_GRAFT_THRESHOLD: f64 = 3.0;

// The relations the doc comments promise, checked at compile time.
const ONE_INVALID: f64 = INVALID_DELIVERIES_WEIGHT * TOPIC_WEIGHT;
const _: () = assert!(TOPIC_SCORE_CAP + ONE_INVALID < GOSSIP_THRESHOLD);
const _: () = assert!(TOPIC_SCORE_CAP + 4.0 * ONE_INVALID < GRAYLIST_THRESHOLD);
const _: () = assert!(BOOTSTRAP_APP_SCORE * APP_SPECIFIC_WEIGHT >= ACCEPT_PX_THRESHOLD);
const _: () = assert!(
    (BOOTSTRAP_APP_SCORE + PROTOCOL_FAULT_APP_SCORE) * APP_SPECIFIC_WEIGHT + TOPIC_SCORE_CAP
        < GRAYLIST_THRESHOLD
);

/// The node-wide score parameters (topics are added as they are joined).
pub fn peer_score_params() -> PeerScoreParams {
    PeerScoreParams {
        topics: Default::default(),
        topic_score_cap: TOPIC_SCORE_CAP,
        app_specific_weight: APP_SPECIFIC_WEIGHT,
        ip_colocation_factor_weight: IP_COLOCATION_WEIGHT,
        ip_colocation_factor_threshold: IP_COLOCATION_THRESHOLD,
        // Loopback peers are this machine's own nodes (tests, demos): never a Sybil swarm.
        ip_colocation_factor_whitelist: HashSet::from([
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ]),
        behaviour_penalty_weight: BEHAVIOUR_PENALTY_WEIGHT,
        behaviour_penalty_threshold: BEHAVIOUR_PENALTY_THRESHOLD,
        behaviour_penalty_decay: score_parameter_decay(BEHAVIOUR_PENALTY_DECAY),
        retain_score: RETAIN_SCORE,
        ..PeerScoreParams::default()
    }
}

/// The score parameters of one topic (the same for every family).
pub fn topic_params() -> TopicScoreParams {
    TopicScoreParams {
        topic_weight: TOPIC_WEIGHT,
        time_in_mesh_weight: TIME_IN_MESH_WEIGHT,
        time_in_mesh_quantum: TIME_IN_MESH_QUANTUM,
        time_in_mesh_cap: TIME_IN_MESH_CAP,
        first_message_deliveries_weight: FIRST_DELIVERIES_WEIGHT,
        first_message_deliveries_decay: score_parameter_decay(FIRST_DELIVERIES_DECAY),
        first_message_deliveries_cap: FIRST_DELIVERIES_CAP,
        // P3 and P3b, mesh delivery rates: off. A quiet market is not a misbehaving peer.
        mesh_message_deliveries_weight: 0.0,
        mesh_failure_penalty_weight: 0.0,
        invalid_message_deliveries_weight: INVALID_DELIVERIES_WEIGHT,
        invalid_message_deliveries_decay: score_parameter_decay(INVALID_DELIVERIES_DECAY),
        ..TopicScoreParams::default()
    }
}

/// The thresholds above, together.
pub fn thresholds() -> PeerScoreThresholds {
    PeerScoreThresholds {
        gossip_threshold: GOSSIP_THRESHOLD,
        publish_threshold: PUBLISH_THRESHOLD,
        graylist_threshold: GRAYLIST_THRESHOLD,
        accept_px_threshold: ACCEPT_PX_THRESHOLD,
        opportunistic_graft_threshold: OPPORTUNISTIC_GRAFT_THRESHOLD,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_pass_gossipsub_validation() {
        peer_score_params().validate().unwrap();
        topic_params().validate().unwrap();
        thresholds().validate().unwrap();
    }
}
