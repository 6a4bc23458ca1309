//! Membership (placeholder shape, being written).

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::record::Payload;

/// Membership body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// Display name.
    pub name: String,
}

impl Membership {
    pub(crate) fn validate(&self, _payload: &Payload) -> Result<(), RecordError> {
        Ok(())
    }
}
