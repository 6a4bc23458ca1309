//! The back office's working day through the real router: the orders list filtered by state
//! and by day, the packing list summing each product across the day's orders beside the stock,
//! and the CSV exports read back by a CSV reader.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use smartket_protocol::messages::{DeliveryChoice, Money, Order, OrderId, Window};
use smartket_protocol::{MessageBody, SecretKey};
use tower::ServiceExt;

use super::tests::{TOKEN, body_of, get, header_of, node, post_form};
use super::tests_orders::{deliver, order_to};
use crate::daemon::Handle;

/// A pick-up order of `quantity` tommes for `name`, received now.
async fn pickup(handle: &Handle, seed: u8, id: OrderId, quantity: u32, name: &str) {
    let consumer = SecretKey::from_bytes(&[seed; 32]);
    let mut order = order_to(handle, &consumer, id);
    order.items[0].quantity = quantity;
    order.delivery = DeliveryChoice::Pickup;
    order.address = None;
    order.contact.name = name.into();
    order.totals = order.computed_totals().unwrap();
    deliver(handle, &consumer, MessageBody::Order(Box::new(order))).await;
}

/// Midnight-ish two days from now, as the date field sends it, and a window in that day.
fn in_two_days() -> (String, Window) {
    let from = crate::clock::now_ms() + 2 * 86_400_000;
    let day = super::dates::iso_date(from);
    let from = super::dates::parse_date(&day).unwrap() + 10 * 3_600_000;
    (
        day,
        Window {
            from,
            to: from + 2 * 3_600_000,
        },
    )
}

/// An order delivered by the seller in a window two days from now.
fn later(handle: &Handle, consumer: &SecretKey, id: OrderId, window: Window) -> Order {
    let mut order = order_to(handle, consumer, id);
    order.delivery = DeliveryChoice::Seller {
        window: Some(window),
        fee: Money {
            amount: 500,
            currency: "CHF".into(),
        },
    };
    order.totals = order.computed_totals().unwrap();
    order
}

#[tokio::test]
async fn the_back_office_filters_orders_by_state_and_by_day() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let (placed, accepted, far) = (
        OrderId([0x11; 16]),
        OrderId([0x22; 16]),
        OrderId([0x33; 16]),
    );
    pickup(&handle, 5, placed, 1, "Ada Placée").await;
    pickup(&handle, 6, accepted, 1, "Bea Acceptée").await;
    let consumer = SecretKey::from_bytes(&[7; 32]);
    let (day, window) = in_two_days();
    let order = later(&handle, &consumer, far, window);
    deliver(&handle, &consumer, MessageBody::Order(Box::new(order))).await;
    let (status, _, _) = post_form(
        &app,
        &format!("/commandes/{}/etape", accepted.to_hex()),
        "step=accepted",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let shows = |page: &str| {
        [placed, accepted, far].map(|id| page.contains(&format!("Commande {}", id.number())))
    };
    let (_, page, _) = get(&app, "/gestion", true, None).await;
    assert_eq!(shows(&page), [true, true, true], "all to handle: {page}");
    assert!(page.contains("Ada Placée") && page.contains("Liste de préparation"));
    let (_, page, _) = get(&app, "/gestion?etat=a-accepter", true, None).await;
    assert_eq!(shows(&page), [true, false, true], "to accept: {page}");
    let (_, page, _) = get(&app, "/gestion?etat=a-preparer", true, None).await;
    assert_eq!(shows(&page), [false, true, false], "to prepare: {page}");
    assert!(
        page.contains("value=\"a-preparer\" selected"),
        "the filter stays chosen: {page}"
    );
    let (_, page, _) = get(
        &app,
        &format!("/gestion?etat=toutes&jour={day}"),
        true,
        None,
    )
    .await;
    assert_eq!(shows(&page), [false, false, true], "on {day}: {page}");
    assert!(
        page.contains(&format!(
            "/gestion/export/commandes.csv?etat=toutes&amp;jour={day}"
        )),
        "the export takes the filters along: {page}"
    );
    let (_, page, _) = get(&app, "/gestion?etat=pretes", true, None).await;
    assert_eq!(shows(&page), [false, false, false]);
    assert!(page.contains("Aucune commande"), "{page}");
    daemon.shutdown().await;
}

