//! The record kinds: what a record's `body` holds, and each kind's field rules.
//!
//! `kind` in the payload header says which body follows. Bodies are CBOR maps with text keys;
//! unknown keys are ignored (and kept, since records travel as the bytes that were signed), so a
//! later minor version can add optional fields without splitting the network.

mod attestation;
pub mod common;
mod delivery;
mod label;
mod listing;
mod membership;
pub mod payment;
mod profile;
mod tombstone;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::record::Payload;

pub use attestation::*;
pub use common::{Address, GeoPoint, MultiText, TimeSlot, Weekday};
pub use delivery::*;
pub use label::{
    LabelDefinition, MAX_LABEL_DEFINITIONS, MAX_LABEL_DESCRIPTION_BYTES, MAX_LABEL_NAME_BYTES,
};
pub use listing::*;
pub use membership::*;
pub use payment::{PaymentMeans, is_qr_iban, normalize_iban, validate_iban};
pub use profile::*;
pub use tombstone::*;

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An actor's public profile.
    Profile,
    /// A good or a service for sale.
    Listing,
    /// A courier's delivery offer.
    DeliveryOffer,
    /// An issuer's statement that a label applies to an actor or a listing.
    Attestation,
    /// A producer's authorisation of a platform, countersigned by the platform.
    Membership,
    /// The deletion of a slot.
    Tombstone,
}

impl Kind {
    /// Every kind, in wire-name order of the spec.
    pub const ALL: [Kind; 6] = [
        Kind::Profile,
        Kind::Listing,
        Kind::DeliveryOffer,
        Kind::Attestation,
        Kind::Membership,
        Kind::Tombstone,
    ];

    /// The name on the wire.
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Profile => "profile",
            Kind::Listing => "listing",
            Kind::DeliveryOffer => "delivery_offer",
            Kind::Attestation => "attestation",
            Kind::Membership => "membership",
            Kind::Tombstone => "tombstone",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Kind, RecordError> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| RecordError::UnknownKind(s.to_owned()))
    }
}

/// A record's body, one variant per kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Body {
    /// See [`Profile`].
    Profile(Profile),
    /// See [`Listing`].
    Listing(Listing),
    /// See [`DeliveryOffer`].
    DeliveryOffer(DeliveryOffer),
    /// See [`Attestation`].
    Attestation(Attestation),
    /// See [`Membership`].
    Membership(Membership),
    /// See [`Tombstone`].
    Tombstone(Tombstone),
}

impl Body {
    /// The kind of this body.
    pub fn kind(&self) -> Kind {
        match self {
            Body::Profile(_) => Kind::Profile,
            Body::Listing(_) => Kind::Listing,
            Body::DeliveryOffer(_) => Kind::DeliveryOffer,
            Body::Attestation(_) => Kind::Attestation,
            Body::Membership(_) => Kind::Membership,
            Body::Tombstone(_) => Kind::Tombstone,
        }
    }

    /// The kind of slot this body fills: its own, or for a tombstone the kind it deletes.
    pub fn slot_kind(&self) -> Kind {
        match self {
            Body::Tombstone(t) => t.target_kind,
            other => other.kind(),
        }
    }

    /// Reads the body of a record of `kind` from its CBOR value (the payload decoder's path;
    /// public for callers that build bodies from another form, e.g. JSON). The kind's field
    /// rules are checked when a payload holding it is validated or signed.
    pub fn from_value(kind: Kind, value: ciborium::Value) -> Result<Body, RecordError> {
        fn read<T: serde::de::DeserializeOwned>(
            kind: Kind,
            value: ciborium::Value,
        ) -> Result<T, RecordError> {
            value
                .deserialized()
                .map_err(|e| RecordError::field("body", format!("not a valid {kind} body: {e}")))
        }
        Ok(match kind {
            Kind::Profile => Body::Profile(read(kind, value)?),
            Kind::Listing => Body::Listing(read(kind, value)?),
            Kind::DeliveryOffer => Body::DeliveryOffer(read(kind, value)?),
            Kind::Attestation => Body::Attestation(read(kind, value)?),
            Kind::Membership => Body::Membership(read(kind, value)?),
            Kind::Tombstone => Body::Tombstone(read(kind, value)?),
        })
    }

    /// The kind's field rules.
    pub(crate) fn validate(&self, payload: &Payload) -> Result<(), RecordError> {
        match self {
            Body::Profile(b) => b.validate(payload),
            Body::Listing(b) => b.validate(payload),
            Body::DeliveryOffer(b) => b.validate(payload),
            Body::Attestation(b) => b.validate(payload),
            Body::Membership(b) => b.validate(payload),
            Body::Tombstone(b) => b.validate(payload),
        }
    }
}
