//! One order as each party sees it: the seller the items, the customer and the address; the
//! courier the stops, contacts and its fee and no prices; the consumer what it bought; and the
//! rule behind it ([`Sheet`]) on an order whose node holds both the order and the job.

use axum::http::StatusCode;
use smartket_protocol::messages::{
    Address, Contact, DeliveryChoice, DeliveryJob, Money, Order, OrderId, OrderItem, OrderState,
    Parcel, PaymentChoice, Stop, Window,
};
use smartket_protocol::{
    AuthorKey, EncryptionKey, Kind, Message, MessageBody, RecipientKeys, RecordId, SecretKey,
};

use super::orders::sheet::Sheet;
use super::tests::{get, node, post_form};
use crate::daemon::Handle;
use crate::orders::db::Party;
use crate::orders::track::{Parties, Track};

fn address(street: &str, postcode: &str) -> Address {
    Address {
        lines: vec![street.into()],
        postcode: postcode.into(),
        city: "Genève".into(),
        country: "CH".into(),
        notes: Some("Code 1234, 2e étage".into()),
    }
}

fn contact(name: &str, phone: &str) -> Contact {
    Contact {
        name: name.into(),
        phone: Some(phone.into()),
        email: Some("lea@example.ch".into()),
    }
}

/// Two tommes of `listing` for Léa, delivered by the seller to Rue de Carouge 12, half paid in
/// Léman.
fn order_for(
    seller: AuthorKey,
    listing: RecordId,
    rev: u64,
    consumer: &SecretKey,
    id: OrderId,
) -> Order {
    let mut order = Order {
        order_id: id,
        items: vec![OrderItem {
            author: seller,
            key: "tomme".into(),
            listing,
            rev,
            variant: None,
            quantity: 2,
            unit_price: 950,
            currency: "CHF".into(),
        }],
        delivery: DeliveryChoice::Seller {
            window: None,
            fee: Money {
                amount: 500,
                currency: "CHF".into(),
            },
        },
        address: Some(address("Rue de Carouge 12", "1205")),
        contact: contact("Léa Martin", "+41 79 123 45 67"),
        payment: PaymentChoice::LocalCurrency {
            currency: "LEM".into(),
            share_pct: 50,
            rest: Some(Box::new(PaymentChoice::CashOnDelivery)),
        },
        totals: Default::default(),
        note: None,
        reply_to: RecipientKeys {
            author: consumer.public(),
            enc: EncryptionKey::from_seed(&[6; 32]).public(),
        },
        reply_node: None,
    };
    order.totals = order.computed_totals().unwrap();
    order
}

/// [`order_for`] the node's own tomme.
pub(super) fn order_to(handle: &Handle, consumer: &SecretKey, id: OrderId) -> Order {
    let slot = smartket_protocol::Slot {
        author: handle.author(),
        kind: Kind::Listing,
        key: "tomme".into(),
    };
    let listing = handle.store().current(&slot).unwrap().unwrap();
    order_for(
        handle.author(),
        listing.id,
        listing.payload.rev,
        consumer,
        id,
    )
}

fn job(id: OrderId) -> DeliveryJob {
    let from = crate::clock::now_ms() + 86_400_000;
    DeliveryJob {
        order_id: id,
        pickup: Stop {
            address: address("Route de Chêne 1", "1208"),
            contact: contact("Fromagerie des Bossons", "+41 22 700 00 00"),
        },
        dropoff: Stop {
            address: address("Rue de Carouge 12", "1205"),
            contact: contact("Léa Martin", "+41 79 123 45 67"),
        },
        window: Window {
            from,
            to: from + 3 * 3_600_000,
        },
        parcel: Parcel {
            weight_g: 2500,
            length_cm: 30,
            width_cm: 20,
            height_cm: 10,
        },
        fee: Money {
            amount: 800,
            currency: "CHF".into(),
        },
        notify: None,
        notify_node: None,
        note: None,
    }
}

