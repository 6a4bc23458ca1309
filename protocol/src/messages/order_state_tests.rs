//! Tests of the order state machine: the whole table, a full run, refusals and the chain.

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
                            (role == S && !paid && !stage.is_final() && stage != Placed).then_some(
                                OrderState {
                                    paid: true,
                                    ..state
                                },
                            )
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
