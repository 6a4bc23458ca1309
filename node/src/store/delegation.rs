//! Delegation: when a platform may publish a listing on behalf of a member producer.
//!
//! A listing whose author is a platform and whose `on_behalf_of` names a member is held only
//! while the member's current `Membership` record for that platform (slot key = platform hex)
//! grants `publish`, is in the same market, and its term (`until`) has not ended. This module
//! is the only place in the store that reads those two kinds' bodies; the write side asks it
//! whether a delegated listing is authorised and which memberships grant publishing.

use smartket_protocol::kinds::Scope;
use smartket_protocol::{AuthorKey, Body, Record};
use thiserror::Error;

/// Why a listing published on behalf of a member is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DelegationError {
    /// The member has no current membership naming this platform.
    #[error("member {member} has no membership with platform {platform}")]
    NoMembership {
        /// The producer the listing claims to be for.
        member: AuthorKey,
        /// The listing's author.
        platform: AuthorKey,
    },
    /// The member deleted (tombstoned) the membership.
    #[error("member {member} revoked the membership of platform {platform}")]
    Revoked {
        /// The producer.
        member: AuthorKey,
        /// The platform.
        platform: AuthorKey,
    },
    /// The membership does not include the `publish` scope.
    #[error("the membership of member {member} does not let platform {platform} publish")]
    NoPublishScope {
        /// The producer.
        member: AuthorKey,
        /// The platform.
        platform: AuthorKey,
    },
    /// The membership's term ended (or the membership record expired).
    #[error("the membership of member {member} ended at {until} (now {now})")]
    Lapsed {
        /// The producer.
        member: AuthorKey,
        /// End of the term.
        until: u64,
        /// The clock used.
        now: u64,
    },
    /// The membership was published in another market than the listing.
    #[error(
        "the membership is for market {membership_market:?}, the listing for {listing_market:?}"
    )]
    OtherMarket {
        /// The membership's market.
        membership_market: String,
        /// The listing's market.
        listing_market: String,
    },
}

/// What a membership record grants, read from its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Terms {
    /// The platform the member authorises.
    pub(crate) platform: AuthorKey,
    /// Whether the platform may publish listings for the member.
    pub(crate) publish: bool,
    /// End of the term (ms since the epoch).
    pub(crate) until: u64,
}

/// The member a delegated listing is published for, if it is one.
pub(crate) fn on_behalf_of(record: &Record) -> Option<AuthorKey> {
    match &record.payload.body {
        Body::Listing(listing) => listing_member(listing),
        _ => None,
    }
}

/// The terms of a membership record (`None` for other kinds).
pub(crate) fn terms(record: &Record) -> Option<Terms> {
    match &record.payload.body {
        Body::Membership(membership) => membership_terms(membership),
        _ => None,
    }
}

fn listing_member(listing: &smartket_protocol::kinds::Listing) -> Option<AuthorKey> {
    listing.on_behalf_of
}

fn membership_terms(membership: &smartket_protocol::kinds::Membership) -> Option<Terms> {
    Some(Terms {
        platform: membership.platform,
        publish: membership.scope.contains(&Scope::Publish),
        until: membership.until,
    })
}

/// Whether `membership` (the current holder of the member's slot for `platform`, or `None`)
/// lets `platform` publish for `member` in `market` at `now`.
pub(crate) fn authorises(
    membership: Option<&Record>,
    member: AuthorKey,
    platform: AuthorKey,
    market: &str,
    now: u64,
) -> Result<(), DelegationError> {
    let Some(record) = membership else {
        return Err(DelegationError::NoMembership { member, platform });
    };
    let Some(terms) = terms(record) else {
        // The slot's holder is a tombstone: the member deleted the membership.
        return Err(DelegationError::Revoked { member, platform });
    };
    if terms.platform != platform {
        return Err(DelegationError::NoMembership { member, platform });
    }
    if record.payload.market != market {
        return Err(DelegationError::OtherMarket {
            membership_market: record.payload.market.clone(),
            listing_market: market.to_owned(),
        });
    }
    if !terms.publish {
        return Err(DelegationError::NoPublishScope { member, platform });
    }
    let until = terms.until.min(record.payload.expires);
    if until <= now {
        return Err(DelegationError::Lapsed { member, until, now });
    }
    Ok(())
}
