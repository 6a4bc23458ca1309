//! The pages through the real router on a real daemon: languages, the login wall, the home
//! page's counts, search with a facet, an offer and a missing one.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tower::ServiceExt;

use super::i18n::Tr;
use crate::daemon::Daemon;
use crate::record_json::Draft;
use smartket_protocol::Kind;

pub(super) const TOKEN: &str = "ui-token";

pub(super) async fn node() -> (tempfile::TempDir, Daemon, axum::Router) {
    let (dir, daemon) = crate::daemon::test_daemon().await;
    let access = crate::http::access("127.0.0.1:8417".parse().unwrap(), TOKEN.into());
    let handle = daemon.handle();
    let draft = |kind, key| Draft::new(handle.author(), kind, "geneva", key, 86_400_000);
    let profile = json!({ "roles": ["producer"], "legal_form": "individual",
        "name": { "fr": "Fromagerie des Bossons" }, "postcode": "1213",
        "point": { "lat_e4": 461_900, "lon_e4": 61_000 }, "enc_key": "11".repeat(32) });
    let listing = json!({
        "title": { "fr": "Tomme de Genève", "en": "Geneva tomme" },
        "description": { "fr": "Au lait cru, affinée trois semaines." },
        "category": "food.dairy.cheese",
        "price": { "amount": 950, "currency": "CHF", "unit": "piece" },
        "stock": 12, "local_share_pct": 50,
        "fulfilment": [{ "type": "pickup", "place": "Marché de Plainpalais", "postcode": "1205" },
            { "type": "courier" }],
    });
    for payload in [
        draft(Kind::Profile, "profile").payload(&profile).unwrap(),
        draft(Kind::Listing, "tomme").payload(&listing).unwrap(),
    ] {
        handle.own().publish(payload).await.unwrap();
    }
    let app = crate::http::router(daemon.handle(), access);
    (dir, daemon, app)
}

pub(super) async fn get(
    app: &axum::Router,
    uri: &str,
    auth: bool,
    lang: Option<&str>,
) -> (StatusCode, String, Option<String>) {
    let mut request = Request::get(uri).header(header::HOST, "127.0.0.1:8417");
    if auth {
        request = request.header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    }
    if let Some(lang) = lang {
        request = request.header(header::ACCEPT_LANGUAGE, lang);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let cookie = header_of(&response, header::SET_COOKIE);
    (response.status(), body_of(response).await, cookie)
}

/// A response header's value, as text.
pub(super) fn header_of(
    response: &axum::response::Response,
    name: header::HeaderName,
) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap_or("").to_owned())
}

