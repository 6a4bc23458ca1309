//! DeliveryOffer (placeholder shape, being written).

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::record::Payload;

/// DeliveryOffer body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryOffer {
    /// Display name.
    pub name: String,
}

impl DeliveryOffer {
    pub(crate) fn validate(&self, _payload: &Payload) -> Result<(), RecordError> {
        Ok(())
    }
}
