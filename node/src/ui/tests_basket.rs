//! The basket and checkout like a shop's, read from the pages: quantities changed in place,
//! totals per seller and per currency with the courier's fee before ordering, the contact
//! remembered and filled in again, a refused field's message beside it, and the confirmation
//! naming each seller's order by its number.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tower::ServiceExt;

use super::i18n::Tr;
use super::tests::{TOKEN, body_of, get, header_of, node, post_form};
use crate::daemon::Handle;
use crate::record_json::Draft;
use smartket_protocol::{Kind, Record, SecretKey};

/// A second seller, the Rucher, whose honey is priced in Léman and picked up only.
fn honey_seller(handle: &Handle) -> String {
    let rucher = SecretKey::from_bytes(&[41; 32]);
    let profile = json!({ "roles": ["producer"], "legal_form": "individual",
        "name": { "fr": "Rucher de Choulex" }, "postcode": "1244",
        "point": { "lat_e4": 462_200, "lon_e4": 62_200 }, "enc_key": "44".repeat(32) });
    let listing = json!({
        "title": { "fr": "Miel de printemps" },
        "description": { "fr": "Crémeux." },
        "category": "food",
        "price": { "amount": 1200, "currency": "LEM", "unit": "piece" },
        "stock": 5,
        "fulfilment": [{ "type": "pickup", "place": "Rucher", "postcode": "1244" }],
    });
    let draft = |kind, key| Draft::new(rucher.public(), kind, "geneva", key, 86_400_000);
    let records = [
        draft(Kind::Profile, "profile").payload(&profile).unwrap(),
        draft(Kind::Listing, "miel").payload(&listing).unwrap(),
    ]
    .map(|p| Record::sign(&rucher, p).unwrap());
    handle.store().commit(records.to_vec()).unwrap();
    rucher.public().to_hex()
}

/// A courier serving 1205 for CHF 8.00, and the user's postcode set to 1205.
async fn courier_for_1205(handle: &Handle, app: &axum::Router) {
    let courier = SecretKey::from_bytes(&[31; 32]);
    let profile = json!({ "roles": ["courier"], "legal_form": "individual",
        "name": { "fr": "VéloCargo" }, "enc_key": "22".repeat(32) });
    let offer = json!({ "zones": [{ "postcodes": ["1205"] }],
        "fees": { "currency": "CHF", "base": 800 },
        "slots": [{ "day": "tue", "start": 540, "end": 720 }], "vehicle": "cargo_bike",
        "limits": { "max_weight_g": 30000, "max_length_cm": 80, "max_width_cm": 60,
                    "max_height_cm": 60 } });
    let draft = |kind, key| Draft::new(courier.public(), kind, "geneva", key, 86_400_000);
    let records = [
        draft(Kind::Profile, "profile").payload(&profile).unwrap(),
        draft(Kind::DeliveryOffer, "velo").payload(&offer).unwrap(),
    ]
    .map(|p| Record::sign(&courier, p).unwrap());
    handle.store().commit(records.to_vec()).unwrap();
    let settings = Request::put("/api/v1/settings")
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "location": { "lat": 46.19, "lon": 6.14, "postcode": "1205" } }).to_string(),
        ))
        .unwrap();
    assert_eq!(
        app.clone().oneshot(settings).await.unwrap().status(),
        StatusCode::OK
    );
}

/// The value of the courier's option on the basket page.
fn courier_value(basket: &str) -> String {
    let value = basket
        .split("value=\"courier:")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    format!("courier:{value}")
}

async fn add(app: &axum::Router, author: &str, key: &str, quantity: u32) {
    let (status, _, body) = post_form(
        app,
        "/panier",
        &format!("author={author}&key={key}&quantity={quantity}"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
}

#[test]
fn every_message_of_the_basket_exists_in_every_language() {
    let ids = [
        "basket-update",
        "basket-browse",
        "basket-fee",
        "basket-fee-free",
        "basket-fee-pickup",
        "basket-seller-total",
        "basket-grand-total",
        "basket-grand-total-hint",
        "basket-error-quantity",
        "checkout-notes",
        "checkout-reach-hint",
        "checkout-address-needed",
        "checkout-remember",
        "checkout-error-name",
        "checkout-error-phone",
        "checkout-error-email",
        "checkout-error-reach",
        "checkout-error-street",
        "checkout-error-postcode",
        "checkout-error-city",
        "checkout-error-notes",
        "checkout-error-courier",
        "checkout-error-unavailable",
        "confirm-title",
        "confirm-lead",
        "confirm-delivered",
        "orders-earlier",
    ];
    assert_eq!(Tr::complete(&ids), Vec::<String>::new());
}

#[tokio::test]
async fn a_quantity_is_changed_in_place_and_a_wrong_one_refused_beside_its_line() {
    let (_dir, daemon, app) = node().await;
    let author = daemon.handle().author().to_hex();
    add(&app, &author, "tomme", 2).await;
    let (_, basket, _) = get(&app, "/panier", true, None).await;
    assert!(
        basket.contains("name=\"qty-0\"") && basket.contains("value=\"2\""),
        "{basket}"
    );

    let (status, _, basket) = post_form(&app, "/panier/maj", "qty-0=3").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        daemon.handle().orders().basket().unwrap().lines[0].quantity,
        3
    );
    assert!(
        basket.contains("value=\"3\"") && basket.contains("CHF 28.50"),
        "3 × CHF 9.50 on the page: {basket}"
    );

    let (status, _, basket) = post_form(&app, "/panier/maj", "qty-0=trois").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        basket.contains("aria-describedby=\"qty-0-error\"")
            && basket.contains("id=\"qty-0-error\">Indiquez un nombre entier"),
        "the message beside the quantity: {basket}"
    );
    assert_eq!(
        daemon.handle().orders().basket().unwrap().lines[0].quantity,
        3
    );

    post_form(&app, "/panier/maj", "qty-0=0").await;
    let (_, basket, _) = get(&app, "/panier", true, None).await;
    assert!(basket.contains("Votre panier est vide."), "{basket}");
    daemon.shutdown().await;
}