/// A response's body, as text.
pub(super) async fn body_of(response: axum::response::Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Polls `uri` until its page contains `needle` (the search index commits within a second).
pub(super) async fn get_until(app: &axum::Router, uri: &str, needle: &str) -> String {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (status, page, _) = get(app, uri, true, None).await;
        if status == StatusCode::OK && page.contains(needle) {
            return page;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{uri}: no {needle:?} in {page}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn pages_speak_french_by_default_english_on_request_and_remember_it() {
    let (_dir, daemon, app) = node().await;
    let (status, page, _) = get(&app, "/", true, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<html lang=\"fr\">"), "{page}");
    assert!(page.contains("Le marché local"), "{page}");
    let (_, page, cookie) = get(&app, "/?lang=en", true, None).await;
    assert!(
        page.contains("<html lang=\"en\">") && page.contains("Categories"),
        "{page}"
    );
    assert!(cookie.unwrap_or_default().starts_with("lang=en"));
    let (_, page, _) = get(&app, "/", true, Some("en-GB,en;q=0.8")).await;
    assert!(
        page.contains("<html lang=\"en\">"),
        "the browser's language is followed"
    );
    daemon.shutdown().await;
}

#[tokio::test]
async fn a_browser_without_a_session_is_told_how_to_log_in() {
    let (_dir, daemon, app) = node().await;
    let (status, page, _) = get(&app, "/recherche?q=tomme", false, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("Connexion nécessaire"), "{page}");
    assert!(
        !page.contains("Tomme de Genève"),
        "no catalogue without a session"
    );
    let (status, css, _) = get(&app, "/static/style.css", false, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(css.contains(":focus-visible"));
    daemon.shutdown().await;
}

#[tokio::test]
async fn search_shows_results_with_prices_facets_and_links_to_the_offer() {
    let (_dir, daemon, app) = node().await;
    let page = get_until(&app, "/recherche?q=tomme", "Tomme de Genève").await;
    assert!(page.contains("1 résultat"), "{page}");
    assert!(page.contains("CHF 9.50 / pièce"), "{page}");
    assert!(page.contains("Vendu par Fromagerie des Bossons"), "{page}");
    assert!(page.contains("Accepte le LEM"), "{page}");
    let author = daemon.handle().author().to_hex();
    assert!(page.contains(&format!("/annonce/{author}/tomme")), "{page}");
    let (_, none, _) = get(&app, "/recherche?q=velo&in_stock=on", true, None).await;
    assert!(none.contains("Aucun résultat"), "{none}");
    let (_, english, _) = get(&app, "/recherche?q=tomme&lang=en", true, None).await;
    assert!(
        english.contains("Geneva tomme") && english.contains("1 result"),
        "{english}"
    );

    let (status, offer, _) = get(&app, &format!("/annonce/{author}/tomme"), true, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(offer.contains("<h1>Tomme de Genève</h1>"), "{offer}");
    assert!(
        offer.contains("Retrait : Marché de Plainpalais (1205)"),
        "{offer}"
    );
    assert!(offer.contains("Jusqu'à 50 % payable en LEM"), "{offer}");
    let (status, missing, _) = get(&app, &format!("/annonce/{author}/absent"), true, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("n'existe plus"), "{missing}");
    daemon.shutdown().await;
}

#[test]
fn every_message_the_pages_use_exists_in_every_language() {
    let ids = [
        "site-name",
        "skip-to-content",
        "search-label",
        "search-placeholder",
        "search-button",
        "nav-shop",
        "language",
        "home-title",
        "home-lead",
        "categories",
        "newest",
        "results-count",
        "results-for",
        "filters",
        "filter-category",
        "filter-labels",
        "filter-payment",
        "filter-in-stock",
        "filter-apply",
        "filter-clear",
        "payment-local",
        "sort",
        "sort-relevance",
        "sort-price-asc",
        "sort-price-desc",
        "sort-distance",
        "sort-newest",
        "in-stock",
        "out-of-stock",
        "sold-by",
        "distance",
        "previous",
        "next",
        "listing-description",
        "listing-fulfilment",
        "listing-pickup",
        "listing-delivery",
        "listing-courier",
        "listing-local-share",
        "listing-not-found",
        "not-logged-in-title",
        "not-logged-in",
        "unit-piece",
        "unit-kg",
        "unit-100g",
        "unit-litre",
        "unit-bottle",
        "unit-dozen",
        "unit-bunch",
        "unit-box",
        "unit-hour",
        "unit-session",
        "unit-day",
    ];
    assert_eq!(Tr::complete(&ids), Vec::<String>::new());
}

pub(super) async fn post_form(
    app: &axum::Router,
    uri: &str,
    form: &str,
) -> (StatusCode, Option<String>, String) {
    let request = Request::post(uri)
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::ORIGIN, "http://127.0.0.1:8417")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    send(app, request).await
}

/// Sends a request to the router; its status, `Location` and body.
pub(super) async fn send(
    app: &axum::Router,
    request: Request<Body>,
) -> (StatusCode, Option<String>, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let location = header_of(&response, header::LOCATION);
    (response.status(), location, body_of(response).await)
}

#[tokio::test]
async fn an_offer_goes_into_the_basket_and_out_as_an_order_with_its_payment() {
    let (_dir, daemon, app) = node().await;
    let author = daemon.handle().author().to_hex();
    let (_, offer, _) = get(&app, &format!("/annonce/{author}/tomme"), true, None).await;
    assert!(offer.contains("Ajouter au panier"), "{offer}");
    let (status, to, _) = post_form(
        &app,
        "/panier",
        &format!("author={author}&key=tomme&quantity=2"),
    )
    .await;
    assert_eq!(
        (status, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/panier"))
    );
    let (_, basket, _) = get(&app, "/panier", true, None).await;
    assert!(
        basket.contains(">Tomme de Genève</a>")
            && basket.contains("CHF 9.50 / pièce")
            && basket.contains("name=\"qty-0\"")
            && basket.contains("value=\"2\""),
        "{basket}"
    );
    assert!(basket.contains("Chez Fromagerie des Bossons"), "{basket}");
    assert!(basket.contains("CHF 19.00"), "{basket}");

    let form = format!("name=L%C3%A9a&email=lea%40example.ch&pay-{author}=cash_on_pickup");
    let (status, to, page) = post_form(&app, "/commander", &form).await;
    assert_eq!(
        (status, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/commandes")),
        "{page}"
    );
    let (_, orders, _) = get(&app, "/commandes", true, None).await;
    assert!(orders.contains("envoyée"), "{orders}");
    let id = orders
        .split("/commandes/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let (status, order, _) = get(&app, &format!("/commandes/{id}"), true, None).await;
    let (_, script, _) = get(&app, "/static/app.js", false, None).await;
    assert!(
        script.contains("new EventSource(\"/api/v1/events\")"),
        "the script listens to the node's events: {script}"
    );
    assert_eq!(status, StatusCode::OK);
    assert!(order.contains("CHF 19.00 : espèces au retrait"), "{order}");
    assert!(
        order.contains(&format!("data-live-order=\"{id}\""))
            && order.contains("src=\"/static/app.js\""),
        "the page follows the order live"
    );
    let (_, basket, _) = get(&app, "/panier", true, None).await;
    assert!(basket.contains("Votre panier est vide."), "{basket}");
    daemon.shutdown().await;
}

#[tokio::test]
async fn checkout_offers_the_couriers_that_serve_my_postcode_and_quotes_their_fee() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let author = handle.author().to_hex();
    // A courier whose offer serves 1205, as gossip would have brought it.
    let courier = smartket_protocol::SecretKey::from_bytes(&[31; 32]);
    let profile = json!({ "roles": ["courier"], "legal_form": "individual",
        "name": { "fr": "VéloCargo" }, "enc_key": "22".repeat(32) });
    let offer = json!({ "zones": [{ "postcodes": ["1204", "1205"] }],
        "fees": { "currency": "CHF", "base": 800 },
        "slots": [{ "day": "tue", "start": 540, "end": 720 }], "vehicle": "cargo_bike",
        "limits": { "max_weight_g": 30000, "max_length_cm": 80, "max_width_cm": 60,
                    "max_height_cm": 60 } });
    let records = [
        Draft::new(
            courier.public(),
            Kind::Profile,
            "geneva",
            "profile",
            86_400_000,
        )
        .payload(&profile)
        .unwrap(),
        Draft::new(
            courier.public(),
            Kind::DeliveryOffer,
            "geneva",
            "velo",
            86_400_000,
        )
        .payload(&offer)
        .unwrap(),
    ]
    .map(|p| smartket_protocol::Record::sign(&courier, p).unwrap());
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

    post_form(
        &app,
        "/panier",
        &format!("author={author}&key=tomme&quantity=2"),
    )
    .await;
    let (_, basket, _) = get(&app, "/panier", true, None).await;
    assert!(
        basket.contains("Livraison par coursier : VéloCargo — CHF 8.00"),
        "{basket}"
    );
    let value = basket
        .split("value=\"courier:")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let form = format!(
        "name=L%C3%A9a&phone=%2B41791234567&pay-{author}=cash_on_pickup&delivery-{author}=courier:{value}\
         &street=Rue+de+Carouge+12&postcode=1205&city=Gen%C3%A8ve"
    );
    let (status, to, page) = post_form(&app, "/commander", &form).await;
    assert_eq!(
        (status, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/commandes")),
        "{page}"
    );
    let orders = handle.orders().list().unwrap();
    let order = orders[0].1.order.clone().unwrap();
    assert_eq!(order.totals["CHF"], 1900 + 800);
    assert_eq!(order.address.unwrap().postcode, "1205");
    daemon.shutdown().await;
}

#[tokio::test]
async fn the_seller_handles_an_incoming_order_with_the_buttons_of_the_steps_it_may_make() {
    use smartket_protocol::messages::{
        Contact, DeliveryChoice, Order, OrderId, OrderItem, PaymentChoice,
    };
    use smartket_protocol::{EncryptionKey, Message, MessageBody, RecipientKeys, SecretKey};
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let slot = smartket_protocol::Slot {
        author: handle.author(),
        kind: Kind::Listing,
        key: "tomme".into(),
    };
    let listing = handle.store().current(&slot).unwrap().unwrap();
    let consumer = SecretKey::from_bytes(&[5; 32]);
    let mut order = Order {
        order_id: OrderId([9; 16]),
        items: vec![OrderItem {
            author: handle.author(),
            key: "tomme".into(),
            listing: listing.id,
            rev: listing.payload.rev,
            variant: None,
            quantity: 1,
            unit_price: 950,
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
        totals: Default::default(),
        note: None,
        reply_to: RecipientKeys {
            author: consumer.public(),
            enc: EncryptionKey::from_seed(&[6; 32]).public(),
        },
        reply_node: None,
    };
    order.totals = order.computed_totals().unwrap();
    let to = RecipientKeys {
        author: handle.author(),
        enc: handle.encryption_key().public(),
    };
    let message = Message::new("geneva", MessageBody::Order(Box::new(order))).unwrap();
    let sealed = smartket_protocol::seal(&consumer, &to, &message, crate::clock::now_ms()).unwrap();
    handle
        .orders()
        .receive(&to.enc, sealed.as_bytes())
        .await
        .unwrap();

    let (_, inbox, _) = get(&app, "/gestion", true, None).await;
    assert!(
        inbox.contains("envoyée") && inbox.contains("à traiter"),
        "{inbox}"
    );
    let id = hex::encode([9u8; 16]);
    let (_, page, _) = get(&app, &format!("/commandes/{id}"), true, None).await;
    assert!(
        page.contains(">Accepter<") && page.contains(">Refuser<"),
        "{page}"
    );
    assert!(
        !page.contains(">Terminer<"),
        "completion cannot come yet: {page}"
    );
    let (status, to, _) = post_form(&app, &format!("/commandes/{id}/etape"), "step=accepted").await;
    assert_eq!(
        (status, to),
        (StatusCode::SEE_OTHER, Some(format!("/commandes/{id}")))
    );
    let (_, page, _) = get(&app, &format!("/commandes/{id}"), true, None).await;
    assert!(
        page.contains("acceptée") && page.contains(">Paiement reçu<"),
        "{page}"
    );
    let (status, _, _) = post_form(&app, &format!("/commandes/{id}/etape"), "step=accepted").await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the same step twice is refused"
    );
    daemon.shutdown().await;
}
