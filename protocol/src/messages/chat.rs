//! Chat: a short text between any two parties, about an order or not.

use serde::{Deserialize, Serialize};

use super::common::{FieldError, OrderId, check_text};

/// Longest chat text, in bytes.
pub const MAX_CHAT_TEXT: usize = 4000;

/// A chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chat {
    /// The order it is about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<OrderId>,
    /// The text (1..=4000 bytes; newlines and tabs allowed, other control characters not).
    pub text: String,
}

impl Chat {
    /// Checks the text.
    pub fn validate(&self) -> Result<(), FieldError> {
        check_text("body.text", &self.text, MAX_CHAT_TEXT)
    }
}
