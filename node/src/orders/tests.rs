//! The order rules through a real daemon (no socket): sealed messages from a consumer key and
//! a stranger key are handed to the seller's inbox as the network would hand them.

use std::collections::BTreeMap;

use serde_json::json;
use smartket_protocol::messages::{
    Contact, DeliveryChoice, MessageId, Order, OrderId, OrderItem, PaymentChoice, Step, Transition,
};
use smartket_protocol::{
    EncryptionKey, Kind, Message, MessageBody, RecipientKeys, Record, SecretKey, seal,
};

use super::checkout::{CheckoutError, DeliveryRequest, SellerRequest};
use super::{OrderError, Orders};
use crate::clock::now_ms;
use crate::daemon::{Daemon, Handle};
use crate::record_json::Draft;
use smartket_protocol::mailbox::{MsgResponse, RefuseCode};

struct Seller {
    _dir: tempfile::TempDir,
    daemon: Daemon,
}

/// A producer node with its own 40-piece listing at CHF 9.00.
async fn seller() -> (Seller, Handle, Record) {
    let (dir, daemon) = crate::daemon::test_daemon().await;
    let handle = daemon.handle();
    let listing = publish(&handle, None, Kind::Listing, "tomme", &listing_body(900)).await;
    (Seller { _dir: dir, daemon }, handle, listing)
}

fn listing_body(amount: u64) -> serde_json::Value {
    json!({
        "title": { "fr": "Tomme" }, "description": { "fr": "Au lait cru." },
        "category": "food.dairy.cheese",
        "price": { "amount": amount, "currency": "CHF", "unit": "piece" },
        "stock": 40,
        "fulfilment": [{ "type": "pickup", "place": "Ferme", "postcode": "1254" }],
    })
}

/// Signs `body` into `kind`/`key` as `secret` (the node itself when `None`) and stores it.
async fn publish(
    handle: &Handle,
    secret: Option<&SecretKey>,
    kind: Kind,
    key: &str,
    body: &serde_json::Value,
) -> Record {
    let author = secret.map_or(handle.author(), SecretKey::public);
    let payload = Draft::new(author, kind, "geneva", key, 86_400_000)
        .payload(body)
        .unwrap();
    match secret {
        None => handle.own().publish(payload).await.unwrap(),
        Some(secret) => {
            let record = Record::sign(secret, payload).unwrap();
            handle.store().commit(vec![record.clone()]).unwrap();
            record
        }
    }
}

struct Party {
    secret: SecretKey,
    enc: EncryptionKey,
}

impl Party {
    fn new(n: u8) -> Party {
        Party {
            secret: SecretKey::from_bytes(&[n; 32]),
            enc: EncryptionKey::from_seed(&[n.wrapping_add(100); 32]),
        }
    }

    fn keys(&self) -> RecipientKeys {
        RecipientKeys {
            author: self.secret.public(),
            enc: self.enc.public(),
        }
    }

    /// Seals `body` from this party to the node.
    fn seal_to(&self, handle: &Handle, body: MessageBody) -> (MessageId, Vec<u8>) {
        let message = Message::new("geneva", body).unwrap();
        let to = RecipientKeys {
            author: handle.author(),
            enc: handle.encryption_key().public(),
        };
        let sealed = seal(&self.secret, &to, &message, now_ms()).unwrap();
        (message.id, sealed.into_bytes())
    }
}

fn order_for(listing: &Record, consumer: &Party, quantity: u32, unit_price: u64) -> Order {
    let mut order = Order {
        order_id: OrderId::random().unwrap(),
        items: vec![OrderItem {
            author: listing.payload.author,
            key: listing.payload.key.clone(),
            listing: listing.id,
            rev: listing.payload.rev,
            variant: None,
            quantity,
            unit_price,
            currency: "CHF".into(),
        }],
        delivery: DeliveryChoice::Pickup,
        address: None,
        contact: Contact {
            name: "Léa".into(),
            phone: None,
            email: Some("lea@example.ch".into()),
        },
        payment: PaymentChoice::CashOnPickup,
        totals: BTreeMap::new(),
        note: None,
        reply_to: consumer.keys(),
        reply_node: None,
    };
    order.totals = order.computed_totals().unwrap();
    order
}

fn refused_for(answer: &MsgResponse, rule: &str) -> bool {
    matches!(answer, MsgResponse::Refused { code: RefuseCode::Invalid, reason } if reason.starts_with(rule))
}

fn stage(orders: &Orders, id: &OrderId) -> String {
    let (_, track, _) = orders.get(id).unwrap();
    super::view::stage_name(track.state.stage)
}

