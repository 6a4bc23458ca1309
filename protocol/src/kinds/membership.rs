//! Membership: a producer (the record's author, "the member") authorises a sector platform to
//! relay its catalogue or publish listings on its behalf, and the platform's countersignature
//! inside the body makes the agreement two-sided in one record.
//!
//! The slot key is the platform key in hex, so a member has one slot per platform. Revocation is
//! a tombstone of that slot, or a newer revision with an earlier `until`. The countersignature
//! covers a fixed byte string built from fields (see [`countersign_input`]), never CBOR, so it
//! cannot depend on how the body was encoded. `Record::open` checks it.

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::keys::{AuthorKey, SecretKey, Signature};
use crate::kinds::common::unique;
use crate::record::{Payload, validate_market_id};

/// Prefix of the bytes the platform signs.
pub const MEMBERSHIP_CONTEXT: &[u8] = b"smartket/membership/v1\0";

/// What the platform may do for the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Re-publish (forward, cache, serve) the member's own signed records.
    Relay,
    /// Publish listings of its own signature with `on_behalf_of` set to the member.
    Publish,
}

impl Scope {
    /// The scope's bit in the signed scope byte.
    pub fn bit(&self) -> u8 {
        match self {
            Scope::Relay => 0x01,
            Scope::Publish => 0x02,
        }
    }
}

/// The scope byte: the OR of each scope's [`Scope::bit`].
pub fn scope_byte(scope: &[Scope]) -> u8 {
    scope.iter().fold(0, |acc, s| acc | s.bit())
}

/// Membership body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The platform the member authorises.
    pub platform: AuthorKey,
    /// What the platform may do (non-empty, no duplicates).
    pub scope: Vec<Scope>,
    /// End of the authorisation, ms since the epoch.
    pub until: u64,
    /// The platform's ed25519 signature over [`countersign_input`].
    pub platform_sig: Signature,
}

/// The bytes the platform signs:
/// `MEMBERSHIP_CONTEXT || u8 len(market) || market || member (32) || platform (32) ||
/// scope byte || until (u64 big-endian)`.
pub fn countersign_input(
    market: &str,
    member: &AuthorKey,
    platform: &AuthorKey,
    scope: &[Scope],
    until: u64,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(MEMBERSHIP_CONTEXT.len() + 1 + market.len() + 73);
    out.extend_from_slice(MEMBERSHIP_CONTEXT);
    // Market ids are at most 32 bytes (checked before use), so the length fits a byte.
    out.push(market.len().min(255) as u8);
    out.extend_from_slice(market.as_bytes());
    out.extend_from_slice(member.as_bytes());
    out.extend_from_slice(platform.as_bytes());
    out.push(scope_byte(scope));
    out.extend_from_slice(&until.to_be_bytes());
    out
}

impl Membership {
    /// The platform's countersignature for a membership of `member` in `market`. The platform
    /// runs this when it accepts a member; the member then puts the result in `platform_sig`.
    pub fn countersign(
        platform_secret: &SecretKey,
        market: &str,
        member: &AuthorKey,
        scope: &[Scope],
        until: u64,
    ) -> Result<Signature, RecordError> {
        validate_market_id(market).map_err(|r| RecordError::field("market", r))?;
        let platform = platform_secret.public();
        Ok(platform_secret.sign(&countersign_input(market, member, &platform, scope, until)))
    }

    /// The slot key this membership must use: the platform key in lower-case hex.
    pub fn slot_key(&self) -> String {
        self.platform.to_hex()
    }

    /// Whether the platform may act with `scope` at `now_ms`.
    pub fn allows(&self, scope: Scope, now_ms: u64) -> bool {
        now_ms < self.until && self.scope.contains(&scope)
    }

    /// Checks `platform_sig` for this body, in `market`, authored by `member`.
    pub fn verify_countersignature(
        &self,
        market: &str,
        member: &AuthorKey,
    ) -> Result<(), RecordError> {
        if *member == self.platform {
            return Err(RecordError::field(
                "body.platform",
                "a member cannot authorise itself",
            ));
        }
        validate_market_id(market).map_err(|r| RecordError::field("market", r))?;
        let input = countersign_input(market, member, &self.platform, &self.scope, self.until);
        self.platform
            .verify(&input, &self.platform_sig)
            .map_err(|e| match e {
                RecordError::BadAuthorKey => {
                    RecordError::field("body.platform", "not a valid ed25519 public key")
                }
                _ => RecordError::field(
                    "body.platform_sig",
                    "the platform's countersignature does not verify",
                ),
            })
    }

