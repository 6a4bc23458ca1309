//! What orders read from the parties' current profiles: the keys to seal a message to, the
//! seller's payment details for the payer, this node's own profile for the courier's job.
//!
//! Each is a read of one profile slot in the catalogue; they sit together so checkout, the
//! steps and the courier's job ask for keys and details, not for slots.

use smartket_protocol::RecipientKeys;

use super::checkout::CheckoutError;
use super::track::Track;
use super::{OrderError, Orders, db, payment};

impl Orders {
    /// The recipient keys of an actor, from its current profile in any joined market.
    pub(super) fn recipient_of(
        &self,
        author: &smartket_protocol::AuthorKey,
    ) -> Result<RecipientKeys, CheckoutError> {
        let slot = smartket_protocol::Slot {
            author: *author,
            kind: smartket_protocol::Kind::Profile,
            key: "profile".into(),
        };
        match self.store().current(&slot)?.map(|r| r.payload.body) {
            Some(smartket_protocol::Body::Profile(p)) => Ok(RecipientKeys {
                author: *author,
                enc: smartket_protocol::EncryptionPublicKey(p.enc_key),
            }),
            _ => Err(CheckoutError::SellerUnknown(*author)),
        }
    }

    /// What the payer must do to pay this order, part by part (empty for a courier).
    pub fn payment_parts(&self, file: &db::OrderFile, track: &Track) -> Vec<payment::PaymentPart> {
        let Some(order) = &track.order else {
            return Vec::new();
        };
        let seller = self.profile_of(&track.parties.seller).ok().flatten();
        let market = self.inner.markets.iter().find(|m| m.id == file.market);
        payment::Payments::default().parts(&payment::PaymentContext {
            order,
            seller: seller.as_ref(),
            market,
        })
    }

    pub(super) fn own_profile(
        &self,
    ) -> Result<Option<smartket_protocol::kinds::Profile>, OrderError> {
        self.profile_of(&self.author())
    }

    /// The current profile of `author`, if this node holds one.
    fn profile_of(
        &self,
        author: &smartket_protocol::AuthorKey,
    ) -> Result<Option<smartket_protocol::kinds::Profile>, OrderError> {
        let slot = smartket_protocol::Slot {
            author: *author,
            kind: smartket_protocol::Kind::Profile,
            key: "profile".into(),
        };
        Ok(match self.store().current(&slot)?.map(|r| r.payload.body) {
            Some(smartket_protocol::Body::Profile(p)) => Some(p),
            _ => None,
        })
    }
}
