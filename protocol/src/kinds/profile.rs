//! Profile (placeholder shape, being written).

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::record::Payload;

/// Profile body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Display name.
    pub name: String,
}

impl Profile {
    pub(crate) fn validate(&self, _payload: &Payload) -> Result<(), RecordError> {
        Ok(())
    }
}