#[tokio::test]
async fn a_replayed_order_is_a_duplicate_and_a_reused_order_id_is_refused() {
    let (node, handle, listing) = seller().await;
    let consumer = Party::new(1);
    let order = order_for(&listing, &consumer, 2, 900);
    let (_, sealed) = consumer.seal_to(&handle, MessageBody::Order(Box::new(order.clone())));
    let orders = handle.orders();
    assert_eq!(
        orders
            .receive(&handle.encryption_key().public(), &sealed)
            .await
            .unwrap(),
        MsgResponse::Stored
    );
    assert_eq!(stage(orders, &order.order_id), "placed");
    // The same bytes again (a replay, or the mailbox copy after the direct one).
    assert_eq!(
        orders
            .receive(&handle.encryption_key().public(), &sealed)
            .await
            .unwrap(),
        MsgResponse::Duplicate
    );
    // The same order id in a new message.
    let (_, again) = consumer.seal_to(&handle, MessageBody::Order(Box::new(order.clone())));
    let answer = orders
        .receive(&handle.encryption_key().public(), &again)
        .await
        .unwrap();
    assert!(refused_for(&answer, "duplicate_order"), "{answer:?}");
    assert_eq!(orders.list().unwrap().len(), 1);
    node.daemon.shutdown().await;
}

#[tokio::test]
async fn steps_from_the_wrong_party_or_a_stranger_or_out_of_order_are_refused() {
    let (node, handle, listing) = seller().await;
    let (consumer, stranger) = (Party::new(1), Party::new(2));
    let order = order_for(&listing, &consumer, 1, 900);
    let (order_msg, sealed) =
        consumer.seal_to(&handle, MessageBody::Order(Box::new(order.clone())));
    let orders = handle.orders();
    assert_eq!(
        orders
            .receive(&handle.encryption_key().public(), &sealed)
            .await
            .unwrap(),
        MsgResponse::Stored
    );
    let step = |prev, step| {
        MessageBody::Transition(Transition {
            order_id: order.order_id,
            prev,
            at: now_ms(),
            step,
        })
    };
    // The consumer cannot accept its own order.
    let (_, forged) = consumer.seal_to(
        &handle,
        step(
            order_msg,
            Step::Accepted {
                payment_reference: None,
                note: None,
            },
        ),
    );
    let answer = orders
        .receive(&handle.encryption_key().public(), &forged)
        .await
        .unwrap();
    assert!(refused_for(&answer, "wrong_party"), "{answer:?}");
    // A stranger cannot cancel it.
    let (_, forged) = stranger.seal_to(
        &handle,
        step(
            order_msg,
            Step::Cancelled {
                reason: "no".into(),
            },
        ),
    );
    let answer = orders
        .receive(&handle.encryption_key().public(), &forged)
        .await
        .unwrap();
    assert!(refused_for(&answer, "wrong_party"), "{answer:?}");
    // Completed cannot follow placed.
    let (_, early) = consumer.seal_to(&handle, step(order_msg, Step::Completed));
    let answer = orders
        .receive(&handle.encryption_key().public(), &early)
        .await
        .unwrap();
    assert!(
        refused_for(&answer, "wrong_party") || refused_for(&answer, "out_of_order"),
        "{answer:?}"
    );
    // A message whose bytes were altered does not open.
    let mut tampered = sealed.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(matches!(
        orders
            .receive(&handle.encryption_key().public(), &tampered)
            .await
            .unwrap(),
        MsgResponse::Refused {
            code: RefuseCode::DecryptionFailed,
            ..
        }
    ));
    assert_eq!(stage(orders, &order.order_id), "placed");
    // The consumer may cancel before acceptance; after that nothing moves.
    let (cancel_id, cancel) = consumer.seal_to(
        &handle,
        step(
            order_msg,
            Step::Cancelled {
                reason: "changed my mind".into(),
            },
        ),
    );
    assert_eq!(
        orders
            .receive(&handle.encryption_key().public(), &cancel)
            .await
            .unwrap(),
        MsgResponse::Stored
    );
    assert_eq!(stage(orders, &order.order_id), "cancelled");
    let (_, late) = consumer.seal_to(&handle, step(cancel_id, Step::Completed));
    let answer = orders
        .receive(&handle.encryption_key().public(), &late)
        .await
        .unwrap();
    assert!(
        refused_for(&answer, "finished") || refused_for(&answer, "wrong_party"),
        "{answer:?}"
    );
    let refused = orders
        .step(
            &order.order_id,
            Step::Accepted {
                payment_reference: None,
                note: None,
            },
        )
        .await;
    assert!(
        matches!(refused, Err(OrderError::Refused(_))),
        "{refused:?}"
    );
    node.daemon.shutdown().await;
}