pub(super) async fn deliver(handle: &Handle, from: &SecretKey, body: MessageBody) {
    let to = RecipientKeys {
        author: handle.author(),
        enc: handle.encryption_key().public(),
    };
    let message = Message::new("geneva", body).unwrap();
    let sealed = smartket_protocol::seal(from, &to, &message, crate::clock::now_ms()).unwrap();
    handle
        .orders()
        .receive(&to.enc, sealed.as_bytes())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_seller_sees_what_to_prepare_for_whom_where_and_for_how_much() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let consumer = SecretKey::from_bytes(&[5; 32]);
    let id = OrderId([0x07; 16]);
    let order = order_to(&handle, &consumer, id);
    deliver(&handle, &consumer, MessageBody::Order(Box::new(order))).await;

    let (status, page, _) = get(&app, &format!("/commandes/{}", id.to_hex()), true, None).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Commande 0W3G-E1R7",
        "Tomme de Genève",
        "pièce",
        "CHF 9.50",
        "CHF 19.00",
        "CHF 5.00",
        "CHF 24.00",
        "Léa Martin",
        "href=\"tel:+41791234567\"",
        "href=\"mailto:lea@example.ch\"",
        "Rue de Carouge 12",
        "Code 1234, 2e étage",
        "Livrée par le vendeur",
        "50 % en LEM",
        "pas encore payée",
        "Commande envoyée",
        "par Léa Martin",
        ">Accepter<",
        &format!("/api/v1/orders/{}/receipt", id.to_hex()),
    ] {
        assert!(
            page.contains(shown),
            "{shown:?} on the seller's page: {page}"
        );
    }
    assert!(
        !page.contains("Comment payer"),
        "payment instructions are for the payer"
    );
    let (_, inbox, _) = get(&app, "/gestion", true, None).await;
    assert!(inbox.contains("Commande 0W3G-E1R7"), "{inbox}");
    let (_, page, _) = get(
        &app,
        &format!("/commandes/{}?lang=en", id.to_hex()),
        true,
        None,
    )
    .await;
    assert!(
        page.contains("Order 0W3G-E1R7")
            && page.contains("Unit price")
            && page.contains("not paid yet"),
        "{page}"
    );
    daemon.shutdown().await;
}

#[tokio::test]
async fn the_courier_sees_the_stops_contacts_parcel_and_its_fee_but_no_prices() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let seller = SecretKey::from_bytes(&[8; 32]);
    let id = OrderId([0xff; 16]);
    deliver(
        &handle,
        &seller,
        MessageBody::DeliveryJob(Box::new(job(id))),
    )
    .await;

    let (status, page, _) = get(&app, &format!("/commandes/{}", id.to_hex()), true, None).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Commande ZZZZ-ZZZZ",
        "Route de Chêne 1",
        "1208 Genève",
        "Rue de Carouge 12",
        "href=\"tel:+41227000000\"",
        "href=\"tel:+41791234567\"",
        "2.5 kg, 30 × 20 × 10 cm",
        "Rémunération",
        "CHF 8.00",
        "Course transmise au coursier",
    ] {
        assert!(
            page.contains(shown),
            "{shown:?} on the courier's page: {page}"
        );
    }
    for hidden in ["Prix unitaire", "Montants", "Comment payer", "Tomme"] {
        assert!(
            !page.contains(hidden),
            "{hidden:?} on the courier's page: {page}"
        );
    }
    daemon.shutdown().await;
}

#[tokio::test]
async fn the_consumer_sees_what_it_bought_from_whom_and_how_to_pay_it() {
    let (_dir, daemon, app) = node().await;
    let author = daemon.handle().author().to_hex();
    post_form(
        &app,
        "/panier",
        &format!("author={author}&key=tomme&quantity=2"),
    )
    .await;
    let form = format!("name=L%C3%A9a&email=lea%40example.ch&pay-{author}=cash_on_pickup");
    post_form(&app, "/commander", &form).await;
    let orders = daemon.handle().orders().list().unwrap();
    let id = orders[0].0.order_id;

    let (_, page, _) = get(&app, &format!("/commandes/{}", id.to_hex()), true, None).await;
    for shown in [
        format!("Commande {}", id.number()),
        "Fromagerie des Bossons".into(),
        "Vous".into(),
        "Tomme de Genève".into(),
        "CHF 19.00".into(),
        "Retrait chez le vendeur".into(),
        "Marché de Plainpalais, 1205".into(),
        "Comment payer".into(),
        "espèces au retrait".into(),
    ] {
        assert!(
            page.contains(&shown),
            "{shown:?} on the consumer's page: {page}"
        );
    }
    let (_, list, _) = get(&app, "/commandes", true, None).await;
    assert!(
        list.contains(&format!("Commande {}", id.number())),
        "{list}"
    );
    daemon.shutdown().await;
}

#[tokio::test]
async fn an_order_this_node_is_no_party_to_is_not_found() {
    let (_dir, daemon, app) = node().await;
    let (status, page, _) = get(&app, &format!("/commandes/{}", "ab".repeat(16)), true, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("pas sur ce nœud"), "{page}");
    daemon.shutdown().await;
}

