//! Typed gossipsub topics: one per market and record family.
//!
//! ```text
//! /smartket/1/<market>/<family>      e.g. /smartket/1/geneva/listings
//! ```
//!
//! Records are split by family so that a node can weigh each stream on its own (peer scores are
//! per topic) and so that a later light client could follow only what it needs (a courier's
//! job board needs `listings` less than `delivery`). A record and its tombstone always share a
//! topic, because the tombstone must reach every node that holds what it deletes.

use std::fmt;
use std::str::FromStr;

use libp2p::gossipsub::{IdentTopic, TopicHash};
use smartket_protocol::Kind;
use smartket_protocol::record::validate_market_id;

/// The version segment of every topic; a change in gossip framing moves to a new one.
const TOPIC_VERSION: &str = "1";
/// The first segment of every topic.
const TOPIC_PREFIX: &str = "smartket";

/// A family of records that share a gossip topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Profiles, attestations, memberships, and tombstones of those: who the actors are.
    Actors,
    /// Listings and their tombstones: what is for sale.
    Listings,
    /// Delivery offers and their tombstones: who delivers where.
    Delivery,
}

impl Family {
    /// Every family, in the order topics are subscribed.
    pub const ALL: [Family; 3] = [Family::Actors, Family::Listings, Family::Delivery];

    /// The topic segment.
    pub fn as_str(&self) -> &'static str {
        match self {
            Family::Actors => "actors",
            Family::Listings => "listings",
            Family::Delivery => "delivery",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Family {
    type Err = TopicError;
    fn from_str(s: &str) -> Result<Family, TopicError> {
        Family::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or(TopicError::UnknownFamily)
    }
}

/// The family a record travels in, from the kind of slot it fills (for a tombstone, the kind
/// it deletes — so the deletion follows the same path as what it deletes).
pub fn family_of(slot_kind: Kind) -> Family {
    match slot_kind {
        Kind::Listing => Family::Listings,
        Kind::DeliveryOffer => Family::Delivery,
        // A tombstone never targets a tombstone (the protocol refuses it); if one ever
        // arrives here it travels with the actors and is rejected by ingest.
        Kind::Profile | Kind::Attestation | Kind::Membership | Kind::Tombstone => Family::Actors,
    }
}

/// A topic that did not parse as one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TopicError {
    /// Not `/smartket/1/<market>/<family>`.
    #[error("not a smartket topic (expected /smartket/1/<market>/<family>)")]
    Shape,
    /// The market segment is not a valid market id.
    #[error("bad market id in topic: {0}")]
    BadMarket(&'static str),
    /// The family segment is not one we know.
    #[error("unknown record family in topic (expected actors, listings or delivery)")]
    UnknownFamily,
}

/// One market's topic for one family.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GossipTopic {
    /// The market id, e.g. `geneva`.
    pub market: String,
    /// The record family.
    pub family: Family,
}

impl GossipTopic {
    /// The topic of `family` in `market`, checking the market id (it becomes part of a string
    /// other nodes parse).
    pub fn new(market: &str, family: Family) -> Result<GossipTopic, TopicError> {
        validate_market_id(market).map_err(TopicError::BadMarket)?;
        Ok(GossipTopic {
            market: market.to_owned(),
            family,
        })
    }

    /// Every family's topic of `market`.
    pub fn all_of(market: &str) -> Result<Vec<GossipTopic>, TopicError> {
        Family::ALL
            .into_iter()
            .map(|family| GossipTopic::new(market, family))
            .collect()
    }

    /// Parses a topic string as received from gossipsub.
    pub fn decode(topic: &str) -> Result<GossipTopic, TopicError> {
        let mut parts = topic.split('/');
        let (Some(""), Some(TOPIC_PREFIX), Some(TOPIC_VERSION), Some(market), Some(family), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(TopicError::Shape);
        };
        GossipTopic::new(market, family.parse()?)
    }

    /// Parses the hash gossipsub hands us (for identity topics, the string itself).
    pub fn from_hash(hash: &TopicHash) -> Result<GossipTopic, TopicError> {
        GossipTopic::decode(hash.as_str())
    }

    /// The gossipsub topic (identity-hashed: the string travels as is, which keeps topics
    /// readable in logs and lets other implementations subscribe without our hash function).
    pub fn ident(&self) -> IdentTopic {
        IdentTopic::new(self.to_string())
    }

    /// The gossipsub topic hash.
    pub fn hash(&self) -> TopicHash {
        self.ident().hash()
    }
}

impl fmt::Display for GossipTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "/{TOPIC_PREFIX}/{TOPIC_VERSION}/{}/{}",
            self.market, self.family
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip_through_their_string() {
        for family in Family::ALL {
            let topic = GossipTopic::new("geneva", family).unwrap();
            let text = topic.to_string();
            assert!(text.starts_with("/smartket/1/geneva/"));
            assert_eq!(GossipTopic::decode(&text).unwrap(), topic);
            assert_eq!(GossipTopic::from_hash(&topic.hash()).unwrap(), topic);
        }
    }

    #[test]
    fn foreign_and_malformed_topics_are_refused() {
        assert_eq!(
            GossipTopic::decode("/meshsub/1/geneva/listings"),
            Err(TopicError::Shape)
        );
        assert_eq!(
            GossipTopic::decode("/smartket/1/geneva/listings/extra"),
            Err(TopicError::Shape)
        );
        assert_eq!(
            GossipTopic::decode("/smartket/1/geneva/orders"),
            Err(TopicError::UnknownFamily)
        );
        assert!(matches!(
            GossipTopic::decode("/smartket/1/Geneva/listings"),
            Err(TopicError::BadMarket(_))
        ));
    }

    #[test]
    fn tombstones_travel_with_what_they_delete() {
        assert_eq!(family_of(Kind::Listing), Family::Listings);
        assert_eq!(family_of(Kind::DeliveryOffer), Family::Delivery);
        for kind in [Kind::Profile, Kind::Attestation, Kind::Membership] {
            assert_eq!(family_of(kind), Family::Actors);
        }
    }
}