    pub(crate) fn validate(&self, payload: &Payload) -> Result<(), RecordError> {
        if payload.key != self.slot_key() {
            return Err(RecordError::field(
                "key",
                "a membership's slot key must be the platform key in hex",
            ));
        }
        if self.scope.is_empty() {
            return Err(RecordError::field("body.scope", "needs at least one scope"));
        }
        unique("body.scope", self.scope.iter())?;
        self.platform
            .verifying_key()
            .map_err(|_| RecordError::field("body.platform", "not a valid ed25519 public key"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Body;
    use crate::kinds::common::testing::{LIFETIME, NOW, refused_field, secret, sign_and_open};
    use crate::record::Record;

    fn platform() -> SecretKey {
        SecretKey::from_bytes(&[8; 32])
    }

    fn membership() -> Membership {
        let scope = vec![Scope::Relay, Scope::Publish];
        let until = NOW + LIFETIME;
        let platform_sig =
            Membership::countersign(&platform(), "geneva", &secret().public(), &scope, until)
                .unwrap();
        Membership {
            platform: platform().public(),
            scope,
            until,
            platform_sig,
        }
    }

    fn wire(m: Membership) -> Vec<u8> {
        let key = m.slot_key();
        let payload = Payload::new("geneva", key, NOW, LIFETIME, Body::Membership(m));
        Record::sign(&secret(), payload).unwrap().to_wire()
    }

    #[test]
    fn a_countersigned_membership_signs_and_opens() {
        let m = membership();
        let record = sign_and_open(&secret(), &m.slot_key(), Body::Membership(m.clone()));
        assert!(m.allows(Scope::Publish, NOW));
        assert!(!m.allows(Scope::Publish, m.until));
        m.verify_countersignature(&record.payload.market, &record.author())
            .unwrap();
    }

    #[test]
    fn a_countersignature_by_another_platform_key_is_refused() {
        let mut m = membership();
        m.platform = SecretKey::from_bytes(&[9; 32]).public();
        let err = Record::open(&wire(m), NOW).unwrap_err();
        assert!(
            matches!(&err, RecordError::InvalidField { field, .. } if field == "body.platform_sig"),
            "{err:?}"
        );
    }

    #[test]
    fn a_membership_with_a_tampered_until_is_refused() {
        let mut m = membership();
        m.until += 1;
        let err = Record::open(&wire(m), NOW).unwrap_err();
        assert!(
            matches!(&err, RecordError::InvalidField { field, .. } if field == "body.platform_sig"),
            "{err:?}"
        );
    }

    #[test]
    fn a_countersignature_for_another_member_or_market_is_refused() {
        let m = membership();
        let other = SecretKey::from_bytes(&[10; 32]).public();
        assert!(m.verify_countersignature("geneva", &other).is_err());
        assert!(
            m.verify_countersignature("lausanne", &secret().public())
                .is_err()
        );
        assert!(
            m.verify_countersignature("geneva", &platform().public())
                .is_err()
        );
    }

    #[test]
    fn invalid_membership_fields_are_named() {
        let m = membership();
        assert_eq!(
            refused_field("platform", Body::Membership(m.clone())),
            "key"
        );
        let mut empty = m.clone();
        empty.scope.clear();
        assert_eq!(
            refused_field(&m.slot_key(), Body::Membership(empty)),
            "body.scope"
        );
        let mut twice = m.clone();
        twice.scope = vec![Scope::Relay, Scope::Relay];
        assert_eq!(
            refused_field(&m.slot_key(), Body::Membership(twice)),
            "body.scope"
        );
    }

    #[test]
    fn the_countersigned_bytes_are_laid_out_as_specified() {
        let member = AuthorKey([1; 32]);
        let platform = AuthorKey([2; 32]);
        let input = countersign_input("geneva", &member, &platform, &[Scope::Publish], 0x0102);
        assert_eq!(&input[..23], b"smartket/membership/v1\0");
        assert_eq!(input[23], 6);
        assert_eq!(&input[24..30], b"geneva");
        assert_eq!(&input[30..62], &[1; 32]);
        assert_eq!(&input[62..94], &[2; 32]);
        assert_eq!(input[94], 0x02);
        assert_eq!(&input[95..], &[0, 0, 0, 0, 0, 0, 1, 2]);
    }
}
