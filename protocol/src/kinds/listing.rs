//! Listing (placeholder shape, being written).

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::record::Payload;

/// Listing body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// Display name.
    pub name: String,
}

impl Listing {
    pub(crate) fn validate(&self, _payload: &Payload) -> Result<(), RecordError> {
        Ok(())
    }
}
