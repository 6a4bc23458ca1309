//! The order state machine: which party may make which step from which state. Pure — no I/O,
//! no clock, no keys; the node maps a verified message's signer to a [`Role`] and calls
//! [`apply`], or [`OrderTrack::advance`] to also check the chain of message ids.
//!
//! ```text
//!            accepted (S)            ready_for_pickup (S, pick-up)        completed (S)
//!  placed ───────────────▶ accepted ───────────────────────────▶ ready ──────────────▶ completed
//!    │ rejected (S)           │  handed_to_courier (S, courier)  picked_up (K)   delivered (K)
//!    ▼                        ├──────────────────────▶ handed ────────▶ in_transit ──────▶ delivered
//!  rejected                   │  delivered (S, own delivery)                                │
//!                             └──────────────────────────────────────────────────────────▶ │
//!                                                                   completed (C or S) ◀────┘
//!  cancelled: by C from placed/accepted; by S from accepted/ready/handed/in_transit
//!  payment_confirmed (S): once, from accepted … delivered; completed requires it
//! ```
//! (C consumer, S seller, K courier.)

use thiserror::Error;

use super::common::{MessageId, OrderId};
use super::order::DeliveryChoice;
use super::transition::{Step, Transition};

/// Who makes a step: decided by the node from the signer of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The buyer (the order's `reply_to` identity).
    Consumer,
    /// The seller the order was sent to.
    Seller,
    /// The courier named in the order's delivery choice.
    Courier,
}

/// How the order is fulfilled, which decides the path through the states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fulfilment {
    /// The consumer collects.
    Pickup,
    /// A courier delivers.
    Courier,
    /// The seller delivers.
    Seller,
}

impl From<&DeliveryChoice> for Fulfilment {
    fn from(choice: &DeliveryChoice) -> Fulfilment {
        match choice {
            DeliveryChoice::Pickup => Fulfilment::Pickup,
            DeliveryChoice::Courier { .. } => Fulfilment::Courier,
            DeliveryChoice::Seller { .. } => Fulfilment::Seller,
        }
    }
}

/// Where the goods are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Sent by the consumer, not yet answered.
    Placed,
    /// Accepted by the seller.
    Accepted,
    /// Waiting at the seller's for the consumer.
    ReadyForPickup,
    /// Given to the courier, not yet confirmed by it.
    HandedToCourier,
    /// With the courier.
    InTransit,
    /// At the consumer's.
    Delivered,
    /// Done (final).
    Completed,
    /// Refused by the seller (final).
    Rejected,
    /// Called off (final).
    Cancelled,
}

impl Stage {
    /// Whether no step can follow.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Completed | Stage::Rejected | Stage::Cancelled)
    }
}

/// The state of one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderState {
    /// Where the goods are.
    pub stage: Stage,
    /// Whether the seller has confirmed payment.
    pub paid: bool,
    /// The delivery path, fixed by the order.
    pub fulfilment: Fulfilment,
}

