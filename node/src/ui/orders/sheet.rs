//! What one party of an order is shown — the rule of spec/orders.md §7 ("What each party is
//! shown") in one place, so that the order's page, the lists and the courier's day cannot each
//! decide it differently.
//!
//! A party sees what was sealed to it and nothing more. The node of the consumer holds the
//! order it sent; the seller's node holds that order and the delivery job it sent on; the
//! courier's node holds only the job. The rule is stated on the party, not left to what happens
//! to be stored: a courier is never shown an order's items, prices or totals, even by a node
//! that somehow holds them.

use smartket_protocol::messages::{DeliveryJob, Order};

use crate::orders::db::Party;
use crate::orders::track::Track;

/// The parts of an order one party may see.
#[derive(Debug, Clone, Copy)]
pub(in crate::ui) struct Sheet<'a> {
    /// The order as the consumer sent it: items, prices, totals, delivery and payment choice,
    /// the consumer's contact and address. Consumer and seller only.
    pub(in crate::ui) order: Option<&'a Order>,
    /// The delivery job: pick-up and drop-off stops with their contacts, window, parcel and
    /// the courier's fee. Seller (who sent it) and courier only.
    pub(in crate::ui) job: Option<&'a DeliveryJob>,
}

impl<'a> Sheet<'a> {
    /// What `party` is shown of `track`.
    pub(in crate::ui) fn for_party(party: Party, track: &'a Track) -> Sheet<'a> {
        match party {
            Party::Consumer => Sheet {
                order: track.order.as_ref(),
                job: None,
            },
            Party::Seller => Sheet {
                order: track.order.as_ref(),
                job: track.job.as_ref(),
            },
            Party::Courier => Sheet {
                order: None,
                job: track.job.as_ref(),
            },
        }
    }
}