#[tokio::test]
async fn the_packing_list_sums_each_product_over_the_day_s_orders_beside_the_stock() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let (first, second, far) = (
        OrderId([0x44; 16]),
        OrderId([0x55; 16]),
        OrderId([0x66; 16]),
    );
    pickup(&handle, 5, first, 8, "Ada Lovelace").await;
    pickup(&handle, 6, second, 6, "Bea Rossi").await;
    let consumer = SecretKey::from_bytes(&[7; 32]);
    let (day, window) = in_two_days();
    let order = later(&handle, &consumer, far, window);
    deliver(&handle, &consumer, MessageBody::Order(Box::new(order))).await;

    let (status, page, _) = get(&app, "/gestion/preparation", true, None).await;
    assert_eq!(status, StatusCode::OK);
    let products = page
        .split("id=\"products\"")
        .nth(1)
        .and_then(|rest| rest.split("id=\"per-order\"").next())
        .unwrap_or_default();
    assert!(
        products.contains("Tomme de Genève")
            && products.contains("<td class=\"num\"><strong>14</strong>"),
        "8 + 6 tommes today: {products}"
    );
    assert!(products.contains("2 commandes"), "{products}");
    assert!(
        products.contains(">12 <strong class=\"short\">il en manque 2</strong>"),
        "12 in stock, 2 short: {products}"
    );
    for shown in [
        format!("Commande {}", first.number()),
        format!("Commande {}", second.number()),
        "Ada Lovelace".into(),
        "Bea Rossi".into(),
        "Retrait chez le vendeur".into(),
    ] {
        assert!(
            page.contains(&shown),
            "{shown:?} on the packing list: {page}"
        );
    }
    assert!(
        !page.contains(&far.number()),
        "an order for another day waits for its day: {page}"
    );

    let (_, page, _) = get(
        &app,
        &format!("/gestion/preparation?jour={day}"),
        true,
        None,
    )
    .await;
    assert!(
        page.contains(&far.number())
            && page.contains("<td class=\"num\"><strong>2</strong>")
            && page.contains("Livrée par le vendeur")
            && !page.contains("Ada Lovelace"),
        "{page}"
    );
    daemon.shutdown().await;
}

/// GETs `uri`: status, content type, content disposition and body.
async fn download(app: &axum::Router, uri: &str) -> (StatusCode, String, String, String) {
    let request = Request::get(uri)
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let kind = header_of(&response, header::CONTENT_TYPE).unwrap_or_default();
    let name = header_of(&response, header::CONTENT_DISPOSITION).unwrap_or_default();
    (response.status(), kind, name, body_of(response).await)
}

/// The CSV's records, header first, as a CSV reader reads them.
fn records(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn the_csv_exports_read_back_with_a_name_holding_a_comma_and_a_quote() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let consumer = SecretKey::from_bytes(&[5; 32]);
    let id = OrderId([0x07; 16]);
    let mut order = order_to(&handle, &consumer, id);
    let name = "Martin, Léa \"Lulu\"";
    order.contact.name = name.into();
    deliver(&handle, &consumer, MessageBody::Order(Box::new(order))).await;
    let today = super::dates::iso_date(crate::clock::now_ms());

    let (status, kind, disposition, text) =
        download(&app, "/gestion/export/lignes.csv?etat=toutes").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "text/csv; charset=utf-8");
    assert_eq!(disposition, "attachment; filename=\"smartket-lignes.csv\"");
    let rows = records(&text);
    assert_eq!(
        rows[0],
        [
            "Commande",
            "Date",
            "Client",
            "Article",
            "Variante",
            "Quantité",
            "Unité",
            "Prix unitaire",
            "Total de la ligne",
            "Monnaie",
            "Livraison",
            "Frais de livraison",
            "Paiement",
            "État"
        ]
    );
    assert_eq!(rows.len(), 2, "one line: {text}");
    assert_eq!(
        rows[1][..12],
        [
            "0W3G-E1R7",
            today.as_str(),
            name,
            "Tomme de Genève",
            "",
            "2",
            "pièce",
            "9.50",
            "19.00",
            "CHF",
            "Livrée par le vendeur",
            "5.00"
        ]
    );
    assert!(rows[1][12].contains("50 % en LEM"), "{:?}", rows[1]);
    assert_eq!(rows[1][13], "envoyée");

    let (status, _, disposition, text) = download(
        &app,
        &format!("/gestion/export/commandes.csv?etat=a-accepter&jour={today}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        disposition,
        format!("attachment; filename=\"smartket-commandes-{today}.csv\"")
    );
    let rows = records(&text);
    assert_eq!(rows.len(), 2, "{text}");
    let (_, _, disposition, text) = download(
        &app,
        &format!("/gestion/export/commandes.csv?etat=toutes&du={today}&au={today}"),
    )
    .await;
    assert_eq!(
        disposition,
        format!("attachment; filename=\"smartket-commandes-{today}_{today}.csv\""),
        "a period names its file"
    );
    assert!(records(&text).len() > 1, "today is in the period: {text}");
    for period in ["du=2999-01-01", "au=2000-01-01"] {
        let (_, _, _, text) = download(
            &app,
            &format!("/gestion/export/commandes.csv?etat=toutes&{period}"),
        )
        .await;
        assert_eq!(records(&text).len(), 1, "{period} holds no order: {text}");
    }
    assert_eq!(rows[1][2], name);
    assert_eq!(
        rows[1][7..11],
        ["19.00", "5.00", "24.00", "CHF"],
        "goods, fee, total, currency: {:?}",
        rows[1]
    );
    assert_eq!(rows[1][12], "non", "not paid yet");

    let (_, _, _, text) = download(&app, "/gestion/export/lignes.csv?etat=pretes&lang=en").await;
    let rows = records(&text);
    assert_eq!(rows.len(), 1, "the filter holds in the export: {text}");
    assert_eq!(rows[0][0], "Order", "headers in the reader's language");
    daemon.shutdown().await;
}
