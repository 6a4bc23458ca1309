//! A node that joined two markets: the header switches between them, the choice is remembered
//! in a cookie, and the shop pages show the market chosen.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use smartket_protocol::Kind;

use tower::ServiceExt;

use super::tests::{TOKEN, body_of, header_of};
use crate::config::{Config, MarketEntry};
use crate::daemon::Daemon;
use crate::record_json::Draft;

/// `uri` with the test token and `cookie`; the status, the page and its `Set-Cookie`.
async fn get(app: &axum::Router, uri: &str, cookie: Option<&str>) -> (StatusCode, String, String) {
    let mut request = Request::get(uri)
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let cookie = header_of(&response, header::SET_COOKIE).unwrap_or_default();
    (response.status(), body_of(response).await, cookie)
}

#[tokio::test]
async fn a_node_in_two_markets_switches_between_them_and_remembers_the_choice() {
    let dir = crate::data_dir::temp_data_dir();
    crate::identity::create_key(dir.path()).unwrap();
    let lausanne = include_str!("../../../examples/geneva/market.toml")
        .replacen("id = \"geneva\"", "id = \"lausanne\"", 1)
        .replacen(
            "fr = \"Marché local de Genève\"",
            "fr = \"Marché local de Lausanne\"",
            1,
        );
    std::fs::write(dir.path().join("lausanne.toml"), lausanne).unwrap();
    let mut config = Config::default();
    config.network.listen = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.markets = vec![
        MarketEntry {
            id: "geneva".into(),
            config: None,
        },
        MarketEntry {
            id: "lausanne".into(),
            config: Some("lausanne.toml".into()),
        },
    ];
    let daemon = Daemon::start(dir.path(), config).await.unwrap();
    let handle = daemon.handle();
    let listing = json!({
        "title": { "fr": "Taillaule de Lausanne" },
        "category": "food.bakery",
        "price": { "amount": 450, "currency": "CHF", "unit": "piece" },
        "fulfilment": [{ "type": "pickup", "place": "Place de la Riponne", "postcode": "1005" }],
    });
    let payload = Draft::new(
        handle.author(),
        Kind::Listing,
        "lausanne",
        "taillaule",
        86_400_000,
    )
    .payload(&listing)
    .unwrap();
    handle.own().publish(payload).await.unwrap();
    let access = crate::http::access("127.0.0.1:8417".parse().unwrap(), TOKEN.into());
    let app = crate::http::router(handle.clone(), access);

    // The first market joined by default, with a link to the other in the header.
    let (status, home, cookies) = get(&app, "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains("Marché local de Lausanne") && home.contains("?market=lausanne"),
        "{home}"
    );
    assert!(!cookies.contains("market="), "{cookies}");

    // Picked by the link: that market's offers, and the choice remembered.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let (page, cookies) = loop {
        let (_, page, cookies) = get(&app, "/recherche?q=taillaule&market=lausanne", None).await;
        if page.contains("Taillaule de Lausanne") {
            break (page, cookies);
        }
        assert!(tokio::time::Instant::now() < deadline, "{page}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(
        page.contains("aria-current=\"true\">Marché local de Lausanne"),
        "{page}"
    );
    assert!(cookies.contains("market=lausanne"), "{cookies}");

    // The cookie keeps it; without it the node is back in the first market.
    let (_, page, _) = get(&app, "/recherche?q=taillaule", Some("market=lausanne")).await;
    assert!(page.contains("Taillaule de Lausanne"), "{page}");
    let (_, page, _) = get(&app, "/recherche?q=taillaule", None).await;
    assert!(!page.contains("Taillaule de Lausanne"), "{page}");
    // A market the node did not join is not a choice.
    let (_, page, _) = get(&app, "/recherche?q=taillaule&market=zurich", None).await;
    assert!(!page.contains("Taillaule de Lausanne"), "{page}");
    daemon.shutdown().await;
}