#[test]
fn a_courier_is_shown_the_job_only_and_a_consumer_the_order_only() {
    let consumer = SecretKey::from_bytes(&[5; 32]);
    let seller = SecretKey::from_bytes(&[8; 32]);
    let id = OrderId([3; 16]);
    let order = order_for(seller.public(), RecordId([1; 32]), 1, &consumer, id);
    let track = Track {
        order_id: id,
        order: Some(order),
        job: Some(job(id)),
        parties: Parties {
            consumer: None,
            consumer_node: None,
            seller: seller.public(),
            seller_enc: None,
            courier: None,
        },
        state: OrderState::placed(smartket_protocol::messages::Fulfilment::Seller),
        head: smartket_protocol::messages::MessageId([0; 16]),
        messages: Vec::new(),
    };
    let seen = |party| {
        let sheet = Sheet::for_party(party, &track);
        (sheet.order.is_some(), sheet.job.is_some())
    };
    assert_eq!(
        seen(Party::Courier),
        (false, true),
        "no items, prices or totals"
    );
    assert_eq!(seen(Party::Consumer), (true, false));
    assert_eq!(seen(Party::Seller), (true, true));
}

#[tokio::test]
async fn the_courier_s_day_lists_open_jobs_by_window_with_the_next_step_and_the_route() {
    use smartket_protocol::messages::{MessageId, Step, Transition};
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let seller = SecretKey::from_bytes(&[8; 32]);
    let id = OrderId([0xff; 16]);
    let job = job(id);
    let window = super::dates::window(job.window.from, job.window.to);
    deliver(&handle, &seller, MessageBody::DeliveryJob(Box::new(job))).await;
    let (_, page, _) = get(&app, "/gestion/tournee", true, None).await;
    for shown in [
        "Ma tournée du jour",
        window.as_str(),
        "Commande ZZZZ-ZZZZ",
        "Route de Chêne 1",
        "Rue de Carouge 12",
        "href=\"tel:+41791234567\"",
        "2.5 kg, 30 × 20 × 10 cm",
        "CHF 8.00",
        "Itinéraire du jour",
        "De Route de Chêne 1, 1208 Genève à Rue de Carouge 12, 1205 Genève",
    ] {
        assert!(
            page.contains(shown),
            "{shown:?} on the courier's day: {page}"
        );
    }
    assert!(
        !page.contains("class=\"big\""),
        "nothing to do before the parcel is handed over: {page}"
    );

    // The courier's steps go to the seller, sealed to the key of its profile.
    let profile = serde_json::json!({ "roles": ["producer"], "legal_form": "individual",
        "name": { "fr": "Fromagerie des Bossons" }, "postcode": "1208",
        "point": { "lat_e4": 461_900, "lon_e4": 61_000 }, "enc_key": "33".repeat(32) });
    let profile = crate::record_json::Draft::new(
        seller.public(),
        Kind::Profile,
        "geneva",
        "profile",
        86_400_000,
    )
    .payload(&profile)
    .unwrap();
    let profile = smartket_protocol::Record::sign(&seller, profile).unwrap();
    handle.store().commit(vec![profile]).unwrap();
    let handed = Transition {
        order_id: id,
        prev: MessageId([1; 16]),
        at: crate::clock::now_ms(),
        step: Step::HandedToCourier,
    };
    deliver(&handle, &seller, MessageBody::Transition(handed)).await;
    let (_, page, _) = get(&app, "/gestion/tournee", true, None).await;
    assert!(
        page.contains("class=\"big\"") && page.contains(">Colis pris en charge<"),
        "{page}"
    );
    let (status, to, _) = post_form(
        &app,
        &format!("/commandes/{}/etape", id.to_hex()),
        "step=picked_up&back=%2Fgestion%2Ftournee",
    )
    .await;
    assert_eq!(
        (status, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/gestion/tournee"))
    );
    let (_, page, _) = get(&app, "/gestion/tournee", true, None).await;
    assert!(
        page.contains(">Livrée<"),
        "the next step is delivery: {page}"
    );
    let (_, to, _) = post_form(
        &app,
        &format!("/commandes/{}/etape", id.to_hex()),
        "step=delivered&back=https%3A%2F%2Fexample.com",
    )
    .await;
    assert_eq!(
        to,
        Some(format!("/commandes/{}", id.to_hex())),
        "no redirect elsewhere"
    );
    let (_, page, _) = get(&app, "/gestion/tournee", true, None).await;
    assert!(
        !page.contains("ZZZZ-ZZZZ"),
        "a delivered job leaves the day: {page}"
    );
    daemon.shutdown().await;
}
