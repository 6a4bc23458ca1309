//! Tombstone: deletes a slot by filling it with a newer revision that holds nothing.

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::kinds::Kind;
use crate::record::{MAX_LIFETIME_MS, Payload};

/// Deletes the slot (author, `target_kind`, key) for every revision older than this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// The kind of the slot being deleted.
    pub target_kind: Kind,
}

impl Tombstone {
    /// A tombstone lives exactly the maximum lifetime, so it outlives every revision it deletes
    /// (each of which expires at most `MAX_LIFETIME_MS` after its own, older, revision).
    pub(crate) fn validate(&self, payload: &Payload) -> Result<(), RecordError> {
        if self.target_kind == Kind::Tombstone {
            return Err(RecordError::field(
                "body.target_kind",
                "a tombstone cannot target tombstones",
            ));
        }
        if payload.expires != payload.rev.saturating_add(MAX_LIFETIME_MS) {
            return Err(RecordError::field(
                "expires",
                "a tombstone must expire exactly MAX_LIFETIME_MS after its revision",
            ));
        }
        Ok(())
    }
}
