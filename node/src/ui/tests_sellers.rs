//! The consumer's view of sellers through the real router on a real daemon: a seller's page,
//! labels with their issuer, and the search filters on price and on getting the goods.

use serde_json::json;
use smartket_protocol::Kind;

use super::tests::{get, get_until, node};
use crate::record_json::{Draft, attestation_key};

#[tokio::test]
async fn an_offer_names_its_labels_issuers_and_links_the_seller_s_page() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let me = handle.author().to_hex();
    let now = crate::clock::now_ms();
    let attestation = json!({
        "subject": { "type": "listing", "author": me, "key": "tomme" },
        "label": "grta", "valid_from": now - 1000, "valid_until": now + 86_400_000,
    });
    let key = attestation_key(&attestation).unwrap();
    let payload = Draft::new(
        handle.author(),
        Kind::Attestation,
        "geneva",
        &key,
        86_400_000,
    )
    .payload(&attestation)
    .unwrap();
    handle.own().publish(payload).await.unwrap();

    let page = get_until(&app, &format!("/annonce/{me}/tomme"), "grta").await;
    assert!(
        page.contains("déclaré par Fromagerie des Bossons (émetteur non vérifié)"),
        "a label from an issuer the user does not trust says so: {page}"
    );
    assert!(page.contains(&format!("href=\"/vendeur/{me}\"")), "{page}");

    let seller = get_until(&app, &format!("/vendeur/{me}"), "Tomme de Genève").await;
    assert!(
        seller.contains("<h1>Fromagerie des Bossons</h1>"),
        "{seller}"
    );
    assert!(seller.contains("Une offre"), "{seller}");
    assert!(seller.contains("Tomme de Genève"), "{seller}");
    let (status, _, _) = get(&app, &format!("/vendeur/{}", "ab".repeat(32)), true, None).await;
    assert_eq!(status, axum::http::StatusCode::NOT_FOUND);
    daemon.shutdown().await;
}

#[tokio::test]
async fn search_filters_by_price_and_asks_for_a_postcode_before_delivery() {
    let (_dir, daemon, app) = node().await;
    get_until(&app, "/recherche?q=tomme", "1 résultat").await;
    let (_, cheap, _) = get(&app, "/recherche?q=tomme&price_max=5", true, None).await;
    assert!(cheap.contains("Aucun résultat"), "{cheap}");
    let (_, fits, _) = get(
        &app,
        "/recherche?q=tomme&price_min=9&price_max=10.00",
        true,
        None,
    )
    .await;
    assert!(fits.contains("1 résultat"), "{fits}");
    assert!(
        fits.contains("value=\"10.00\""),
        "the filter keeps what was typed: {fits}"
    );
    assert!(
        fits.contains("Indiquez votre NPA dans les paramètres"),
        "without a postcode, delivery cannot be filtered: {fits}"
    );
    daemon.shutdown().await;
}
