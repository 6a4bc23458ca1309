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
mod tests {
    use super::*;
    use crate::messages::fixtures;
    use Fulfilment as F;
    use Role::{Consumer as C, Courier as K, Seller as S};
    use Stage::*;

    const STAGES: [Stage; 9] = [
        Placed,
        Accepted,
        ReadyForPickup,
        HandedToCourier,
        InTransit,
        Delivered,
        Completed,
        Rejected,
        Cancelled,
    ];

    fn steps() -> Vec<Step> {
        vec![
            Step::Accepted {
                payment_reference: None,
                note: None,
            },
            Step::Rejected {
                reason: "épuisé".into(),
            },
            Step::PaymentConfirmed,
            Step::ReadyForPickup { note: None },
            Step::HandedToCourier,
            Step::PickedUp,
            Step::Delivered,
            Step::Completed,
            Step::Cancelled {
                reason: "erreur".into(),
            },
        ]
    }

    /// The whole table: (path or None for any, stage, step, who, paid required, next stage).
    /// `payment_confirmed` is listed separately (it keeps the stage).
    type Row = (Option<F>, Stage, &'static str, Role, bool, Stage);

    fn table() -> Vec<Row> {
        vec![
            (None, Placed, "accepted", S, false, Accepted),
            (None, Placed, "rejected", S, false, Rejected),
            (
                Some(F::Pickup),
                Accepted,
                "ready_for_pickup",
                S,
                false,
                ReadyForPickup,
            ),
            (
                Some(F::Courier),
                Accepted,
                "handed_to_courier",
                S,
                false,
                HandedToCourier,
            ),
            (
                Some(F::Courier),
                HandedToCourier,
                "picked_up",
                K,
                false,
                InTransit,
            ),
            (
                Some(F::Courier),
                InTransit,
                "delivered",
                K,
                false,
                Delivered,
            ),
            (Some(F::Seller), Accepted, "delivered", S, false, Delivered),
            (None, Delivered, "completed", C, true, Completed),
            (None, Delivered, "completed", S, true, Completed),
            (None, ReadyForPickup, "completed", S, true, Completed),
            (None, Placed, "cancelled", C, false, Cancelled),
            (None, Accepted, "cancelled", C, false, Cancelled),
            (None, Accepted, "cancelled", S, false, Cancelled),
            (None, ReadyForPickup, "cancelled", S, false, Cancelled),
            (None, HandedToCourier, "cancelled", S, false, Cancelled),
            (None, InTransit, "cancelled", S, false, Cancelled),
        ]
    }

    #[test]
    fn every_move_in_the_table_is_allowed_and_every_other_move_is_refused() {
        let mut allowed = 0;
        for fulfilment in [F::Pickup, F::Courier, F::Seller] {
            for stage in STAGES {
                for paid in [false, true] {
                    let state = OrderState {
                        stage,
                        paid,
                        fulfilment,
                    };
                    for step in steps() {
                        for role in [C, S, K] {
                            let result = apply(state, &step, role);
                            let expected = if step == Step::PaymentConfirmed {
                                (role == S && !paid && !stage.is_final() && stage != Placed)
                                    .then_some(OrderState {
                                        paid: true,
                                        ..state
                                    })
                            } else {
                                table()
                                    .into_iter()
                                    .find(|(path, from, name, who, needs_paid, _)| {
                                        path.is_none_or(|p| p == fulfilment)
                                            && *from == stage
                                            && *name == step.name()
                                            && *who == role
                                            && (paid || !needs_paid)
                                    })
                                    .map(|(.., to)| OrderState { stage: to, ..state })
                            };
                            match expected {
                                Some(next) => {
                                    allowed += 1;
                                    assert_eq!(result, Ok(next), "{state:?} {step:?} {role:?}");
                                }
                                None => assert!(
                                    result.is_err(),
                                    "{state:?} {step:?} {role:?} gave {result:?}"
                                ),
                            }
                        }
                    }
                }
            }
        }
        assert!(allowed > 40, "only {allowed} allowed moves");
    }

    #[test]
    fn a_courier_order_runs_from_placed_to_completed() {
        let mut state = OrderState::placed(F::Courier);
        for (step, role) in [
            (steps()[0].clone(), S),
            (Step::PaymentConfirmed, S),
            (Step::HandedToCourier, S),
            (Step::PickedUp, K),
            (Step::Delivered, K),
            (Step::Completed, C),
        ] {
            state = apply(state, &step, role).unwrap();
        }
        assert_eq!(state.stage, Completed);
        assert!(state.paid);
    }

    #[test]
    fn refusals_say_why() {
        let placed = OrderState::placed(F::Courier);
        assert_eq!(
            apply(placed, &steps()[0], C),
            Err(TransitionError::WrongParty {
                step: "accepted",
                role: C
            })
        );
        assert!(matches!(
            apply(placed, &Step::PickedUp, K),
            Err(TransitionError::OutOfOrder { .. })
        ));
        let accepted = apply(placed, &steps()[0], S).unwrap();
        assert!(matches!(
            apply(accepted, &Step::ReadyForPickup { note: None }, S),
            Err(TransitionError::OutOfOrder { .. })
        ));
        let delivered = OrderState {
            stage: Delivered,
            ..accepted
        };
        assert_eq!(
            apply(delivered, &Step::Completed, C),
            Err(TransitionError::NotPaid)
        );
        let paid = apply(delivered, &Step::PaymentConfirmed, S).unwrap();
        assert_eq!(
            apply(paid, &Step::PaymentConfirmed, S),
            Err(TransitionError::AlreadyPaid)
        );
        let done = apply(paid, &Step::Completed, C).unwrap();
        for step in steps() {
            assert_eq!(
                apply(done, &step, S),
                Err(TransitionError::Finished { stage: Completed })
            );
        }
        assert!(matches!(
            apply(accepted, &steps()[8], K),
            Err(TransitionError::WrongParty { .. })
        ));
        assert!(matches!(
            apply(
                OrderState {
                    stage: InTransit,
                    ..accepted
                },
                &steps()[8],
                C
            ),
            Err(TransitionError::OutOfOrder { .. })
        ));
    }

    #[test]
    fn a_track_accepts_only_steps_that_chain_to_its_head() {
        let order = fixtures::order();
        let order_msg = MessageId([1; 16]);
        let mut track = OrderTrack::new(&order, order_msg);
        let mut accept = Transition {
            order_id: order.order_id,
            prev: MessageId([9; 16]),
            at: fixtures::NOW,
            step: steps()[0].clone(),
        };
        assert!(matches!(
            track.advance(&accept, S, MessageId([2; 16])),
            Err(TransitionError::BrokenChain { .. })
        ));
        accept.prev = order_msg;
        let mut other = accept.clone();
        other.order_id = OrderId([0; 16]);
        assert_eq!(
            track.advance(&other, S, MessageId([2; 16])),
            Err(TransitionError::WrongOrder)
        );
        assert_eq!(
            track.advance(&accept, C, MessageId([2; 16])).unwrap_err(),
            TransitionError::WrongParty {
                step: "accepted",
                role: C
            }
        );
        assert_eq!(track.head, order_msg);
        track.advance(&accept, S, MessageId([2; 16])).unwrap();
        assert_eq!(track.head, MessageId([2; 16]));
        assert_eq!(track.state.stage, Accepted);
        // Replaying the same step no longer chains.
        assert!(matches!(
            track.advance(&accept, S, MessageId([3; 16])),
            Err(TransitionError::BrokenChain { .. })
        ));
    }
}