#[tokio::test]
async fn orders_at_a_stale_price_or_beyond_the_stock_are_rejected_with_the_reason() {
    let (node, handle, listing) = seller().await;
    let consumer = Party::new(1);
    let orders = handle.orders();
    for (quantity, price, why) in [(41, 900, "not enough"), (1, 850, "price")] {
        let order = order_for(&listing, &consumer, quantity, price);
        let (_, sealed) = consumer.seal_to(&handle, MessageBody::Order(Box::new(order.clone())));
        assert_eq!(
            orders
                .receive(&handle.encryption_key().public(), &sealed)
                .await
                .unwrap(),
            MsgResponse::Stored
        );
        let (_, track, sent) = orders.get(&order.order_id).unwrap();
        assert_eq!(super::view::stage_name(track.state.stage), "rejected");
        let reason = match &track.messages[1].body {
            MessageBody::Transition(Transition {
                step: Step::Rejected { reason },
                ..
            }) => reason.clone(),
            other => panic!("{other:?}"),
        };
        assert!(reason.contains(why), "{reason}");
        assert_eq!(sent.len(), 1, "the rejection goes to the consumer");
        assert_eq!(sent[0].1.to, consumer.keys());
    }
    // An order that fits is accepted, and accepting takes the stock.
    let order = order_for(&listing, &consumer, 5, 900);
    let (_, sealed) = consumer.seal_to(&handle, MessageBody::Order(Box::new(order.clone())));
    assert_eq!(
        orders
            .receive(&handle.encryption_key().public(), &sealed)
            .await
            .unwrap(),
        MsgResponse::Stored
    );
    orders
        .step(
            &order.order_id,
            Step::Accepted {
                payment_reference: None,
                note: None,
            },
        )
        .await
        .unwrap();
    let (_, now) =
        super::basket::current_listing(handle.store(), &handle.author(), "tomme", now_ms())
            .unwrap()
            .unwrap();
    assert_eq!(now.stock, Some(35));
    node.daemon.shutdown().await;
}

