//! Attestation (placeholder shape, being written).

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::record::Payload;

/// Attestation body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    /// Display name.
    pub name: String,
}

impl Attestation {
    pub(crate) fn validate(&self, _payload: &Payload) -> Result<(), RecordError> {
        Ok(())
    }
}
