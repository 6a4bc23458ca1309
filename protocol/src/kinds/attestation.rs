//! Attestation: an issuer (the record's author — a label body, a network, a certifier) states that
//! a label applies to an actor or to one listing, for a period.
//!
//! Buyers' nodes show and filter by the labels of issuers the market or the user trusts; the
//! protocol only makes each statement verifiable and replaceable. Each issuer has exactly one slot
//! per (label, subject), so re-issuing replaces and a tombstone withdraws.

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::keys::AuthorKey;
use crate::kinds::common::{validate_ident, validate_url};
use crate::record::{Payload, validate_slot_key};

/// Longest label code.
pub const MAX_LABEL_BYTES: usize = 64;
/// Longest evidence URL.
pub const MAX_EVIDENCE_BYTES: usize = 512;
/// Domain prefix of the subject digest used in slot keys.
pub const SUBJECT_DIGEST_CONTEXT: &[u8] = b"smartket/attestation-subject/v1\0";

/// What an attestation is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subject {
    /// An actor, by key.
    Actor {
        /// The actor.
        key: AuthorKey,
    },
    /// One listing slot: its author and slot key (any revision of it).
    Listing {
        /// The listing's author.
        author: AuthorKey,
        /// The listing's slot key.
        key: String,
    },
}

impl Subject {
    /// 16 bytes naming the subject, as 32 hex characters:
    /// `blake3(SUBJECT_DIGEST_CONTEXT || 0x01 || actor)` for an actor,
    /// `blake3(SUBJECT_DIGEST_CONTEXT || 0x02 || author || key as UTF-8)` for a listing,
    /// truncated to the first 16 bytes.
    pub fn digest_hex(&self) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(SUBJECT_DIGEST_CONTEXT);
        match self {
            Subject::Actor { key } => {
                hasher.update(&[1]);
                hasher.update(key.as_bytes());
            }
            Subject::Listing { author, key } => {
                hasher.update(&[2]);
                hasher.update(author.as_bytes());
                hasher.update(key.as_bytes());
            }
        }
        hex::encode(&hasher.finalize().as_bytes()[..16])
    }
}

/// Attestation body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    /// Who or what the label applies to.
    pub subject: Subject,
    /// Label code: 1..=64 of `a-z 0-9 _ . -`, e.g. `organic`, `regional`, `member`.
    pub label: String,
    /// Start of validity, ms since the epoch.
    pub valid_from: u64,
    /// End of validity, ms since the epoch; after `valid_from`.
    pub valid_until: u64,
    /// Where the evidence can be read (`https://` only, ≤ 512 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

impl Attestation {
    /// The only slot key this attestation may use: `<label>/<subject digest>` (see
    /// [`Subject::digest_hex`]), so one issuer has one slot per (label, subject).
    pub fn slot_key(&self) -> String {
        format!("{}/{}", self.label, self.subject.digest_hex())
    }

    /// Whether the statement holds at `now_ms`.
    pub fn is_valid_at(&self, now_ms: u64) -> bool {
        self.valid_from <= now_ms && now_ms < self.valid_until
    }

    pub(crate) fn validate(&self, payload: &Payload) -> Result<(), RecordError> {
        if let Subject::Listing { key, .. } = &self.subject {
            validate_slot_key(key).map_err(|r| RecordError::field("body.subject.key", r))?;
        }
        validate_ident("body.label", &self.label, MAX_LABEL_BYTES)?;
        if self.valid_until <= self.valid_from {
            return Err(RecordError::field(
                "body.valid_until",
                "must be after valid_from",
            ));
        }
        if let Some(url) = &self.evidence {
            validate_url("body.evidence", url, MAX_EVIDENCE_BYTES, true)?;
        }
        if payload.key != self.slot_key() {
            return Err(RecordError::field(
                "key",
                "an attestation's slot key must be <label>/<subject digest>",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;
    use crate::kinds::Body;
    use crate::kinds::common::testing::{NOW, refused_field, secret, sign_and_open};

    const YEAR: u64 = 365 * 24 * 60 * 60 * 1000;

    fn organic_farm() -> Attestation {
        Attestation {
            subject: Subject::Actor {
                key: SecretKey::from_bytes(&[7; 32]).public(),
            },
            label: "organic".into(),
            valid_from: NOW - YEAR / 2,
            valid_until: NOW + YEAR / 2,
            evidence: Some("https://certifier.example/certificates/2026-0042".into()),
        }
    }

    #[test]
    fn a_realistic_attestation_signs_and_opens() {
        let a = organic_farm();
        let key = a.slot_key();
        assert!(key.starts_with("organic/") && key.len() == "organic/".len() + 32);
        let record = sign_and_open(&secret(), &key, Body::Attestation(a));
        assert!(matches!(&record.payload.body, Body::Attestation(a) if a.is_valid_at(NOW)));
    }

    #[test]
    fn an_attestation_about_a_listing_signs_and_opens() {
        let a = Attestation {
            subject: Subject::Listing {
                author: SecretKey::from_bytes(&[7; 32]).public(),
                key: "tomme-vaudoise".into(),
            },
            label: "regional.geneve-region-terre-avenir".into(),
            evidence: None,
            ..organic_farm()
        };
        sign_and_open(&secret(), &a.slot_key(), Body::Attestation(a));
    }

    #[test]
    fn actor_and_listing_subjects_have_different_digests() {
        let author = SecretKey::from_bytes(&[7; 32]).public();
        let actor = Subject::Actor { key: author };
        let listing = Subject::Listing {
            author,
            key: String::new(),
        };
        assert_ne!(actor.digest_hex(), listing.digest_hex());
    }

    fn refused(edit: impl FnOnce(&mut Attestation)) -> String {
        let mut a = organic_farm();
        let key = a.slot_key();
        edit(&mut a);
        refused_field(&key, Body::Attestation(a))
    }

    #[test]
    fn invalid_attestation_fields_are_named() {
        assert_eq!(refused(|a| a.label = "Organic!".into()), "body.label");
        assert_eq!(refused(|a| a.label = "x".repeat(65)), "body.label");
        assert_eq!(
            refused(|a| a.valid_until = a.valid_from),
            "body.valid_until"
        );
        assert_eq!(
            refused(|a| a.evidence = Some("http://certifier.example/x".into())),
            "body.evidence"
        );
        assert_eq!(
            refused(|a| a.evidence = Some(format!("https://e.example/{}", "x".repeat(500)))),
            "body.evidence"
        );
        assert_eq!(
            refused(|a| a.subject = Subject::Listing {
                author: a.subject_author(),
                key: String::new()
            }),
            "body.subject.key"
        );
    }

    #[test]
    fn an_attestation_in_another_slot_is_refused() {
        assert_eq!(refused(|a| a.label = "regional".into()), "key");
        assert_eq!(
            refused_field("organic", Body::Attestation(organic_farm())),
            "key"
        );
    }

    impl Attestation {
        fn subject_author(&self) -> AuthorKey {
            match &self.subject {
                Subject::Actor { key } => *key,
                Subject::Listing { author, .. } => *author,
            }
        }
    }
}
