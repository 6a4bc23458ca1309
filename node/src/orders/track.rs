//! An order's state, derived by replaying its signed history: the stored state can never
//! disagree with the messages that justify it, and a receipt is checked the same way.

use smartket_protocol::cbor::Limits;
use smartket_protocol::messages::order_state::{Fulfilment, OrderState, Role, Stage};
use smartket_protocol::messages::{
    DeliveryChoice, DeliveryJob, MessageId, Order, OrderId, Transition, TransitionError, apply,
};
use smartket_protocol::{AuthorKey, MessageBody, OpenedMessage, RecipientKeys, SealError, reopen};

use super::db::{Kept, Party};

/// Why a history does not replay.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackError {
    /// A message's signature or encoding fails.
    #[error("message {index}: {source}")]
    Message {
        /// Its place in the history.
        index: usize,
        /// Why.
        source: SealError,
    },
    /// The history does not start with the order (or, for a courier, the delivery job).
    #[error("the history must start with the {0}")]
    NoStart(&'static str),
    /// A message is about another order.
    #[error("message {0} is about another order")]
    WrongOrder(usize),
    /// A step is signed by someone who is not a party.
    #[error("message {0} is signed by someone who is not a party to the order")]
    NotAParty(usize),
    /// A step the state machine refuses.
    #[error("message {index}: {source}")]
    Refused {
        /// Its place in the history.
        index: usize,
        /// Why.
        source: TransitionError,
    },
}

/// The parties of an order, from its first message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parties {
    /// The consumer's reply keys.
    pub consumer: Option<RecipientKeys>,
    /// The node that takes the consumer's messages directly, when the keys are per-order.
    pub consumer_node: Option<AuthorKey>,
    /// The seller (the order's recipient, or the job's sender).
    pub seller: AuthorKey,
    /// The seller's encryption key, when the history shows it (the order was sealed to it); a
    /// courier looks it up in the seller's profile.
    pub seller_enc: Option<smartket_protocol::EncryptionPublicKey>,
    /// The courier, for courier delivery.
    pub courier: Option<AuthorKey>,
}

/// An order replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Track {
    /// The order.
    pub order_id: OrderId,
    /// The order message (absent for a courier, who gets the job instead).
    pub order: Option<Order>,
    /// The delivery job (couriers, and sellers who sent one).
    pub job: Option<DeliveryJob>,
    /// Who is who.
    pub parties: Parties,
    /// Where it stands.
    pub state: OrderState,
    /// The id of the last step (or of the order): the `prev` of the next one.
    pub head: MessageId,
    /// Every message, opened and verified.
    pub messages: Vec<OpenedMessage>,
}

impl Track {
    /// The role of `signer` in this order, if any.
    pub fn role_of(&self, signer: &AuthorKey) -> Option<Role> {
        if self.parties.consumer.is_some_and(|c| c.author == *signer) {
            Some(Role::Consumer)
        } else if self.parties.seller == *signer {
            Some(Role::Seller)
        } else if self.parties.courier.as_ref() == Some(signer) {
            Some(Role::Courier)
        } else {
            None
        }
    }

    /// Checks that `transition` made by `role`, carried by message `id`, may come next, and
    /// returns the state after it.
    pub fn check(
        &self,
        transition: &Transition,
        role: Role,
        id: MessageId,
    ) -> Result<OrderState, TransitionError> {
        let mut track = smartket_protocol::messages::OrderTrack {
            order_id: self.order_id,
            state: self.state,
            head: self.head,
        };
        track.advance(transition, role, id)
    }
}

/// Whether a step by `role` is taken without its chain check: only the first seller step a
/// courier sees.
pub fn follows_unseen_steps(party: Party, role: Role, at_start: bool) -> bool {
    party == Party::Courier && role == Role::Seller && at_start
}

/// Replays `history` as kept by `party`.
pub fn replay(party: Party, history: &[Kept]) -> Result<Track, TrackError> {
    let mut messages = Vec::with_capacity(history.len());
    for (index, kept) in history.iter().enumerate() {
        let opened = reopen(&kept.inner, &kept.signature, &Limits::MESSAGE)
            .map_err(|source| TrackError::Message { index, source })?;
        messages.push(opened);
    }
    let first = messages.first().ok_or(TrackError::NoStart("order"))?;
    let mut track = match (party, &first.body) {
        (Party::Consumer | Party::Seller, MessageBody::Order(order)) => Track {
            order_id: order.order_id,
            order: Some((**order).clone()),
            job: None,
            parties: Parties {
                consumer: Some(order.reply_to),
                consumer_node: order.reply_node,
                seller: first.to.author,
                seller_enc: Some(first.to.enc),
                courier: match &order.delivery {
                    DeliveryChoice::Courier { courier, .. } => Some(*courier),
                    _ => None,
                },
            },
            state: OrderState::placed(Fulfilment::from(&order.delivery)),
            head: first.id,
            messages: Vec::new(),
        },
        // A courier joins at the job: the seller has accepted by then, and the steps it
        // sees chain from the last one the seller sent it.
        (Party::Courier, MessageBody::DeliveryJob(job)) => Track {
            order_id: job.order_id,
            order: None,
            job: Some((**job).clone()),
            parties: Parties {
                consumer: job.notify,
                consumer_node: job.notify_node,
                seller: first.from,
                seller_enc: None,
                courier: Some(first.to.author),
            },
            state: OrderState {
                stage: Stage::Accepted,
                paid: false,
                fulfilment: Fulfilment::Courier,
            },
            head: first.id,
            messages: Vec::new(),
        },
        (Party::Courier, _) => return Err(TrackError::NoStart("delivery job")),
        _ => return Err(TrackError::NoStart("order")),
    };
    let start = track.head;
    for (index, opened) in messages.iter().enumerate().skip(1) {
        if opened.body.order_id() != Some(track.order_id) {
            return Err(TrackError::WrongOrder(index));
        }
        match &opened.body {
            MessageBody::Transition(t) => {
                let role = track
                    .role_of(&opened.from)
                    .ok_or(TrackError::NotAParty(index))?;
                track.state = if follows_unseen_steps(party, role, track.head == start) {
                    // The courier did not see the seller's steps before the job: the first
                    // one it gets chains to a step it never saw; it is checked as a step
                    // only, and later ones chain to it.
                    apply(track.state, &t.step, role)
                        .or_else(|e| match e {
                            TransitionError::OutOfOrder { .. } => Ok(track.state),
                            other => Err(other),
                        })
                        .map_err(|source| TrackError::Refused { index, source })?
                } else {
                    track
                        .check(t, role, opened.id)
                        .map_err(|source| TrackError::Refused { index, source })?
                };
                track.head = opened.id;
            }
            MessageBody::DeliveryJob(job) => track.job = Some((**job).clone()),
            MessageBody::Order(_) | MessageBody::Chat(_) => {}
        }
    }
    track.messages = messages;
    Ok(track)
}