impl OrderState {
    /// The state of a freshly placed order.
    pub fn placed(fulfilment: Fulfilment) -> OrderState {
        OrderState {
            stage: Stage::Placed,
            paid: false,
            fulfilment,
        }
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TransitionError {
    /// The order is over.
    #[error("the order is already {stage:?}")]
    Finished {
        /// Its final stage.
        stage: Stage,
    },
    /// This party may not make this step.
    #[error("a {role:?} may not send {step}")]
    WrongParty {
        /// The step's tag.
        step: &'static str,
        /// Who tried.
        role: Role,
    },
    /// The step does not follow from the current stage (or fulfilment path).
    #[error("{step} cannot follow {stage:?} for a {fulfilment:?} order")]
    OutOfOrder {
        /// The step's tag.
        step: &'static str,
        /// The current stage.
        stage: Stage,
        /// The order's path.
        fulfilment: Fulfilment,
    },
    /// Payment was already confirmed.
    #[error("payment already confirmed")]
    AlreadyPaid,
    /// Completion needs a confirmed payment first.
    #[error("cannot complete before payment is confirmed")]
    NotPaid,
    /// The transition is for another order.
    #[error("transition is for another order")]
    WrongOrder,
    /// The transition does not chain to the last step seen.
    #[error("transition's prev is {found}, expected {expected}")]
    BrokenChain {
        /// The id of the last step seen.
        expected: MessageId,
        /// The id the transition names.
        found: MessageId,
    },
}

/// The next state after `role` makes `step`, or why it may not.
pub fn apply(state: OrderState, step: &Step, role: Role) -> Result<OrderState, TransitionError> {
    use Role::{Consumer, Courier, Seller};
    use Stage::*;

    if state.stage.is_final() {
        return Err(TransitionError::Finished { stage: state.stage });
    }
    let name = step.name();
    let wrong_party = || TransitionError::WrongParty { step: name, role };
    let out_of_order = || TransitionError::OutOfOrder {
        step: name,
        stage: state.stage,
        fulfilment: state.fulfilment,
    };
    let path = state.fulfilment;
    let next = |stage| OrderState { stage, ..state };

    match step {
        Step::Accepted { .. } | Step::Rejected { .. } => {
            if role != Seller {
                return Err(wrong_party());
            }
            if state.stage != Placed {
                return Err(out_of_order());
            }
            Ok(next(if matches!(step, Step::Accepted { .. }) {
                Accepted
            } else {
                Rejected
            }))
        }
        Step::PaymentConfirmed => {
            if role != Seller {
                return Err(wrong_party());
            }
            if state.stage == Placed {
                return Err(out_of_order());
            }
            if state.paid {
                return Err(TransitionError::AlreadyPaid);
            }
            Ok(OrderState {
                paid: true,
                ..state
            })
        }
        Step::ReadyForPickup { .. } => {
            if role != Seller {
                return Err(wrong_party());
            }
            if state.stage != Accepted || path != Fulfilment::Pickup {
                return Err(out_of_order());
            }
            Ok(next(ReadyForPickup))
        }
        Step::HandedToCourier => {
            if role != Seller {
                return Err(wrong_party());
            }
            if state.stage != Accepted || path != Fulfilment::Courier {
                return Err(out_of_order());
            }
            Ok(next(HandedToCourier))
        }
        Step::PickedUp => {
            if role != Courier {
                return Err(wrong_party());
            }
            if state.stage != HandedToCourier || path != Fulfilment::Courier {
                return Err(out_of_order());
            }
            Ok(next(InTransit))
        }
        Step::Delivered => match (path, role) {
            (Fulfilment::Courier, Courier) if state.stage == InTransit => Ok(next(Delivered)),
            (Fulfilment::Seller, Seller) if state.stage == Accepted => Ok(next(Delivered)),
            (Fulfilment::Courier, Courier) | (Fulfilment::Seller, Seller) => Err(out_of_order()),
            (Fulfilment::Pickup, _) => Err(out_of_order()),
            _ => Err(wrong_party()),
        },
        Step::Completed => {
            let allowed = match state.stage {
                Delivered => matches!(role, Consumer | Seller),
                ReadyForPickup => role == Seller,
                _ => return Err(out_of_order()),
            };
            if !allowed {
                return Err(wrong_party());
            }
            if !state.paid {
                return Err(TransitionError::NotPaid);
            }
            Ok(next(Completed))
        }
        Step::Cancelled { .. } => {
            let allowed = match role {
                Consumer => matches!(state.stage, Placed | Accepted),
                Seller => matches!(
                    state.stage,
                    Accepted | ReadyForPickup | HandedToCourier | InTransit
                ),
                Courier => return Err(wrong_party()),
            };
            if !allowed {
                return Err(out_of_order());
            }
            Ok(next(Cancelled))
        }
    }
}

/// An order's state together with the id of its last accepted message, so that each new step
/// is checked to chain to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderTrack {
    /// The order.
    pub order_id: OrderId,
    /// Its state.
    pub state: OrderState,
    /// The message id of the order or of its last accepted transition.
    pub head: MessageId,
}

impl OrderTrack {
    /// The track of an order received (or sent) in message `order_message`.
    pub fn new(order: &super::order::Order, order_message: MessageId) -> OrderTrack {
        OrderTrack {
            order_id: order.order_id,
            state: OrderState::placed(Fulfilment::from(&order.delivery)),
            head: order_message,
        }
    }

    /// Applies `transition` (carried by message `message`) made by `role`: it must be for this
    /// order, chain to the head, and be allowed by [`apply`]. On success the head moves to
    /// `message`; on failure nothing changes.
    pub fn advance(
        &mut self,
        transition: &Transition,
        role: Role,
        message: MessageId,
    ) -> Result<OrderState, TransitionError> {
        if transition.order_id != self.order_id {
            return Err(TransitionError::WrongOrder);
        }
        if transition.prev != self.head {
            return Err(TransitionError::BrokenChain {
                expected: self.head,
                found: transition.prev,
            });
        }
        let state = apply(self.state, &transition.step, role)?;
        self.state = state;
        self.head = message;
        Ok(state)
    }
}

#[cfg(test)]
#[path = "order_state_tests.rs"]
mod tests;