#[tokio::test]
async fn checkout_says_what_changed_since_the_basket_was_filled_and_waits_for_consent() {
    let (node, handle, _) = seller().await;
    // This node shops from another seller whose records it holds.
    let other = SecretKey::from_bytes(&[7; 32]);
    let profile = json!({ "roles": ["producer"], "legal_form": "individual",
        "name": { "fr": "Ferme" }, "postcode": "1254",
        "point": { "lat_e4": 462_000, "lon_e4": 62_000 }, "enc_key": "22".repeat(32) });
    publish(&handle, Some(&other), Kind::Profile, "profile", &profile).await;
    publish(
        &handle,
        Some(&other),
        Kind::Listing,
        "miel",
        &listing_body(1200),
    )
    .await;
    let orders = handle.orders();
    orders
        .add_to_basket(&other.public(), "miel", None, 2)
        .await
        .unwrap();
    // The seller raises the price after the line was added.
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    publish(
        &handle,
        Some(&other),
        Kind::Listing,
        "miel",
        &listing_body(1350),
    )
    .await;
    let choices = BTreeMap::from([(
        other.public(),
        SellerRequest {
            delivery: DeliveryRequest::Pickup,
            payment: PaymentChoice::CashOnPickup,
            note: None,
        },
    )]);
    let contact = Contact {
        name: "Léa".into(),
        phone: None,
        email: Some("lea@example.ch".into()),
    };
    let refused = orders.place(&choices, &contact, None, false).await;
    match refused {
        Err(OrderError::Checkout(CheckoutError::Changed(changes))) => {
            assert_eq!(changes.len(), 1);
            assert_eq!(
                changes[0],
                super::checkout::LineChange::Price {
                    line: 0,
                    was: 1200,
                    now: 1350
                }
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(orders.list().unwrap().is_empty(), "nothing was ordered");
    let placed = orders.place(&choices, &contact, None, true).await.unwrap();
    let (_, track, _) = orders.get(&placed[0]).unwrap();
    let order = track.order.unwrap();
    assert_eq!(order.items[0].unit_price, 1350);
    assert_eq!(order.totals["CHF"], 2700);
    assert!(orders.basket().unwrap().lines.is_empty());
    node.daemon.shutdown().await;
}

#[tokio::test]
async fn a_step_that_overtook_its_order_waits_for_it_and_a_stranger_cannot_make_the_node_keep_more_than_its_quota()
 {
    let (node, handle, listing) = seller().await;
    let (consumer, stranger) = (Party::new(1), Party::new(2));
    let orders = handle.orders();
    let order = order_for(&listing, &consumer, 1, 900);
    let (order_msg, sealed_order) =
        consumer.seal_to(&handle, MessageBody::Order(Box::new(order.clone())));
    let cancel = |order_id, prev| {
        MessageBody::Transition(Transition {
            order_id,
            prev,
            at: now_ms(),
            step: Step::Cancelled {
                reason: "plus besoin".into(),
            },
        })
    };
    // The consumer's cancellation arrives before its order: kept, then applied with it.
    let (_, early) = consumer.seal_to(&handle, cancel(order.order_id, order_msg));
    assert_eq!(
        orders
            .receive(&handle.encryption_key().public(), &early)
            .await
            .unwrap(),
        MsgResponse::Stored
    );
    assert_eq!(orders.inner.db.waiting_count().unwrap(), 1);
    assert_eq!(
        orders
            .receive(&handle.encryption_key().public(), &sealed_order)
            .await
            .unwrap(),
        MsgResponse::Stored
    );
    assert_eq!(stage(orders, &order.order_id), "cancelled");
    assert_eq!(orders.inner.db.waiting_count().unwrap(), 0);
    // A stranger's steps for orders nobody has: kept up to its quota, then refused as busy
    // (transient: an honest sender whose steps overtook their order tries again later).
    for _ in 0..super::db::waiting::MAX_PER_SENDER {
        let (_, junk) = stranger.seal_to(
            &handle,
            cancel(OrderId::random().unwrap(), MessageId([9; 16])),
        );
        assert_eq!(
            orders
                .receive(&handle.encryption_key().public(), &junk)
                .await
                .unwrap(),
            MsgResponse::Stored
        );
    }
    let (_, junk) = stranger.seal_to(
        &handle,
        cancel(OrderId::random().unwrap(), MessageId([9; 16])),
    );
    let answer = orders
        .receive(&handle.encryption_key().public(), &junk)
        .await
        .unwrap();
    assert!(
        matches!(
            answer,
            MsgResponse::Refused {
                code: RefuseCode::Busy,
                ..
            }
        ),
        "{answer:?}"
    );
    assert_eq!(
        orders.inner.db.waiting_count().unwrap(),
        super::db::waiting::MAX_PER_SENDER
    );
    node.daemon.shutdown().await;
}

#[test]
fn the_orders_database_is_created_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let _db = super::db::OrdersDb::open(dir.path(), &Default::default()).unwrap();
    let path = crate::data_dir::DataDir::new(dir.path()).orders();
    let mode = std::fs::metadata(path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test]
async fn chat_in_an_order_stops_at_its_cap_and_its_steps_go_on() {
    let (node, handle, listing) = seller().await;
    let consumer = Party::new(1);
    let orders = handle.orders();
    let to = handle.encryption_key().public();
    let order = order_for(&listing, &consumer, 1, 900);
    let (order_msg, sealed) =
        consumer.seal_to(&handle, MessageBody::Order(Box::new(order.clone())));
    assert_eq!(
        orders.receive(&to, &sealed).await.unwrap(),
        MsgResponse::Stored
    );
    let chat = || {
        MessageBody::Chat(smartket_protocol::messages::Chat {
            order_id: Some(order.order_id),
            text: "Vous ouvrez à quelle heure ?".into(),
        })
    };
    for _ in 1..super::inbox::MAX_ORDER_MESSAGES {
        let (_, sealed) = consumer.seal_to(&handle, chat());
        assert_eq!(
            orders.receive(&to, &sealed).await.unwrap(),
            MsgResponse::Stored
        );
    }
    let (_, one_more) = consumer.seal_to(&handle, chat());
    let answer = orders.receive(&to, &one_more).await.unwrap();
    assert!(refused_for(&answer, "chat_full"), "{answer:?}");
    // The order's own steps are not chat: the consumer can still cancel it.
    let (_, cancel) = consumer.seal_to(
        &handle,
        MessageBody::Transition(Transition {
            order_id: order.order_id,
            prev: order_msg,
            at: now_ms(),
            step: Step::Cancelled {
                reason: "plus besoin".into(),
            },
        }),
    );
    assert_eq!(
        orders.receive(&to, &cancel).await.unwrap(),
        MsgResponse::Stored
    );
    assert_eq!(stage(orders, &order.order_id), "cancelled");
    node.daemon.shutdown().await;
}