#[tokio::test]
async fn the_basket_totals_each_seller_and_each_currency_with_the_courier_fee_before_ordering() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let author = handle.author().to_hex();
    let rucher = honey_seller(&handle);
    courier_for_1205(&handle, &app).await;
    add(&app, &author, "tomme", 2).await;
    add(&app, &rucher, "miel", 1).await;

    let (_, basket, _) = get(&app, "/panier", true, None).await;
    for shown in [
        "Chez Fromagerie des Bossons",
        "Chez Rucher de Choulex",
        "aucun frais (retrait)",
        "12.00 LEM",
        "Total à payer",
    ] {
        assert!(basket.contains(shown), "{shown:?} in the basket: {basket}");
    }
    // The thumbnail is the listing's first picture, when it has one; the tomme has none.
    assert!(basket.contains("<span class=\"thumb\">"), "{basket}");

    let courier = courier_value(&basket);
    let form = format!("qty-0=2&qty-1=1&delivery-{author}={courier}&pay-{author}=cash_on_pickup");
    let (status, _, basket) = post_form(&app, "/panier/maj", &form).await;
    assert_eq!(status, StatusCode::OK);
    let fee = basket
        .split("class=\"num fee\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap();
    assert_eq!(fee, "CHF 8.00", "the courier's fee before ordering");
    assert!(
        basket.contains("<strong>CHF 27.00</strong>"),
        "the dairy's total, goods and fee: {basket}"
    );
    let grand = basket.split("id=\"grand-total\"").nth(1).unwrap();
    assert!(
        grand.contains("CHF 27.00") && grand.contains("12.00 LEM"),
        "the grand total per currency: {grand}"
    );
    assert!(
        basket.contains(&format!("value=\"{courier}\" selected")),
        "the way chosen stays chosen: {basket}"
    );
    daemon.shutdown().await;
}

#[tokio::test]
async fn a_refused_contact_is_said_beside_its_field_and_a_delivery_needs_the_street() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let author = handle.author().to_hex();
    courier_for_1205(&handle, &app).await;
    add(&app, &author, "tomme", 1).await;
    let form = format!("name=L%C3%A9a&phone=call+me&pay-{author}=cash_on_pickup");
    let (status, _, page) = post_form(&app, "/commander", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("aria-describedby=\"phone-error\"")
            && page.contains("id=\"phone-error\">Numéro de téléphone invalide"),
        "{page}"
    );
    assert!(
        page.contains("value=\"call me\""),
        "the form as typed: {page}"
    );

    let (_, basket, _) = get(&app, "/panier", true, None).await;
    let courier = courier_value(&basket);
    let form = format!(
        "name=L%C3%A9a&phone=%2B41791234567&pay-{author}=cash_on_pickup&delivery-{author}={courier}&postcode=1205"
    );
    let (status, _, page) = post_form(&app, "/commander", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"street-error\">Indiquez la rue"),
        "{page}"
    );
    assert!(
        handle.orders().list().unwrap().is_empty(),
        "nothing ordered"
    );
    daemon.shutdown().await;
}

#[tokio::test]
async fn checkout_confirms_each_seller_s_order_by_number_and_remembers_the_contact_privately() {
    let (dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let author = handle.author().to_hex();
    let rucher = honey_seller(&handle);
    add(&app, &author, "tomme", 2).await;
    add(&app, &rucher, "miel", 1).await;
    let form = format!(
        "name=Camille+Rochat&phone=%2B41+79+555+12+34&remember=on\
         &pay-{author}=cash_on_pickup&pay-{rucher}=cash_on_pickup"
    );
    let request = Request::post("/commander")
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::ORIGIN, "http://127.0.0.1:8417")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        header_of(&response, header::LOCATION).as_deref(),
        Some("/commandes")
    );
    let cookie = header_of(&response, header::SET_COOKIE).unwrap();
    let placed = cookie.split(';').next().unwrap().to_owned();

    let request = Request::get("/commandes")
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::COOKIE, placed)
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let cleared = header_of(&response, header::SET_COOKIE).unwrap_or_default();
    assert!(
        cleared.starts_with("placed=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    let page = body_of(response).await;
    let orders = handle.orders().list().unwrap();
    assert_eq!(orders.len(), 2);
    let confirmation = page
        .split("class=\"confirmation\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap();
    assert!(
        confirmation.contains("Vos 2 commandes sont envoyées"),
        "{page}"
    );
    for (file, _) in &orders {
        assert!(
            confirmation.contains(&format!("Commande {}", file.order_id.number())),
            "{} on the confirmation: {page}",
            file.order_id.number()
        );
    }
    assert!(
        confirmation.contains("Rucher de Choulex") && confirmation.contains("CHF 19.00"),
        "{confirmation}"
    );
    let (_, later, _) = get(&app, "/commandes", true, None).await;
    assert!(!later.contains("sont envoyées"), "shown once: {later}");

    // The next basket is filled with the contact, which the settings API does not show.
    add(&app, &author, "tomme", 1).await;
    let (_, basket, _) = get(&app, "/panier", true, None).await;
    assert!(
        basket.contains("value=\"Camille Rochat\"")
            && basket.contains("value=\"+41 79 555 12 34\""),
        "{basket}"
    );
    let (_, settings, _) = get(&app, "/api/v1/settings", true, None).await;
    assert!(!settings.contains("Camille"), "{settings}");
    assert!(dir.path().join("contact.json").exists());
    daemon.shutdown().await;
}
